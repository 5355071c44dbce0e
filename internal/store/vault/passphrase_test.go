package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// fixedPrompt is a Passphrase callback that counts how often it is asked.
func fixedPrompt(pass string, calls *int) func() (string, error) {
	return func() (string, error) {
		*calls++
		return pass, nil
	}
}

func TestPassphraseLifecycle(t *testing.T) {
	v := newTestVault(t)
	secret, pass := storetest.RandSecret(t), storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	vaultBytes := storetest.ReadFile(t, v.Path())

	// Set: the identity becomes an age scrypt file; the vault is untouched.
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	idRaw := storetest.ReadFile(t, v.IdentityPath())
	if !bytes.HasPrefix(idRaw, []byte("age-encryption.org/v1\n-> scrypt ")) || bytes.Contains(idRaw, []byte("AGE-SECRET-KEY")) {
		t.Fatal("identity is not passphrase-encrypted")
	}
	storetest.AssertNoLeak(t, "identity file", idRaw, pass)
	if !bytes.Equal(vaultBytes, storetest.ReadFile(t, v.Path())) {
		t.Error("setting a passphrase rewrote the vault")
	}
	if p, err := v.IsPassphraseProtected(); err != nil || !p {
		t.Errorf("IsPassphraseProtected = %v, %v", p, err)
	}

	// Locked: the git helper (no callback) gets store.ErrLocked; the CLI
	// adds the remedy ("; run: git-credential-adopat unlock").
	helper := New(v.Path(), v.IdentityPath())
	_, err := helper.Load()
	storetest.WantErr(t, err, store.ErrLocked, "vault is passphrase-protected and locked")
	if locked, err := helper.Locked(); err != nil || !locked {
		t.Errorf("Locked = %v, %v; want true", locked, err)
	}
	// A missing vault is still silent, locked or not.
	if d, err := New(filepath.Join(t.TempDir(), "none.age"), v.IdentityPath()).Load(); err != nil || len(d.Tokens) != 0 {
		t.Errorf("Load of a missing vault with a locked identity: %v", err)
	}

	// Unlock: wrong passphrase is refused clearly; the right one lets a
	// separate Store (another process) read without any passphrase.
	err = helper.Unlock("wrong-"+pass, time.Hour)
	storetest.WantErr(t, err, store.ErrWrongPassphrase, "wrong passphrase for identity "+v.IdentityPath())
	storetest.AssertNoLeak(t, "error message", []byte(err.Error()), pass, secret)
	if err := New(v.Path(), v.IdentityPath()).Unlock(pass, time.Hour); err != nil {
		t.Fatal(err)
	}
	reader := New(v.Path(), v.IdentityPath())
	d, err := reader.Load()
	if err != nil || tokenSecrets(t, reader, d)["fabrikam"] != secret {
		t.Fatalf("Load while unlocked: %v", err)
	}
	mustAdd(t, New(v.Path(), v.IdentityPath()), "contoso", storetest.RandSecret(t))
	if locked, _ := helper.Locked(); locked {
		t.Error("Locked reports true while unlocked")
	}
	until, err := helper.UnlockedUntil()
	if err != nil || until.Before(time.Now().Add(59*time.Minute)) || until.After(time.Now().Add(time.Hour)) {
		t.Errorf("UnlockedUntil = %v, %v; want about an hour from now", until, err)
	}
	unlocked, _, _ := helper.unlockedLocation()
	if !strings.HasPrefix(unlocked, filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "adopat")+string(filepath.Separator)) {
		t.Errorf("unlocked copy %s is not in $XDG_RUNTIME_DIR/adopat", unlocked)
	}
	assertPrivate(t, unlocked, 0o600)
	assertPrivate(t, filepath.Dir(unlocked), os.ModeDir|0o700)

	// Lock: back to store.ErrLocked, and the plain key is gone from disk.
	if err := New(v.Path(), v.IdentityPath()).Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(unlocked); !errors.Is(err, os.ErrNotExist) {
		t.Error("Lock left the unlocked copy")
	}
	_, err = New(v.Path(), v.IdentityPath()).Load()
	storetest.WantErr(t, err, store.ErrLocked)
	if err := helper.Lock(); err != nil {
		t.Errorf("locking twice: %v", err)
	}

	// A prompting CLI asks once for Load then Update on one Store.
	calls := 0
	cli := New(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(pass, &calls)
	if _, err := cli.Load(); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, cli, "northwind", storetest.RandSecret(t))
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}

	// Remove: the identity is plain again, with the same key.
	calls = 0
	cli = New(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(pass, &calls)
	if err := cli.RemovePassphrase(); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}
	if !bytes.Contains(storetest.ReadFile(t, v.IdentityPath()), []byte("\nAGE-SECRET-KEY-1")) {
		t.Error("identity is not plain after RemovePassphrase")
	}
	assertPrivate(t, v.IdentityPath(), 0o600)
	d, err = New(v.Path(), v.IdentityPath()).Load()
	if err != nil || len(d.Tokens) != 3 {
		t.Fatalf("Load after removing the passphrase: %v", err)
	}
	err = New(v.Path(), v.IdentityPath()).RemovePassphrase()
	storetest.WantErr(t, err, store.ErrNotPassphraseProtected, v.IdentityPath())
	err = New(v.Path(), v.IdentityPath()).Unlock(pass, time.Hour)
	storetest.WantErr(t, err, store.ErrNotPassphraseProtected, v.IdentityPath())
}

