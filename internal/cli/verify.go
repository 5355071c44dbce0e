package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// verifyClient asks Azure DevOps about a PAT; tests point it at the
// stand-in through HTTPS_PROXY and SSL_CERT_FILE like any Go client.
var verifyClient = &adoapi.Client{}

// verification is one line of `verify`, and its --json form.
type verification struct {
	Scope    string `json:"scope"`
	Valid    bool   `json:"valid"`
	Identity string `json:"identity,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Error    string `json:"error,omitempty"` // the question could not be asked
	URL      string `json:"url"`
}

// runVerify asks Azure DevOps (GET {org}/_apis/connectionData) whether each
// PAT, or the one named, is accepted and whose it is. Exit 2 when any is
// invalid or could not be checked.
func runVerify(a *App, o *options, args []string) error {
	if len(args) > 1 {
		return usagef("give at most one SCOPE")
	}
	b, d, err := a.loadStore(o)
	if err != nil {
		return err
	}
	servers, err := o.parseServers()
	if err != nil {
		return err
	}
	var results []verification
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		if len(args) == 1 && !tok.HasScope(args[0]) {
			continue
		}
		if err := d.Reveal(tok); err != nil {
			results = append(results, verification{Scope: tok.Scope(), Error: err.Error()})
			continue
		}
		results = append(results, verifyOne(verifyTarget(tok, servers), tok.Scope(), tok.Secret))
	}
	if len(args) == 1 && len(results) == 0 {
		return usagef("no token with scope %q in %s; see `git-credential-adopat list`", args[0], b.describe())
	}
	if o.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	bad := 0
	for _, r := range results {
		if !o.json {
			fmt.Fprintln(a.Stdout, r.line())
		}
		if !r.Valid {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d tokens are not valid or could not be checked", bad, len(results))
	}
	return nil
}

func (r verification) line() string {
	switch {
	case r.Error != "":
		return fmt.Sprintf("%s: not checked: %s", r.Scope, r.Error)
	case r.Valid:
		return fmt.Sprintf("%s: valid, authenticated as %s", r.Scope, r.Identity)
	}
	return fmt.Sprintf("%s: INVALID: %s", r.Scope, r.Reason)
}

// verifyOne asks once. A network failure is reported as such, never as
// "invalid": the PAT may be fine and the proxy down.
func verifyOne(t adoapi.Target, scope, pat string) verification {
	v := verification{Scope: scope}
	v.URL, _ = t.URL()
	res, err := verifyClient.Verify(context.Background(), t, pat)
	var netErr *adoapi.NetworkError
	switch {
	case errors.As(err, &netErr):
		v.Error = "network: " + err.Error()
	case err != nil:
		v.Error = err.Error()
	default:
		v.Valid, v.Identity, v.Reason = res.Valid, res.Identity.String(), res.Reason
	}
	return v
}

// verifyTarget is the organisation for cloud tokens; for a server token,
// the declared --server with its path prefix (the collection's URL) when
// one matches, else the host itself.
func verifyTarget(tok *store.Token, servers []azdo.Server) adoapi.Target {
	if !tok.IsServer() {
		return adoapi.Cloud(tok.Org)
	}
	for _, s := range servers {
		if s.Scheme == tok.Protocol && strings.EqualFold(s.Host, tok.Host) {
			return adoapi.OnPrem(s)
		}
	}
	return adoapi.OnPrem(azdo.Server{Scheme: tok.Protocol, Host: tok.Host})
}
