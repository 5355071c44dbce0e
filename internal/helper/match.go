package helper

import (
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// cloudMatches returns the indexes of the cloud tokens whose scope covers
// the target, most specific first: a token for "org/project" wins over one
// for "org". Withdrawn tokens are included only when withdrawn is true.
func cloudMatches(d *store.Data, t azdo.Target, withdrawn bool) []int {
	var project, org []int
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		if tok.IsServer() || !azdo.EqualFold(tok.Org, t.Org) || (tok.Withdrawn != nil && !withdrawn) {
			continue
		}
		switch {
		case tok.Project == "":
			org = append(org, i)
		case t.Project != "" && azdo.EqualFold(tok.Project, t.Project):
			project = append(project, i)
		}
	}
	return append(project, org...)
}

// serverMatches returns the indexes of declared-server entries that git's
// reference semantics match for this request: protocol and host equal and,
// when the request gives them, path and username equal (credential_match()
// in git's credential.c, as used by credential-store and credential-cache).
// With password set, the entry's password must be equal too (erase).
func serverMatches(d *store.Data, c *Credential, withdrawn, matchPassword bool) []int {
	host := azdo.NormalizeHost(c.Protocol, c.Host)
	var out []int
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		switch {
		case !tok.IsServer(), tok.Protocol != c.Protocol, tok.Host != host,
			c.Path != "" && tok.Path != c.Path,
			c.HasUsername && tok.Username != c.Username,
			matchPassword && c.HasPassword && !holds(d, tok, c.Password),
			tok.Withdrawn != nil && !withdrawn:
			continue
		}
		out = append(out, i)
	}
	return out
}

// expired reports whether a token's known expiry has passed.
func expired(tok *store.Token, now time.Time) bool {
	return tok.Expires != nil && !now.Before(*tok.Expires)
}

// holds reports whether a token's secret is password, revealing it first
// for backends that keep secrets apart. A secret that cannot be read holds
// nothing: a store then replaces it, an erase leaves it alone.
func holds(d *store.Data, tok *store.Token, password string) bool {
	return d.Reveal(tok) == nil && tok.Secret == password
}
