package helper

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// fakeStore is an in-memory store.Store that keeps the contract of the
// real ones. Load hands out a deep copy, as a real backend's snapshot
// would be, so a caller that mutates a snapshot without Update changes
// nothing, and that copy holds metadata only: the secrets are kept apart
// and read one token at a time with Secret, as the keyring backend does.
// Update hands fn every secret and refuses a stripped token fn put in. It
// counts Load, Secret and Update calls, and the updates that reported a
// change.
type fakeStore struct {
	data          store.Data // with the secrets
	loads         int        // Load calls
	secrets       []string   // the scope of each Secret call
	updates       int        // Update calls
	changedWrites int        // Update calls whose fn reported a change
}

func newFakeStore(tokens ...store.Token) *fakeStore {
	return &fakeStore{data: store.Data{Version: 1, Tokens: tokens}}
}

func (f *fakeStore) Load() (*store.Data, error) {
	f.loads++
	d := cloneData(&f.data)
	d.StripSecrets()
	return d, nil
}

func (f *fakeStore) Secret(scope string) (pat, refresh string, err error) {
	f.secrets = append(f.secrets, scope)
	i, ok := f.data.Find(scope)
	if !ok {
		return "", "", &store.ScopeNotFoundError{Scope: scope, Where: "the fake store"}
	}
	return f.data.Tokens[i].Secret, f.data.Tokens[i].OAuthRefreshToken, nil
}

func (f *fakeStore) Update(fn func(*store.Data) (bool, error)) error {
	f.updates++
	d := cloneData(&f.data)
	changed, err := fn(d)
	if err != nil || !changed {
		return err
	}
	if err := d.RefuseStripped(); err != nil {
		return err
	}
	f.changedWrites++
	f.data = *d
	return nil
}

func cloneData(d *store.Data) *store.Data {
	c := &store.Data{Version: d.Version, Tokens: make([]store.Token, len(d.Tokens))}
	for i, t := range d.Tokens {
		t.Scopes = slices.Clone(t.Scopes)
		t.Expires = cloneTime(t.Expires)
		t.LastUsed = cloneTime(t.LastUsed)
		t.Withdrawn = cloneTime(t.Withdrawn)
		t.Minted, t.CacheUntil = cloneTime(t.Minted), cloneTime(t.CacheUntil)
		if t.Source != nil {
			src := *t.Source
			t.Source = &src
		}
		c.Tokens[i] = t
	}
	return c
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// testNow is the fixed clock of every test helper.
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func timePtr(t time.Time) *time.Time { return &t }

// declared parses --server values for a test.
func declared(t *testing.T, raws ...string) []azdo.Server {
	t.Helper()
	var out []azdo.Server
	for _, raw := range raws {
		s, err := azdo.ParseServer(raw)
		if err != nil {
			t.Fatalf("ParseServer(%q): %v", raw, err)
		}
		out = append(out, s)
	}
	return out
}

// fixture is a Helper over a fake store, with its stderr captured.
type fixture struct {
	t      *testing.T
	store  *fakeStore
	h      *Helper
	stderr *bytes.Buffer
	// verdict is what the fake Azure DevOps says of every PAT erase asks
	// about (Invalid unless a test says otherwise); checks counts them.
	verdict CheckResult
	checks  []string // "org" of each question asked
	uses    []store.Use
}

func newFixture(t *testing.T, servers []azdo.Server, tokens ...store.Token) *fixture {
	f := &fixture{t: t, store: newFakeStore(tokens...), stderr: &bytes.Buffer{},
		verdict: CheckResult{Verdict: Invalid, Detail: "401 Unauthorized"}}
	f.h = &Helper{Store: f.store, Servers: servers, Now: func() time.Time { return testNow }, Stderr: f.stderr,
		Check: func(org, pat string) CheckResult { f.checks = append(f.checks, org); return f.verdict },
		Used:  func(u store.Use) { f.uses = append(f.uses, u) },
	}
	return f
}

// withdrawLines drops the lines erase prints when it withdraws a token
// (Azure DevOps confirmed the PAT invalid) and returns how many there were.
func (f *fixture) withdrawLines() int {
	n := 0
	var kept []string
	for _, l := range f.stderrLines() {
		if strings.Contains(l, "it is withdrawn, not deleted") {
			n++
			continue
		}
		kept = append(kept, l)
	}
	f.stderr.Reset()
	for _, l := range kept {
		f.stderr.WriteString(l + "\n")
	}
	return n
}

// run performs one action with the given input lines and returns stdout.
// It fails the test on an error.
func (f *fixture) run(action string, lines ...string) string {
	f.t.Helper()
	out, err := f.tryRun(action, lines...)
	if err != nil {
		f.t.Fatalf("Run(%s) with %q: %v", action, lines, err)
	}
	return out
}

func (f *fixture) tryRun(action string, lines ...string) (string, error) {
	var out bytes.Buffer
	in := strings.Join(lines, "\n")
	if len(lines) > 0 {
		in += "\n\n"
	}
	err := f.h.Run(action, strings.NewReader(in), &out)
	return out.String(), err
}

// quietGet runs get and returns stdout; stderr must stay empty.
func (f *fixture) quietGet(lines ...string) string {
	f.t.Helper()
	out := f.run("get", lines...)
	f.noStderr()
	return out
}

func (f *fixture) noStderr() {
	f.t.Helper()
	if f.stderr.Len() != 0 {
		f.t.Errorf("unexpected stderr: %q", f.stderr.String())
	}
}

// stderrLines returns the non-empty lines written to stderr.
func (f *fixture) stderrLines() []string {
	var out []string
	for _, l := range strings.Split(f.stderr.String(), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// output is the expected stdout of a get: the lines, each ended by "\n".
func output(lines ...string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}
