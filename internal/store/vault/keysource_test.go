package vault

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// credentialDir is a stand-in for $CREDENTIALS_DIRECTORY: systemd's
// directory, which need not be private to the user (here 0755) nor the file
// 0600 (systemd may grant the service read access through an ACL, which
// shows as group bits).
func credentialDir(t *testing.T, name string, content []byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "credentials")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o440); err != nil {
		t.Fatal(err)
	}
	return p
}

// The credential adopat.identity is the key: the vault is encrypted to it,
// no identity file is ever created beside the vault, and another Store
// with the same credential reads the tokens.
func TestCredentialIdentityIsTheKeyAndNothingIsWrittenBesideTheVault(t *testing.T) {
	text, err := newIdentityText()
	if err != nil {
		t.Fatal(err)
	}
	cred := credentialDir(t, "adopat.identity", text)
	v := newTestVault(t)
	v = New(v.Path(), cred)
	v.SetKeyOptions(KeyOptions{CredentialIdentity: true})
	secret := storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	entries, _ := os.ReadDir(filepath.Dir(v.Path()))
	for _, e := range entries {
		if e.Name() == "identity.txt" || bytes.Contains(storetest.ReadFile(t, filepath.Join(filepath.Dir(v.Path()), e.Name())), []byte("AGE-SECRET-KEY")) {
			t.Errorf("a key was written beside the vault: %s", e.Name())
		}
	}
	if !bytes.Equal(storetest.ReadFile(t, cred), text) {
		t.Error("the credential was rewritten")
	}
	other := New(v.Path(), cred)
	other.SetKeyOptions(KeyOptions{CredentialIdentity: true})
	d, err := other.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := tokenSecrets(t, other, d)["fabrikam"]; got != secret {
		t.Error("the credential does not read the vault back")
	}
	if ki, err := other.Key(); err != nil || ki.State != KeyPlain {
		t.Errorf("Key() = %+v, %v; want plain", ki, err)
	}
	// Without the credential the vault has no key: identity.txt was never made.
	_, err = New(v.Path(), DefaultIdentityPath(v.Path())).Load()
	storetest.WantErr(t, err, store.ErrIdentityMissing)
	// Passphrase operations do not apply to it.
	if err := other.SetPassphrase("long enough passphrase"); err == nil {
		t.Error("SetPassphrase on a credential identity succeeded")
	}
}

// A credential that is a link, an encrypted file or gone is refused with
// an error naming it; never followed, never created.
func TestCredentialIdentityRefusals(t *testing.T) {
	text, _ := newIdentityText()
	real := credentialDir(t, "real", text)
	link := filepath.Join(filepath.Dir(real), "adopat.identity")
	// Symbolic links need a privilege on Windows (and Wine makes Unix
	// links the program cannot tell from missing files); systemd
	// credentials are Linux's anyway.
	if runtime.GOOS != "windows" {
		if err := os.Symlink(real, link); err != nil {
			t.Fatal(err)
		}
		v := New(filepath.Join(t.TempDir(), "vault.age"), link)
		v.SetKeyOptions(KeyOptions{CredentialIdentity: true})
		err := v.Update(func(d *store.Data) (bool, error) { return true, nil })
		storetest.WantNotRegular(t, err, link, "a symbolic link")
		if err := v.VerifyKey(); err == nil {
			t.Error("VerifyKey accepted a linked credential")
		}
	}

	enc := credentialDir(t, "adopat.identity", []byte("age-encryption.org/v1\n-> scrypt x 10\n"))
	v := New(filepath.Join(t.TempDir(), "vault.age"), enc)
	v.SetKeyOptions(KeyOptions{CredentialIdentity: true})
	storetest.WantErr(t, v.VerifyKey(), store.ErrCorrupted, "not a plain age identity")

	gone := filepath.Join(t.TempDir(), "adopat.identity")
	v = New(filepath.Join(t.TempDir(), "vault.age"), gone)
	v.SetKeyOptions(KeyOptions{CredentialIdentity: true})
	err := v.Update(func(d *store.Data) (bool, error) { return true, nil })
	storetest.WantErr(t, err, store.ErrIdentityMissing, gone)
	if _, err := os.Lstat(gone); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a missing credential was created")
	}
}

