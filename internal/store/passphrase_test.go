package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	secret, pass := randSecret(t), randSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	vaultBytes := readFile(t, v.Path())

	// Set: the identity becomes an age scrypt file; the vault is untouched.
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	idRaw := readFile(t, v.IdentityPath())
	if !bytes.HasPrefix(idRaw, []byte("age-encryption.org/v1\n-> scrypt ")) || bytes.Contains(idRaw, []byte("AGE-SECRET-KEY")) {
		t.Fatal("identity is not passphrase-encrypted")
	}
	assertNoLeak(t, "identity file", idRaw, pass)
	if !bytes.Equal(vaultBytes, readFile(t, v.Path())) {
		t.Error("setting a passphrase rewrote the vault")
	}
	if p, err := v.IsPassphraseProtected(); err != nil || !p {
		t.Errorf("IsPassphraseProtected = %v, %v", p, err)
	}

	// Locked: the git helper (no callback) gets ErrLocked with the remedy.
	helper := NewVault(v.Path(), v.IdentityPath())
	_, err := helper.Load()
	wantErr(t, err, ErrLocked, "vault is passphrase-protected and locked; run: git-credential-adopat unlock")
	if locked, err := helper.Locked(); err != nil || !locked {
		t.Errorf("Locked = %v, %v; want true", locked, err)
	}
	// A missing vault is still silent, locked or not.
	if d, err := NewVault(filepath.Join(t.TempDir(), "none.age"), v.IdentityPath()).Load(); err != nil || len(d.Tokens) != 0 {
		t.Errorf("Load of a missing vault with a locked identity: %v", err)
	}

	// Unlock: wrong passphrase is refused clearly; the right one lets a
	// separate Vault (another process) read without any passphrase.
	err = helper.Unlock("wrong-"+pass, time.Hour)
	wantErr(t, err, ErrWrongPassphrase, "wrong passphrase for identity "+v.IdentityPath())
	assertNoLeak(t, "error message", []byte(err.Error()), pass, secret)
	if err := NewVault(v.Path(), v.IdentityPath()).Unlock(pass, time.Hour); err != nil {
		t.Fatal(err)
	}
	reader := NewVault(v.Path(), v.IdentityPath())
	d, err := reader.Load()
	if err != nil || tokenSecrets(t, reader, d)["fabrikam"] != secret {
		t.Fatalf("Load while unlocked: %v", err)
	}
	mustAdd(t, NewVault(v.Path(), v.IdentityPath()), "contoso", randSecret(t))
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

	// Lock: back to ErrLocked, and the plain key is gone from disk.
	if err := NewVault(v.Path(), v.IdentityPath()).Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(unlocked); !errors.Is(err, os.ErrNotExist) {
		t.Error("Lock left the unlocked copy")
	}
	_, err = NewVault(v.Path(), v.IdentityPath()).Load()
	wantErr(t, err, ErrLocked)
	if err := helper.Lock(); err != nil {
		t.Errorf("locking twice: %v", err)
	}

	// A prompting CLI asks once for Load then Update on one Vault.
	calls := 0
	cli := NewVault(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(pass, &calls)
	if _, err := cli.Load(); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, cli, "northwind", randSecret(t))
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}

	// Remove: the identity is plain again, with the same key.
	calls = 0
	cli = NewVault(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(pass, &calls)
	if err := cli.RemovePassphrase(); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}
	if !bytes.Contains(readFile(t, v.IdentityPath()), []byte("\nAGE-SECRET-KEY-1")) {
		t.Error("identity is not plain after RemovePassphrase")
	}
	assertPrivate(t, v.IdentityPath(), 0o600)
	d, err = NewVault(v.Path(), v.IdentityPath()).Load()
	if err != nil || len(d.Tokens) != 3 {
		t.Fatalf("Load after removing the passphrase: %v", err)
	}
	err = NewVault(v.Path(), v.IdentityPath()).RemovePassphrase()
	wantErr(t, err, ErrNotPassphraseProtected, v.IdentityPath())
	err = NewVault(v.Path(), v.IdentityPath()).Unlock(pass, time.Hour)
	wantErr(t, err, ErrNotPassphraseProtected, v.IdentityPath())
}

func assertPrivate(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	skipOnWindows(t, "Unix permissions")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s has mode %v, want %v", path, fi.Mode(), want)
	}
}

