//go:build !windows

package fsx

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile uses flock(2): locks belong to the open file description, so two
// opens in one process exclude each other just like two processes do.
func lockFile(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// processAlive reports whether pid names a running process (one we may
// not signal counts).
func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}

// ReadersNeedLock says whether a reader of a file that WriteAtomic
// replaces must take the shared lock. Not on Unix: rename(2) swaps the
// directory entry atomically, so an open sees the old file or the new
// one, whole, and a reader never waits behind writers.
const ReadersNeedLock = false
