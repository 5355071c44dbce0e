package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"
)

// UsageLog is the journal of answers given by `get`: when, which token,
// for which repository path. No secret is ever written to it.
//
// get must stay fast and must not lose updates when many git processes run
// at once, so it never rewrites the store: it appends one short line with
// O_APPEND (the kernel positions each write at the end, so concurrent
// appends do not overwrite each other) while holding a shared lock. Fold,
// run by list, audit and metrics, takes the lock exclusively, so no append
// is in flight, moves the journal aside and folds it into the tokens'
// metadata with Store.Update.
type UsageLog struct{ path string }

// NewUsageLog returns the journal kept beside a store file.
func NewUsageLog(storePath string) *UsageLog { return &UsageLog{path: storePath + ".usage"} }

// Use is one answer given or, with Refused set, one refusal: the server
// refused the token for Path and erase kept it in service; Refused is
// what Azure DevOps said of the PAT when asked ("valid", "unchecked", or
// "invalid" when the organisation came from a URL's username).
type Use struct {
	At      time.Time `json:"at"`
	Scope   string    `json:"scope"`
	Path    string    `json:"path,omitempty"`
	Refused string    `json:"refused,omitempty"`
}

// maxUsePath keeps each journal line far below the size at which a
// single append could be split.
const maxUsePath = 512

// Record appends one use. It creates nothing but the journal and its lock,
// and only in a directory that already exists (the store's).
func (l *UsageLog) Record(u Use) error {
	if len(u.Path) > maxUsePath {
		u.Path = u.Path[:maxUsePath]
	}
	line, err := json.Marshal(u)
	if err != nil {
		return err
	}
	if err := checkDirOf("usage journal", l.path); err != nil {
		return err
	}
	lk, err := acquireLock(l.path+".lock", false)
	if err != nil {
		return err
	}
	defer lk.release()
	f, err := openOwnFile("usage journal", l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Fold moves the journal into the store: each token's LastUsed, Uses and
// Repos. The journal is set aside before folding and removed only after the
// store was written, so a failure keeps the uses for the next Fold.
func (l *UsageLog) Fold(s Store) error {
	if _, err := os.Lstat(l.path); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Lstat(l.aside()); errors.Is(err, fs.ErrNotExist) {
			return nil // nothing recorded since the last fold
		}
	}
	if err := checkDirOf("usage journal", l.path); err != nil {
		return err
	}
	lk, err := acquireLock(l.path+".lock", true)
	if err != nil {
		return err
	}
	defer lk.release()
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
		if m, ok := s.(MetadataUpdater); ok {
			update = m.UpdateMetadata // uses are metadata: no keyring item read
		}
		if err := update(func(d *Data) (bool, error) { return applyUses(d, uses), nil }); err != nil {
			return err
		}
	}
	// Not there when another fold took everything first.
	if err := os.Remove(l.aside()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (l *UsageLog) aside() string { return l.path + ".folding" }

// appendFile moves src's content to the end of dst and removes src.
func appendFile(dst, src string) error {
	data, err := readPrivateFile("usage journal", src, maxVaultSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	f, err := openOwnFile("usage journal", dst, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
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
func readUses(path string) ([]Use, error) {
	data, err := readPrivateFile("usage journal", path, maxVaultSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Split in memory rather than with a bufio.Scanner: a Scanner stops
	// for good at an over-long line, losing every use after it.
	var uses []Use
	for line := range bytes.Lines(data) {
		var u Use
		if json.Unmarshal(line, &u) == nil && u.Scope != "" {
			uses = append(uses, u)
		}
	}
	return uses, nil
}

// maxRepos bounds the per-token list of repositories, most recent first.
const maxRepos = 20

// RepoUse counts the answers given for one repository path.
type RepoUse struct {
	Path     string    `json:"path"`
	Uses     int       `json:"uses"`
	LastUsed time.Time `json:"last_used"`
}

func applyUses(d *Data, uses []Use) bool {
	changed := false
	for _, u := range uses {
		i := slices.IndexFunc(d.Tokens, func(t Token) bool { return t.HasScope(u.Scope) })
		if i < 0 {
			continue // removed since
		}
		t := &d.Tokens[i]
		at := u.At.UTC()
		if u.Refused != "" {
			t.Refusals = addRefusal(t.Refusals, Refusal{At: at, Path: u.Path, Verdict: u.Refused})
			changed = true
			continue
		}
		if t.LastUsed == nil || at.After(*t.LastUsed) {
			t.LastUsed = &at
		}
		t.Uses++
		t.Repos = countRepo(t.Repos, u.Path, at)
		changed = true
	}
	return changed
}

func countRepo(repos []RepoUse, path string, at time.Time) []RepoUse {
	if path == "" {
		return repos
	}
	i := slices.IndexFunc(repos, func(r RepoUse) bool { return r.Path == path })
	if i < 0 {
		repos = append(repos, RepoUse{Path: path})
		i = len(repos) - 1
	}
	repos[i].Uses++
	if at.After(repos[i].LastUsed) {
		repos[i].LastUsed = at
	}
	slices.SortStableFunc(repos, func(a, b RepoUse) int { return b.LastUsed.Compare(a.LastUsed) })
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
func (l *UsageLog) WarnOnce(scope string, now time.Time) bool {
	lk, err := acquireLock(l.path+".lock", true)
	if err != nil {
		return true
	}
	defer lk.release()
	path := l.path + ".warned"
	warned := map[string]string{}
	if raw, err := readPrivateFile("warning state", path, 1<<20); err == nil {
		_ = json.Unmarshal(raw, &warned)
	}
	today := now.Local().Format("2006-01-02")
	if warned[scope] == today {
		return false
	}
	warned[scope] = today
	if raw, err := json.Marshal(warned); err == nil {
		_ = writeFileAtomic("warning state", path, raw, true)
	}
	return true
}

// maxRefusals bounds the per-token list of refusals, most recent first.
const maxRefusals = 10

// Refusal is one time a server refused a token that erase kept in service.
type Refusal struct {
	At      time.Time `json:"at"`
	Path    string    `json:"path,omitempty"`
	Verdict string    `json:"verdict"`
}

func addRefusal(list []Refusal, r Refusal) []Refusal {
	list = append(list, r)
	slices.SortStableFunc(list, func(a, b Refusal) int { return b.At.Compare(a.At) })
	if len(list) > maxRefusals {
		list = list[:maxRefusals]
	}
	return list
}
