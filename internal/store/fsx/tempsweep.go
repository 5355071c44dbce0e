package fsx

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Temp files: WriteAtomic and CreateExclusive write ".<name>.tmp-<digits>"
// beside the target and rename or link it into place. A process killed in
// between leaves that file behind, and it holds whatever the target holds:
// a vault, a plain identity, an unlocked key. Nothing else would ever
// delete it, so the next successful write of the same target does.

// tempPattern is the os.CreateTemp pattern for path's temp files.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// isTempOf reports whether name is one of path's temp files: exactly our
// prefix followed by the digits os.CreateTemp puts for the "*". Anything
// else in the directory is not ours and is never touched.
func isTempOf(name, path string) bool {
	rest, ok := strings.CutPrefix(name, "."+filepath.Base(path)+".tmp-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// staleTempAge is how old a temp file must be before a writer that does
// not hold the target's lock may remove it: a live write takes
// milliseconds, so a file this old belongs to a process that died.
const staleTempAge = 10 * time.Second

// SweepTemps removes path's leftover temp files, best effort. Under the
// lock that serialises path's writers (holdsLock) every temp file is
// stale: the only writer that could be using one is the caller, whose own
// temp file was renamed away already. Without that lock another writer may
// be mid-write, so only files older than staleTempAge go. Only regular
// files are removed; a link or FIFO with our name is left for the user.
func SweepTemps(path string, holdsLock bool) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !isTempOf(e.Name(), path) {
			continue
		}
		full := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(full)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if !holdsLock && time.Since(fi.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(full)
	}
}