func TestWrongPassphraseFromPrompt(t *testing.T) {
	v := newTestVault(t)
	secret, pass := randSecret(t), randSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	content := readFile(t, v.Path())
	identity := readFile(t, v.IdentityPath())

	calls := 0
	cli := NewVault(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt("not-"+pass, &calls)
	err := addToken(cli, "contoso", randSecret(t))
	wantErr(t, err, ErrWrongPassphrase, v.IdentityPath())
	assertNoLeak(t, "error message", []byte(err.Error()), pass, secret)
	if calls != 1 {
		t.Errorf("passphrase asked %d times, want 1", calls)
	}
	err = cli.RemovePassphrase()
	wantErr(t, err, ErrWrongPassphrase)
	err = cli.SetPassphrase("new")
	wantErr(t, err, ErrWrongPassphrase)

	cli.Passphrase = func() (string, error) { return "", errors.New("no terminal") }
	_, err = cli.Load()
	wantErr(t, err, nil, "no terminal", v.IdentityPath())

	if !bytes.Equal(content, readFile(t, v.Path())) || !bytes.Equal(identity, readFile(t, v.IdentityPath())) {
		t.Error("a failed passphrase modified the vault or the identity")
	}
}

func TestSetPassphraseOnFreshVault(t *testing.T) {
	v := newTestVault(t)
	pass := randSecret(t)
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
	// The same Vault knows the key it just made: no prompt needed.
	mustAdd(t, v, "fabrikam", randSecret(t))
	// Others need the passphrase.
	wantErr(t, addToken(NewVault(v.Path(), v.IdentityPath()), "contoso", "x"), ErrLocked)
	if err := NewVault(v.Path(), v.IdentityPath()).Unlock(pass, time.Minute); err != nil {
		t.Fatal(err)
	}
	if d, err := NewVault(v.Path(), v.IdentityPath()).Load(); err != nil || len(d.Tokens) != 1 {
		t.Fatalf("Load after unlock: %v", err)
	}
}

func TestChangePassphrase(t *testing.T) {
	v := newTestVault(t)
	p1, p2 := randSecret(t), randSecret(t)
	mustAdd(t, v, "fabrikam", randSecret(t))
	if err := v.SetPassphrase(p1); err != nil {
		t.Fatal(err)
	}
	calls := 0
	cli := NewVault(v.Path(), v.IdentityPath())
	cli.Passphrase = fixedPrompt(p1, &calls)
	if err := cli.SetPassphrase(p2); err != nil {
		t.Fatal(err)
	}
	wantErr(t, NewVault(v.Path(), v.IdentityPath()).Unlock(p1, time.Minute), ErrWrongPassphrase)
	if err := NewVault(v.Path(), v.IdentityPath()).Unlock(p2, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := NewVault(v.Path(), v.IdentityPath()).Load(); err != nil {
		t.Fatalf("vault no longer opens after a passphrase change: %v", err)
	}
}

func TestExpiredUnlockIgnored(t *testing.T) {
	v := newTestVault(t)
	pass := randSecret(t)
	mustAdd(t, v, "fabrikam", randSecret(t))
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
	if err := NewVault(v.Path(), v.IdentityPath()).Unlock(pass, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	unlocked, _, _ := v.unlockedLocation()
	if _, err := os.Stat(unlocked); err != nil {
		t.Fatal("no unlocked copy written")
	}
	time.Sleep(5 * time.Millisecond)

	if locked, err := NewVault(v.Path(), v.IdentityPath()).Locked(); err != nil || !locked {
		t.Errorf("Locked = %v, %v after expiry; want true", locked, err)
	}
	_, err := NewVault(v.Path(), v.IdentityPath()).Load()
	wantErr(t, err, ErrLocked)
	if _, err := os.Stat(unlocked); !errors.Is(err, os.ErrNotExist) {
		t.Error("the expired unlocked copy was not deleted")
	}
}

func TestUnlockedCopyIsPerIdentity(t *testing.T) {
	a, b := newTestVault(t), newTestVault(t)
	pa, pb := randSecret(t), randSecret(t)
	for _, c := range []struct {
		v    *Vault
		pass string
	}{{a, pa}, {b, pb}} {
		mustAdd(t, c.v, "fabrikam", randSecret(t))
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
	if err := NewVault(a.Path(), a.IdentityPath()).Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewVault(b.Path(), b.IdentityPath()).Load(); err != nil {
		t.Errorf("locking one vault locked the other: %v", err)
	}
	wantErr(t, func() error { _, err := NewVault(a.Path(), a.IdentityPath()).Load(); return err }(), ErrLocked)
}

func TestInsecureUnlockedCopyRefused(t *testing.T) {
	skipOnWindows(t, "Unix permissions")
	v := newTestVault(t)
	pass := randSecret(t)
	mustAdd(t, v, "fabrikam", randSecret(t))
	v.SetPassphrase(pass)
	v.Unlock(pass, time.Hour)
	unlocked, _, _ := v.unlockedLocation()
	os.Chmod(unlocked, 0o644)
	_, err := NewVault(v.Path(), v.IdentityPath()).Load()
	wantErr(t, err, ErrInsecurePermissions, "chmod 600 "+unlocked)
}

func TestUnlockArguments(t *testing.T) {
	v := newTestVault(t)
	wantErr(t, v.Unlock("x", time.Hour), ErrIdentityMissing, v.IdentityPath())
	wantErr(t, v.Unlock("x", 0), nil, "positive")
	wantErr(t, v.SetPassphrase(""), nil, "empty")
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
	v := newTestVault(t)
	pass := randSecret(t)
	mustAdd(t, v, "fabrikam", randSecret(t))
	if err := v.SetPassphrase(pass); err != nil {
		t.Fatal(err)
	}
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
	_, err = NewVault(v.Path(), v.IdentityPath()).Load()
	wantErr(t, err, ErrLocked)
	if _, err := os.Lstat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the on-disk unlocked key %s left by an older version is still there", old)
	}
}
