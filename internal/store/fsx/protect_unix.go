//go:build !windows

package fsx

// protect has nothing to do on Unix: files are created 0600 and
// directories 0700 by their mode argument.
func protect(path string, dir bool) error { return nil }
