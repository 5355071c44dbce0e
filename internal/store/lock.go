package store

import (
	"fmt"
	"os"
)

// fileLock is an advisory lock on <vault>.lock. A separate lock file (rather
// than the vault itself) is locked because the vault is replaced by rename on
// every write: a lock on the old inode would not exclude the next writer.
type fileLock struct{ f *os.File }

// acquireLock blocks until it holds a shared (readers) or exclusive (writer)
// lock on path, creating the lock file (0600) if needed. The lock is tied to
// the open file, so the OS releases it if the process dies.
func acquireLock(path string, exclusive bool) (*fileLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open lock file %s: %w", path, err)
	}
	if err := lockFile(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return &fileLock{f: f}, nil
}

// release unlocks explicitly before closing, so the lock is dropped even if
// another reference to the descriptor were to linger.
func (l *fileLock) release() {
	_ = unlockFile(l.f)
	_ = l.f.Close()
}
