package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

func TestRoundTrip(t *testing.T) {
	v := newTestVault(t)
	s1, s2 := storetest.RandSecret(t), storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", s1)
	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	err := v.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, store.Token{Org: "contoso", Project: "Web", Username: "me", Secret: s2,
			Scopes: []string{"vso.code"}, Created: exp.AddDate(-1, 0, 0), Expires: &exp})
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A fresh Store value (another command) sees both tokens.
	fresh := New(v.Path(), v.IdentityPath())
	d, err := fresh.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 1 || len(d.Tokens) != 2 {
		t.Fatalf("loaded version %d with %d tokens, want version 1 with 2", d.Version, len(d.Tokens))
	}
	got := tokenSecrets(t, fresh, d)
	if got["fabrikam"] != s1 || got["contoso"] != s2 {
		t.Error("secrets did not round-trip")
	}
	if tok := d.Tokens[1]; tok.Project != "Web" || tok.Expires == nil || !tok.Expires.Equal(exp) || len(tok.Scopes) != 1 {
		t.Errorf("metadata did not round-trip: %+v", tok)
	}

	raw := storetest.ReadFile(t, v.Path())
	storetest.AssertNoLeak(t, "vault file", raw, s1, s2)
	if !bytes.HasPrefix(raw, []byte("age-encryption.org/v1\n")) {
		t.Error("vault is not a binary age file")
	}

	// The identity is in age-keygen format, so the age tool can recover the
	// vault by hand.
	idText := storetest.ReadFile(t, v.IdentityPath())
	if !bytes.Contains(idText, []byte("\nAGE-SECRET-KEY-1")) || !bytes.Contains(idText, []byte("# public key: age1")) {
		t.Errorf("identity file is not in age-keygen format")
	}
	ids, err := age.ParseIdentities(bytes.NewReader(idText))
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(raw), ids...)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	if !bytes.Contains(plain, []byte(s1)) || !bytes.Contains(plain, []byte(`"version":1`)) {
		t.Error("vault does not decrypt with the age library to the expected JSON")
	}
}

func TestLoadMissingVaultCreatesNothing(t *testing.T) {
	root := t.TempDir()
	v := New(filepath.Join(root, "data", "adopat", "vault.age"), filepath.Join(root, "keys", "identity.txt"))
	d, err := v.Load()
	if err != nil {
		t.Fatalf("Load of a missing vault: %v", err)
	}
	if d == nil || d.Version != 1 || len(d.Tokens) != 0 {
		t.Fatalf("Load of a missing vault = %+v, want empty version 1", d)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("Load created %v", entries)
	}

	// Same with the directory present: not even a lock file appears.
	dir := filepath.Join(root, "data", "adopat")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Load(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Load created %v", entries)
	}
}

func TestFirstWriteCreatesPrivateFiles(t *testing.T) {
	storetest.SkipOnWindows(t, "Unix permissions")
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	for path, want := range map[string]os.FileMode{
		filepath.Dir(v.Path()):               os.ModeDir | 0o700,
		filepath.Dir(filepath.Dir(v.Path())): os.ModeDir | 0o700,
		v.Path():                             0o600,
		v.IdentityPath():                     0o600,
		v.Path() + ".lock":                   0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode(), want)
		}
	}
	// No temp files are left behind.
	entries, _ := os.ReadDir(filepath.Dir(v.Path()))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("leftover temp file %s", e.Name())
		}
	}
}

func TestUpdateWithoutChangeWritesNothing(t *testing.T) {
	v := newTestVault(t)

	// On a fresh vault: no vault and no identity appear.
	if err := v.Update(func(d *store.Data) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{v.Path(), v.IdentityPath()} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("unchanged Update created %s", p)
		}
	}

	secret := storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	before, _ := os.Stat(v.Path())
	content := storetest.ReadFile(t, v.Path())
	time.Sleep(20 * time.Millisecond) // let a rewrite show in the mtime

	if err := v.Update(func(d *store.Data) (bool, error) {
		d.Tokens[0].Label = "changed but not reported" // must not be persisted
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := v.Update(func(d *store.Data) (bool, error) {
		d.Tokens = nil
		return true, boom
	}); !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}

	after, _ := os.Stat(v.Path())
	if !os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime()) || !bytes.Equal(content, storetest.ReadFile(t, v.Path())) {
		t.Error("vault was rewritten although nothing changed")
	}
	d, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tokens) != 1 || d.Tokens[0].Label != "" || tokenSecrets(t, v, d)["fabrikam"] != secret {
		t.Errorf("vault content changed: %+v", d.Tokens)
	}
}

