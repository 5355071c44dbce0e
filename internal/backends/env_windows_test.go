package backends

import (
	"os"
	"path/filepath"
	"testing"
)

// On Windows adopat's files live in %LOCALAPPDATA%\adopat. A vault, key
// and config that the previous version wrote to the Unix places below
// %USERPROFILE% (testdata/legacy-profile, written by that code) are used
// where they are until the new place has a file of the same name; XDG
// variables set to an absolute path still win.
func TestWindowsPathsAndTheLegacyProfile(t *testing.T) {
	profile := t.TempDir()
	local := filepath.Join(profile, "AppData", "Local")
	env := map[string]string{"USERPROFILE": profile, "LOCALAPPDATA": local}
	e := func() *Env { return &Env{Getenv: func(k string) string { return env[k] }} }

	newVault := filepath.Join(local, "adopat", "vault.age")
	if got, err := e().DefaultVaultPath(); err != nil || got != newVault {
		t.Errorf("fresh profile: DefaultVaultPath = %q, %v; want %q", got, err, newVault)
	}
	for _, p := range []struct {
		get  func() (string, error)
		want string
	}{{e().DefaultIndexPath, filepath.Join(local, "adopat", "keyring-index.json")}, {e().ConfigPath, filepath.Join(local, "adopat", "config")}} {
		if got, err := p.get(); err != nil || got != p.want {
			t.Errorf("fresh profile: %q, %v; want %q", got, err, p.want)
		}
	}

	copyTree(t, filepath.Join("testdata", "legacy-profile"), profile)
	oldVault := filepath.Join(profile, ".local", "share", "adopat", "vault.age")
	if got, _ := e().DefaultVaultPath(); got != oldVault {
		t.Errorf("legacy vault: DefaultVaultPath = %q; want it read in place, %q", got, oldVault)
	}
	if got, _ := e().ConfigPath(); got != filepath.Join(profile, ".config", "adopat", "config") {
		t.Errorf("legacy config: ConfigPath = %q", got)
	}
	// The legacy vault opens, with its key beside it, and answers.
	ee := e()
	b, err := ee.Open(false)
	if err != nil {
		t.Fatal(err)
	}
	if b.Kind.Name != "file" || b.Path != oldVault {
		t.Errorf("opened %s at %s; want the legacy vault", b.Kind.Name, b.Path)
	}
	if pat, _, err := b.Store.Secret("fabrikam"); err != nil || pat != "legacy-fixture-pat-not-a-secret" {
		t.Errorf("legacy vault's PAT: %q, %v", pat, err)
	}

	// A file at the new place wins over the legacy one.
	if err := os.MkdirAll(filepath.Dir(newVault), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newVault, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, _ := e().DefaultVaultPath(); got != newVault {
		t.Errorf("both: DefaultVaultPath = %q; want the new place %q", got, newVault)
	}

	// XDG_DATA_HOME, set absolute, wins everywhere.
	env["XDG_DATA_HOME"] = filepath.Join(profile, "xdg")
	if got, _ := e().DefaultVaultPath(); got != filepath.Join(profile, "xdg", "adopat", "vault.age") {
		t.Errorf("XDG_DATA_HOME: DefaultVaultPath = %q", got)
	}
}

// copyTree copies the files below src into dst, private to the user.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
