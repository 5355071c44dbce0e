//go:build !windows

package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"

	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	os.Remove(path)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
}

// noHang fails the test if fn does not return within a few seconds: a
// FIFO opened for reading or writing would otherwise block forever.
func noHang(t *testing.T, what string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("%s hung on a planted FIFO", what)
		return nil
	}
}

// A symbolic link where adopat keeps one of its own files is an error that
// names the path and says to remove it; nothing is written through it.
func TestPlantedSymlinksAreRefused(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	usage := journal.New(v.Path())
	for _, c := range []struct {
		what, path string
		op         func() error
	}{
		{"usage journal", usage.Path(), func() error { return usage.Record(store.Use{At: time.Now(), Scope: "fabrikam"}) }},
		{"usage journal", usage.Path(), func() error { return usage.Fold(v) }},
		{"lock file", usage.Path() + ".lock", func() error { return usage.Record(store.Use{At: time.Now(), Scope: "fabrikam"}) }},
		{"lock file", v.lockPath(), func() error { return addToken(v, "contoso", storetest.RandSecret(t)) }}, // Load takes no lock
		{"identity", v.IdentityPath(), func() error { _, err := New(v.Path(), v.IdentityPath()).Load(); return err }},
		{"vault", v.Path(), func() error { return addToken(v, "contoso", storetest.RandSecret(t)) }},
	} {
		t.Run(c.what+"/"+filepath.Base(c.path), func(t *testing.T) {
			target, content := storetest.OutsideFile(t)
			saved, err := os.ReadFile(c.path)
			if err == nil {
				t.Cleanup(func() { os.Remove(c.path); os.WriteFile(c.path, saved, 0o600) })
			} else {
				t.Cleanup(func() { os.Remove(c.path) })
			}
			os.Remove(c.path)
			if err := os.Symlink(target, c.path); err != nil {
				t.Fatal(err)
			}
			err = c.op()
			storetest.WantErr(t, err, store.ErrNotRegularFile, c.what+" "+c.path+" is a symbolic link", "does not follow links")
			storetest.WantNotRegular(t, err, c.path, "a symbolic link")
			if got, _ := os.ReadFile(target); string(got) != string(content) {
				t.Errorf("the link's target was written: %q", got)
			}
			if errs := usage.CheckFiles(); c.what == "usage journal" && len(errs) == 0 {
				t.Error("UsageLog.CheckFiles does not report the planted journal")
			}
		})
	}
}

// A FIFO planted at a lock, the journal, the warning state or the identity
// never hangs a command: it is refused at once, naming the path.
func TestPlantedFIFOsNeverHang(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	usage := journal.New(v.Path())
	record := func() error { return usage.Record(store.Use{At: time.Now(), Scope: "fabrikam"}) }
	for _, c := range []struct {
		what, path string
		op         func() error
	}{
		{"usage journal", usage.Path(), record},
		{"usage journal", usage.Path(), func() error { return usage.Fold(v) }},
		{"lock file", usage.Path() + ".lock", record},
		{"lock file", v.lockPath(), func() error { return addToken(v, "contoso", storetest.RandSecret(t)) }}, // Load takes no lock
		{"identity", v.IdentityPath(), func() error { _, err := New(v.Path(), v.IdentityPath()).Load(); return err }},
		{"vault", v.Path(), func() error { return addToken(v, "contoso", storetest.RandSecret(t)) }},
	} {
		t.Run(c.what+"/"+filepath.Base(c.path), func(t *testing.T) {
			saved, err := os.ReadFile(c.path)
			t.Cleanup(func() {
				os.Remove(c.path)
				if err == nil {
					os.WriteFile(c.path, saved, 0o600)
				}
			})
			mkfifo(t, c.path)
			err = noHang(t, c.what, c.op)
			storetest.WantErr(t, err, store.ErrNotRegularFile, c.what+" "+c.path+" is not a regular file but a FIFO")
			storetest.WantNotRegular(t, err, c.path, "a FIFO (named pipe)")
		})
	}
	// WarnOnce cannot keep its state in a FIFO: it warns (rather than
	// missing a warning) and does not hang.
	mkfifo(t, usage.Path()+".warned")
	if err := noHang(t, "WarnOnce", func() error {
		if !usage.WarnOnce("fabrikam", time.Now()) {
			return errors.New("no warning")
		}
		return nil
	}); err != nil {
		t.Error("WarnOnce with a FIFO for its state did not warn")
	}
	if fi, err := os.Lstat(usage.Path() + ".warned"); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("WarnOnce replaced the planted FIFO instead of leaving it for the user")
	}
	if errs := usage.CheckFiles(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "warning state") {
		t.Errorf("UsageLog.CheckFiles = %v, want the planted warning state", errs)
	}
}

