//go:build !windows

package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// Crash safety of the vault's write path, proven by failing each step
// (through fsx's seam, or the kernel: RLIMIT_FSIZE, a read-only
// directory, SIGKILL) and checking that the previous vault and key are
// byte for byte what they were.

func init() {
	// stall-before-rename: add a token, but stop with the temp file
	// written and fsynced, the lock held, just before the rename; say
	// "stalled" and wait to be killed.
	moreHelpers["stall-before-rename"] = func() int {
		real := fsx.DefaultOps()
		o := real
		o.Rename = func(oldpath, newpath string) error {
			if filepath.Base(newpath) == "vault.age" {
				fmt.Println("stalled " + oldpath)
				time.Sleep(time.Hour)
			}
			return real.Rename(oldpath, newpath)
		}
		fsx.SetOpsForTest(o)
		return moreHelpersRun("add-token")
	}
	// add-token-fsize: add a token with RLIMIT_FSIZE at
	// ADOPAT_TEST_FSIZE bytes, so writing the new vault fails with EFBIG.
	moreHelpers["add-token-fsize"] = func() int {
		n, err := strconv.ParseUint(os.Getenv("ADOPAT_TEST_FSIZE"), 10, 64)
		if err == nil {
			err = unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: n, Max: n})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 2
		}
		return moreHelpersRun("add-token")
	}
}

// moreHelpersRun runs another helper mode in this process.
func moreHelpersRun(mode string) int { return runHelper(mode) }

// snapshot is what a failed write must leave: the vault and key bytes.
type snapshot struct{ vault, key []byte }

func takeSnapshot(t *testing.T, v *Store) snapshot {
	t.Helper()
	return snapshot{storetest.ReadFile(t, v.Path()), storetest.ReadFile(t, v.IdentityPath())}
}

// assertIntact checks v against s: the same bytes, no temp file beside
// them, and the old tokens still load.
func (s snapshot) assertIntact(t *testing.T, v *Store, tokens int) {
	t.Helper()
	if got := storetest.ReadFile(t, v.Path()); !bytes.Equal(got, s.vault) {
		t.Error("the vault changed")
	}
	if got := storetest.ReadFile(t, v.IdentityPath()); !bytes.Equal(got, s.key) {
		t.Error("the identity changed")
	}
	assertNoTempFiles(t, v)
	if d, err := New(v.Path(), v.IdentityPath()).Load(); err != nil || len(d.Tokens) != tokens {
		t.Errorf("the vault does not load its %d tokens: %v", tokens, err)
	}
}

func assertNoTempFiles(t *testing.T, v *Store) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(v.Path()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file %s left beside the vault", e.Name())
		}
	}
}

// Each failure of the write path (injected through fsx's seam) fails the
// Update with an error saying the vault is unchanged, and leaves vault and
// key byte-identical; the next Update works.
func TestUpdateFailuresKeepVaultAndKey(t *testing.T) {
	for _, tc := range []struct {
		op    string
		errno syscall.Errno
	}{
		{"createtemp", syscall.EROFS},
		{"write", syscall.ENOSPC},
		{"sync", syscall.EIO},
		{"rename", syscall.EXDEV},
	} {
		t.Run(tc.op+"_"+tc.errno.Error(), func(t *testing.T) {
			v := newTestVault(t)
			mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
			snap := takeSnapshot(t, v)
			restore := fsx.SetOpsForTest(storetest.FailingOps(tc.op, tc.errno))
			secret := storetest.RandSecret(t)
			err := addToken(v, "contoso", secret)
			restore()
			if !errors.Is(err, tc.errno) || !strings.Contains(err.Error(), "vault "+v.Path()+" (it is unchanged)") {
				t.Errorf("Update: %v, want an error saying the vault is unchanged, wrapping %v", err, tc.errno)
			}
			snap.assertIntact(t, v, 1)
			mustAdd(t, v, "contoso", secret)
		})
	}
}

