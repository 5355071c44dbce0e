package keyring

import (
	"context"
	"fmt"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m, nil)) }

// fakeKeyring is an in-memory secretAPI that records every call and can
// fail or block on demand.
type fakeKeyring struct {
	mu     sync.Mutex
	items  map[string]string // account -> secret (one service)
	calls  []string          // "get A", "set A", "del A"
	ready  func() error      // preflight's answer; nil: ready
	setErr map[string]error  // account -> error of set
	block  chan struct{}     // non-nil: get blocks until closed
	panics bool              // get panics, as a library bug would
	onCall func(op, account string)
}

func newFakeKeyring() *fakeKeyring {
	return &fakeKeyring{items: map[string]string{}, setErr: map[string]error{}}
}

func (f *fakeKeyring) record(op, account string) {
	f.mu.Lock()
	f.calls = append(f.calls, op+" "+account)
	hook := f.onCall
	f.mu.Unlock()
	if hook != nil {
		hook(op, account)
	}
}

func (f *fakeKeyring) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if len(c) > len(op) && c[:len(op)+1] == op+" " {
			n++
		}
	}
	return n
}

func (f *fakeKeyring) reset() {
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
}

func (f *fakeKeyring) preflight(context.Context) error {
	f.record("preflight", "")
	if f.ready != nil {
		return f.ready()
	}
	return nil
}

func (f *fakeKeyring) get(_, account string) (string, error) {
	f.record("get", account)
	if f.block != nil {
		<-f.block
	}
	if f.panics {
		panic("interface conversion: interface {} is string, not []dbus.ObjectPath")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.items[account]
	if !ok {
		return "", errItemNotFound
	}
	return s, nil
}

func (f *fakeKeyring) set(_, account, secret string) error {
	f.record("set", account)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.setErr[account]; err != nil {
		return err
	}
	f.items[account] = secret
	return nil
}

func (f *fakeKeyring) del(_, account string) error {
	f.record("del", account)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[account]; !ok {
		return errItemNotFound
	}
	delete(f.items, account)
	return nil
}

// drop deletes an item behind the backend's back.
func (f *fakeKeyring) drop(account string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.items, account)
}

func (f *fakeKeyring) item(account string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.items[account]
	return s, ok
}

// newFakeKeyringStore is a Store over a fake, its index two levels
// below a fresh temp dir.
func newFakeKeyringStore(t testing.TB) (*Store, *fakeKeyring) {
	t.Helper()
	f := newFakeKeyring()
	p := filepath.Join(t.TempDir(), "config", "adopat", "keyring-index.json")
	return New(p, Options{Timeout: 5 * time.Second, api: f}), f
}

// addTo stores tokens the way `add` does: replace the same scope, else
// append.
func addTo(t testing.TB, k *Store, toks ...store.Token) {
	t.Helper()
	err := k.Update(func(d *store.Data) (bool, error) {
		for _, tok := range toks {
			d.Put(tok)
		}
		return true, nil
	})
	if err != nil {
		t.Fatalf("adding tokens: %v", err)
	}
}

// removeScope deletes the token with scope, as `remove` does.
func removeScope(t testing.TB, k *Store, scope string) {
	t.Helper()
	err := k.Update(func(d *store.Data) (bool, error) {
		if d.Remove(scope) {
			return true, nil
		}
		t.Errorf("no token %s to remove", scope)
		return false, nil
	})
	if err != nil {
		t.Fatalf("removing %s: %v", scope, err)
	}
}

// withdraw marks a token withdrawn, as git's erase does.
func withdraw(t testing.TB, k *Store, scope string) {
	t.Helper()
	err := k.Update(func(d *store.Data) (bool, error) {
		for i := range d.Tokens {
			if d.Tokens[i].Scope() == scope {
				now := time.Now().UTC()
				d.Tokens[i].Withdrawn = &now
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("withdrawing %s: %v", scope, err)
	}
}

// revealed loads k and reads the secrets of the token with scope into it.
func revealed(t testing.TB, k *Store, scope string) (*store.Token, error) {
	t.Helper()
	tok, err := reveal(k, scope)
	if tok == nil {
		t.Fatal(err)
	}
	return tok, err
}

// reveal is revealed for other goroutines than the test's: it returns a
// nil token when Load fails or the scope is not listed.
func reveal(k *Store, scope string) (*store.Token, error) {
	d, err := k.Load()
	if err != nil {
		return nil, fmt.Errorf("Load: %w", err)
	}
	for i := range d.Tokens {
		if tok := &d.Tokens[i]; tok.Scope() == scope {
			pat, refresh, err := k.Secret(scope)
			tok.SetSecrets(pat, refresh)
			return tok, err
		}
	}
	return nil, fmt.Errorf("no token %s in the index", scope)
}

// within runs f aside and fails the test if it has not returned after a
// minute: a keyring call that waits on a prompt would otherwise hang the
// test binary until go test's own timeout. f must not call t.Fatal.
func within(t testing.TB, f func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("a keyring operation hung (no answer after a minute)")
	}
}

func cloudToken(org, secret string) store.Token {
	return store.Token{Org: org, Username: "pat", Secret: secret, Created: time.Now().UTC().Truncate(time.Second)}
}
