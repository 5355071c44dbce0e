package cli

import (
	"net/url"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
)

// azdoClient is the client for asking Azure DevOps at rawURL (a
// connectionData URL): it trusts the CA git trusts for that URL and goes
// through the proxy git would use, so that what clones also verifies.
// Every question to Azure DevOps (verify, rotate, add's check, erase's
// check) gets its client here, or from App.AzureDevOps when set. askGit
// true asks `git config`, which only commands at a terminal may do: git's
// get, store and erase never spawn a process (see checkPAT).
func (a *App) azdoClient(rawURL string, askGit bool) (*adoapi.Client, error) {
	if a.AzureDevOps != nil {
		return a.AzureDevOps(rawURL, askGit)
	}
	n, err := a.gitNetwork(rawURL, askGit)
	if err != nil {
		return nil, err
	}
	h, err := adoapi.NewHTTP(n)
	if err != nil {
		return nil, err
	}
	return &adoapi.Client{HTTP: h}, nil
}

// gitNetwork is what git's http settings say for rawURL, with git's
// precedence (git-config(1), http.c):
//
//   - CA file: GIT_SSL_CAINFO, else http.<url>.sslCAInfo, else
//     http.sslCAInfo; none means the system roots (and SSL_CERT_FILE).
//   - proxy: http.<url>.proxy, else http.proxy (an empty value: no
//     proxy), else for https https_proxy or HTTPS_PROXY, for http
//     http_proxy, then all_proxy or ALL_PROXY; the lower-case variable
//     wins, as in git. NO_PROXY (no_proxy winning) lists hosts reached
//     directly, even past a configured proxy, as curl does.
//
// askGit false reads the environment alone (no git process).
func (a *App) gitNetwork(rawURL string, askGit bool) (adoapi.Network, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return adoapi.Network{}, err
	}
	var n adoapi.Network
	proxySet := false
	if askGit {
		if v, ok, err := a.gitConfig().getURLMatch("http.sslCAInfo", rawURL, true); err != nil {
			return n, err
		} else if ok {
			n.CAFile = v
		}
		if v, ok, err := a.gitConfig().getURLMatch("http.proxy", rawURL, false); err != nil {
			return n, err
		} else if ok {
			n.Proxy, proxySet = v, true
		}
	}
	if v, ok := a.lookupEnv("GIT_SSL_CAINFO"); ok && v != "" {
		n.CAFile = v
	}
	if !proxySet {
		names := []string{"http_proxy"}
		if u.Scheme == "https" {
			names = []string{"HTTPS_PROXY", "https_proxy"}
		}
		n.Proxy, proxySet = a.lastEnv(names...)
		if !proxySet {
			n.Proxy, _ = a.lastEnv("ALL_PROXY", "all_proxy")
		}
	}
	n.NoProxy, _ = a.lastEnv("NO_PROXY", "no_proxy")
	return n, nil
}

// lastEnv is the value of the last of names that is set, as git's
// var_override chain reads them.
func (a *App) lastEnv(names ...string) (value string, set bool) {
	for _, name := range names {
		if v, ok := a.lookupEnv(name); ok {
			value, set = v, true
		}
	}
	return value, set
}
