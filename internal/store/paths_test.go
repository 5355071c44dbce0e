package store

import (
	"path/filepath"
	"testing"
)

func TestDefaultPaths(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	got, err := DefaultVaultPath()
	if want := filepath.Join(data, "adopat", "vault.age"); err != nil || got != want {
		t.Errorf("DefaultVaultPath = %q, %v; want %q", got, err, want)
	}
	if got, want := DefaultIdentityPath(got), filepath.Join(data, "adopat", "identity.txt"); got != want {
		t.Errorf("DefaultIdentityPath = %q, want %q", got, want)
	}

	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", v)
		got, err := DefaultVaultPath()
		if want := filepath.Join(home, ".local", "share", "adopat", "vault.age"); err != nil || got != want {
			t.Errorf("with XDG_DATA_HOME=%q: DefaultVaultPath = %q, %v; want %q", v, got, err, want)
		}
	}
}

func TestRuntimeDir(t *testing.T) {
	rt := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", rt)
	if got, _ := runtimeDir(); got != filepath.Join(rt, "adopat") {
		t.Errorf("runtimeDir = %q with XDG_RUNTIME_DIR set", got)
	}
	cache := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("LocalAppData", cache)
	t.Setenv("HOME", cache)
	got, err := runtimeDir()
	if err != nil || filepath.Base(got) != "run" || filepath.Base(filepath.Dir(got)) != "adopat" {
		t.Errorf("runtimeDir = %q, %v without XDG_RUNTIME_DIR; want <cache>/adopat/run", got, err)
	}
}