func assertPrivate(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	storetest.SkipOnWindows(t, "Unix permissions")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode(), want)
	}
}

func TestWrongPassphraseFromPrompt(t *testing.T) {
	v, secret, pass := protectedVault(t)
	content := storetest.ReadFile(t, v.Path())
	identity := storetest.ReadFile(t, v.IdentityPath())

	calls := 0
	cli := New(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt("not-"+pass, &calls)
	err := addToken(cli, "contoso", storetest.RandSecret(t))
	storetest.WantErr(t, err, store.ErrWrongPassphrase, v.IdentityPath())
	storetest.AssertNoLeak(t, "error message", []byte(err.Error()), pass, secret)
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}
	err = cli.RemovePassphrase()
	storetest.WantErr(t, err, store.ErrWrongPassphrase)
	err = cli.SetPassphrase("new")
	storetest.WantErr(t, err, store.ErrWrongPassphrase)

	cli.Passphrase = func() (string, error) { return "", errors.New("no terminal") }
	_, err = cli.Load()
	storetest.WantErr(t, err, nil, "no terminal", v.IdentityPath())

	if !bytes.Equal(content, storetest.ReadFile(t, v.Path())) || !bytes.Equal(identity, storetest.ReadFile(t, v.IdentityPath())) {
		t.Error("a failed passphrase modified the vault or the identity")
	}
}

