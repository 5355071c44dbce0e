//go:build !windows

package fsx

import (
	"fmt"
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
		me := userName(euid)
		return store.NewError(fmt.Sprintf("%s directory %s is owned by %s, not by you (%s), so its owner could plant or replace files adopat uses; if it is yours, run: chown %s %s (else choose another directory)",
			what, dir, userName(int(st.Uid)), me, me, dir), store.ErrInsecurePermissions)
	}
	if mode := fi.Mode().Perm(); mode&0o022 != 0 {
		return store.NewError(fmt.Sprintf("%s directory %s is writable by other users (mode %04o), so they could plant or replace files adopat uses; run: chmod go-w %s",
			what, dir, mode, dir), store.ErrInsecurePermissions)
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