func TestInsecurePermissionsRefused(t *testing.T) {
	storetest.SkipOnWindows(t, "Unix permissions")
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))

	for _, c := range []struct {
		what, path string
		mode       os.FileMode
	}{
		{"vault", v.Path(), 0o644},
		{"identity", v.IdentityPath(), 0o640},
	} {
		content := storetest.ReadFile(t, v.Path())
		if err := os.Chmod(c.path, c.mode); err != nil {
			t.Fatal(err)
		}
		_, err := New(v.Path(), v.IdentityPath()).Load()
		storetest.WantErr(t, err, store.ErrInsecurePermissions,
			c.what+" "+c.path+" is accessible by other users", fmt.Sprintf("(mode %04o)", c.mode))
		storetest.WantPermission(t, err, c.path, false)
		err = addToken(New(v.Path(), v.IdentityPath()), "contoso", storetest.RandSecret(t))
		storetest.WantErr(t, err, store.ErrInsecurePermissions, c.path)
		storetest.WantPermission(t, err, c.path, false)
		if !bytes.Equal(content, storetest.ReadFile(t, v.Path())) {
			t.Errorf("vault changed after refusing %s", c.what)
		}
		if err := os.Chmod(c.path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.Load(); err != nil {
		t.Errorf("after chmod 600: %v", err)
	}
}

// The message says what is wrong, whole and alone; the command that fixes
// it is the CLI's (cli.TestHintsCompleteStoreErrors gives the full line).
func TestInsecurePermissionsMessage(t *testing.T) {
	storetest.SkipOnWindows(t, "Unix permissions")
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	os.Chmod(v.Path(), 0o644)
	_, err := v.Load()
	want := "vault " + v.Path() + " is accessible by other users (mode 0644)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	if pe := storetest.WantPermission(t, err, v.Path(), false); pe.Mode != 0o644 || pe.What != "vault" {
		t.Errorf("PermissionError %+v", pe)
	}
}

func TestWrongIdentity(t *testing.T) {
	a, b := newTestVault(t), newTestVault(t)
	secret := storetest.RandSecret(t)
	mustAdd(t, a, "fabrikam", secret)
	mustAdd(t, b, "contoso", storetest.RandSecret(t))
	content := storetest.ReadFile(t, a.Path())
	otherID := storetest.ReadFile(t, b.IdentityPath())

	mixed := New(a.Path(), b.IdentityPath())
	_, err := mixed.Load()
	storetest.WantErr(t, err, store.ErrWrongIdentity, "cannot decrypt vault "+a.Path()+" with identity "+b.IdentityPath(),
		"encrypted for another key", "ADOPAT_IDENTITY")
	var nm *age.NoIdentityMatchError
	if !errors.As(err, &nm) {
		t.Error("error does not expose age.NoIdentityMatchError")
	}
	storetest.AssertNoLeak(t, "error message", []byte(err.Error()), secret)

	err = addToken(mixed, "contoso", storetest.RandSecret(t))
	storetest.WantErr(t, err, store.ErrWrongIdentity, a.Path())
	if !bytes.Equal(content, storetest.ReadFile(t, a.Path())) || !bytes.Equal(otherID, storetest.ReadFile(t, b.IdentityPath())) {
		t.Error("a failed update modified the vault or the identity")
	}
	if d, err := a.Load(); err != nil || tokenSecrets(t, a, d)["fabrikam"] != secret {
		t.Errorf("the right identity no longer opens the vault: %v", err)
	}
}

