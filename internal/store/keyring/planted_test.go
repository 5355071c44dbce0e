//go:build !windows

package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// The config and the keyring index decide which store and which keyring
// item answer: a directory others can write is refused for them too.
func TestConfigAndIndexInInsecureDirectoryRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "adopat")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"config", "keyring-index.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	if _, err := fsx.ReadOwn("config", filepath.Join(dir, "config"), 1<<20); !errors.Is(err, store.ErrInsecurePermissions) {
		t.Errorf("config in a group-writable directory: %v, want store.ErrInsecurePermissions", err)
	}
	if err := fsx.WriteOwn("config", filepath.Join(dir, "config"), []byte("x\n")); !errors.Is(err, store.ErrInsecurePermissions) {
		t.Errorf("writing the config there: %v, want store.ErrInsecurePermissions", err)
	}
	if _, _, err := readIndex(filepath.Join(dir, "keyring-index.json")); !errors.Is(err, store.ErrInsecurePermissions) {
		t.Errorf("keyring index in a group-writable directory: %v, want store.ErrInsecurePermissions", err)
	}
}
