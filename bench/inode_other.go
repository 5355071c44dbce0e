//go:build !unix

package main

import "io/fs"

// inode is not compared here; mtime and size still are.
func inode(fs.FileInfo) uint64 { return 0 }
