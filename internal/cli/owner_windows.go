//go:build windows

package cli

import "io/fs"

// fileOwner is "" on Windows: ownership is an NTFS ACL, not a mode.
func fileOwner(fs.FileInfo) string { return "" }
