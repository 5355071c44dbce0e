package memstore

import (
	"errors"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

func TestSecretsAreKeptApartFromMetadata(t *testing.T) {
	s := New("t")
	exp := time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)
	err := s.Update(func(d *store.Data) (bool, error) {
		d.Put(store.Token{Org: "fabrikam", Secret: "pat1", Label: "laptop", Expires: &exp})
		d.Put(store.Token{Protocol: "https", Host: "tfs.example.com", Username: "me", Secret: "pat2", OAuthRefreshToken: "r2"})
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tokens) != 2 || d.Tokens[0].Label != "laptop" || !store.SameTime(d.Tokens[0].Expires, &exp) {
		t.Fatalf("Load gave %+v", d.Tokens)
	}
	for _, tok := range d.Tokens {
		if !tok.Stripped() || tok.Secret != "" {
			t.Errorf("Load handed out %s with its secret", tok.Scope())
		}
	}
	if pat, _, err := s.Secret("FABRIKAM"); err != nil || pat != "pat1" {
		t.Errorf("Secret(FABRIKAM) = %q, %v", pat, err)
	}
	if pat, refresh, err := s.Secret("https://me@tfs.example.com"); err != nil || pat != "pat2" || refresh != "r2" {
		t.Errorf("Secret(server) = %q, %q, %v", pat, refresh, err)
	}
	var nf *store.ScopeNotFoundError
	if _, _, err := s.Secret("contoso"); !errors.As(err, &nf) || !errors.Is(err, store.ErrNotFound) || nf.Where != "memory store t" {
		t.Errorf("Secret(contoso) = %v, want a ScopeNotFoundError", err)
	}

	// A Load copy put back is refused: it would store an empty PAT.
	err = s.Update(func(u *store.Data) (bool, error) { u.Tokens[0] = d.Tokens[0]; return true, nil })
	if err == nil {
		t.Error("Update stored a token whose secret was never read")
	}
	// Changing a copy changes nothing in the store.
	d.Tokens[0].Label = "changed"
	if again, _ := s.Load(); again.Tokens[0].Label != "laptop" {
		t.Error("a Load copy shares its tokens with the store")
	}
}

func TestUnreadSecretsSurviveUpdate(t *testing.T) {
	s := New("t")
	if err := s.Update(func(d *store.Data) (bool, error) {
		d.Put(store.Token{Org: "fabrikam", Secret: "pat1"})
		d.Put(store.Token{Org: "contoso", Secret: "pat2"})
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	gone := store.NewError("unreadable", store.ErrSecretMissing)
	s.SecretErr = func(scope string) error {
		if scope == "contoso" {
			return gone
		}
		return nil
	}
	err := s.Update(func(d *store.Data) (bool, error) {
		if !errors.Is(d.Unread["contoso"], store.ErrSecretMissing) || !d.Tokens[1].Stripped() {
			t.Errorf("Unread %v, contoso stripped %v", d.Unread, d.Tokens[1].Stripped())
		}
		d.Tokens[0].Label = "x"
		d.Tokens[1].Label = "y"
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.SecretErr = nil
	if pat, _, err := s.Secret("contoso"); err != nil || pat != "pat2" {
		t.Errorf("contoso after the update: %q, %v", pat, err)
	}
	if d, _ := s.Load(); d.Tokens[1].Label != "y" {
		t.Errorf("metadata of the unread token not kept: %+v", d.Tokens[1])
	}
}
