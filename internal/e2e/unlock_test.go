//go:build linux

package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// protectIdentity encrypts the user's identity file with pass, as
// `passphrase` would but with a low scrypt cost.
func (u *user) protectIdentity(pass string) {
	u.t.Helper()
	path := filepath.Join(filepath.Dir(u.vault), "identity.txt")
	storetest.ProtectIdentity(u.t, path, pass)
}

// testPassphrase is what the tests protect the identity with.
const testPassphrase = "correct horse battery"

// lockedFabrikamUser is fabrikamUser with the identity protected by
// testPassphrase.
func lockedFabrikamUser(t *testing.T) (*user, string) {
	t.Helper()
	u, pat := fabrikamUser(t)
	u.protectIdentity(testPassphrase)
	return u, pat
}

// adopatOnTTY runs the helper with a pseudo-terminal as its controlling
// terminal, where it asks for the passphrase (it never reads one from
// stdin); typed is what the user types there. A person at a terminal has
// no GIT_TERMINAL_PROMPT=0 (which turns every prompt off); adopatOnTTYEnv
// keeps the user's environment as it is.
func (u *user) adopatOnTTY(typed string, args ...string) result {
	u.t.Helper()
	return u.with("GIT_TERMINAL_PROMPT=1").adopatOnTTYEnv(typed, args...)
}

func (u *user) adopatOnTTYEnv(typed string, args ...string) result {
	u.t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		u.t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		u.t.Skipf("cannot unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		u.t.Skipf("no pseudo-terminal number: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		u.t.Skipf("cannot open the pseudo-terminal: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, helperPath, args...)
	cmd.Env, cmd.Dir = u.env, u.home
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = []*os.File{tty} // fd 3 in the child
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 3}
	cmd.WaitDelay = 5 * time.Second
	echoed := make(chan struct{})
	go func() { io.Copy(io.Discard, master); close(echoed) }() // the prompt, never blocking the child
	if _, err := master.WriteString(typed); err != nil {
		u.t.Fatal(err)
	}
	err = cmd.Start()
	tty.Close()
	if err == nil {
		err = cmd.Wait()
	}
	master.Close()
	<-echoed
	r := result{cmd: "git-credential-adopat " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		u.t.Fatalf("%s: no answer within %v (hung?)\n%s", r.cmd, cmdTimeout, r)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		u.t.Fatalf("%s: %v", r.cmd, err)
	}
	return r
}

// shmDir is a private directory on /dev/shm (tmpfs), standing in for the
// /run/user/UID a login session provides.
func shmDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/dev/shm", "adopat-e2e-run-")
	if err != nil {
		t.Skipf("no /dev/shm to stand in for a RAM-backed XDG_RUNTIME_DIR: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// unlock never writes the decrypted key to a disk: with XDG_RUNTIME_DIR on
// one it refuses before asking for the passphrase, saying why and what to
// do; without XDG_RUNTIME_DIR too.
func TestUnlockRefusesDiskRuntimeDir(t *testing.T) {
	t.Parallel()
	u, _ := lockedFabrikamUser(t)
	disk := t.TempDir()
	r := u.with("XDG_RUNTIME_DIR="+disk).mustRefuse("", []string{"XDG_RUNTIME_DIR " + disk + " is not RAM-backed", "never be written to disk", "migrate --to keyring"}, "unlock")
	if strings.Contains(r.stderr, "terminal") {
		t.Errorf("unlock tried to prompt before refusing:\n%s", r)
	}
	if entries, _ := os.ReadDir(disk); len(entries) != 0 {
		t.Errorf("unlock wrote into the disk runtime dir: %v", entries)
	}
	u.mustRefuse("", []string{"XDG_RUNTIME_DIR is not set", "log in through a session"}, "unlock")
	cache := filepath.Join(u.home, ".cache")
	if _, err := os.Lstat(filepath.Join(cache, "adopat")); !os.IsNotExist(err) {
		t.Errorf("unlock fell back to the cache directory %s (%v)", cache, err)
	}
}

// With XDG_RUNTIME_DIR on tmpfs, unlock works and git is answered without
// a passphrase until --for has passed; after that the key is unusable and
// its file removed at the next use.
func TestUnlockOnTmpfsUntilExpiry(t *testing.T) {
	t.Parallel()
	u, pat := lockedFabrikamUser(t)
	run := shmDir(t)
	u = u.with("XDG_RUNTIME_DIR=" + run)
	u.mustRefuse(getRequest, []string{"locked", "unlock"}, "get")

	if r := u.adopatOnTTY(testPassphrase+"\n", "unlock", "--for", "1h"); r.code != 0 || !strings.Contains(r.stdout, "unlocked until") {
		t.Fatalf("unlock on tmpfs failed:\n%s", r)
	}
	unlocked, _ := filepath.Glob(filepath.Join(run, "adopat", "identity-*.unlocked"))
	if len(unlocked) != 1 {
		t.Fatalf("unlocked copies in %s: %v, want one", run, unlocked)
	}
	u.mustGet("unlocked", pat)

	if r := u.adopatOnTTY(testPassphrase+"\n", "unlock", "--for", "1s"); r.code != 0 {
		t.Fatalf("unlock --for 1s failed:\n%s", r)
	}
	time.Sleep(1500 * time.Millisecond)
	u.mustRefuse(getRequest, []string{"locked", "unlock"}, "get")
	if _, err := os.Lstat(unlocked[0]); !os.IsNotExist(err) {
		t.Errorf("the expired unlocked key %s is still there (%v)", unlocked[0], err)
	}
}