// A passphrase file opens the protected identity in memory: no prompt, no
// unlocked copy; it wins over the unlocked copy; a wrong one, an empty one
// or one others can read is refused with an error naming it.
func TestPassphraseFileOpensTheIdentityInMemory(t *testing.T) {
	v, secret, pass := protectedVault(t)
	passFile := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(passFile, []byte(pass+"\r\nsecond line ignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h := New(v.Path(), v.IdentityPath())
	h.SetKeyOptions(KeyOptions{PassphraseFile: passFile, PassphraseFrom: "ADOPAT_PASSPHRASE_FILE"})
	if ki, err := h.Key(); err != nil || ki.State != KeyPassphraseFile {
		t.Errorf("Key() = %+v, %v; want the passphrase file", ki, err)
	}
	d, err := h.Load()
	if err != nil {
		t.Fatal(err)
	}
	if tokenSecrets(t, h, d)["fabrikam"] != secret {
		t.Error("wrong secret through the passphrase file")
	}
	if until, _ := h.UnlockedUntil(); !until.IsZero() {
		t.Error("the passphrase file left an unlocked copy")
	}
	if !bytes.HasPrefix(storetest.ReadFile(t, v.IdentityPath()), []byte(ageIntro)) {
		t.Error("the identity file is no longer protected")
	}

	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte("not it\n"), 0o600)
	// Unlocked meanwhile: the passphrase file still decides, and says it is wrong.
	if err := v.Unlock(pass, 3600e9); err != nil {
		t.Fatal(err)
	}
	h = New(v.Path(), v.IdentityPath())
	h.SetKeyOptions(KeyOptions{PassphraseFile: wrong, PassphraseFrom: "ADOPAT_PASSPHRASE_FILE"})
	_, err = h.Load()
	storetest.WantErr(t, err, store.ErrWrongPassphrase, "ADOPAT_PASSPHRASE_FILE", wrong, v.IdentityPath())
	storetest.WantErr(t, h.VerifyKey(), store.ErrWrongPassphrase)

	os.WriteFile(wrong, []byte("\nafter an empty line\n"), 0o600)
	storetest.WantErr(t, h.VerifyKey(), store.ErrWrongPassphrase, "is empty")

	storetest.SkipOnWindows(t, "no Unix modes")
	if err := os.Chmod(passFile, 0o640); err != nil {
		t.Fatal(err)
	}
	h = New(v.Path(), v.IdentityPath())
	h.SetKeyOptions(KeyOptions{PassphraseFile: passFile, PassphraseFrom: "ADOPAT_PASSPHRASE_FILE"})
	_, err = h.Load()
	storetest.WantPermission(t, err, passFile, false)

	// The systemd credential adopat.passphrase may be group-readable (ACL).
	cred := credentialDir(t, "adopat.passphrase", []byte(pass+"\n"))
	h = New(v.Path(), v.IdentityPath())
	h.SetKeyOptions(KeyOptions{PassphraseFile: cred, PassphraseCredential: true, PassphraseFrom: "systemd credential adopat.passphrase"})
	if err := h.VerifyKey(); err != nil {
		t.Errorf("the passphrase credential: %v", err)
	}
}

// With a passphrase file and no key yet, the first write creates the
// identity protected with that passphrase: no plain key on disk.
func TestPassphraseFileCreatesAProtectedIdentity(t *testing.T) {
	v := newTestVault(t)
	pass := storetest.RandSecret(t)
	passFile := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(passFile, []byte(pass+"\n"), 0o600)
	v.SetKeyOptions(KeyOptions{PassphraseFile: passFile, PassphraseFrom: "ADOPAT_PASSPHRASE_FILE"})
	secret := storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	raw := storetest.ReadFile(t, v.IdentityPath())
	if !bytes.HasPrefix(raw, []byte(ageIntro)) || bytes.Contains(raw, []byte("AGE-SECRET-KEY")) {
		t.Fatal("the new identity is not passphrase-protected")
	}
	other := New(v.Path(), v.IdentityPath())
	if err := other.Unlock(pass, 60e9); err != nil {
		t.Fatalf("the passphrase file's passphrase does not open the new identity: %v", err)
	}
	d, err := other.Load()
	if err != nil || tokenSecrets(t, other, d)["fabrikam"] != secret {
		t.Fatalf("reading back: %v", err)
	}
}
