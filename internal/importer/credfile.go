package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CredLine is one line of a file git's credential-store reads
// (gitcredentials(7), git-credential-store(1)): "https://user:pass@host[/path]".
type CredLine struct {
	N   int    // 1-based line number
	Raw string // the line as written, without its "\n"
	URL CredURL
	// OK: git's credential-store takes the line for a credential: a URL
	// with a user name and a password (parse_credential_file).
	OK bool
}

// maxCredFile bounds what is read of a credentials file: a few thousand
// lines at most in any real one.
const maxCredFile = 16 << 20

// ParseCredFile splits data into lines at "\n", as credential-store's
// strbuf_getline_lf does. A "\r" before the "\n" (a file edited on
// Windows) is not part of what is parsed: git would read it as part of the
// host or path and never match the line, but the PAT in it is as exposed.
func ParseCredFile(data []byte) []CredLine {
	var lines []CredLine
	n := 0
	for line := range bytes.Lines(data) {
		n++
		raw := strings.TrimSuffix(string(line), "\n")
		u, ok := ParseCredURL(strings.TrimSuffix(raw, "\r"))
		lines = append(lines, CredLine{N: n, Raw: raw, URL: u, OK: ok && u.HasUser && u.HasPass})
	}
	return lines
}

// CredFiles are the files git's credential-store reads when no --file is
// given, in its order: ~/.git-credentials, then
// $XDG_CONFIG_HOME/git/credentials ($HOME/.config/git/credentials when
// XDG_CONFIG_HOME is unset or empty). See cmd_credential_store in git's
// builtin/credential-store.c and xdg_config_home in path.c.
func CredFiles(getenv func(string) string) []string {
	var files []string
	home := getenv("HOME")
	if home != "" {
		files = append(files, filepath.Join(home, ".git-credentials"))
	}
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		files = append(files, filepath.Join(x, "git", "credentials"))
	} else if home != "" {
		files = append(files, filepath.Join(home, ".config", "git", "credentials"))
	}
	return files
}

// ReadCredFile reads a credentials file; a missing one is no error
// (exists false). Only a regular file is read (a FIFO would block).
func ReadCredFile(path string) (lines []CredLine, exists bool, err error) {
	data, err := readRegular(path, maxCredFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	return ParseCredFile(data), true, nil
}

// readRegular reads the regular file at path (following links, as git
// does for its own files), at most limit bytes.
func readRegular(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB; is it really a credentials file?", path, limit>>20)
	}
	return data, nil
}

// RemoveCredLines rewrites the credentials file at path without the lines
// whose text (Raw) is in drop, and returns how many it removed. Every
// other byte stays as it was: the other lines, their order, a missing
// final newline, "\r\n" endings; and the file keeps its mode (and, where
// it can, its owner).
//
// It follows git's own lockfile protocol for the file, as credential-store
// does (hold_lock_file_for_update on the file a symbolic link points to):
// the new content is written to FILE.lock, created exclusively, fsynced
// and renamed over FILE. A `git credential-store` running meanwhile waits
// for the lock or fails (credentialstore.lockTimeoutMS), so neither
// overwrites the other's change; the file is read again under the lock.
func RemoveCredLines(path string, drop map[string]bool) (removed int, err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return 0, err
	}
	lock := target + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return 0, fmt.Errorf("%s exists: a git credential-store is writing %s, or one was killed while it did; remove %s when no git is running, and run import again", lock, target, lock)
	}
	if err != nil {
		return 0, fmt.Errorf("cannot lock %s: %w", target, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(lock)
		}
	}()
	data, err := readRegular(target, maxCredFile)
	if err != nil {
		return 0, err
	}
	fi, err := os.Stat(target)
	if err != nil {
		return 0, err
	}
	var out bytes.Buffer
	for line := range bytes.Lines(data) {
		if drop[strings.TrimSuffix(string(line), "\n")] {
			removed++
			continue
		}
		out.Write(line)
	}
	if removed == 0 {
		return 0, nil
	}
	unchanged := func(err error) error {
		return fmt.Errorf("cannot rewrite %s (it is unchanged): %w", target, err)
	}
	if err := f.Chmod(fi.Mode().Perm()); err != nil {
		return 0, unchanged(err)
	}
	keepOwner(f, fi)
	if _, err := f.Write(out.Bytes()); err != nil {
		return 0, unchanged(err)
	}
	if err := f.Sync(); err != nil {
		return 0, unchanged(err)
	}
	if err := f.Close(); err != nil {
		return 0, unchanged(err)
	}
	if err := os.Rename(lock, target); err != nil {
		return 0, unchanged(err)
	}
	done = true
	syncDir(filepath.Dir(target))
	return removed, nil
}

// syncDir makes a rename in dir durable, where the platform can.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported on every platform; the rename stands
		d.Close()
	}
}
