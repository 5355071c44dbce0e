package journal

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"

	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// Many git processes answer at once while list folds the journal: no use
// may be lost or counted twice.
func TestUsageJournalLosesNothingUnderConcurrentFolds(t *testing.T) {
	storetest.SkipUnderWine(t, "its O_APPEND writes are not atomic across threads (a seek to the end, then a write), so concurrent appends overwrite each other; Windows' FILE_APPEND_DATA appends are")
	v := newTestVault(t)
	storetest.MustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	log := New(v.Path())

	const writers, each = 20, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+10)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- log.Record(store.Use{At: time.Now(), Scope: "fabrikam", Path: fmt.Sprintf("dev.azure.com/fabrikam/p/_git/r%d", w%3)})
			}
		}(w)
	}
	for f := 0; f < 5; f++ {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- log.Fold(v) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Fold(v); err != nil {
		t.Fatal(err)
	}
	d, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	tok := d.Tokens[0]
	if tok.Uses != writers*each || tok.LastUsed == nil || len(tok.Repos) != 3 {
		t.Fatalf("uses %d (want %d), last used %v, repos %+v", tok.Uses, writers*each, tok.LastUsed, tok.Repos)
	}
	sum := 0
	for _, r := range tok.Repos {
		sum += r.Uses
	}
	if sum != writers*each {
		t.Errorf("repository counts add up to %d, want %d", sum, writers*each)
	}
}

// A use of a token removed since is dropped, and a journal with a line cut
// short by a crash still folds.
func TestUsageFoldSkipsUnknownScopesAndTornLines(t *testing.T) {
	v := newTestVault(t)
	storetest.MustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	log := New(v.Path())
	for _, scope := range []string{"fabrikam", "gone", "FABRIKAM"} {
		if err := log.Record(store.Use{At: time.Now(), Scope: scope}); err != nil {
			t.Fatal(err)
		}
	}
	if err := appendRaw(log.path, `{"at":"2026-11-26T`); err != nil {
		t.Fatal(err)
	}
	if err := log.Fold(v); err != nil {
		t.Fatal(err)
	}
	d, _ := v.Load()
	if d.Tokens[0].Uses != 2 {
		t.Errorf("uses %d, want 2", d.Tokens[0].Uses)
	}
}

// Each repository keeps the local directories it was used from, latest
// first, each once, a few at most; Pending reads the uses not folded yet
// without folding them.
func TestUsageFoldKeepsTheDirectories(t *testing.T) {
	v := newTestVault(t)
	storetest.MustAdd(t, v, "fabrikam", storetest.RandSecret(t))
	log := New(v.Path())
	const path = "dev.azure.com/fabrikam/Website/_git/web"
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, dir := range []string{"/a", "/b", "/a", "/c", "/d", "/e", "/f", "", strings.Repeat("/x", 300)} {
		if err := log.Record(store.Use{At: at.Add(time.Duration(i) * time.Minute), Scope: "fabrikam", Path: path, Dir: dir}); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := log.Pending()
	if err != nil || len(pending) != 9 || pending[0].Dir != "/a" || pending[8].Dir != "" {
		t.Fatalf("pending %+v, %v", pending, err)
	}
	if err := log.Fold(v); err != nil {
		t.Fatal(err)
	}
	d, _ := v.Load()
	if got := d.Tokens[0].Repos[0].Dirs; strings.Join(got, " ") != "/f /e /d /c /a" {
		t.Errorf("dirs %q", got)
	}
	if pending, err := log.Pending(); err != nil || len(pending) != 0 {
		t.Errorf("pending after the fold: %+v, %v", pending, err)
	}
}

func appendRaw(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteString(s)
	return err
}

// BenchmarkUsageRecord is what each answered `get` adds to its run.
func BenchmarkUsageRecord(b *testing.B) {
	v := newTestVault(b)
	storetest.MustAdd(b, v, "fabrikam", storetest.RandSecret(b))
	log := New(v.Path())
	u := store.Use{At: time.Now(), Scope: "fabrikam", Path: "dev.azure.com/fabrikam/Website/_git/web"}
	for b.Loop() {
		if err := log.Record(u); err != nil {
			b.Fatal(err)
		}
	}
}

// newTestVault returns an age vault two directory levels below a fresh
// temp dir: the store the journal folds into.
func newTestVault(t testing.TB) *vault.Store {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data", "adopat", "vault.age")
	return vault.New(p, vault.DefaultIdentityPath(p))
}

func TestMain(m *testing.M) { os.Exit(storetest.Main(m, nil)) }
