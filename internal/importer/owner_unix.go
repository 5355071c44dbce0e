//go:build unix

package importer

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives the new file the owner and group of the one it
// replaces, when they differ from the caller's (root cleaning up a user's
// file must not leave it root's). A failure leaves the new file the
// caller's, still with the old mode.
func keepOwner(f *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Getuid() && int(st.Gid) == os.Getgid()) {
		return
	}
	_ = f.Chown(int(st.Uid), int(st.Gid))
}

// keepOwnerPath is keepOwner for a file git replaced at path.
func keepOwnerPath(path string, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if now, err := os.Lstat(path); err == nil {
		if cur, ok := now.Sys().(*syscall.Stat_t); ok && (cur.Uid != st.Uid || cur.Gid != st.Gid) {
			_ = os.Lchown(path, int(st.Uid), int(st.Gid))
		}
	}
}
