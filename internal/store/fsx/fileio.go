// Package fsx reads and writes adopat's own files safely: whole-file
// reads that refuse links, FIFOs, files others can access and oversized
// files; atomic writes and exclusive creation; advisory locks with a
// timeout; the directory checks of ssh's StrictModes; removal of
// temporary files a killed write left; and the RAM file system check for
// the unlocked key. It knows nothing of tokens.
package fsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// ReadPrivate reads a whole secret file (what names it in messages:
// "vault", "identity", ...), refusing symbolic links, non-regular files
// (without blocking on a FIFO), files other users can access, and files
// larger than limit. Checks are made on the opened file, not on the path,
// so they apply to what is actually read. A missing file yields an error
// satisfying errors.Is(err, fs.ErrNotExist).
func ReadPrivate(what, path string, limit int64) ([]byte, error) {
	return readOwnFile(what, path, limit, true)
}

// ReadCredential reads a systemd credential: no link, no FIFO or device,
// never blocking, at most limit bytes. Its mode and directory are
// systemd's business (a ramfs it set up, root's, the file readable to the
// service through an ACL), so neither is checked.
func ReadCredential(what, path string, limit int64) ([]byte, error) {
	return readOwnFile(what, path, limit, false)
}

// readOwnFile is ReadPrivate; private says whether group or other
// access is refused too (not for the config, which holds no secret).
func readOwnFile(what, path string, limit int64, private bool) ([]byte, error) {
	f, err := OpenOwn(what, path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", what, path, err)
	}
	if private {
		if err := checkPrivate(what, path, f, fi); err != nil {
			return nil, err
		}
	}
	tooLarge := store.NewError(fmt.Sprintf("%s %s is larger than %s, which no %s should be; check that the path is right",
		what, path, sizeText(limit), what), store.ErrCorrupted)
	if fi.Size() > limit { // cheap early refusal; the LimitReader is the real cap
		return nil, tooLarge
	}
	// One buffer of the size Stat gave (and room to see EOF): a vault of
	// a thousand tokens is read without growing and copying it.
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", what, path, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	return data, nil
}

// sizeText is limit for people: "64 MiB", or "64 KiB" below a MiB.
func sizeText(limit int64) string {
	if limit < 1<<20 {
		return fmt.Sprintf("%d KiB", limit>>10)
	}
	return fmt.Sprintf("%d MiB", limit>>20)
}

// WriteAtomic replaces path with data so that readers see either the old
// or the new content, never a mix, and a crash leaves one of the two: write a
// private temp file in the same directory (rename is only atomic within a
// file system), fsync it, rename it over path, then fsync the directory so
// the rename itself is durable.
//
// A symbolic link or other non-regular file at path is refused, not
// replaced: it was not put there by adopat, and the user should see it.
// After a successful write, temp files a killed earlier write left behind
// (they may hold secrets) are removed; holdsLock says the caller holds the
// lock that serialises writers of path, so every such file is stale (see
// SweepTemps).
func WriteAtomic(what, path string, data []byte, holdsLock bool) (err error) {
	dir := filepath.Dir(path)
	if err := CheckOwn(what, path); err != nil {
		return err
	}
	// Until the rename, path still holds its previous content, and every
	// error says so.
	unchanged := func(err error) error {
		return fmt.Errorf("cannot write %s %s (it is unchanged): %w", what, path, err)
	}
	tmp, err := ops.CreateTemp(dir, tempPattern(path)) // mode 0600, O_EXCL: never follows a link
	if err != nil {
		return unchanged(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// Windows: an owner-only DACL before the content (the rename keeps it).
	if err = protect(tmp.Name(), false); err != nil {
		return unchanged(err)
	}
	if _, err = ops.Write(tmp, data); err != nil {
		return unchanged(err)
	}
	// Without this fsync a crash soon after the rename can leave path
	// naming an empty or partly written file: the rename may reach the
	// disk before the data does.
	if err = ops.Sync(tmp); err != nil {
		return unchanged(err)
	}
	if err = tmp.Close(); err != nil {
		return unchanged(err)
	}
	// The rename, never a write into path itself: a reader (which takes no
	// lock, see ReadersNeedLock) or a crash sees the old file or the new
	// one, whole.
	if err = ops.Rename(tmp.Name(), path); err != nil {
		return unchanged(err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("%s %s was written but its directory could not be synced: %w", what, path, err)
	}
	SweepTemps(path, holdsLock)
	return nil
}

// CreateExclusive writes a new file that must not exist yet, for the
// identity: an existing key is never overwritten, even by a process that
// ignores the lock. The content is written to a temp file first and then
// hard-linked into place, which fails if path exists (like O_EXCL) and never
// shows a half-written key, even after a crash. File systems without hard
// links fall back to O_EXCL on the path itself. The caller holds the lock
// serialising writers of path (the vault lock, for the identity), so stale
// temp files of path are swept afterwards.
func CreateExclusive(what, path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := ops.CreateTemp(dir, tempPattern(path)) // mode 0600
	if err != nil {
		return fmt.Errorf("cannot create %s %s: %w", what, path, err)
	}
	defer os.Remove(tmp.Name())
	err = protect(tmp.Name(), false) // Windows: owner-only, before the content
	if err == nil {
		_, err = ops.Write(tmp, data)
	}
	if err == nil {
		err = ops.Sync(tmp)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write %s %s: %w", what, path, err)
	}
	// link(2), like O_EXCL, fails on an existing path: a key already there
	// is never replaced, whichever way the file gets created.
	if err := ops.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("cannot create %s %s: it already exists", what, path)
	} else if err != nil {
		if err := writeExclusive(path, data); errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("cannot create %s %s: it already exists", what, path)
		} else if err != nil {
			return fmt.Errorf("cannot create %s %s: %w", what, path, err)
		}
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("%s %s was written but its directory could not be synced: %w", what, path, err)
	}
	SweepTemps(path, true)
	return nil
}

// writeExclusive is CreateExclusive's fallback: O_EXCL, removing the file
// again if writing fails.
func writeExclusive(path string, data []byte) (err error) {
	f, err := OpenOwn("new file", path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(path)
		}
	}()
	_, err = ops.Write(f, data)
	if err == nil {
		err = ops.Sync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// MkdirPrivate creates dir and its missing parents as 0700: only the owner
// may list which vaults and keys exist.
// On Windows a directory it creates gets an owner-only DACL that what is
// created in it inherits; one that exists is left as it is.
func MkdirPrivate(what, dir string) error {
	_, err := os.Lstat(dir)
	created := errors.Is(err, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s directory %s: %w", what, dir, err)
	}
	if created {
		if err := protect(dir, true); err != nil {
			return fmt.Errorf("cannot create %s directory %s: %w", what, dir, err)
		}
	}
	return nil
}
