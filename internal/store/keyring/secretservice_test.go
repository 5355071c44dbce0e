//go:build linux

package keyring

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/adopat/git-credential-adopat/internal/keyringtest"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// These tests run against a real gnome-keyring on a private bus (see
// internal/keyringtest). They point the process environment at it with
// t.Setenv, so none of them is parallel.

func startSecretService(t *testing.T) (*keyringtest.Session, *Store) {
	t.Helper()
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	s.Setenv(t)
	return s, New(filepath.Join(t.TempDir(), "adopat", "keyring-index.json"), Options{})
}

func secretTool(t *testing.T, s *keyringtest.Session, args ...string) (string, error) {
	t.Helper()
	out, err := s.Command("secret-tool", args...).CombinedOutput()
	return string(out), err
}

func TestSecretServiceRoundTrip(t *testing.T) {
	s, k := startSecretService(t)
	a, b, c, r := storetest.RandSecret(t), storetest.RandSecret(t), storetest.RandSecret(t), storetest.RandSecret(t)
	srv := store.Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe", Secret: c, OAuthRefreshToken: r}
	addTo(t, k, cloudToken("fabrikam", a), store.Token{Org: "fabrikam", Project: "Website", Secret: b}, srv)

	out, err := secretTool(t, s, "search", "--all", "service", DefaultService)
	if err != nil {
		t.Fatalf("secret-tool search: %v: %s", err, out)
	}
	for _, account := range []string{"fabrikam", "fabrikam/Website", srv.Scope(), srv.Scope() + " (oauth_refresh_token)"} {
		if !strings.Contains(out, "attribute.username = "+account+"\n") {
			t.Errorf("secret-tool search does not show an item with account %q:\n%s", account, out)
		}
	}
	for scope, want := range map[string]string{"fabrikam": a, "fabrikam/Website": b, srv.Scope(): c} {
		if tok, err := revealed(t, k, scope); err != nil || tok.Secret != want {
			t.Errorf("Secret(%s): %v", scope, err)
		}
	}
	if tok, _ := revealed(t, k, srv.Scope()); tok.OAuthRefreshToken != r {
		t.Error("the OAuth refresh token did not round-trip")
	}
	storetest.AssertNoLeak(t, "index", storetest.ReadFile(t, k.Path()), a, b, c, r)

	withdraw(t, k, "fabrikam") // git's erase: the PAT stays
	if out, err := secretTool(t, s, "lookup", "service", DefaultService, "username", "fabrikam"); err != nil || out != a {
		t.Errorf("after a withdraw the item is %v (err %v), want the PAT kept", out != a, err)
	}
	removeScope(t, k, "fabrikam/Website")
	if _, err := keyring.Get(DefaultService, "fabrikam/Website"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("after remove, the item is still there (Get: %v)", err)
	}
	if strings.Contains(string(storetest.ReadFile(t, k.Path())), "Website") {
		t.Error("after remove, the index still lists the token")
	}
	if ok, reason := Probe(5 * time.Second); !ok || !strings.Contains(reason, "gnome-keyring") {
		t.Errorf("Probe = %v, %q; want true naming gnome-keyring", ok, reason)
	}
	if s.Activated() {
		t.Error("something made the bus activate a Secret Service")
	}
	noPrompt(t, s)
}

// noPrompt fails if anything asked the Secret Service for a prompt, or
// to unlock a collection that was locked: on a desktop, either would
// open a dialog and go-keyring would wait for it forever.
func noPrompt(t *testing.T, s *keyringtest.Session) {
	t.Helper()
	for _, c := range s.SecretCalls() {
		if strings.HasPrefix(c, "org.freedesktop.Secret.Prompt.") {
			t.Errorf("a Secret Service prompt was requested (%s)", c)
		}
	}
}

func TestSecretServiceLocked(t *testing.T) {
	s, k := startSecretService(t)
	secret := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", secret))
	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	mark := len(s.SecretCalls())
	var revealErr, updateErr error
	var ok bool
	var reason string
	within(t, func() {
		_, revealErr = reveal(k, "fabrikam")
		updateErr = k.Update(func(d *store.Data) (bool, error) { return true, nil })
		ok, reason = Probe(5 * time.Second)
	})
	storetest.WantErr(t, revealErr, store.ErrKeyringLocked, "is locked")
	storetest.WantKeyringState(t, revealErr, store.KeyringCollectionLocked) // the CLI adds: unlock it (...) and try again, or use --backend file
	storetest.AssertNoLeak(t, "error", []byte(revealErr.Error()), secret)
	storetest.WantErr(t, updateErr, store.ErrKeyringLocked)
	if !ok || !strings.Contains(reason, "locked") {
		t.Errorf("Probe = %v, %q; want true, saying it is locked", ok, reason)
	}
	if locked, err := s.Locked(); err != nil || !locked {
		t.Errorf("the collection is no longer locked (%v, %v): something unlocked it", locked, err)
	}
	// go-keyring calls Service.Unlock before every use; on a locked
	// collection that is the prompt the preflight exists to prevent.
	if calls := s.SecretCalls()[mark:]; slices.Contains(calls, "org.freedesktop.Secret.Service.Unlock") {
		t.Errorf("an unlock was requested while the collection was locked: %v", calls)
	}
	noPrompt(t, s)
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != secret {
		t.Errorf("after unlocking: %v", err)
	}
}

