package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// helperEnv selects a helper mode when the test binary is re-executed as a
// separate process (see TestMain and concurrency_test.go).
const helperEnv = "ADOPAT_STORE_TEST_HELPER"

func TestMain(m *testing.M) {
	// A low scrypt cost keeps passphrase tests fast; production keeps age's.
	scryptWorkFactor = 10
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(storetest.Main(m, acceptAsRAM))
}

// acceptAsRAM makes checkRAM accept the tests' runtime directory where it
// is not on a RAM file system (macOS, BSDs without a tmpfs), so the unlock
// tests still run there.
func acceptAsRAM(dir string) {
	if ok, _, _ := fsx.RAMBacked(dir); ok {
		return
	}
	real := checkRAM
	checkRAM = func(d string) (bool, string, error) {
		if d == dir {
			return true, "test stand-in", nil
		}
		return real(d)
	}
}

// moreHelpers are helper modes of platform-specific tests.
var moreHelpers = map[string]func() int{}

// runHelper is the body of a re-executed test binary.
func runHelper(mode string) int {
	switch mode {
	case "add-token":
		v := New(os.Getenv("ADOPAT_TEST_VAULT"), os.Getenv("ADOPAT_TEST_IDENTITY"))
		if err := addToken(v, os.Getenv("ADOPAT_TEST_ORG"), os.Getenv("ADOPAT_TEST_SECRET")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	if h, ok := moreHelpers[mode]; ok {
		return h()
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}

// newTestVault returns a Store two directory levels below a fresh temp dir,
// so that directory creation is exercised too.
func newTestVault(t testing.TB) *Store {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data", "adopat", "vault.age")
	return New(p, DefaultIdentityPath(p))
}

// addToken stores a cloud token for org, as `store` would.
func addToken(v *Store, org, secret string) error { return storetest.AddToken(v, org, secret) }

func mustAdd(t testing.TB, v *Store, org, secret string) {
	t.Helper()
	storetest.MustAdd(t, v, org, secret)
}

// protectedVault is a test vault holding a token for fabrikam, its
// identity protected with a fresh passphrase: the vault, the token's
// secret and the passphrase.
func protectedVault(t testing.TB) (v *Store, secret, pass string) {
	t.Helper()
	v = newTestVault(t)
	secret, pass = storetest.RandSecret(t), storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	return v, secret, pass
}

// tokenSecrets maps org to secret for the tokens in d, loaded from s.
func tokenSecrets(t testing.TB, s store.Store, d *store.Data) map[string]string {
	t.Helper()
	m := make(map[string]string, len(d.Tokens))
	for _, tok := range d.Tokens {
		secret, _, err := s.Secret(tok.Scope())
		if err != nil {
			t.Errorf("reading the secret of %s: %v", tok.Scope(), err)
		}
		m[tok.Org] = secret
	}
	return m
}