// A changing Update replaces the vault with a new file (rename, not a
// write in place); one that changes nothing writes nothing.
func TestUpdateReplacesVaultFile(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	before, err := os.Lstat(v.Path())
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Update(func(*store.Data) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	if same, _ := os.Lstat(v.Path()); !os.SameFile(before, same) {
		t.Error("an Update that changed nothing replaced the vault")
	}
	mustAdd(t, v, "contoso", storetest.RandSecret(t))
	after, err := os.Lstat(v.Path())
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("a changing Update wrote the vault in place instead of replacing it")
	}
	keyBefore, _ := os.Lstat(v.IdentityPath())
	mustAdd(t, v, "northwind", storetest.RandSecret(t))
	if keyAfter, _ := os.Lstat(v.IdentityPath()); !os.SameFile(keyBefore, keyAfter) {
		t.Error("a vault write touched the identity")
	}
}

// The first Update creates the key with CreateExclusive: a key that
// appears meanwhile (a process ignoring the lock, planted just before the
// link) is never replaced, through link(2) or its O_EXCL fallback, and no
// vault is written for a key that is not the one on disk.
func TestFirstUpdateNeverReplacesAKeyThatAppeared(t *testing.T) {
	for _, linkErr := range []error{nil, syscall.EXDEV, syscall.EPERM} {
		t.Run(fmt.Sprint(linkErr), func(t *testing.T) {
			v := newTestVault(t)
			planted := []byte("# someone's key\nAGE-SECRET-KEY-1PLANTED\n")
			real := fsx.DefaultOps()
			o := real
			o.Link = func(a, b string) error {
				if err := os.WriteFile(b, planted, 0o600); err != nil {
					return err
				}
				if linkErr != nil {
					return &os.LinkError{Op: "link", Old: a, New: b, Err: linkErr}
				}
				return real.Link(a, b)
			}
			restore := fsx.SetOpsForTest(o)
			err := addToken(v, "fabrikam", storetest.RandSecret(t))
			restore()
			if err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("first Update with a key planted meanwhile: %v", err)
			}
			if got := storetest.ReadFile(t, v.IdentityPath()); !bytes.Equal(got, planted) {
				t.Errorf("the key that appeared was replaced: %q", got)
			}
			if _, err := os.Lstat(v.Path()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a vault was written: %v", err)
			}
			assertNoTempFiles(t, v)
		})
	}
}

// A writer killed (SIGKILL) between writing its temp file and renaming it,
// while holding the lock, leaves the previous vault intact; the next
// writer is not blocked (the OS dropped the lock with the process) and
// sweeps the dead writer's temp file, which holds a whole vault.
func TestKilledWriterLeavesVaultAndUnblocks(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	snap := takeSnapshot(t, v)

	cmd, line, err := storetest.StartHelper(t, helperEnv+"=stall-before-rename",
		"ADOPAT_TEST_VAULT="+v.Path(), "ADOPAT_TEST_IDENTITY="+v.IdentityPath(),
		"ADOPAT_TEST_ORG=contoso", "ADOPAT_TEST_SECRET="+storetest.RandSecret(t))
	tmp, ok := strings.CutPrefix(strings.TrimSpace(line), "stalled ")
	if err != nil || !ok {
		t.Fatalf("the writer said %q, %v", line, err)
	}
	if fi, err := os.Lstat(tmp); err != nil || fi.Size() == 0 {
		t.Fatalf("the stalled writer's temp file: %v", err)
	}
	if lockFree(t, v) {
		t.Fatal("the stalled writer does not hold the lock")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Fatal("the writer exited normally")
	}
	if got := storetest.ReadFile(t, v.Path()); !bytes.Equal(got, snap.vault) {
		t.Fatal("the vault changed under a killed writer")
	}
	if d, err := v.Load(); err != nil || len(d.Tokens) != 1 {
		t.Fatalf("the vault does not load after the kill: %v", err)
	}

	start := time.Now()
	mustAdd(t, v, "northwind", storetest.RandSecret(t))
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("the next write waited %v for a dead writer's lock", waited)
	}
	if _, err := os.Lstat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dead writer's temp file %s was not swept: %v", tmp, err)
	}
	assertNoTempFiles(t, v)
	if d, err := v.Load(); err != nil || len(d.Tokens) != 2 {
		t.Errorf("after the next write: %v, want 2 tokens", err)
	}
}

