package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"

	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

func TestKeyringRoundTripFake(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	a, b := storetest.RandSecret(t), storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", a), store.Token{Org: "fabrikam", Project: "Website", Secret: b, Label: "web"})
	if s, _ := f.item("fabrikam"); s != a {
		t.Errorf("item fabrikam holds %q, want the PAT", s)
	}
	if s, _ := f.item("fabrikam/Website"); s != b {
		t.Errorf("item fabrikam/Website holds %q, want the PAT", s)
	}

	f.reset()
	d, err := k.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 {
		t.Errorf("Load called the keyring: %v", f.calls)
	}
	if len(d.Tokens) != 2 || d.Tokens[1].Label != "web" || d.Tokens[0].Secret != "" {
		t.Fatalf("Load = %+v, want both tokens' metadata and no secret", d.Tokens)
	}
	if secret, _, err := k.Secret(d.Tokens[1].Scope()); err != nil || secret != b {
		t.Fatalf("Secret = %v, secret %q", err, secret)
	}
	if got := f.count("get"); got != 1 {
		t.Errorf("revealing one token made %d keyring reads, want 1 (calls %v)", got, f.calls)
	}
	storetest.AssertNoLeak(t, "index", storetest.ReadFile(t, k.Path()), a, b)
}

func TestKeyringLoadMissingIndexCreatesNothing(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	d, err := k.Load()
	if err != nil || len(d.Tokens) != 0 {
		t.Fatalf("Load = %+v, %v", d, err)
	}
	if _, err := os.Stat(filepath.Dir(k.Path())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created %s", filepath.Dir(k.Path()))
	}
	if len(f.calls) != 0 {
		t.Errorf("Load called the keyring: %v", f.calls)
	}
}

func TestKeyringIndexFilesArePrivate(t *testing.T) {
	storetest.SkipOnWindows(t, "POSIX permissions")
	k, _ := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	for path, want := range map[string]os.FileMode{k.Path(): 0o600, filepath.Dir(k.Path()): 0o700 | os.ModeDir} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, fi.Mode(), err, want)
		}
	}
	if err := os.Chmod(k.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := k.Load()
	storetest.WantErr(t, err, store.ErrInsecurePermissions, k.Path())
	if pe := storetest.WantPermission(t, err, k.Path(), false); pe.Mode != 0o644 {
		t.Errorf("PermissionError mode %04o, want 0644", pe.Mode)
	}
}

// Secrets are written before the index names them, deletions wait until it
// no longer does.
func TestKeyringUpdateOrder(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("keep", storetest.RandSecret(t)), cloudToken("gone", storetest.RandSecret(t)))
	var seen []string
	f.onCall = func(op, account string) {
		if op == "set" || op == "del" {
			idx, _ := os.ReadFile(k.Path())
			listed := strings.Contains(string(idx), `"account": "`+account+`"`)
			seen = append(seen, op+" "+account+map[bool]string{true: " listed", false: " unlisted"}[listed])
		}
	}
	err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = slices.DeleteFunc(d.Tokens, func(t store.Token) bool { return t.Org == "gone" })
		d.Tokens = append(d.Tokens, cloudToken("new", storetest.RandSecret(t)))
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"set new unlisted", "del gone unlisted"}
	if !slices.Equal(seen, want) {
		t.Errorf("keyring writes %v, want %v", seen, want)
	}
	if _, ok := f.item("gone"); ok {
		t.Error("the removed token's item is still there")
	}
}

func TestKeyringUpdateWithoutChangeWritesNothing(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(k.Path(), old, old); err != nil {
		t.Fatal(err)
	}
	for name, changed := range map[string]bool{"fn says unchanged": false, "fn says changed but is not": true} {
		f.reset()
		if err := k.Update(func(*store.Data) (bool, error) { return changed, nil }); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n := f.count("set") + f.count("del"); n != 0 {
			t.Errorf("%s: %d keyring writes (%v)", name, n, f.calls)
		}
		if fi, err := os.Stat(k.Path()); err != nil || !fi.ModTime().Equal(old) {
			t.Errorf("%s: the index was rewritten", name)
		}
	}
}

func TestKeyringFnErrorWritesNothing(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	before := storetest.ReadFile(t, k.Path())
	f.reset()
	boom := errors.New("boom")
	err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = nil
		return true, boom
	})
	if !errors.Is(err, boom) || f.count("set")+f.count("del") != 0 || string(storetest.ReadFile(t, k.Path())) != string(before) {
		t.Errorf("Update with a failing fn: %v, calls %v", err, f.calls)
	}
}

