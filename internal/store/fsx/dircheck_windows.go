//go:build windows

package fsx

import "io/fs"

// checkOwner has nothing to check on Windows: ownership and write access
// are NTFS ACLs, which Unix mode bits do not describe, and the user
// profile's directories are private by default.
func checkOwner(what, dir string, fi fs.FileInfo) error { return nil }
