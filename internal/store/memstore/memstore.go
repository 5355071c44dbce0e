// Package memstore is a store.Store kept in memory: the tokens' metadata
// and their secrets are held apart, as the OS keyring backend holds them,
// so Load hands out metadata only and Secret reads one token's secrets.
// Nothing outlives the process; it serves where a store must not touch
// the disk or the OS keyring (tests of the CLI, a demo).
package memstore

import (
	"encoding/json"
	"sync"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// Store is an in-memory token store; the zero value is not usable, use New.
type Store struct {
	name string

	mu      sync.Mutex
	tokens  []store.Token        // metadata only, every one Stripped
	secrets map[string][2]string // Token.Scope() -> PAT, refresh token
	// SecretErr, when set, is what Secret and Update report for the
	// secrets of a scope instead of reading them: a token whose secret
	// cannot be read, as a keyring item deleted outside adopat.
	SecretErr func(scope string) error
}

// New is an empty store; name says which one in messages ("memory store
// NAME").
func New(name string) *Store {
	return &Store{name: name, secrets: map[string][2]string{}}
}

// Where names the store for messages.
func (s *Store) Where() string { return "memory store " + s.name }

// Load returns a copy of the tokens' metadata, every token Stripped.
func (s *Store) Load() (*store.Data, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := store.NewData()
	d.Tokens = clone(s.tokens)
	d.StripSecrets()
	return d, nil
}

// Secret reads the secrets of the token named by scope (Token.HasScope).
func (s *Store) Secret(scope string) (pat, refresh string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := store.Data{Tokens: s.tokens}
	i, ok := d.Find(scope)
	if !ok {
		return "", "", &store.ScopeNotFoundError{Scope: scope, Where: s.Where()}
	}
	return s.read(s.tokens[i].Scope())
}

func (s *Store) read(scope string) (pat, refresh string, err error) {
	if s.SecretErr != nil {
		if err := s.SecretErr(scope); err != nil {
			return "", "", err
		}
	}
	sec, ok := s.secrets[scope]
	if !ok {
		return "", "", store.NewError("the secret of "+scope+" is missing from "+s.Where(), store.ErrSecretMissing)
	}
	return sec[0], sec[1], nil
}

// Update runs fn on every token with its secrets under the store's lock
// and keeps the result when fn reports a change. A token whose secrets
// cannot be read reaches fn Stripped and listed in d.Unread, and keeps its
// secrets unless fn replaces it; any other Stripped token fn puts in is
// refused (store.NeverReadError).
func (s *Store) Update(fn func(d *store.Data) (changed bool, err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := store.NewData()
	d.Tokens = clone(s.tokens)
	handed := map[string]bool{} // scopes handed out Stripped
	for i := range d.Tokens {
		t := &d.Tokens[i]
		pat, refresh, err := s.read(t.Scope())
		if err != nil {
			if d.Unread == nil {
				d.Unread = map[string]error{}
			}
			d.Unread[t.Scope()], handed[t.Scope()] = err, true
			t.StripSecrets()
			continue
		}
		t.SetSecrets(pat, refresh)
	}
	changed, err := fn(d)
	if err != nil || !changed {
		return err
	}
	secrets := map[string][2]string{}
	for i := range d.Tokens {
		t := &d.Tokens[i]
		switch {
		case t.Stripped() && handed[t.Scope()]:
			if sec, ok := s.secrets[t.Scope()]; ok {
				secrets[t.Scope()] = sec
			}
		case t.Stripped():
			return store.NeverReadError(t)
		default:
			secrets[t.Scope()] = [2]string{t.Secret, t.OAuthRefreshToken}
		}
	}
	kept := clone(d.Tokens)
	for i := range kept {
		kept[i].StripSecrets()
	}
	s.tokens, s.secrets = kept, secrets
	return nil
}

// clone is a deep copy of tokens, so that no caller shares a slice or a
// time with the store.
func clone(tokens []store.Token) []store.Token {
	out := make([]store.Token, len(tokens))
	for i := range tokens {
		t := tokens[i]
		raw, err := json.Marshal(&t)
		if err != nil {
			panic(err) // a Token always encodes
		}
		var c store.Token
		if err := json.Unmarshal(raw, &c); err != nil {
			panic(err)
		}
		c.SetSecrets(t.Secret, t.OAuthRefreshToken)
		if t.Stripped() {
			c.StripSecrets()
		}
		out[i] = c
	}
	return out
}

var _ store.Store = (*Store)(nil)
