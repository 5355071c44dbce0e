//go:build !windows

package fsx

import (
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"syscall"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// checkOwner refuses a directory that is not owned by the effective user
// or that group or others can write to. A sticky world-writable directory
// such as /tmp is refused too: the sticky bit stops others deleting our
// files, not planting theirs under names we have not created yet.
func checkOwner(what, dir string, fi fs.FileInfo) error {
	euid := os.Geteuid()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != euid {
		return &store.PermissionError{What: what, Path: dir, Dir: true, Mode: fi.Mode().Perm(), Owner: userName(int(st.Uid)), User: userName(euid)}
	}
	if mode := fi.Mode().Perm(); mode&0o022 != 0 {
		return &store.PermissionError{What: what, Path: dir, Dir: true, Mode: mode}
	}
	return nil
}

// userName is the login name for uid, or the number when there is none.
func userName(uid int) string {
	s := strconv.Itoa(uid)
	if u, err := user.LookupId(s); err == nil && u.Username != "" {
		return u.Username
	}
	return s
}