// A token whose item vanished is never stored as an empty secret nor
// deleted, unless fn removes or replaces it.
func TestKeyringMissingItemIsNeverOverwritten(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)), cloudToken("contoso", storetest.RandSecret(t)))
	f.drop("fabrikam")
	f.reset()

	var revealErr error
	err := k.Update(func(d *store.Data) (bool, error) {
		revealErr = d.Unread[d.Tokens[0].Scope()]
		now := time.Now().UTC()
		d.Tokens[1].Withdrawn = &now
		return true, nil
	})
	if err != nil {
		t.Fatalf("Update with a missing item: %v", err)
	}
	storetest.WantErr(t, revealErr, store.ErrSecretMissing, "fabrikam")
	storetest.WantMissing(t, revealErr, "fabrikam") // the CLI adds: store it again with: git-credential-adopat add --org fabrikam
	if n := f.count("set") + f.count("del"); n != 0 {
		t.Errorf("the withdraw wrote to the keyring: %v", f.calls)
	}
	if _, ok := f.item("fabrikam"); ok {
		t.Error("an item was created for the token whose secret is unknown")
	}
	d, err := k.Load()
	if err != nil || len(d.Tokens) != 2 || d.Tokens[1].Withdrawn == nil {
		t.Fatalf("after the withdraw: %+v, %v", d, err)
	}
	_, err = revealed(t, k, "fabrikam")
	storetest.WantErr(t, err, store.ErrSecretMissing, "the keyring item for fabrikam is missing")

	// Replacing it (a new PAT for the scope) brings it back.
	fresh := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", fresh))
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != fresh {
		t.Fatalf("after storing again: %v", err)
	}
}

// The helper's store semantics: a secret fn sets on the pending token
// itself (in place) is written.
func TestKeyringMissingItemReplacedInPlace(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	f.drop("fabrikam")
	fresh := storetest.RandSecret(t)
	if err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens[0].Secret = fresh
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.item("fabrikam"); s != fresh {
		t.Error("the new PAT was not written")
	}
}

func TestKeyringUpdateStopsOnUnreadableKeyring(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	before := storetest.ReadFile(t, k.Path())
	f.ready = func() error { return store.NewError("the keyring is locked", store.ErrKeyringLocked) }
	called := false
	err := k.Update(func(d *store.Data) (bool, error) {
		called = true
		d.Tokens = nil
		return true, nil
	})
	storetest.WantErr(t, err, store.ErrKeyringLocked)
	if called || string(storetest.ReadFile(t, k.Path())) != string(before) {
		t.Errorf("fn ran (%v) or the index changed with a locked keyring", called)
	}
	if _, ok := f.item("fabrikam"); !ok {
		t.Error("the item was deleted")
	}
}

func TestKeyringSetFailureLeavesIndex(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	before := storetest.ReadFile(t, k.Path())
	secret := storetest.RandSecret(t)
	f.setErr["contoso"] = errors.New("write refused for " + secret)
	err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens[:0], cloudToken("contoso", secret))
		return true, nil
	})
	storetest.WantErr(t, err, nil, "contoso", "[redacted]")
	storetest.AssertNoLeak(t, "error", []byte(err.Error()), secret)
	if string(storetest.ReadFile(t, k.Path())) != string(before) || f.count("del") != 0 {
		t.Errorf("a failed write still changed the index or deleted items (%v)", f.calls)
	}
}

func TestKeyringTimeout(t *testing.T) {
	f := newFakeKeyring()
	p := filepath.Join(t.TempDir(), "index.json")
	k := New(p, Options{Timeout: 50 * time.Millisecond, api: f})
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	f.block = make(chan struct{})
	defer close(f.block)
	_, err := revealed(t, k, "fabrikam")
	storetest.WantErr(t, err, store.ErrKeyringTimeout, "did not answer within 50ms")
	storetest.WantKeyringState(t, err, store.KeyringTimedOut) // the CLI adds: unlock it and try again, or use --backend file
}

func TestKeyringLibraryPanicIsAnError(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	f.panics = true
	_, err := revealed(t, k, "fabrikam")
	storetest.WantErr(t, err, nil, "fabrikam", "keyring library failed")
}

