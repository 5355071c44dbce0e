package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// verifyCmd is `verify`.
func verifyCmd() *command {
	return jsonCommand("verify", serverAndStoreFlags, runVerify)
}

// verification is one line of `verify`, and its --json form.
type verification struct {
	Scope    string `json:"scope"`
	Valid    bool   `json:"valid"`
	Identity string `json:"identity,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Error    string `json:"error,omitempty"` // the question could not be asked
	URL      string `json:"url"`
	// Source is the token source asked for the token (add --entra,
	// --keyvault); empty for a PAT.
	Source string `json:"source,omitempty"`
	// Restored: the token had been withdrawn after a refusal and, Azure
	// DevOps accepting it now, is back in service.
	Restored bool `json:"restored,omitempty"`
	// answered: Error is an answer that says nothing about the PAT (404:
	// no organisation there), not a failure to ask.
	answered bool
}

// runVerify asks Azure DevOps (GET {org}/_apis/connectionData) whether each
// PAT, or the one named, is accepted and whose it is. Exit 2 when any is
// invalid or could not be checked.
func runVerify(a *App, o *options, opts *jsonOptions, args []string) error {
	if len(args) > 1 {
		return usagef("give at most one SCOPE")
	}
	b, d, err := a.loadStore(o)
	if err != nil {
		return err
	}
	servers, err := a.declaredServers(o)
	if err != nil {
		return err
	}
	// Secrets are read here, one at a time (a keyring may prompt nothing
	// but is still one call each); the questions to Azure DevOps then go out
	// together, so a hanging server costs one timeout, not one per token.
	tokens, err := optionalScopeTokens(d, b, args)
	if err != nil {
		return err
	}
	var results []verification
	var asks []*store.Token // parallel to results; nil when not asked
	for i := range tokens {
		tok := &tokens[i]
		v := verification{Scope: tok.Scope()}
		if tok.Source != nil {
			v.Source = tok.Source.Spec()
		} else if tok.Secret, _, err = b.Store.Secret(tok.Scope()); err != nil {
			v.Error, tok = withHint(err), nil
		}
		results, asks = append(results, v), append(asks, tok)
	}
	minted := make([]*helper.Minted, len(asks)) // a token source's fresh token
	var wg sync.WaitGroup
	for i, tok := range asks {
		if tok != nil {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if tok.Source != nil {
					// The source is checked end to end: a token is minted
					// now, not taken from the cache.
					ctx, cancel := context.WithTimeout(context.Background(), helper.MintTimeout)
					m, err := a.mint(ctx, tok.Source)
					cancel()
					if err != nil {
						results[i].Error = "no token from " + tok.Source.String() + ": " + err.Error()
						return
					}
					minted[i], tok.Secret = &m, m.Secret
				}
				v := a.verifyOne(verifyEndpoint(tok, servers), tok.Scope(), tok.Secret, tok.Source.IsEntraToken())
				v.Source = results[i].Source
				results[i] = v
			}()
		}
	}
	wg.Wait()
	for i, m := range minted {
		if m != nil {
			if _, err := helper.CacheMinted(b.Store, asks[i], *m, a.Now()); err != nil {
				printf(a.Stderr, "git-credential-adopat: the token minted for %s was not cached: %s\n", asks[i].Scope(), withHint(err))
			}
		}
	}
	if err := restoreAccepted(b, results, asks); err != nil {
		return err
	}
	if err := recordOwners(b, results, asks); err != nil {
		printf(a.Stderr, "git-credential-adopat: whose PATs they are was not recorded: %s\n", withHint(err))
	}
	if opts.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	bad := 0
	var invalid []string // PATs Azure DevOps refused: the next step is rotate
	for i, r := range results {
		if !opts.json {
			printf(a.Stdout, "%s\n", r.line())
		}
		if !r.Valid {
			bad++
			if r.Error == "" && r.Source == "" && asks[i] != nil {
				invalid = append(invalid, r.Scope)
			}
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d tokens are not valid or could not be checked%s", bad, len(results), verifyNextStep(invalid, bad))
	}
	return nil
}

// verifyNextStep says what to do after verify's summary, so that a refused
// PAT does not end at "INVALID": a new PAT goes in with rotate (which
// checks it before it replaces the old one); a token that could not be
// checked, or a token source, is asked again once its cause is fixed.
func verifyNextStep(invalid []string, bad int) string {
	var steps []string
	for _, scope := range invalid {
		steps = append(steps, fmt.Sprintf("create a new PAT in Azure DevOps and run `git-credential-adopat rotate %s`", shellQuote(scope)))
	}
	if bad > len(invalid) {
		steps = append(steps, "run `git-credential-adopat verify` again once the reason given above is fixed")
	}
	return ": " + strings.Join(steps, "; ")
}

// restoreAccepted puts back into service every withdrawn token Azure
// DevOps has just accepted, so a timer running `verify` heals a server
// after an outage or a briefly disabled PAT. Only the PAT that was asked
// about is restored: one rotated meanwhile is left as it is.
func restoreAccepted(b *backend, results []verification, asks []*store.Token) error {
	accepted := map[string]string{} // scope -> the PAT Azure DevOps accepted
	for i, tok := range asks {
		if tok != nil && tok.Withdrawn != nil && results[i].Valid {
			accepted[tok.Scope()] = tok.Secret
		}
	}
	if len(accepted) == 0 {
		return nil
	}
	restored := map[string]bool{}
	err := b.Store.Update(func(d *store.Data) (bool, error) {
		for i := range d.Tokens {
			tok := &d.Tokens[i]
			if pat, ok := accepted[tok.Scope()]; ok && tok.Withdrawn != nil && tok.Secret == pat {
				tok.Withdrawn, restored[tok.Scope()] = nil, true
			}
		}
		return len(restored) > 0, nil
	})
	if err != nil {
		return fmt.Errorf("Azure DevOps accepts withdrawn tokens again, but they could not be put back into service: %w", err)
	}
	for i := range results {
		results[i].Restored = restored[results[i].Scope]
	}
	return nil
}

func (r verification) line() string {
	switch {
	case r.Error != "":
		return fmt.Sprintf("%s: not checked: %s", r.Scope, r.Error)
	case r.Valid && r.Source != "":
		return fmt.Sprintf("%s: valid, authenticated as %s (a token just obtained from %s)", r.Scope, r.Identity, r.Source)
	case r.Valid && r.Restored:
		return fmt.Sprintf("%s: valid, authenticated as %s; it had been withdrawn and is back in service", r.Scope, r.Identity)
	case r.Valid:
		return fmt.Sprintf("%s: valid, authenticated as %s", r.Scope, r.Identity)
	}
	return fmt.Sprintf("%s: INVALID: %s", r.Scope, r.Reason)
}

// verifyOne asks once, through the client git's settings call for (see
// azdoClient). A network failure is reported as such, never as "invalid":
// the PAT may be fine and the proxy down.
func (a *App) verifyOne(e adoapi.Endpoint, scope, pat string, bearer bool) verification {
	v := verification{Scope: scope}
	v.URL, _ = e.URL()
	c, err := a.azdoClient(v.URL, true)
	if err != nil {
		v.Error = "network: " + err.Error()
		return v
	}
	verify := c.Verify
	if bearer {
		verify = c.VerifyBearer // a Microsoft Entra token
	}
	res, err := verify(context.Background(), e, pat)
	var netErr *adoapi.NetworkError
	switch {
	case errors.As(err, &netErr):
		v.Error = "network: " + err.Error()
	case err != nil:
		var respErr *adoapi.ResponseError
		v.Error, v.answered = err.Error(), errors.As(err, &respErr)
	default:
		v.Valid, v.Identity, v.Reason = res.Valid, res.Identity.String(), res.Reason
	}
	return v
}

// verifyEndpoint is the organisation for cloud tokens; for a server token,
// the declared --server with its path prefix (the collection's URL) when
// one matches, else the host itself.
func verifyEndpoint(tok *store.Token, servers []azdo.Server) adoapi.Endpoint {
	if !tok.IsServer() {
		return adoapi.OrgEndpoint(tok.Org)
	}
	if s, ok := declaredFor(tok.Protocol, tok.Host, servers); ok {
		return adoapi.ServerEndpoint(s)
	}
	return adoapi.ServerEndpoint(azdo.Server{Scheme: tok.Protocol, Host: tok.Host})
}

// declaredServers are the --server flags given, then the servers install
// declared in git's configuration (credential.URL.helper = adopat --server
// URL, as serverHelper writes it), whose URL carries the collection's path
// prefix that a token stored with `add --server` does not.
func (a *App) declaredServers(o *options) ([]azdo.Server, error) {
	servers, err := o.parseServers()
	if err != nil {
		return nil, err
	}
	return append(servers, a.gitDeclaredServers()...), nil
}

// gitDeclaredServers are the servers declared in git's configuration, in
// any file git reads here, in git's order.
func (a *App) gitDeclaredServers() []azdo.Server {
	var servers []azdo.Server
	entries, _ := a.gitConfig().getRegexp(`^credential\..*\.helper$`)
	for _, e := range entries {
		if s, ok := parseServerHelper(e.value); ok {
			servers = append(servers, s)
		}
	}
	return servers
}

// declaredFor is the declared server a server token belongs to: same
// scheme, same host (and port).
func declaredFor(scheme, host string, servers []azdo.Server) (azdo.Server, bool) {
	for _, s := range servers {
		if s.Scheme == scheme && strings.EqualFold(s.Host, host) {
			return s, true
		}
	}
	return azdo.Server{}, false
}

// warnUndeclared follows `add --server URL`: git asks adopat only for
// servers install declared, so a token for any other sits unused. One line
// says so, with the command that declares it.
func (a *App) warnUndeclared(o *options) {
	if len(o.servers) != 1 {
		return
	}
	s, err := azdo.ParseServer(o.servers[0])
	if err != nil {
		return
	}
	if _, ok := declaredFor(s.Scheme, s.Host, a.gitDeclaredServers()); ok {
		return
	}
	printf(a.Stderr, "note: git does not ask adopat for %s://%s: no server there is declared in git's config; declare it with: git-credential-adopat install --server %s\n",
		s.Scheme, s.Host, shellQuote(s.String()))
}
