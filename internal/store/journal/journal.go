// Package journal is the usage journal kept beside a store: the answers
// git's get gave and the refusals erase kept, appended cheaply and folded
// into the tokens' metadata by list, audit and metrics; and the
// once-a-day state of warnings.
package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// Log is the journal of answers given by `get`: when, which token,
// for which repository path. No secret is ever written to it.
//
// get must stay fast and must not lose updates when many git processes run
// at once, so it never rewrites the store: it appends one short line with
// O_APPEND (the kernel positions each write at the end, so concurrent
// appends do not overwrite each other) while holding a shared lock. Fold,
// run by list, audit and metrics, takes the lock exclusively, so no append
// is in flight, moves the journal aside and folds it into the tokens'
// metadata with store.Store.Update.
type Log struct{ path string }

// New returns the journal kept beside a store file.
func New(storePath string) *Log { return &Log{path: storePath + ".usage"} }

// maxJournalSize caps what a fold reads: a journal is folded by every
// list, so anything near this size is not ours.
const maxJournalSize = 64 << 20

// maxUsePath keeps each journal line far below the size at which a
// single append could be split.
const maxUsePath = 512

// Record appends one use. It creates nothing but the journal and its lock,
// and only in a directory that already exists (the store's).
func (l *Log) Record(u store.Use) error {
	if len(u.Path) > maxUsePath {
		u.Path = u.Path[:maxUsePath]
	}
	if len(u.Dir) > maxUsePath {
		u.Dir = "" // a cut directory names nothing
	}
	line, err := json.Marshal(u)
	if err != nil {
		return err
	}
	lk, err := l.lock(false)
	if err != nil {
		return err
	}
	defer lk.Release()
	f, err := fsx.OpenOwn("usage journal", l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// lock checks the journal's directory and takes its lock: shared while a
// use is appended, exclusive to fold.
func (l *Log) lock(exclusive bool) (*fsx.Lock, error) {
	if err := fsx.CheckDirOf("usage journal", l.path); err != nil {
		return nil, err
	}
	return fsx.Acquire(l.path+".lock", exclusive)
}

// Fold moves the journal into the store: each token's LastUsed, Uses and
// Repos. The journal is set aside before folding and removed only after the
// store was written, so a failure keeps the uses for the next Fold.
func (l *Log) Fold(s store.Store) error {
	if _, err := os.Lstat(l.path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Lstat(l.aside()); errors.Is(err, fs.ErrNotExist) {
			return nil // nothing recorded since the last fold
		}
	}
	lk, err := l.lock(true)
	if err != nil {
		return err
	}
	defer lk.Release()
	// An aside file left by a failed fold is folded first, then appended to.
	if err := appendFile(l.aside(), l.path); err != nil {
		return err
	}
	uses, err := readUses(l.aside())
	if err != nil {
		return err
	}
	if len(uses) > 0 {
		update := s.Update
		if m, ok := s.(store.MetadataUpdater); ok {
			update = m.UpdateMetadata // uses are metadata: no keyring item read
		}
		if err := update(func(d *store.Data) (bool, error) { return applyUses(d, uses), nil }); err != nil {
			return err
		}
	}
	// Not there when another fold took everything first.
	if err := os.Remove(l.aside()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Pending returns the uses recorded since the last Fold (a fold's
// leftovers included), without folding them: what doctor reads, which
// changes nothing. Best effort: a use appended meanwhile may be missed.
func (l *Log) Pending() ([]store.Use, error) {
	var all []store.Use
	for _, p := range []string{l.aside(), l.path} {
		uses, err := readUses(p)
		if err != nil {
			return all, err
		}
		all = append(all, uses...)
	}
	return all, nil
}

// Path is the journal file.
func (l *Log) Path() string { return l.path }

func (l *Log) aside() string { return l.path + ".folding" }

// appendFile moves src's content to the end of dst and removes src.
func appendFile(dst, src string) error {
	data, err := fsx.ReadPrivate("usage journal", src, maxJournalSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f, err := fsx.OpenOwn("usage journal", dst, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Sync(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write usage journal %s: %w", dst, err)
	}
	return os.Remove(src)
}

// readUses parses the journal, skipping lines a crash may have cut short.
func readUses(path string) ([]store.Use, error) {
	data, err := fsx.ReadPrivate("usage journal", path, maxJournalSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Split in memory rather than with a bufio.Scanner: a Scanner stops
	// for good at an over-long line, losing every use after it.
	var uses []store.Use
	for line := range bytes.Lines(data) {
		var u store.Use
		if json.Unmarshal(line, &u) == nil && u.Scope != "" {
			uses = append(uses, u)
		}
	}
	return uses, nil
}

// maxRepos bounds the per-token list of repositories, most recent first.
const maxRepos = 20

// maxDirs bounds the local directories kept per repository.
const maxDirs = 5

func applyUses(d *store.Data, uses []store.Use) bool {
	changed := false
	for _, u := range uses {
		i := slices.IndexFunc(d.Tokens, func(t store.Token) bool { return t.HasScope(u.Scope) })
		if i < 0 {
			continue // removed since
		}
		t := &d.Tokens[i]
		at := u.At.UTC()
		if u.Refused != "" {
			t.Refusals = addRefusal(t.Refusals, store.Refusal{At: at, Path: u.Path, Verdict: u.Refused})
			changed = true
			continue
		}
		if t.LastUsed == nil || at.After(*t.LastUsed) {
			t.LastUsed = &at
		}
		t.Uses++
		t.Repos = countRepo(t.Repos, u.Path, u.Dir, at)
		changed = true
	}
	return changed
}

func countRepo(repos []store.RepoUse, path, dir string, at time.Time) []store.RepoUse {
	if path == "" {
		return repos
	}
	i := slices.IndexFunc(repos, func(r store.RepoUse) bool { return r.Path == path })
	if i < 0 {
		repos = append(repos, store.RepoUse{Path: path})
		i = len(repos) - 1
	}
	repos[i].Uses++
	if at.After(repos[i].LastUsed) {
		repos[i].LastUsed = at
	}
	if dir != "" {
		// Uses are folded in the order they were recorded: the latest
		// directory goes first.
		dirs := slices.DeleteFunc(slices.Clone(repos[i].Dirs), func(d string) bool { return d == dir })
		repos[i].Dirs = append([]string{dir}, dirs...)
		if len(repos[i].Dirs) > maxDirs {
			repos[i].Dirs = repos[i].Dirs[:maxDirs]
		}
	}
	slices.SortStableFunc(repos, func(a, b store.RepoUse) int { return b.LastUsed.Compare(a.LastUsed) })
	if len(repos) > maxRepos {
		repos = repos[:maxRepos]
	}
	return repos
}

// WarnOnce reports whether an expiry warning for scope is due now, and
// remembers that it was given: at most one warning per token per day, so a
// busy build machine does not print it on every fetch. The state lives
// beside the journal and holds only scopes and dates. When the state cannot
// be kept, it says to warn: a repeated warning beats a missed one.
func (l *Log) WarnOnce(scope string, now time.Time) bool {
	lk, err := fsx.Acquire(l.path+".lock", true)
	if err != nil {
		return true
	}
	defer lk.Release()
	path := l.path + ".warned"
	warned := map[string]string{}
	if raw, err := fsx.ReadPrivate("warning state", path, 1<<20); err == nil {
		_ = json.Unmarshal(raw, &warned)
	}
	today := now.Local().Format("2006-01-02")
	if warned[scope] == today {
		return false
	}
	warned[scope] = today
	if raw, err := json.Marshal(warned); err == nil {
		_ = fsx.WriteAtomic("warning state", path, raw, true)
	}
	return true
}

// maxRefusals bounds the per-token list of refusals, most recent first.
const maxRefusals = 10

func addRefusal(list []store.Refusal, r store.Refusal) []store.Refusal {
	list = append(list, r)
	slices.SortStableFunc(list, func(a, b store.Refusal) int { return b.At.Compare(a.At) })
	if len(list) > maxRefusals {
		list = list[:maxRefusals]
	}
	return list
}

// CheckFiles reports, without opening anything, every problem doctor
// should show about the usage journal and its siblings: a directory other
// users could plant files in, and links, FIFOs or other non-regular files
// where the journal, its fold and warning state, or its lock belong. A
// planted file there does not stop git's `get` (recording a use is best
// effort and is skipped), so this is where it surfaces, besides `list`.
func (l *Log) CheckFiles() []error {
	var errs []error
	if err := fsx.CheckDirOf("usage journal", l.path); err != nil {
		errs = append(errs, err)
	}
	for _, f := range [][2]string{
		{"usage journal", l.path}, {"usage journal", l.aside()},
		{"warning state", l.path + ".warned"}, {"lock file", l.path + ".lock"},
	} {
		if err := fsx.CheckOwn(f[0], f[1]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
