//go:build !windows

package fsx_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// helperEnv selects a helper mode when the test binary is re-executed as
// another process: "hold" takes the lock named by ADOPAT_TEST_LOCK
// exclusively, says "locked" on stdout, and keeps it for
// ADOPAT_TEST_HOLD (a Go duration; forever when empty).
const helperEnv = "ADOPAT_FSX_TEST_HELPER"

func runHelper(mode string) int {
	if mode != "hold" {
		fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
		return 2
	}
	l, err := fsx.Acquire(os.Getenv("ADOPAT_TEST_LOCK"), true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	hold := time.Hour
	if d, err := time.ParseDuration(os.Getenv("ADOPAT_TEST_HOLD")); err == nil {
		hold = d
	}
	time.Sleep(hold)
	l.Release()
	return 0
}

// startHolder runs a process that holds path's lock for hold (0: until
// killed) and returns once it holds it. The process is killed at cleanup.
func startHolder(t *testing.T, path string, hold time.Duration) *exec.Cmd {
	t.Helper()
	env := []string{helperEnv + "=hold", "ADOPAT_TEST_LOCK=" + path}
	if hold > 0 {
		env = append(env, "ADOPAT_TEST_HOLD="+hold.String())
	}
	cmd, line, err := storetest.StartHelper(t, env...)
	if err != nil || line != "locked\n" {
		t.Fatalf("holder said %q, %v", line, err)
	}
	return cmd
}

// lockTimes sets the stall and ceiling for one test.
func lockTimes(t *testing.T, stall, ceiling time.Duration) {
	oldStall, oldCeiling := fsx.LockStall, fsx.LockCeiling
	fsx.LockStall, fsx.LockCeiling = stall, ceiling
	restorePoll := fsx.SetLockPoll(10 * time.Millisecond)
	t.Cleanup(func() { fsx.LockStall, fsx.LockCeiling = oldStall, oldCeiling; restorePoll() })
}

// A live holder that keeps the lock far longer than LockStall (a long
// queue on a busy machine) is waited for: the writer gets the lock when
// the holder lets go, and no store is lost to a timeout. (With a fixed
// timeout of LockStall this wait failed.)
func TestLockWaitOutlastsStallWhileHolderAlive(t *testing.T) {
	lockTimes(t, 100*time.Millisecond, 30*time.Second)
	path := filepath.Join(t.TempDir(), "vault.age.lock")
	startHolder(t, path, time.Second)
	start := time.Now()
	l, err := fsx.Acquire(path, true)
	if err != nil {
		t.Fatalf("waiting for a live holder: %v", err)
	}
	l.Release()
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Errorf("got the lock after %v, while the holder kept it for 1s", waited)
	}
}

// A live holder that never lets go (stopped, hung) ends the wait at
// LockCeiling with an error naming its pid; once it is killed the lock is
// free at once: a dead holder never blocks.
func TestLockGivesUpOnStuckHolderAtCeilingAndNotOnDeadOne(t *testing.T) {
	lockTimes(t, 50*time.Millisecond, 600*time.Millisecond)
	path := filepath.Join(t.TempDir(), "vault.age.lock")
	holder := startHolder(t, path, 0)
	start := time.Now()
	_, err := fsx.Acquire(path, true)
	waited := time.Since(start)
	if !errors.Is(err, store.ErrLockTimeout) || !strings.Contains(err.Error(), "locked by process "+strconv.Itoa(holder.Process.Pid)) {
		t.Fatalf("a stuck holder: %v, want a lock timeout naming pid %d", err, holder.Process.Pid)
	}
	if waited < 600*time.Millisecond {
		t.Errorf("gave up after %v, before the ceiling, while the holder was alive", waited)
	}
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	holder.Wait()
	// The first Acquire's abandoned flock call takes the lock for a moment
	// when the holder dies; on a loaded machine that moment can outlast a
	// 50 ms stall. The production stall is 10 s: give this phase 5 s.
	fsx.LockStall, fsx.LockCeiling = 5*time.Second, 30*time.Second
	start = time.Now()
	l, err := fsx.Acquire(path, true)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	l.Release()
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("a dead holder blocked for %v", waited)
	}
}

// A holder that writes no record (flock(1), an older adopat) and makes no
// progress is given up on after LockStall, well before the ceiling.
func TestLockGivesUpOnUnrecordedHolderAfterStall(t *testing.T) {
	lockTimes(t, 200*time.Millisecond, 30*time.Second)
	path := filepath.Join(t.TempDir(), "vault.age.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = fsx.Acquire(path, true)
	waited := time.Since(start)
	if !errors.Is(err, store.ErrLockTimeout) || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("an unrecorded holder: %v", err)
	}
	if waited < 200*time.Millisecond || waited > 5*time.Second {
		t.Errorf("gave up after %v, want about LockStall (200ms)", waited)
	}
}

// Each holder records itself; the record is what waiters read.
func TestLockRecordsHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age.lock")
	l, err := fsx.Acquire(path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	var seq uint64
	if _, err := fmt.Sscanf(string(b), "pid %d seq %x\n", &pid, &seq); err != nil || pid != os.Getpid() {
		t.Errorf("lock file holds %q, want this process's pid %d", b, os.Getpid())
	}
}
