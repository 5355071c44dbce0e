//go:build windows

package fsx

import "io/fs"

// checkOwner refuses a directory owned by someone other than the user,
// SYSTEM or Administrators, or whose DACL lets anyone else add, delete or
// replace files in it (acl_windows.go): the Windows form of the Unix
// owner and mode check.
func checkOwner(what, dir string, _ fs.FileInfo) error {
	return checkAccess(what, dir, true, dirWrite)
}
