package journal

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// CheckAppend reports whether Record could append a use here, writing
// nothing to the journal: it checks the directory as Record does, takes
// the journal's shared lock as Record does (creating the lock file, as
// the first Record would), and opens an existing journal for appending
// (never through a link, never blocking) and closes it again. A missing
// journal is fine once its lock could be made: Record creates it there.
// A store directory that does not exist yet is fine too: nothing is
// recorded before the store holds a token.
func (l *Log) CheckAppend() error {
	if err := fsx.CheckDirOf("usage journal", l.path); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Dir(l.path)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lk, err := l.lock(false)
	if err != nil {
		return err
	}
	defer lk.Release()
	f, err := fsx.OpenOwn("usage journal", l.path, os.O_WRONLY|os.O_APPEND, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}
