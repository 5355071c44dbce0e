package vault

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

func TestDefaultIdentityPath(t *testing.T) {
	vaultPath := filepath.Join(t.TempDir(), "adopat", "vault.age")
	if got, want := DefaultIdentityPath(vaultPath), filepath.Join(filepath.Dir(vaultPath), "identity.txt"); got != want {
		t.Errorf("DefaultIdentityPath = %q, want %q", got, want)
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
		want := "XDG_RUNTIME_DIR is not set"
		if runtime.GOOS == "windows" {
			want = "unlock is not available on Windows"
		}
		storetest.WantErr(t, err, store.ErrNoRuntimeDir, want)
		if !errors.As(err, &nr) || nr.Dir != "" {
			t.Errorf("runtimeDir with XDG_RUNTIME_DIR %q: %#v", v, err)
		}
	}
}
