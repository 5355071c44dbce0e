package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

func TestDefaultPaths(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	got, err := DefaultPath()
	if want := filepath.Join(data, "adopat", "vault.age"); err != nil || got != want {
		t.Errorf("DefaultPath = %q, %v; want %q", got, err, want)
	}
	if got, want := DefaultIdentityPath(got), filepath.Join(data, "adopat", "identity.txt"); got != want {
		t.Errorf("DefaultIdentityPath = %q, want %q", got, want)
	}

	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // os.UserHomeDir on Windows
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", v)
		got, err := DefaultPath()
		if want := filepath.Join(home, ".local", "share", "adopat", "vault.age"); err != nil || got != want {
			t.Errorf("with XDG_DATA_HOME=%q: DefaultPath = %q, %v; want %q", v, got, err, want)
		}
	}
}

// The unlocked key goes to $XDG_RUNTIME_DIR/adopat only when that is on a
// RAM file system; a disk directory, or no XDG_RUNTIME_DIR at all, is
// refused with the reason and what to do, never replaced by the cache
// directory on disk.
func TestRuntimeDir(t *testing.T) {
	rt := os.Getenv("XDG_RUNTIME_DIR") // TestMain's, on tmpfs
	if got, err := runtimeDir(); err != nil || got != filepath.Join(rt, "adopat") {
		t.Errorf("runtimeDir = %q, %v with XDG_RUNTIME_DIR on tmpfs", got, err)
	}

	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	disk := t.TempDir()
	if ok, _, _ := checkRAM(disk); ok {
		t.Skipf("the temp dir %s is RAM-backed here; no disk directory to refuse", disk)
	}
	t.Setenv("XDG_RUNTIME_DIR", disk)
	_, err := runtimeDir()
	storetest.WantErr(t, err, store.ErrNoRuntimeDir, disk, "not RAM-backed")
	var nr *store.NoRuntimeDirError // the CLI adds what to do instead (migrate --to keyring, passphrase --remove)
	if !errors.As(err, &nr) || nr.Dir != disk || nr.FSType == "" {
		t.Errorf("runtimeDir on disk: %#v", err)
	}

	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_RUNTIME_DIR", v)
		_, err := runtimeDir()
		storetest.WantErr(t, err, store.ErrNoRuntimeDir, "XDG_RUNTIME_DIR is not set")
		if !errors.As(err, &nr) || nr.Dir != "" {
			t.Errorf("runtimeDir with XDG_RUNTIME_DIR %q: %#v", v, err)
		}
	}
}
