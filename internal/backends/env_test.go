package backends

import (
	"maps"
	"path/filepath"
	"testing"
)

// The default vault and keyring index follow the XDG base directories
// when they are absolute, and the spec's fallbacks below HOME when they
// are unset or relative (the spec says to ignore relative values).
func TestDefaultPaths(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		xdgData, xdgConfig string
		vault, index       string
	}{
		{home + "/data", home + "/config", filepath.Join(home, "data", "adopat", "vault.age"), filepath.Join(home, "config", "adopat", "keyring-index.json")},
		{"", "", filepath.Join(home, ".local", "share", "adopat", "vault.age"), filepath.Join(home, ".config", "adopat", "keyring-index.json")},
		{"relative/dir", "relative/dir", filepath.Join(home, ".local", "share", "adopat", "vault.age"), filepath.Join(home, ".config", "adopat", "keyring-index.json")},
	} {
		env := map[string]string{"HOME": home, "USERPROFILE": home, "XDG_DATA_HOME": tc.xdgData, "XDG_CONFIG_HOME": tc.xdgConfig}
		e := &Env{Getenv: func(k string) string { return env[k] }}
		if got, err := e.DefaultVaultPath(); err != nil || got != tc.vault {
			t.Errorf("XDG_DATA_HOME=%q: DefaultVaultPath = %q, %v; want %q", tc.xdgData, got, err, tc.vault)
		}
		if got, err := e.DefaultIndexPath(); err != nil || got != tc.index {
			t.Errorf("XDG_CONFIG_HOME=%q: DefaultIndexPath = %q, %v; want %q", tc.xdgConfig, got, err, tc.index)
		}
	}
}

// testdata/d0e51e6-config is the config file of the store in
// internal/store/vault/testdata/d0e51e6-store (its make-fixture.sh wrote
// it before running the binaries of commit d0e51e6, which read it): the
// current code reads the same settings.
func TestConfigOfD0e51e6(t *testing.T) {
	cfg, err := ReadConfigFile(filepath.Join("testdata", "d0e51e6-config"))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"expiry-warning": "3d", "keyring-timeout": "5s"}; !maps.Equal(cfg, want) {
		t.Errorf("config = %v, want %v", cfg, want)
	}
}
