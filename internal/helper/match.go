package helper

import (
	"errors"
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
// With matchPassword set, the entry's password must be equal too (erase),
// as s reads it.
func serverMatches(d *store.Data, s *secrets, c *Credential, withdrawn, matchPassword bool) []int {
	host := azdo.NormalizeHost(c.Protocol, c.Host)
	var out []int
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		switch {
		case !tok.IsServer(), tok.Protocol != c.Protocol, tok.Host != host,
			c.Path != "" && tok.Path != c.Path,
			c.HasUsername && tok.Username != c.Username,
			matchPassword && c.HasPassword && !s.holds(tok, c.Password),
			tok.Withdrawn != nil && !withdrawn:
			continue
		}
		out = append(out, i)
	}
	return out
}

// getKeep is what get loads (store.LoadFor): the tokens that can match
// the request, judged on the key fields cloudMatches and serverMatches
// compare, so that they see every token they would pick from a full Load.
func getKeep(c *Credential, t azdo.Target) func(key *store.Token) bool {
	if t.Kind == azdo.Cloud {
		return func(k *store.Token) bool { return !k.IsServer() && azdo.EqualFold(k.Org, t.Org) }
	}
	host := azdo.NormalizeHost(c.Protocol, c.Host)
	return func(k *store.Token) bool { return k.IsServer() && k.Protocol == c.Protocol && k.Host == host }
}

// expired reports whether a token's known expiry has passed.
func expired(tok *store.Token, now time.Time) bool {
	return tok.Expires != nil && !now.Before(*tok.Expires)
}

// secrets reads tokens' PATs during one pass over a store's content: from
// the store for a Load snapshot, which holds metadata only, and from the
// tokens themselves inside Update, which hands them out with their
// secrets. Each secret is read from the store at most once per pass.
type secrets struct {
	store store.Store // nil inside Update
	read  map[string]secretRead
}

type secretRead struct {
	pat, refresh string
	err          error
}

// loaded reads secrets from s for a snapshot s.Load returned.
func loaded(s store.Store) *secrets { return &secrets{store: s, read: map[string]secretRead{}} }

// inline reads secrets from the tokens of the content Update hands out.
func inline() *secrets { return &secrets{} }

// of returns tok's PAT and refresh token; an error when they cannot be read.
func (s *secrets) of(tok *store.Token) (pat, refresh string, err error) {
	if s.store == nil {
		if tok.Stripped() {
			return "", "", errors.New("the secret of " + tok.Scope() + " cannot be read")
		}
		return tok.Secret, tok.OAuthRefreshToken, nil
	}
	r, ok := s.read[tok.Scope()]
	if !ok {
		r.pat, r.refresh, r.err = s.store.Secret(tok.Scope())
		s.read[tok.Scope()] = r
	}
	return r.pat, r.refresh, r.err
}

// holds reports whether a token's secret is password. A secret that cannot
// be read holds nothing: a store then replaces it, an erase leaves it
// alone.
func (s *secrets) holds(tok *store.Token, password string) bool {
	pat, _, err := s.of(tok)
	return err == nil && pat == password
}
