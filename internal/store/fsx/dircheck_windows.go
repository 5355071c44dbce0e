//go:build windows

package fsx

import "fmt"

// checkDir on Windows only checks that dir is a directory: ownership and
// write access are NTFS ACLs, which Unix mode bits do not describe, and the
// user profile's directories are private by default.
func checkDir(what, dir string) error {
	fi, err := statDir(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s directory %s is not a directory", what, dir)
	}
	return nil
}
