// Package keyring is the OS keyring backend of the token store: one
// keyring item per PAT (Secret Service, macOS Keychain, Windows Credential
// Manager through go-keyring), the metadata in an index file, and the
// checks that keep every keyring call from spawning a bus, starting a
// service, waiting on a prompt or hanging.
package keyring

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// Store keeps each token's PAT in the OS keyring, as one item whose
// service is Options.Service and whose account (go-keyring's "user":
// the Secret Service attribute "username", the Keychain account, the
// Credential Manager target "service:account") is the token's Scope(), so
// users find and delete it by the scope in Seahorse, Keychain Access or
// Credential Manager. An OAuth refresh token, when git gave one, is a
// second item, account "<scope> (oauth_refresh_token)". All other
// metadata lives in the index file (see keyring_index.go), which never
// holds a secret.
//
// The keyring is only touched by Secret and Update; Load and `list` read
// the index alone. No call can spawn a bus or wait on an unlock
// prompt: see platformPreflight and itemOps.
type Store struct {
	path    string
	service string
	timeout time.Duration
	api     secretAPI

	mu     sync.Mutex
	loaded []indexEntry // the index as the last Load read it; Secret looks tokens up there
}

var _ store.Store = (*Store)(nil)

// Options configures a Store; zero values select the defaults.
type Options struct {
	Service string        // keyring service name; default "git-credential-adopat"
	Timeout time.Duration // bound on each keyring call; default 3s

	api secretAPI // tests: a fake keyring instead of go-keyring
}

// DefaultService names adopat's items in the OS keyring.
const DefaultService = "git-credential-adopat"

// DefaultTimeout bounds each keyring call: far below git's patience,
// far above a healthy keyring's few milliseconds.
const DefaultTimeout = 3 * time.Second

// New returns a Store with its index at indexPath. Nothing is
// touched, on disk or in the keyring, until it is used.
func New(indexPath string, opts Options) *Store {
	k := &Store{path: indexPath, service: opts.Service, timeout: opts.Timeout, api: opts.api}
	if k.service == "" {
		k.service = DefaultService
	}
	if k.timeout <= 0 {
		k.timeout = DefaultTimeout
	}
	if k.api == nil {
		k.api = osKeyring{}
	}
	return k
}

// Path is the index file.
func (k *Store) Path() string { return k.path }

func (k *Store) lockPath() string { return k.path + ".lock" }

// Load reads the index under a shared lock and returns its tokens' metadata
// (see store.Store); Secret then reads one token's items. A missing index is an
// empty store, and loading it creates nothing.
func (k *Store) Load() (*store.Data, error) {
	entries, err := k.readIndex()
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.loaded = entries
	k.mu.Unlock()
	d := store.NewData()
	for _, e := range entries {
		e.tok.StripSecrets()
		d.Tokens = append(d.Tokens, e.tok)
	}
	return d, nil
}

// Secret reads the keyring items of the token with scope, found in the
// index as the last Load read it (or read now, without a Load).
func (k *Store) Secret(scope string) (pat, refresh string, err error) {
	k.mu.Lock()
	entries := k.loaded
	k.mu.Unlock()
	if entries == nil {
		if entries, err = k.readIndex(); err != nil {
			return "", "", err
		}
	}
	for _, e := range entries {
		if e.tok.HasScope(scope) {
			ops := k.ops()
			defer ops.close()
			return ops.fetch(&e.tok, e.ref)
		}
	}
	return "", "", &store.ScopeNotFoundError{Scope: scope, Where: "keyring index " + k.path}
}

// readIndex reads the index under a shared lock; a missing one is empty.
func (k *Store) readIndex() ([]indexEntry, error) {
	if _, err := os.Lstat(k.path); errors.Is(err, fs.ErrNotExist) {
		return []indexEntry{}, nil
	}
	l, err := fsx.Acquire(k.lockPath(), false)
	if err != nil {
		return nil, err
	}
	entries, _, err := readIndex(k.path)
	l.Release()
	if entries == nil && err == nil {
		entries = []indexEntry{}
	}
	return entries, err
}

