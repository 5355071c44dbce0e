package fsx

import (
	"fmt"
	"os"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// LockTimeout bounds the wait for another process's lock. Each holder keeps
// it for a millisecond or so; a much longer wait means a stuck process, and
// git should get a clear error rather than a helper that never returns.
var LockTimeout = 10 * time.Second

// Lock is an advisory lock on <vault>.lock. A separate lock file (rather
// than the vault itself) is locked because the vault is replaced by rename on
// every write: a lock on the old inode would not exclude the next writer.
type Lock struct{ f *os.File }

// Acquire waits, up to LockTimeout, until it holds a shared (readers) or
// exclusive (writer) lock on path, creating the lock file (0600) if needed.
// The lock is tied to the open file, so the OS releases it if the process
// dies.
func Acquire(path string, exclusive bool) (*Lock, error) {
	f, err := OpenOwn("lock file", path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	// flock has no timeout, so the blocking call runs aside; a timed-out
	// wait leaves it to release the lock if it is ever granted. Polling
	// with LOCK_NB instead would starve writers behind a stream of readers.
	done := make(chan error, 1)
	go func() { done <- lockFile(f, exclusive) }()
	timer := time.NewTimer(LockTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", path, err)
		}
		return &Lock{f: f}, nil
	case <-timer.C:
		go func() {
			if <-done == nil {
				_ = unlockFile(f)
			}
			f.Close()
		}()
		return nil, store.NewError(fmt.Sprintf("%s has been locked by another process for %s", path, LockTimeout), store.ErrLockTimeout)
	}
}

// Release unlocks explicitly before closing, so the lock is dropped even if
// another reference to the descriptor were to linger.
func (l *Lock) Release() {
	_ = unlockFile(l.f)
	_ = l.f.Close()
}
