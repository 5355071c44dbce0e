//go:build windows

package fsx

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockFile uses LockFileEx on the whole file; like flock it is per handle,
// blocks until granted, and is released when the handle is closed.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, ^uint32(0), ^uint32(0), new(windows.Overlapped))
}

// processAlive is never asked on Windows: the holder's record cannot be
// read while its range is locked, so the pid is never known.
func processAlive(pid int) bool { return false }

// ReadersNeedLock says whether a reader of a file that WriteAtomic
// replaces must take the shared lock. On Windows it must: a file open
// for reading (Go opens without FILE_SHARE_DELETE) cannot be replaced, so
// the writer's rename would fail; the shared lock keeps writers out while
// a reader has the file open.
const ReadersNeedLock = true
