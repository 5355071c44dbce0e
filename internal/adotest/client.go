package adotest

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GitEnv returns environment entries that isolate a git client in home and
// route it through the stand-in. Append them after os.Environ() (later
// entries win in os/exec). Credential settings go into home/.gitconfig,
// which is GIT_CONFIG_GLOBAL.
//
// The proxy is set as http.proxy through GIT_CONFIG_COUNT, which overrides
// any proxy in the inherited environment; a caller adding its own
// GIT_CONFIG_* entries must renumber from 1.
func (s *Server) GitEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(home, ".gitconfig"),
		"GIT_TERMINAL_PROMPT=0",
		// An inherited GIT_ASKPASS or SSH_ASKPASS (desktop sessions, IDEs)
		// would pop up a prompt instead of failing; empty disables both.
		"GIT_ASKPASS=",
		"GIT_SSL_CAINFO=" + s.CAFile,
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=http.proxy",
		"GIT_CONFIG_VALUE_0=" + s.ProxyURL,
		// curl still honours no_proxy with an explicit proxy; a developer's
		// NO_PROXY=.visualstudio.com would bypass the stand-in.
		"NO_PROXY=",
		"no_proxy=",
		// A helper that keeps files in os.UserConfigDir / UserCacheDir must
		// not reach the developer's real directories through inherited XDG
		// variables.
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
	}
}

// GoClientEnv returns environment entries for a Go program (not git) that
// should reach the stand-in with net/http defaults: the CA and the proxy.
func (s *Server) GoClientEnv() []string {
	return []string{
		"SSL_CERT_FILE=" + s.CAFile,
		"HTTPS_PROXY=" + s.ProxyURL,
		"HTTP_PROXY=" + s.ProxyURL,
		"NO_PROXY=",
		"no_proxy=",
	}
}

// Client returns an HTTP client for in-process Go code that trusts the CA
// and goes through the proxy. Call CloseIdleConnections on its transport
// (or let Close cut the tunnels) when done.
func (s *Server) Client() *http.Client {
	proxyURL, _ := url.Parse(s.ProxyURL) // built by us, always valid
	return &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12},
	}}
}

// isAzureIdentityVar reports whether the variable configures a Microsoft
// Entra identity the Azure SDK would pick up (a developer's own, an
// agent's managed identity): a client of the stand-in gets only the
// Entra stand-in's (Entra.Env).
func isAzureIdentityVar(up string) bool {
	for _, p := range []string{"AZURE_", "AZURESUBSCRIPTION_", "IDENTITY_", "MSI_", "IMDS_", "SYSTEM_OIDC"} {
		if strings.HasPrefix(up, p) {
			return true
		}
	}
	return up == "DEFAULT_IDENTITY_CLIENT_ID" || up == "SSL_CERT_FILE" || up == "SSL_CERT_DIR"
}

// IsolatedEnv is environ without what would let a developer's own setup
// reach a client of the stand-in (git's and adopat's variables, the XDG
// directories, proxies, HOME, SSH_ASKPASS, Azure identity settings and
// CA overrides) nor the variables named in
// drop, with binDir first on PATH. The caller appends HOME and the rest
// (GitEnv).
func IsolatedEnv(environ []string, binDir string, drop ...string) []string {
	var env []string
	path := ""
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		switch up := strings.ToUpper(k); {
		case up == "PATH":
			path = v
		case up == "HOME", strings.HasPrefix(up, "GIT_"), strings.HasPrefix(up, "ADOPAT_"),
			strings.HasPrefix(up, "XDG_"), strings.HasSuffix(up, "_PROXY"), up == "SSH_ASKPASS",
			isAzureIdentityVar(up), slices.Contains(drop, up):
		default:
			env = append(env, kv)
		}
	}
	return append(env, "PATH="+binDir+string(os.PathListSeparator)+path)
}
