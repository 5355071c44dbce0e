package fsx

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// How long a waiter waits for a lock. A holder keeps a lock for a few
// milliseconds (read, encrypt, write, fsync, rename), but under load, with
// a hundred git processes queueing for one vault on a saturated machine,
// the queue ahead of a writer can take many seconds to drain. A fixed
// timeout would then drop a `store` (git's new PAT lost) while every
// holder was alive and working. So a waiter does not count time alone; it
// gives up only when the holder looks dead or stuck:
//
//   - every holder writes a record (its pid and a random number) into the
//     lock file when it gets the lock, so a waiter sees the lock change
//     hands (progress) and who holds it;
//   - while the recorded holder's process is alive, or the lock changed
//     hands less than LockStall ago, the waiter keeps waiting;
//   - a waiter gives up after LockStall without progress when no live
//     holder is recorded (a process that writes no record, such as an
//     older adopat or flock(1)), and after LockCeiling in any case (a live
//     holder that is stopped or hung), with an error naming the pid.
//
// A holder that dies never blocks anyone: the OS drops flock and
// LockFileEx locks with the process. Windows does not let a waiter read a
// range another handle has locked, so there a waiter sees progress by the
// lock file's modification time alone, and LockStall without one ends the
// wait.
var (
	LockStall   = 10 * time.Second
	LockCeiling = 2 * time.Minute
	lockPoll    = 100 * time.Millisecond
)

// Lock is an advisory lock on <vault>.lock. A separate lock file (rather
// than the vault itself) is locked because the vault is replaced by rename on
// every write: a lock on the old inode would not exclude the next writer.
type Lock struct{ f *os.File }

// Acquire waits (see LockStall) until it holds a shared (readers) or
// exclusive (writer) lock on path, creating the lock file (0600) if needed,
// and records the holder in it. The lock is tied to the open file, so the
// OS releases it if the process dies.
func Acquire(path string, exclusive bool) (*Lock, error) {
	f, err := OpenOwn("lock file", path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	// flock has no timeout, so the blocking call runs aside; a wait that
	// gives up leaves it to release the lock if it is ever granted.
	// Polling with LOCK_NB instead would starve writers behind a stream of
	// readers.
	done := make(chan error, 1)
	go func() { done <- lockFile(f, exclusive) }()
	start := time.Now()
	w := watch{f: f, progress: start}
	w.look(start)
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("cannot lock %s: %w", path, err)
			}
			writeRecord(f)
			return &Lock{f: f}, nil
		case now := <-tick.C:
			pid := w.look(now)
			alive := pid > 0 && processAlive(pid)
			waited := now.Sub(start)
			if waited < LockCeiling && (alive || now.Sub(w.progress) < LockStall) {
				continue
			}
			go func() {
				if <-done == nil {
					_ = unlockFile(f)
				}
				f.Close()
			}()
			holder := "another process"
			if alive {
				holder = "process " + strconv.Itoa(pid)
			}
			return nil, store.NewError(fmt.Sprintf("%s has been locked by %s for %s", path, holder, waited.Round(time.Second)), store.ErrLockTimeout)
		}
	}
}

// Release unlocks explicitly before closing, so the lock is dropped even if
// another reference to the descriptor were to linger. The record stays:
// its pid is that of a process that no longer holds the lock, which a
// waiter only trusts while the lock is held.
func (l *Lock) Release() {
	_ = unlockFile(l.f)
	_ = l.f.Close()
}

// recordLen is the fixed size of a holder's record, "pid N seq X\n",
// written over the last one so no holder ever needs to truncate.
const recordLen = 36

func writeRecord(f *os.File) {
	rec := fmt.Sprintf("pid %10d seq %016x\n", os.Getpid(), rand.Uint64())
	_, _ = f.WriteAt([]byte(rec), 0) // best effort; Windows refuses it under a shared lock
}

// watch follows a lock file while waiting for it.
type watch struct {
	f        *os.File
	last     []byte    // the record and modification time seen last
	progress time.Time // when they last changed
}

// look reads the lock file's record, notes progress when it (or, where
// the record cannot be read, the file's modification time) changed, and
// returns the recorded pid (0 when unknown).
func (w *watch) look(now time.Time) int {
	buf := make([]byte, recordLen)
	n, _ := w.f.ReadAt(buf, 0)
	buf = buf[:n]
	state := buf
	if fi, err := w.f.Stat(); err == nil {
		state = fmt.Appendf(bytes.Clone(buf), "%d", fi.ModTime().UnixNano())
	}
	if !bytes.Equal(state, w.last) {
		w.last, w.progress = state, now
	}
	var pid int
	var seq uint64
	if _, err := fmt.Sscanf(string(buf), "pid %d seq %x\n", &pid, &seq); err != nil || n != recordLen {
		return 0
	}
	return pid
}