// The vault's directory must be the user's and writable by no one else,
// like ssh's StrictModes; the error gives the command that fixes it.
func TestInsecureVaultDirectoryRefused(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	dir := filepath.Dir(v.Path())
	for _, mode := range []os.FileMode{0o770, 0o722, 0o777 | os.ModeSticky} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := v.Load()
		storetest.WantErr(t, err, store.ErrInsecurePermissions, "vault directory "+dir, "is writable by other users")
		storetest.WantPermission(t, err, dir, true)
		err = addToken(v, "contoso", storetest.RandSecret(t))
		storetest.WantErr(t, err, store.ErrInsecurePermissions, dir)
		storetest.WantPermission(t, err, dir, true)
		err = journal.New(v.Path()).Record(store.Use{At: time.Now(), Scope: "fabrikam"})
		storetest.WantErr(t, err, store.ErrInsecurePermissions, dir)
		storetest.WantPermission(t, err, dir, true)
		if errs := v.CheckFiles(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "is writable by other users") {
			t.Errorf("CheckFiles with mode %v = %v", mode, errs)
		}
	}
	if err := os.Chmod(dir, 0o750); err != nil { // group may read, not write
		t.Fatal(err)
	}
	if _, err := v.Load(); err != nil {
		t.Errorf("Load with the directory mode 0750: %v", err)
	}

	if os.Geteuid() != 0 {
		return // only root can hand the directory to someone else
	}
	if err := os.Chown(dir, 4242, -1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chown(dir, 0, -1) })
	_, err := v.Load()
	storetest.WantErr(t, err, store.ErrInsecurePermissions, "vault directory "+dir+" is owned by 4242")
	if pe := storetest.WantPermission(t, err, dir, true); pe.Owner != "4242" || pe.User == "" {
		t.Errorf("PermissionError owner %q, user %q; want 4242 and the user running the test", pe.Owner, pe.User)
	}
}

// An identity kept in another directory than the vault is checked there.
func TestInsecureIdentityDirectoryRefused(t *testing.T) {
	idDir := filepath.Join(t.TempDir(), "keys")
	v := New(filepath.Join(t.TempDir(), "vault.age"), filepath.Join(idDir, "identity.txt"))
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	if err := os.Chmod(idDir, 0o775); err != nil {
		t.Fatal(err)
	}
	_, err := v.Load()
	storetest.WantErr(t, err, store.ErrInsecurePermissions, "identity directory "+idDir)
	storetest.WantPermission(t, err, idDir, true)
}

// Temp files a killed write left (they hold the vault or a plain key) are
// removed by the next write under the lock; files that only look alike,
// or belong to another target, stay.
func TestStaleTempFilesRemovedByNextWrite(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	dir := filepath.Dir(v.Path())
	plant := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("AGE-SECRET-KEY-1 leftover"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := []string{plant(".vault.age.tmp-123456"), plant(".identity.txt.tmp-987")}
	kept := []string{plant(".vault.age.tmp-notdigits"), plant("vault.age.tmp-1"), plant(".other.tmp-42")}
	mustAdd(t, v, "contoso", storetest.RandSecret(t))
	for _, p := range stale {
		if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stale temp file %s survived the next write", filepath.Base(p))
		}
	}
	for _, p := range kept {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s is not ours but was removed", filepath.Base(p))
		}
	}
}
