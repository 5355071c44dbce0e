//go:build windows

package fsx

import (
	"io/fs"
	"os"
)

// openNoFollow on Windows refuses a symbolic link or other reparse point
// found by Lstat, then opens normally. Windows has no O_NOFOLLOW; the gap
// between the check and the open only matters to someone who can already
// write to the user's profile directories. FIFOs do not exist in the file
// system there, so nothing can block.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrInvalid}
	}
	return os.OpenFile(path, flag, perm)
}
