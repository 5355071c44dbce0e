//go:build !windows

package fsx_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(storetest.Main(m, nil))
}

// A writer that does not hold the target's lock (unlock, the config) only
// removes temp files old enough that no live writer can own them.
func TestUnlockedSweepKeepsYoungTempFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "config")
	young, old := filepath.Join(dir, ".config.tmp-1"), filepath.Join(dir, ".config.tmp-2")
	for _, p := range []string{young, old} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Minute)
	if err := os.Chtimes(old, long, long); err != nil {
		t.Fatal(err)
	}
	if err := fsx.WriteOwn("config", target, []byte("backend = file\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(young); err != nil {
		t.Error("a young temp file (maybe a live writer's) was removed without the lock")
	}
	if _, err := os.Lstat(old); !errors.Is(err, os.ErrNotExist) {
		t.Error("an old temp file was not removed")
	}
}

// The config and other own files are not written through, nor replaced
// over, a planted link.
func TestOwnFileHelpersRefuseLinks(t *testing.T) {
	target, content := storetest.OutsideFile(t)
	link := filepath.Join(t.TempDir(), "config")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := fsx.ReadOwn("config", link, 1<<20)
	storetest.WantErr(t, err, store.ErrNotRegularFile, "config "+link+" is a symbolic link")
	storetest.WantErr(t, fsx.WriteOwn("config", link, []byte("backend = file\n")), store.ErrNotRegularFile, "config "+link+" is a symbolic link")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if got, _ := os.ReadFile(target); string(got) != string(content) {
		t.Errorf("the link's target was written: %q", got)
	}
}
