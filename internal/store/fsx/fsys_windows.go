//go:build windows

package fsx

import (
	"io/fs"
	"os"
)

// checkPrivate refuses a secret file whose DACL lets anyone but the user,
// SYSTEM and Administrators read or change it (acl_windows.go), like the
// Unix mode check: such a file may already have leaked or been replaced.
// The rules are read by the path of the file just opened: Windows has no
// O_NOFOLLOW, and OpenOwn already refused a link there.
func checkPrivate(what, path string, _ *os.File, _ fs.FileInfo) error {
	return checkAccess(what, path, false, fileAccess)
}

// syncDir is a no-op on Windows, which cannot open a directory for
// FlushFileBuffers; MoveFileEx replacement is journaled by NTFS.
func syncDir(dir string) error { return nil }
