//go:build darwin || freebsd

package fsx

import (
	"golang.org/x/sys/unix"
)

// RAMBacked reports whether dir is on a tmpfs, by the file system name
// statfs gives. macOS has no tmpfs and no XDG_RUNTIME_DIR by default, so
// there unlock works only where the user mounted a RAM file system and
// pointed XDG_RUNTIME_DIR at it; the macOS Keychain backend is the usual
// choice instead. FreeBSD's tmpfs is recognised the same way.
func RAMBacked(dir string) (ok bool, fsType string, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return false, "", err
	}
	name := unix.ByteSliceToString(st.Fstypename[:])
	return name == "tmpfs", name, nil
}