// lockFree reports whether v's lock can be taken at once.
func lockFree(t *testing.T, v *Store) bool {
	f, err := os.OpenFile(v.lockPath(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return false
	}
	unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return true
}

// A full disk, made real by the kernel: with RLIMIT_FSIZE below the new
// vault's size, the write of the temp file fails (EFBIG). The writer exits
// with an error saying the vault is unchanged, and it is, to the byte.
func TestFileSizeLimitKeepsVault(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	snap := takeSnapshot(t, v)
	cmd := storetest.HelperCommand(helperEnv+"=add-token-fsize", "ADOPAT_TEST_FSIZE=100",
		"ADOPAT_TEST_VAULT="+v.Path(), "ADOPAT_TEST_IDENTITY="+v.IdentityPath(),
		"ADOPAT_TEST_ORG=contoso", "ADOPAT_TEST_SECRET="+storetest.RandSecret(t))
	out, err := cmd.CombinedOutput()
	if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("writer under RLIMIT_FSIZE: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "(it is unchanged)") || !strings.Contains(string(out), syscall.EFBIG.Error()) {
		t.Errorf("writer under RLIMIT_FSIZE said %q, want the vault unchanged and %q", out, syscall.EFBIG.Error())
	}
	snap.assertIntact(t, v, 1)
}

// A read-only vault directory (mode 0500, owned by the writer; root
// ignores modes, so as root the writer runs as nobody): the write fails
// with an error naming the vault and saying it is unchanged, and vault and
// key stay byte-identical.
func TestReadOnlyDirectoryKeepsVault(t *testing.T) {
	base, err := os.MkdirTemp("", "adopat-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "vault"), 0o700); os.RemoveAll(base) })
	dir := filepath.Join(base, "vault")
	v := New(filepath.Join(dir, "vault.age"), filepath.Join(dir, "identity.txt"))
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	root := os.Geteuid() == 0
	const nobody = 65534
	if root {
		// nobody must reach the files: the temp base and a copy of this
		// test binary it can run.
		if err := os.Chmod(base, 0o711); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{dir, v.Path(), v.IdentityPath(), v.lockPath()} {
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap := takeSnapshot(t, v)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	var msg string
	if root {
		bin := filepath.Join(base, "vault.test")
		copyFile(t, os.Args[0], bin, 0o755)
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=add-token", "TMPDIR=/tmp",
			"ADOPAT_TEST_VAULT="+v.Path(), "ADOPAT_TEST_IDENTITY="+v.IdentityPath(),
			"ADOPAT_TEST_ORG=contoso", "ADOPAT_TEST_SECRET="+storetest.RandSecret(t))
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
		out, err := cmd.CombinedOutput()
		if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("writer as nobody in a read-only directory: %v\n%s", err, out)
		}
		msg = string(out)
	} else {
		err := addToken(v, "contoso", storetest.RandSecret(t))
		if err == nil {
			t.Fatal("a write into a read-only directory succeeded")
		}
		msg = err.Error()
	}
	if !strings.Contains(msg, "cannot write vault "+v.Path()+" (it is unchanged)") || !strings.Contains(msg, "permission denied") {
		t.Errorf("the writer said %q, want the vault named, unchanged, and permission denied", msg)
	}
	if root { // back to this process's user, to load and write it here
		for _, p := range []string{dir, v.Path(), v.IdentityPath(), v.lockPath()} {
			if err := os.Chown(p, 0, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	snap.assertIntact(t, v, 1)
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
