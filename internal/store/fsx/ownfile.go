package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// adopat's own files (vault, identity, unlocked key, lock files, usage
// journal and its siblings, config) live in directories where a mistake or
// another program could leave something that is not a plain file. Opening
// them must never follow a symbolic link (a write would land wherever the
// link points, a read would use a key or vault someone else chose) and never
// block (opening a FIFO waits for a writer forever, hanging git). So every
// open goes through OpenOwn, which refuses both with a message that
// names the path and says what to do.

// OpenOwn opens path like os.OpenFile, but does not follow a symbolic
// link in its last component, does not block on a FIFO or device, and
// returns only regular files. Errors for a missing file still satisfy
// errors.Is(err, fs.ErrNotExist); what names the file in messages.
func OpenOwn(what, path string, flag int, perm fs.FileMode) (*os.File, error) {
	// A file this open creates gets an owner-only DACL on Windows (the
	// mode does that on Unix, where protect does nothing and the Lstat is
	// not made: the usage journal opens with O_CREATE on every get); one
	// that exists keeps its rules.
	var creates bool
	if runtime.GOOS == "windows" && flag&os.O_CREATE != 0 {
		_, err := os.Lstat(path)
		creates = errors.Is(err, fs.ErrNotExist)
	}
	f, err := openNoFollow(path, flag, perm)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if ferr := notOwnFileError(what, path); ferr != nil {
			return nil, ferr
		}
		return nil, fmt.Errorf("cannot open %s %s: %w", what, path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot open %s %s: %w", what, path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, irregularError(what, path, fi.Mode())
	}
	if creates {
		if err := protect(path, false); err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot create %s %s: %w", what, path, err)
		}
	}
	return f, nil
}

// notOwnFileError explains a failed open when the path is a symbolic link
// or not a regular file; nil when it is neither (or vanished meanwhile).
func notOwnFileError(what, path string) error {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	return irregularError(what, path, fi.Mode())
}

func irregularError(what, path string, mode fs.FileMode) error {
	return &store.NotRegularError{What: what, Path: path, Mode: mode.Type()}
}

// CheckOwn reports whether an existing path is something OpenOwn
// would refuse, without opening it (doctor uses it on every file, including
// a FIFO it must not open). A missing file is fine.
func CheckOwn(what, path string) error {
	return notOwnFileError(what, path)
}

// ReadOwn reads a non-secret file of adopat's (the config) with the
// same refusals as the secret ones: no symbolic link, no FIFO, at most
// limit bytes. A missing file satisfies errors.Is(err, fs.ErrNotExist).
// Its directory must be the user's and not writable by others, like the
// vault's: a planted config could choose the backend or the vault.
func ReadOwn(what, path string, limit int64) ([]byte, error) {
	if err := CheckDirOf(what, path); err != nil {
		return nil, err
	}
	return readOwnFile(what, path, limit, false)
}

// WriteOwn replaces path atomically with data (mode 0600), refusing a
// symbolic link or other non-regular file there rather than replacing it.
func WriteOwn(what, path string, data []byte) error {
	if err := CheckDirOf(what, path); err != nil {
		return err
	}
	return WriteAtomic(what, path, data, false)
}