// TestDamagedVault covers each way a vault file can be damaged: the error
// names the file and says what happened, nothing is written, no secret is
// echoed.
func TestDamagedVault(t *testing.T) {
	secret := storetest.RandSecret(t)
	encrypt := func(t *testing.T, v *Store, plain string) []byte {
		k, err := v.identity()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		w, _ := age.Encrypt(&buf, k.recipient)
		io.WriteString(w, plain)
		w.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, v *Store, good []byte) []byte
		want   []string
	}{
		{"not age", func(*testing.T, *Store, []byte) []byte { return []byte(`{"version":1,"tokens":[]}`) },
			[]string{"is corrupted: not an age-encrypted file"}},
		{"empty", func(*testing.T, *Store, []byte) []byte { return nil },
			[]string{"is corrupted: not an age-encrypted file"}},
		{"bad header", func(_ *testing.T, _ *Store, good []byte) []byte {
			return append([]byte("age-encryption.org/v1\nnot a stanza\n"), good[len("age-encryption.org/v1\n"):]...)
		}, []string{"is corrupted"}},
		{"header MAC", func(_ *testing.T, _ *Store, good []byte) []byte {
			b := bytes.Clone(good)
			i := bytes.Index(b, []byte("\n--- ")) + 5
			b[i] ^= 1
			return b
		}, []string{"is corrupted"}},
		{"truncated payload", func(_ *testing.T, _ *Store, good []byte) []byte { return good[:len(good)-10] },
			[]string{"is truncated or corrupted"}},
		{"header only", func(_ *testing.T, _ *Store, good []byte) []byte {
			return good[:bytes.Index(good, []byte("\n--- "))+1]
		}, []string{"is truncated or corrupted"}},
		{"cut after header", func(_ *testing.T, _ *Store, good []byte) []byte {
			i := bytes.Index(good, []byte("\n--- "))
			return good[:i+1+bytes.IndexByte(good[i+1:], '\n')+1]
		}, []string{"is truncated or corrupted"}},
		{"tampered payload", func(_ *testing.T, _ *Store, good []byte) []byte {
			b := bytes.Clone(good)
			b[len(b)-1] ^= 0x40
			return b
		}, []string{"is truncated or corrupted"}},
		{"bad JSON", func(t *testing.T, v *Store, _ []byte) []byte {
			return encrypt(t, v, `{"version":1,"tokens":[{"secret":"`+secret+`"`)
		}, []string{"is corrupted", "not valid vault JSON"}},
		{"no version", func(t *testing.T, v *Store, _ []byte) []byte {
			return encrypt(t, v, `{"tokens":[]}`)
		}, []string{"is corrupted", "format version"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestVault(t)
			mustAdd(t, v, "fabrikam", secret)
			bad := c.damage(t, v, storetest.ReadFile(t, v.Path()))
			if err := os.WriteFile(v.Path(), bad, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := v.Load()
			storetest.WantErr(t, err, store.ErrCorrupted, append(c.want, "vault "+v.Path(), "restore it from a backup")...)
			storetest.AssertNoLeak(t, "error message", []byte(err.Error()), secret)

			err = addToken(v, "contoso", storetest.RandSecret(t))
			storetest.WantErr(t, err, store.ErrCorrupted, v.Path())
			if !bytes.Equal(bad, storetest.ReadFile(t, v.Path())) {
				t.Error("the damaged vault was overwritten")
			}
		})
	}
}

func TestNewerVaultVersion(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	// encodeVault writes version 1, or 2 with a token source; forge a version 3 by hand.
	k, _ := v.identity()
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, k.recipient)
	io.WriteString(w, `{"version":3,"tokens":[]}`)
	w.Close()
	os.WriteFile(v.Path(), buf.Bytes(), 0o600)
	_, err := v.Load()
	storetest.WantErr(t, err, store.ErrNewerFormat, "format version 3", v.Path()) // the CLI adds: upgrade git-credential-adopat
}

func TestExistingVaultMissingIdentity(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	content := storetest.ReadFile(t, v.Path())
	if err := os.Remove(v.IdentityPath()); err != nil {
		t.Fatal(err)
	}

	_, err := New(v.Path(), v.IdentityPath()).Load()
	storetest.WantErr(t, err, store.ErrIdentityMissing, "identity "+v.IdentityPath()+" is missing", "vault "+v.Path()+" exists", "ADOPAT_IDENTITY")
	err = addToken(New(v.Path(), v.IdentityPath()), "contoso", storetest.RandSecret(t))
	storetest.WantErr(t, err, store.ErrIdentityMissing, v.IdentityPath())
	err = New(v.Path(), v.IdentityPath()).SetPassphrase("pw")
	storetest.WantErr(t, err, store.ErrIdentityMissing, v.IdentityPath())

	if _, err := os.Stat(v.IdentityPath()); !errors.Is(err, os.ErrNotExist) {
		t.Error("a new identity was created for an existing vault")
	}
	if !bytes.Equal(content, storetest.ReadFile(t, v.Path())) {
		t.Error("the vault was modified")
	}
}

