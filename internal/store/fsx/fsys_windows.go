//go:build windows

package fsx

import "io/fs"

// checkPrivate is a no-op on Windows: Unix mode bits do not describe NTFS
// ACLs, and files under the user profile are private by default.
func checkPrivate(what, path string, fi fs.FileInfo) error { return nil }

// syncDir is a no-op on Windows, which cannot open a directory for
// FlushFileBuffers; MoveFileEx replacement is journaled by NTFS.
func syncDir(dir string) error { return nil }