func TestSetPassphraseOnFreshVault(t *testing.T) {
	v := newTestVault(t)
	pass := storetest.RandSecret(t)
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(v.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Error("SetPassphrase created a vault")
	}
	if p, _ := v.IsPassphraseProtected(); !p {
		t.Fatal("new identity is not protected")
	}
	assertPrivate(t, v.IdentityPath(), 0o600)
	// The same Store knows the key it just made: no prompt needed.
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	// Others need the passphrase.
	storetest.WantErr(t, addToken(New(v.Path(), v.IdentityPath()), "contoso", "x"), store.ErrLocked)
	if err := New(v.Path(), v.IdentityPath()).Unlock(pass, time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, err := New(v.Path(), v.IdentityPath()).Load(); err != nil || len(d.Tokens) != 1 {
		t.Fatalf("Load after unlock: %v", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	v := newTestVault(t)
	p1, p2 := storetest.RandSecret(t), storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	if err := v.SetPassphrase(p1); err != nil {
		t.Fatal(err)
	}
	calls := 0
	cli := New(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(p1, &calls)
	if err := cli.SetPassphrase(p2); err != nil {
		t.Fatal(err)
	}
	storetest.WantErr(t, New(v.Path(), v.IdentityPath()).Unlock(p1, time.Minute), store.ErrWrongPassphrase)
	if err := New(v.Path(), v.IdentityPath()).Unlock(p2, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := New(v.Path(), v.IdentityPath()).Load(); err != nil {
		t.Fatalf("vault no longer opens after a passphrase change: %v", err)
	}
}

func TestExpiredUnlockIgnored(t *testing.T) {
	v, _, pass := protectedVault(t)
	if err := New(v.Path(), v.IdentityPath()).Unlock(pass, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	unlocked, _, _ := v.unlockedLocation()
	if _, err := os.Stat(unlocked); err != nil {
		t.Fatal("no unlocked copy written")
	}
	time.Sleep(5 * time.Millisecond)

	if locked, err := New(v.Path(), v.IdentityPath()).Locked(); err != nil || !locked {
		t.Errorf("Locked = %v, %v after expiry; want true", locked, err)
	}
	_, err := New(v.Path(), v.IdentityPath()).Load()
	storetest.WantErr(t, err, store.ErrLocked)
	if _, err := os.Stat(unlocked); !errors.Is(err, os.ErrNotExist) {
		t.Error("the expired unlocked copy was not deleted")
	}
}

func TestUnlockedCopyIsPerIdentity(t *testing.T) {
	a, b := newTestVault(t), newTestVault(t)
	pa, pb := storetest.RandSecret(t), storetest.RandSecret(t)
	for _, c := range []struct {
		v    *Store
		pass string
	}{{a, pa}, {b, pb}} {
		mustAdd(t, c.v, "fabrikam", storetest.RandSecret(t))
		if err := c.v.SetPassphrase(c.pass); err != nil {
			t.Fatal(err)
		}
		if err := c.v.Unlock(c.pass, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	ua, _, _ := a.unlockedLocation()
	ub, _, _ := b.unlockedLocation()
	if ua == ub {
		t.Fatal("two identities share one unlocked copy")
	}
	if err := New(a.Path(), a.IdentityPath()).Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := New(b.Path(), b.IdentityPath()).Load(); err != nil {
		t.Errorf("locking one vault locked the other: %v", err)
	}
	storetest.WantErr(t, func() error { _, err := New(a.Path(), a.IdentityPath()).Load(); return err }(), store.ErrLocked)
}

func TestInsecureUnlockedCopyRefused(t *testing.T) {
	storetest.SkipOnWindows(t, "Unix permissions")
	v := newTestVault(t)
	pass := storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	v.SetPassphrase(pass)
	v.Unlock(pass, time.Hour)
	unlocked, _, _ := v.unlockedLocation()
	os.Chmod(unlocked, 0o644)
	_, err := New(v.Path(), v.IdentityPath()).Load()
	storetest.WantErr(t, err, store.ErrInsecurePermissions, unlocked)
	storetest.WantPermission(t, err, unlocked, false)
}

func TestUnlockArguments(t *testing.T) {
	v := newTestVault(t)
	storetest.WantErr(t, v.Unlock("x", time.Hour), store.ErrIdentityMissing, v.IdentityPath())
	storetest.WantErr(t, v.Unlock("x", 0), nil, "positive")
	storetest.WantErr(t, v.SetPassphrase(""), nil, "empty")
	if p, err := v.IsPassphraseProtected(); p || err != nil {
		t.Errorf("IsPassphraseProtected on nothing = %v, %v", p, err)
	}
	if l, err := v.Locked(); l || err != nil {
		t.Errorf("Locked on nothing = %v, %v", l, err)
	}
}

// An unlocked key an older version left in the cache directory (on disk)
// is deleted when the unlocked copy is next looked for, and never used.
func TestLegacyUnlockedCopyInCacheDirDeleted(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	v, _, _ := protectedVault(t)
	_, abs, _ := v.unlockedLocation()
	old, err := legacyUnlockedPath(abs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("# stale unlocked key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = New(v.Path(), v.IdentityPath()).Load()
	storetest.WantErr(t, err, store.ErrLocked)
	if _, err := os.Lstat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the on-disk unlocked key %s left by an older version is still there", old)
	}
}
