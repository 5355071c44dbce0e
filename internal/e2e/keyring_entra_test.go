//go:build linux

package e2e_test

import (
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A token source with the OS keyring backend: the cached token is the
// keyring item of its scope (never in the index), git clones from it,
// and a token near its end is minted anew and the item rewritten.
func TestKeyringCachesTheSourcesToken(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	srv := startServer(t, adotest.Options{}, webURL)
	e := srv.StartEntra(t)
	e.AllowManagedIdentity("")
	u := newKeyringUser(t, srv, s).with(e.Env()...)
	assertLoopbackIdentity(t, u.env)
	u.install()
	u.addSource("stored token source managed-identity for fabrikam", "--org", "fabrikam", "--entra", "managed-identity")
	first, ok := keyringSecret(t, s, "fabrikam")
	if !ok || first == "" {
		t.Fatal("add left no cached token in the keyring item")
	}
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByManagedIdentity]; n != 1 {
		t.Errorf("%d mints, want add's alone", n)
	}
	e.SetTokenLifetime(2 * time.Minute)
	u.mustAdopat("", "verify", "fabrikam") // caches a token within the margin
	e.SetTokenLifetime(time.Hour)
	u.mustClone(webURL)
	last, _ := keyringSecret(t, s, "fabrikam")
	if n := e.Minted()[adotest.ByManagedIdentity]; n != 3 || last == first {
		t.Errorf("%d mints, item changed %v: want the clone to mint anew and rewrite the item", n, last != first)
	}
	assertNoLongLivedSecret(t, u.user, e, nil)
}
