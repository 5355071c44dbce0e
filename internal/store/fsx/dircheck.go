package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Directory checks, like ssh's StrictModes: a directory that another user
// can write to lets them plant files adopat would then use (a vault and
// identity of their choosing, which would hand git their token for a
// hostile URL) or replace ours, whatever the files' own modes say.
//
// Only the immediate directory is checked, not every ancestor. ssh checks
// all of them up to the home directory, but adopat's files may live
// anywhere (--vault, XDG_DATA_HOME, a runtime directory under /run/user),
// and parents such as / or /run are owned by root and outside the user's
// control; refusing over them would make the check fail for reasons the
// user cannot fix. An attacker who can write to an ancestor could swap the
// whole directory, which the owner check catches when it points to a
// directory they own; one that remains theirs to swap is the operating
// system's account to secure.

// CheckDirOf applies checkDir to the directory holding path; a directory
// that does not exist yet is fine (adopat creates it 0700).
func CheckDirOf(what, path string) error {
	err := checkDir(what, filepath.Dir(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// checkDir refuses a directory that someone else could plant files in
// (see checkOwner). It follows a symbolic link to the directory on
// purpose: a linked data directory (dotfiles setups do this) is fine when
// the directory it resolves to passes the checks, and those apply to what
// is really used.
func checkDir(what, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s directory %s is not a directory", what, dir)
	}
	return checkOwner(what, dir, fi)
}
