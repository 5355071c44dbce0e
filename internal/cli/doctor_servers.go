package cli

import (
	"strings"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// reportServers checks the declared servers and the server tokens against
// git's configuration, as git reads it here:
//
//   - each declared server's entry is the helper git picks for a
//     repository below it (git config --get-urlmatch credential.helper; an
//     entry whose URL git never matches, such as an older install's key
//     with unencoded characters, or a later entry of another helper, shows);
//   - each server token belongs to a declared server, or git never asks
//     adopat for it;
//   - a token for the whole server (add --server) is not under a
//     credential.useHttpPath = true, which makes git send the repository
//     path that no whole-server token is stored for.
func reportServers(a *App, data *store.Data, d *doctor) {
	declared := a.gitDeclaredServers()
	for _, s := range declared {
		repo := s.CredentialURL() + "/PROJECT/_git/REPO"
		helper := gitGetURLMatch(a, "credential.helper", repo)
		switch got, ok := parseServerHelper(helper); {
		case ok && got == s:
			d.add("server_helper", statusOK, s.String(), "", "git asks adopat for %s", s.String())
		case helper == "":
			d.add("server_helper", statusFail, s.String(), "", "git does not ask adopat for %s: its credential entry matches none of its URLs; run `git-credential-adopat uninstall` then `git-credential-adopat install --server %s`", s.String(), shellQuote(s.String()))
		default:
			d.add("server_helper", statusWarn, s.String(), "", "for %s git's last credential helper is %q, not adopat's; adopat answers only if asked before it", repo, helper)
		}
	}
	if data == nil {
		return // the store could not be read: reported with the tokens above
	}
	for i := range data.Tokens {
		tok := &data.Tokens[i]
		if !tok.IsServer() {
			continue
		}
		s, ok := declaredFor(tok.Protocol, tok.Host, declared)
		if !ok {
			d.add("server_token", statusFail, tok.Protocol+"://"+tok.Host, tok.Scope(), "%s: no server on %s://%s is declared in git's config, so git never asks adopat for it; run `git-credential-adopat install --server %s://%s/COLLECTION`",
				tok.Scope(), tok.Protocol, tok.Host, tok.Protocol, tok.Host)
			continue
		}
		usePath := gitGetURLMatch(a, "credential.useHttpPath", s.CredentialURL()+"/PROJECT/_git/REPO")
		switch {
		case tok.Path == "" && gitTrue(usePath):
			d.add("server_token", statusFail, s.String(), tok.Scope(), "%s: credential.useHttpPath is true for %s, so git sends each repository's path and this whole-server token answers none; unset it", tok.Scope(), s.String())
		case tok.Path != "" && !gitTrue(usePath):
			d.add("server_token", statusWarn, s.String(), tok.Scope(), "%s: stored for the path %s, but git sends no path for %s (credential.useHttpPath), so it answers every repository there", tok.Scope(), tok.Path, s.String())
		}
	}
}

// gitGetURLMatch is the value git picks for key and rawURL, trimmed, ""
// when none or when git cannot say.
func gitGetURLMatch(a *App, key, rawURL string) string {
	v, _, _ := a.gitConfig().getURLMatch(key, rawURL, false)
	return strings.TrimSpace(v)
}

// gitTrue reads a boolean as git does: true, yes, on or 1.
func gitTrue(v string) bool {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}
