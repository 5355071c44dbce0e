//go:build !windows

package fsx

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// checkPrivate refuses a secret file that group or others can read or
// write, like ssh does for private keys: such a file may already have leaked
// or been replaced, and silently using it would hide that.
func checkPrivate(what, path string, _ *os.File, fi fs.FileInfo) error {
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return &store.PermissionError{What: what, Path: path, Mode: mode}
	}
	return nil
}

// syncDir makes a rename or create in dir durable. File systems that cannot
// fsync a directory (EINVAL, ENOTSUP) get no worse than without the call.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := ops.Sync(d); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) {
		return err
	}
	return nil
}
