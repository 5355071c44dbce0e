//go:build linux

package fsx

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// RAMBacked reports whether dir is on a file system kept in memory only
// (tmpfs, ramfs), so a file there never reaches a disk and is gone at
// reboot. fsType names what was found, for messages. (tmpfs can be swapped
// out; swap is the operating system's to encrypt, like any process memory.)
func RAMBacked(dir string) (ok bool, fsType string, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false, "", err
	}
	switch int64(st.Type) {
	case unix.TMPFS_MAGIC:
		return true, "tmpfs", nil
	case unix.RAMFS_MAGIC:
		return true, "ramfs", nil
	}
	return false, fmt.Sprintf("file system type 0x%x", int64(st.Type)), nil
}