// fetch reads a token's items.
func (o *itemOps) fetch(t *store.Token, ref itemRef) (secret, refresh string, err error) {
	if secret, err = o.get(t, ref.Account); err != nil {
		return "", "", err
	}
	if ref.RefreshAccount != "" {
		if refresh, err = o.get(t, ref.RefreshAccount); err != nil {
			return "", "", err
		}
	}
	return secret, refresh, nil
}

// Update runs fn under the index's exclusive lock on every token with its
// secrets read, then applies the difference in a never-lose order (see
// keyringPlan). A token whose item is missing reaches fn Stripped, with
// an error wrapping store.ErrSecretMissing in d.Unread, so fn can replace or
// remove it; any other keyring failure aborts before fn. When fn fails or
// changes nothing, nothing is written to the keyring or the index.
func (k *Store) Update(fn func(d *store.Data) (changed bool, err error)) error {
	return k.update(fn, true)
}

// UpdateMetadata is Update without reading any keyring item, for changes
// to metadata alone (folding the usage journal), so that `list` works and
// stays fast while the keyring is locked or slow. Every token reaches fn
// Stripped and keeps its items.
func (k *Store) UpdateMetadata(fn func(d *store.Data) (changed bool, err error)) error {
	return k.update(fn, false)
}

func (k *Store) update(fn func(d *store.Data) (changed bool, err error), readSecrets bool) error {
	k.mu.Lock()
	k.loaded = nil // Secret reads the index again after a change
	k.mu.Unlock()
	if err := fsx.MkdirPrivate("keyring index", filepath.Dir(k.path)); err != nil {
		return err
	}
	l, err := fsx.Acquire(k.lockPath(), true)
	if err != nil {
		return err
	}
	defer l.Release()
	entries, raw, err := readIndex(k.path)
	if err != nil {
		return err
	}
	ops := k.ops()
	defer ops.close()
	b := &keyringBefore{entries: entries, raw: raw, held: map[string]string{}, unread: map[string]itemRef{}}
	d := store.NewData()
	for _, e := range entries {
		t := e.tok
		if !readSecrets {
			t.StripSecrets()
			b.unread[t.Scope()] = e.ref
			d.Tokens = append(d.Tokens, t)
			continue
		}
		var err error
		switch t.Secret, t.OAuthRefreshToken, err = ops.fetch(&t, e.ref); {
		case errors.Is(err, store.ErrSecretMissing):
			t.StripSecrets()
			b.unread[t.Scope()] = e.ref
			if d.Unread == nil {
				d.Unread = map[string]error{}
			}
			d.Unread[t.Scope()] = err
		case err != nil:
			return err
		default:
			b.held[e.ref.Account] = t.Secret
			if e.ref.RefreshAccount != "" {
				b.held[e.ref.RefreshAccount] = t.OAuthRefreshToken
			}
		}
		d.Tokens = append(d.Tokens, t)
	}
	changed, err := fn(d)
	if err != nil || !changed {
		return err
	}
	p, err := planUpdate(b, d.Tokens)
	if err != nil || p.empty() {
		return err
	}
	return k.apply(ops, p)
}

func (k *Store) apply(ops *itemOps, p *keyringPlan) error {
	for _, w := range p.sets {
		if err := ops.set(w.scope, w.account, w.secret); err != nil {
			return err
		}
	}
	if p.index != nil {
		if err := fsx.WriteAtomic("keyring index", k.path, p.index, true); err != nil {
			return err
		}
	}
	for _, w := range p.dels {
		if err := ops.del(w.scope, w.account); err != nil {
			return store.NewError("the index no longer lists "+w.scope+" but its keyring item could not be deleted ("+oneLine(err)+"); delete the item \""+
				w.account+"\" of service "+k.service+" in your keyring app", err)
		}
	}
	return nil
}
