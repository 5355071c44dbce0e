//go:build !windows

package cli

import (
	"io/fs"
	"os/user"
	"strconv"
	"syscall"
)

// fileOwner is the login name of fi's owner, or its number when it has
// none.
func fileOwner(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	id := strconv.FormatUint(uint64(st.Uid), 10)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username
	}
	return id
}
