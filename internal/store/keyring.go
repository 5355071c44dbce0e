package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Keyring keeps each token's PAT in the OS keyring, as one item whose
// service is KeyringOptions.Service and whose account (go-keyring's "user":
// the Secret Service attribute "username", the Keychain account, the
// Credential Manager target "service:account") is the token's Scope(), so
// users find and delete it by the scope in Seahorse, Keychain Access or
// Credential Manager. An OAuth refresh token, when git gave one, is a
// second item, account "<scope> (oauth_refresh_token)". All other
// metadata lives in the index file (see keyring_index.go), which never
// holds a secret.
//
// The keyring is only touched by Data.Reveal and Update; Load and `list`
// read the index alone. No call can spawn a bus or wait on an unlock
// prompt: see platformPreflight and itemOps.
type Keyring struct {
	path    string
	service string
	timeout time.Duration
	api     secretAPI
}

var _ Store = (*Keyring)(nil)

// KeyringOptions configures a Keyring; zero values select the defaults.
type KeyringOptions struct {
	Service string        // keyring service name; default "git-credential-adopat"
	Timeout time.Duration // bound on each keyring call; default 3s

	api secretAPI // tests: a fake keyring instead of go-keyring
}

// DefaultKeyringService names adopat's items in the OS keyring.
const DefaultKeyringService = "git-credential-adopat"

// DefaultKeyringTimeout bounds each keyring call: far below git's patience,
// far above a healthy keyring's few milliseconds.
const DefaultKeyringTimeout = 3 * time.Second

// NewKeyring returns a Keyring with its index at indexPath. Nothing is
// touched, on disk or in the keyring, until it is used.
func NewKeyring(indexPath string, opts KeyringOptions) *Keyring {
	k := &Keyring{path: indexPath, service: opts.Service, timeout: opts.Timeout, api: opts.api}
	if k.service == "" {
		k.service = DefaultKeyringService
	}
	if k.timeout <= 0 {
		k.timeout = DefaultKeyringTimeout
	}
	if k.api == nil {
		k.api = osKeyring{}
	}
	return k
}

// Path is the index file.
func (k *Keyring) Path() string { return k.path }

func (k *Keyring) lockPath() string { return k.path + ".lock" }

// Load reads the index under a shared lock and returns its tokens with
// their secrets pending: Data.Reveal fetches one token's items. A missing
// index is an empty store, and loading it creates nothing.
func (k *Keyring) Load() (*Data, error) {
	if _, err := os.Lstat(k.path); errors.Is(err, fs.ErrNotExist) {
		return emptyData(), nil
	}
	l, err := acquireLock(k.lockPath(), false)
	if err != nil {
		return nil, err
	}
	entries, _, err := readIndex(k.path)
	l.release()
	if err != nil {
		return nil, err
	}
	refs := make(map[string]itemRef, len(entries))
	d := emptyData()
	for _, e := range entries {
		e.tok.secretPending = true
		d.Tokens = append(d.Tokens, e.tok)
		refs[e.tok.Scope()] = e.ref
	}
	d.reveal = func(t *Token) error {
		ref, ok := refs[t.Scope()]
		if !ok {
			ref = itemRef{Account: t.Scope()}
		}
		return k.ops().fetch(t, ref)
	}
	return d, nil
}

// fetch reads a token's items into it.
func (o *itemOps) fetch(t *Token, ref itemRef) error {
	secret, err := o.get(t, ref.Account)
	if err != nil {
		return err
	}
	var refresh string
	if ref.RefreshAccount != "" {
		if refresh, err = o.get(t, ref.RefreshAccount); err != nil {
			return err
		}
	}
	t.Secret, t.OAuthRefreshToken = secret, refresh
	return nil
}

// Update runs fn under the index's exclusive lock on every token with its
// secrets read, then applies the difference in a never-lose order (see
// keyringPlan). A token whose item is missing reaches fn with its secret
// pending and Data.Reveal failing with ErrSecretMissing, so fn can replace
// or remove it; any other keyring failure aborts before fn. When fn fails
// or changes nothing, nothing is written to the keyring or the index.
func (k *Keyring) Update(fn func(d *Data) (changed bool, err error)) error {
	return k.update(fn, true)
}

// UpdateMetadata is Update without reading any keyring item, for changes
// to metadata alone (folding the usage journal), so that `list` works and
// stays fast while the keyring is locked or slow. Every token reaches fn
// with its secret pending and keeps its items.
func (k *Keyring) UpdateMetadata(fn func(d *Data) (changed bool, err error)) error {
	return k.update(fn, false)
}

func (k *Keyring) update(fn func(d *Data) (changed bool, err error), readSecrets bool) error {
	if err := mkdirPrivate("keyring index", filepath.Dir(k.path)); err != nil {
		return err
	}
	l, err := acquireLock(k.lockPath(), true)
	if err != nil {
		return err
	}
	defer l.release()
	entries, raw, err := readIndex(k.path)
	if err != nil {
		return err
	}
	ops := k.ops()
	b := &keyringBefore{entries: entries, raw: raw, held: map[string]string{}, unread: map[string]itemRef{}}
	missing := map[string]error{}
	d := emptyData()
	for _, e := range entries {
		t := e.tok
		if !readSecrets {
			t.secretPending = true
			b.unread[t.Scope()] = e.ref
			d.Tokens = append(d.Tokens, t)
			continue
		}
		switch err := ops.fetch(&t, e.ref); {
		case errors.Is(err, ErrSecretMissing):
			t.secretPending = true
			b.unread[t.Scope()], missing[t.Scope()] = e.ref, err
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
	d.reveal = func(t *Token) error {
		if err, ok := missing[t.Scope()]; ok {
			return err
		}
		if !readSecrets {
			return errors.New("internal error: a metadata update cannot read secrets")
		}
		return missingError(t)
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

func (k *Keyring) apply(ops *itemOps, p *keyringPlan) error {
	for _, w := range p.sets {
		if err := ops.set(w.scope, w.account, w.secret); err != nil {
			return err
		}
	}
	if p.index != nil {
		if err := writeFileAtomic("keyring index", k.path, p.index, true); err != nil {
			return err
		}
	}
	for _, w := range p.dels {
		if err := ops.del(w.scope, w.account); err != nil {
			return newError("the index no longer lists "+w.scope+" but its keyring item could not be deleted ("+oneLine(err)+"); delete the item \""+
				w.account+"\" of service "+k.service+" in your keyring app", err)
		}
	}
	return nil
}
