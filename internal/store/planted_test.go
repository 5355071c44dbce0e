//go:build !windows

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// outsideFile is a file outside the vault directory that a planted link
// points to; the tests check that it is never written.
func outsideFile(t *testing.T) (path string, content []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "precious")
	content = []byte("not adopat's\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

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
	mustAdd(t, v, "fabrikam", randSecret(t))
	usage := NewUsageLog(v.Path())
	for _, c := range []struct {
		what, path string
		op         func() error
	}{
		{"usage journal", usage.path, func() error { return usage.Record(Use{At: time.Now(), Scope: "fabrikam"}) }},
		{"usage journal", usage.path, func() error { return usage.Fold(v) }},
		{"lock file", usage.path + ".lock", func() error { return usage.Record(Use{At: time.Now(), Scope: "fabrikam"}) }},
		{"lock file", v.lockPath(), func() error { _, err := v.Load(); return err }},
		{"identity", v.IdentityPath(), func() error { _, err := NewVault(v.Path(), v.IdentityPath()).Load(); return err }},
		{"vault", v.Path(), func() error { return addToken(v, "contoso", randSecret(t)) }},
	} {
		t.Run(c.what+"/"+filepath.Base(c.path), func(t *testing.T) {
			target, content := outsideFile(t)
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
			wantErr(t, c.op(), ErrNotRegularFile, c.what+" "+c.path+" is a symbolic link", "does not follow links", "remove it")
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
	mustAdd(t, v, "fabrikam", randSecret(t))
	usage := NewUsageLog(v.Path())
	record := func() error { return usage.Record(Use{At: time.Now(), Scope: "fabrikam"}) }
	for _, c := range []struct {
		what, path string
		op         func() error
	}{
		{"usage journal", usage.path, record},
		{"usage journal", usage.path, func() error { return usage.Fold(v) }},
		{"lock file", usage.path + ".lock", record},
		{"lock file", v.lockPath(), func() error { _, err := v.Load(); return err }},
		{"identity", v.IdentityPath(), func() error { _, err := NewVault(v.Path(), v.IdentityPath()).Load(); return err }},
		{"vault", v.Path(), func() error { return addToken(v, "contoso", randSecret(t)) }},
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
			wantErr(t, err, ErrNotRegularFile, c.what+" "+c.path+" is not a regular file but a FIFO", "remove it")
		})
	}
	// WarnOnce cannot keep its state in a FIFO: it warns (rather than
	// missing a warning) and does not hang.
	mkfifo(t, usage.path+".warned")
	if err := noHang(t, "WarnOnce", func() error {
		if !usage.WarnOnce("fabrikam", time.Now()) {
			return errors.New("no warning")
		}
		return nil
	}); err != nil {
		t.Error("WarnOnce with a FIFO for its state did not warn")
	}
	if fi, err := os.Lstat(usage.path + ".warned"); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
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
	mustAdd(t, v, "fabrikam", randSecret(t))
	dir := filepath.Dir(v.Path())
	for _, mode := range []os.FileMode{0o770, 0o722, 0o777 | os.ModeSticky} {
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		_, err := v.Load()
		wantErr(t, err, ErrInsecurePermissions, "vault directory "+dir, "run: chmod go-w "+dir)
		wantErr(t, addToken(v, "contoso", randSecret(t)), ErrInsecurePermissions, "chmod go-w "+dir)
		wantErr(t, NewUsageLog(v.Path()).Record(Use{At: time.Now(), Scope: "fabrikam"}), ErrInsecurePermissions, "chmod go-w "+dir)
		if errs := v.CheckFiles(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "chmod go-w") {
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
	wantErr(t, err, ErrInsecurePermissions, "vault directory "+dir+" is owned by 4242", "chown ")
}

// An identity kept in another directory than the vault is checked there.
func TestInsecureIdentityDirectoryRefused(t *testing.T) {
	idDir := filepath.Join(t.TempDir(), "keys")
	v := NewVault(filepath.Join(t.TempDir(), "vault.age"), filepath.Join(idDir, "identity.txt"))
	mustAdd(t, v, "fabrikam", randSecret(t))
	if err := os.Chmod(idDir, 0o775); err != nil {
		t.Fatal(err)
	}
	_, err := v.Load()
	wantErr(t, err, ErrInsecurePermissions, "identity directory "+idDir, "chmod go-w "+idDir)
}

// Temp files a killed write left (they hold the vault or a plain key) are
// removed by the next write under the lock; files that only look alike,
// or belong to another target, stay.
func TestStaleTempFilesRemovedByNextWrite(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", randSecret(t))
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
	mustAdd(t, v, "contoso", randSecret(t))
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
	if err := WriteOwnFile("config", target, []byte("backend = file\n")); err != nil {
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
	target, content := outsideFile(t)
	link := filepath.Join(t.TempDir(), "config")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	_, err := ReadOwnFile("config", link, 1<<20)
	wantErr(t, err, ErrNotRegularFile, "config "+link+" is a symbolic link")
	wantErr(t, WriteOwnFile("config", link, []byte("backend = file\n")), ErrNotRegularFile, "config "+link+" is a symbolic link")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if got, _ := os.ReadFile(target); string(got) != string(content) {
		t.Errorf("the link's target was written: %q", got)
	}
}

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
	if _, err := ReadOwnFile("config", filepath.Join(dir, "config"), 1<<20); !errors.Is(err, ErrInsecurePermissions) {
		t.Errorf("config in a group-writable directory: %v, want ErrInsecurePermissions", err)
	}
	if err := WriteOwnFile("config", filepath.Join(dir, "config"), []byte("x\n")); !errors.Is(err, ErrInsecurePermissions) {
		t.Errorf("writing the config there: %v, want ErrInsecurePermissions", err)
	}
	if _, _, err := readIndex(filepath.Join(dir, "keyring-index.json")); !errors.Is(err, ErrInsecurePermissions) {
		t.Errorf("keyring index in a group-writable directory: %v, want ErrInsecurePermissions", err)
	}
}
