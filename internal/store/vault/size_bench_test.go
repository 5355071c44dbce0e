package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// benchSizes are the vault sizes the decoding benchmarks run at: one
// token, and the 1,000 of the whole-process benchmark (bench/).
var benchSizes = []int{1, 1000}

// sizedVault holds n organisation tokens, org0000 …
func sizedVault(b *testing.B, n int) *Store {
	v := newTestVault(b)
	err := v.Update(func(d *store.Data) (bool, error) {
		for i := range n {
			d.Tokens = append(d.Tokens, store.Token{Org: fmt.Sprintf("org%04d", i), Username: "pat",
				Secret: storetest.RandSecret(b), Scopes: []string{"vso.code"}, Created: time.Now().UTC()})
		}
		return true, nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return v
}

// BenchmarkLoadTokens is vault decoding as a get does it in a new
// process: read the identity, decrypt, decode the JSON, strip secrets.
func BenchmarkLoadTokens(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			v := sizedVault(b, n)
			if fi, err := os.Stat(v.Path()); err == nil {
				b.SetBytes(fi.Size())
			}
			for b.Loop() {
				d, err := New(v.Path(), v.IdentityPath()).Load()
				if err != nil || len(d.Tokens) != n {
					b.Fatalf("Load: %d tokens, %v", len(d.Tokens), err)
				}
			}
		})
	}
}

// BenchmarkSecret is the PAT lookup that follows Load in a get: from the
// content Load decrypted, no second decryption.
func BenchmarkSecret(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			full := sizedVault(b, n)
			v := New(full.Path(), full.IdentityPath())
			if _, err := v.Load(); err != nil {
				b.Fatal(err)
			}
			scope := fmt.Sprintf("org%04d", n-1)
			for b.Loop() {
				if pat, _, err := v.Secret(scope); err != nil || pat == "" {
					b.Fatalf("Secret(%s): %v", scope, err)
				}
			}
		})
	}
}

// BenchmarkLoadPassphraseFile is a get with a passphrase-protected
// identity opened with ADOPAT_PASSPHRASE_FILE, at age's production scrypt
// cost: the KDF is what it adds to BenchmarkLoadTokens/tokens=1.
func BenchmarkLoadPassphraseFile(b *testing.B) {
	saved := scryptWorkFactor
	scryptWorkFactor = 0 // age's default cost, as in production
	b.Cleanup(func() { scryptWorkFactor = saved })
	v := sizedVault(b, 1)
	pass := storetest.RandSecret(b)
	if err := v.SetPassphrase(pass); err != nil {
		b.Fatal(err)
	}
	passFile := filepath.Join(b.TempDir(), "passphrase")
	if err := os.WriteFile(passFile, []byte(pass+"\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := New(v.Path(), v.IdentityPath())
		s.SetKeyOptions(KeyOptions{PassphraseFile: passFile, PassphraseFrom: "ADOPAT_PASSPHRASE_FILE"})
		if _, err := s.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