func TestUnparsableIdentity(t *testing.T) {
	v := newTestVault(t)
	os.MkdirAll(filepath.Dir(v.IdentityPath()), 0o700)
	if err := os.WriteFile(v.IdentityPath(), []byte("# not a key\nssh-ed25519 AAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := addToken(v, "fabrikam", storetest.RandSecret(t))
	storetest.WantErr(t, err, store.ErrCorrupted, "identity "+v.IdentityPath()+" is not a valid age identity file")
	if _, err := os.Stat(v.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Error("a vault was written with an unusable identity")
	}
}

func TestExistingPlainIdentityIsUsed(t *testing.T) {
	// A key made beforehand with age-keygen is used, not replaced.
	v := newTestVault(t)
	id, _ := age.GenerateX25519Identity()
	os.MkdirAll(filepath.Dir(v.IdentityPath()), 0o700)
	text := "# made by hand\n\n" + id.String() + "\n"
	os.WriteFile(v.IdentityPath(), []byte(text), 0o600)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	if string(storetest.ReadFile(t, v.IdentityPath())) != text {
		t.Error("the existing identity was rewritten")
	}
	r, err := age.Decrypt(bytes.NewReader(storetest.ReadFile(t, v.Path())), id)
	if err != nil {
		t.Fatalf("vault not encrypted to the existing identity: %v", err)
	}
	io.Copy(io.Discard, r)
}

func TestOversizedVaultRefused(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	if err := os.Truncate(v.Path(), maxVaultSize+1); err != nil { // sparse
		t.Fatal(err)
	}
	_, err := v.Load()
	storetest.WantErr(t, err, store.ErrCorrupted, "vault "+v.Path()+" is larger than 64 MiB")
}

func TestVaultIsDirectory(t *testing.T) {
	v := newTestVault(t)
	os.MkdirAll(v.Path(), 0o700)
	_, err := v.Load()
	storetest.WantErr(t, err, nil, "vault "+v.Path()+" is not a regular file")
}

// Load gives metadata only; Secret answers from what that Load decrypted,
// so a `get` (Load, then one Secret) decrypts the vault once: here the
// vault is damaged between the two, and Secret still answers.
func TestVaultSecretReadsWhatLoadDecrypted(t *testing.T) {
	v := newTestVault(t)
	secret := storetest.RandSecret(t)
	mustAdd(t, v, "fabrikam", secret)
	get := New(v.Path(), v.IdentityPath())
	d, err := get.Load()
	if err != nil {
		t.Fatal(err)
	}
	if tok := d.Tokens[0]; tok.Secret != "" || !tok.Stripped() {
		t.Fatalf("Load gave a secret or an unstripped token: %+v", tok)
	}
	if err := os.WriteFile(v.Path(), []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if pat, _, err := get.Secret("FABRIKAM"); err != nil || pat != secret {
		t.Fatalf("Secret after Load = %v; want the PAT without reading the vault again", err)
	}
	_, _, err = get.Secret("contoso")
	var nf *store.ScopeNotFoundError
	if !errors.Is(err, store.ErrNotFound) || !errors.As(err, &nf) || nf.Scope != "contoso" {
		t.Errorf("Secret of a scope no token has = %v", err)
	}
	// Without a Load (and after an Update) Secret reads the file.
	_, _, err = New(v.Path(), v.IdentityPath()).Secret("fabrikam")
	storetest.WantErr(t, err, store.ErrCorrupted, v.Path())
}

// A token copied from a Load into an Update without its secret is refused,
// never stored as an empty PAT.
func TestVaultRefusesUnreadCopy(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	snap, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	before := storetest.ReadFile(t, v.Path())
	err = v.Update(func(d *store.Data) (bool, error) {
		tok := snap.Tokens[0]
		tok.Org = "contoso"
		d.Tokens = append(d.Tokens, tok)
		return true, nil
	})
	storetest.WantErr(t, err, nil, "contoso", "never read")
	if !bytes.Equal(before, storetest.ReadFile(t, v.Path())) {
		t.Error("the vault was written")
	}
}

// The vault keeps one slot per organisation, whatever its case (Azure
// DevOps names are case-insensitive; keyring's TestOrgCaseIsOneSlot holds
// the keyring to the same rule).
func TestOrgCaseIsOneSlot(t *testing.T) {
	v := newTestVault(t)
	first, second := storetest.RandSecret(t), storetest.RandSecret(t)
	for _, tok := range []store.Token{{Org: "Fabrikam", Username: "pat", Secret: first}, {Org: "fabrikam", Username: "pat", Secret: second}} {
		if err := v.Update(func(d *store.Data) (bool, error) { d.Put(tok); return true, nil }); err != nil {
			t.Fatal(err)
		}
	}
	d, err := v.Load()
	if err != nil || len(d.Tokens) != 1 || d.Tokens[0].Org != "fabrikam" {
		t.Fatalf("Load = %+v, %v; want one token, fabrikam", d, err)
	}
	if pat, _, err := v.Secret("FABRIKAM"); err != nil || pat != second {
		t.Errorf("Secret(FABRIKAM) = %v; want the second PAT", err)
	}
}