func TestSecretServiceItemDeletedBehindOurBack(t *testing.T) {
	s, k := startSecretService(t)
	secrets := map[string]string{"fabrikam": storetest.RandSecret(t), "contoso": storetest.RandSecret(t), "tailspin": storetest.RandSecret(t)}
	addTo(t, k, cloudToken("fabrikam", secrets["fabrikam"]), cloudToken("contoso", secrets["contoso"]), cloudToken("tailspin", secrets["tailspin"]))
	if out, err := secretTool(t, s, "clear", "service", DefaultService, "username", "fabrikam"); err != nil {
		t.Fatalf("secret-tool clear: %v: %s", err, out)
	}
	if err := keyring.Delete(DefaultService, "contoso"); err != nil {
		t.Fatal(err)
	}

	d, err := k.Load()
	if err != nil || len(d.Tokens) != 3 {
		t.Fatalf("Load after the deletions: %d tokens, %v", len(d.Tokens), err)
	}
	for _, org := range []string{"fabrikam", "contoso"} {
		_, err := revealed(t, k, org)
		storetest.WantErr(t, err, store.ErrSecretMissing, "the keyring item for "+org+" is missing")
		storetest.WantMissing(t, err, org) // the CLI adds: store it again with: git-credential-adopat add --org ORG
		storetest.AssertNoLeak(t, "error", []byte(err.Error()), secrets[org])
	}
	if tok, err := revealed(t, k, "tailspin"); err != nil || tok.Secret != secrets["tailspin"] {
		t.Errorf("the remaining token does not reveal: %v", err)
	}

	withdraw(t, k, "tailspin") // an Update with two unreadable tokens
	if d, err := k.Load(); err != nil || len(d.Tokens) != 3 {
		t.Fatalf("the index lost tokens: %v", err)
	}
	// secret-tool search exits 1, silent, when nothing matches; any other
	// failure (no bus, no daemon) must not pass for "not there".
	if out, err := secretTool(t, s, "search", "--all", "service", DefaultService, "username", "fabrikam"); strings.Contains(out, "fabrikam") {
		t.Errorf("an Update recreated the deleted item:\n%s", out)
	} else if exit := (*exec.ExitError)(nil); err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1 || out != "") {
		t.Fatalf("secret-tool search: %v: %s", err, out)
	}
	if out, err := secretTool(t, s, "search", "--all", "service", DefaultService, "username", "tailspin"); err != nil || !strings.Contains(out, "attribute.username = tailspin") {
		t.Errorf("secret-tool search does not find the remaining item (so cannot vouch for the deleted one's absence): %v: %s", err, out)
	}
	fresh := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", fresh))
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != fresh {
		t.Errorf("after storing again: %v", err)
	}
}

func TestSecretServiceUnchangedUpdateWritesNothing(t *testing.T) {
	startSecretService(t)
	api := &countingAPI{inner: osKeyring{}}
	k := New(filepath.Join(t.TempDir(), "keyring-index.json"), Options{api: api})
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(k.Path(), old, old); err != nil {
		t.Fatal(err)
	}
	api.sets = 0
	if err := k.Update(func(*store.Data) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	if api.sets != 0 {
		t.Errorf("an unchanged Update made %d keyring writes", api.sets)
	}
	if fi, err := os.Stat(k.Path()); err != nil || !fi.ModTime().Equal(old) {
		t.Error("an unchanged Update rewrote the index")
	}
}

// countingAPI counts the writes of a real keyring.
type countingAPI struct {
	inner secretAPI
	sets  int // read after Update returned
}

func (c *countingAPI) preflight(ctx context.Context) error { return c.inner.preflight(ctx) }
func (c *countingAPI) get(s, a string) (string, error)     { return c.inner.get(s, a) }
func (c *countingAPI) del(s, a string) error               { return c.inner.del(s, a) }
func (c *countingAPI) set(s, a, v string) error {
	c.sets++
	return c.inner.set(s, a, v)
}