func TestKeyringRefreshTokenIsSecondItem(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	pat, refresh := storetest.RandSecret(t), storetest.RandSecret(t)
	srv := store.Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe", Secret: pat, OAuthRefreshToken: refresh}
	addTo(t, k, srv)
	scope := srv.Scope()
	if s, _ := f.item(scope); s != pat {
		t.Errorf("item %q holds %q", scope, s)
	}
	if s, _ := f.item(scope + " (oauth_refresh_token)"); s != refresh {
		t.Errorf("refresh item holds %q", s)
	}
	tok, err := revealed(t, k, scope)
	if err != nil || tok.Secret != pat || tok.OAuthRefreshToken != refresh {
		t.Fatalf("Secret: %v", err)
	}
	storetest.AssertNoLeak(t, "index", storetest.ReadFile(t, k.Path()), pat, refresh)

	srv.OAuthRefreshToken = ""
	addTo(t, k, srv)
	if _, ok := f.item(scope + " (oauth_refresh_token)"); ok {
		t.Error("the refresh item outlived the refresh token")
	}
}

func TestKeyringRefusesUnrevealedCopy(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	snap, err := k.Load()
	if err != nil {
		t.Fatal(err)
	}
	f.reset()
	err = k.Update(func(d *store.Data) (bool, error) {
		tok := snap.Tokens[0] // never revealed
		tok.Org = "contoso"
		d.Tokens = append(d.Tokens, tok)
		return true, nil
	})
	storetest.WantErr(t, err, nil, "contoso", "never read")
	if f.count("set") != 0 {
		t.Error("an empty secret was written")
	}
}

func TestKeyringRefusesSharedItem(t *testing.T) {
	k, _ := newFakeKeyringStore(t)
	err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, cloudToken("fabrikam", storetest.RandSecret(t)), cloudToken("fabrikam", storetest.RandSecret(t)))
		return true, nil
	})
	storetest.WantErr(t, err, nil, "share the keyring item")
}

func TestKeyringCorruptedIndex(t *testing.T) {
	k, _ := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	if err := os.WriteFile(k.Path(), []byte(`{"version":1,"tokens":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := k.Load()
	storetest.WantErr(t, err, store.ErrCorrupted, k.Path())
	storetest.WantErr(t, k.Update(func(*store.Data) (bool, error) { return true, nil }), store.ErrCorrupted)
}

func TestKeyringIndexIgnoresSecretsInFile(t *testing.T) {
	k, _ := newFakeKeyringStore(t)
	addTo(t, k, cloudToken("fabrikam", "from-keyring"))
	raw := strings.Replace(string(storetest.ReadFile(t, k.Path())), `"org"`, `"secret": "from-index", "org"`, 1)
	if err := os.WriteFile(k.Path(), []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := k.Load()
	if err != nil || d.Tokens[0].Secret != "" {
		t.Fatalf("Load took a secret from the index: %q, %v", d.Tokens[0].Secret, err)
	}
	if secret, _, err := k.Secret(d.Tokens[0].Scope()); err != nil || secret != "from-keyring" {
		t.Fatalf("Secret = %q, %v", secret, err)
	}
}

// The add command that stores the PAT again is the CLI's to give
// (TestMissingItemHintNamesTheAddCommand there); the error carries the
// token's metadata for it, and no secret.
func TestMissingErrorCarriesTheToken(t *testing.T) {
	for _, tok := range []*store.Token{
		{Org: "fabrikam"},
		{Org: "fabrikam", Project: "My Web"},
		{Protocol: "https", Host: "tfs.x.io"},
		{Protocol: "https", Host: "tfs.x.io", Username: "jdoe"},
	} {
		tok.Secret = "not-in-the-error"
		err := missingError(tok)
		storetest.WantErr(t, err, store.ErrSecretMissing, "the keyring item for "+tok.Scope()+" is missing")
		storetest.WantMissing(t, err, tok.Scope())
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q is not one line", err)
		}
	}
}

// Folding uses into a keyring store changes the index alone: no keyring
// item is read, so list works while the keyring is locked or slow, and the
// secrets stay as they were.
func TestUsageFoldIntoKeyringReadsNoItem(t *testing.T) {
	k, f := newFakeKeyringStore(t)
	secret := storetest.RandSecret(t)
	if err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, store.Token{Org: "fabrikam", Secret: secret})
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	log := journal.New(k.Path())
	if err := log.Record(store.Use{At: time.Now(), Scope: "fabrikam", Path: "dev.azure.com/fabrikam/p/_git/r"}); err != nil {
		t.Fatal(err)
	}
	f.reset()
	if err := log.Fold(k); err != nil {
		t.Fatal(err)
	}
	if n := f.count("get") + f.count("set") + f.count("del"); n != 0 {
		t.Errorf("folding usage made %d keyring calls: %v", n, f.calls)
	}
	d, err := k.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Tokens[0].Uses != 1 {
		t.Errorf("uses %d, want 1", d.Tokens[0].Uses)
	}
	if s, _, err := k.Secret(d.Tokens[0].Scope()); err != nil || s != secret {
		t.Errorf("secret after folding: %v", err)
	}
}
