//go:build !windows

package fsx

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openNoFollow opens with O_NOFOLLOW (a symbolic link fails with ELOOP, or
// EMLINK on FreeBSD, instead of being followed) and O_NONBLOCK (a FIFO
// without writer opens at once, or fails with ENXIO, instead of hanging).
// Non-blocking mode is cleared again before the file is used: OpenOwn
// refuses anything but a regular file, for which it means nothing anyway.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Open(path, flag|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, uint32(perm.Perm()))
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
