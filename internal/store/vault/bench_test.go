package vault

import (
	"fmt"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// benchVault holds 20 tokens, a realistic large vault.
func benchVault(b *testing.B) *Store {
	v := newTestVault(b)
	err := v.Update(func(d *store.Data) (bool, error) {
		for i := range 20 {
			d.Tokens = append(d.Tokens, store.Token{Org: fmt.Sprintf("org%d", i), Username: "pat",
				Secret: storetest.RandSecret(b), Scopes: []string{"vso.code", "vso.packaging"}, Created: time.Now()})
		}
		return true, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkLoad is the git "get" path: a fresh Store (new process) reading
// with a plain identity.
func BenchmarkLoad(b *testing.B) {
	v := benchVault(b)
	for b.Loop() {
		if _, err := New(v.Path(), v.IdentityPath()).Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateNoChange is a "store" of a token already present.
func BenchmarkUpdateNoChange(b *testing.B) {
	v := benchVault(b)
	for b.Loop() {
		err := New(v.Path(), v.IdentityPath()).Update(func(d *store.Data) (bool, error) { return false, nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadUnlocked is "get" with a passphrase-protected identity that
// was unlocked: it must cost about the same as BenchmarkLoad (no scrypt).
func BenchmarkLoadUnlocked(b *testing.B) {
	saved := scryptWorkFactor
	scryptWorkFactor = 0 // production cost, to show it is not paid here
	v := benchVault(b)
	pass := storetest.RandSecret(b)
	if err := v.SetPassphrase(pass); err != nil {
		b.Fatal(err)
	}
	scryptWorkFactor = saved
	if err := v.Unlock(pass, time.Hour); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Lock() })
	b.ResetTimer()
	for b.Loop() {
		if _, err := New(v.Path(), v.IdentityPath()).Load(); err != nil {
			b.Fatal(err)
		}
	}
}
