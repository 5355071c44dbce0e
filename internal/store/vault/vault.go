// Package vault is the age-encrypted file backend of the token store: the
// vault file, its X25519 identity (optionally passphrase-protected, with
// an unlocked copy kept in RAM for a while) and their default paths.
package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// Size caps: a vault holds a few dozen tokens and an identity one key, so
// anything near these sizes is not ours and must not be read into memory
// unbounded.
const (
	maxVaultSize    = 64 << 20
	maxIdentitySize = 1 << 20
)

// Store is the encrypted file store: a JSON store.Data document (codec.go)
// encrypted with age to the X25519 key in an identity file. The identity may itself be
// passphrase-protected; the vault never is, so a read with the key at hand
// (plain file or unlocked copy) never pays for scrypt.
//
// A Store may be used by several goroutines; separate processes and Store
// values coordinate through a lock file next to the vault.
type Store struct {
	// Passphrase, when the identity is passphrase-protected and not
	// unlocked, is called to obtain the passphrase. The CLI sets it to a
	// terminal prompt; the git helper leaves it nil so it never blocks and
	// instead gets an error wrapping store.ErrLocked.
	Passphrase func() (string, error)

	path         string
	identityPath string
	key          KeyOptions // where the key comes from besides the identity file (keysource.go)

	mu     sync.Mutex // guards cached and serialises passphrase prompts
	cached *keys      // identity decrypted with the passphrase, if any

	loadedMu sync.Mutex
	loaded   *payload // what the last Load decrypted, secrets included; Secret reads it
}

var _ store.Store = (*Store)(nil)

// New returns a Store for the given vault and identity files. Nothing
// is touched on disk until the vault is used.
func New(vaultPath, identityPath string) *Store {
	return &Store{path: vaultPath, identityPath: identityPath}
}

// Path is the vault file.
func (v *Store) Path() string { return v.path }

// IdentityPath is the identity (key) file.
func (v *Store) IdentityPath() string { return v.identityPath }

func (v *Store) lockPath() string { return v.path + ".lock" }

// checkDirs refuses to use a vault or identity directory that someone else
// could plant files in (see checkDir). Checked before any file in them is
// opened, and before a passphrase prompt, which would be wasted.
func (v *Store) checkDirs() error {
	if err := fsx.CheckDirOf("vault", v.path); err != nil {
		return err
	}
	if filepath.Dir(v.identityPath) != filepath.Dir(v.path) && !v.key.CredentialIdentity { // systemd's directory
		return fsx.CheckDirOf("identity", v.identityPath)
	}
	return nil
}

// Load returns the current content, metadata only (see store.Store). A vault
// that does not exist yet is empty, and loading it creates nothing,
// prompts for nothing and needs no identity: a git "get" before anything
// was stored stays silent. The decrypted content is kept for Secret.
func (v *Store) Load() (*store.Data, error) {
	p, err := v.load()
	if err != nil {
		return nil, err
	}
	full, err := p.all()
	if err != nil {
		return nil, err
	}
	d := *full
	d.Tokens = slices.Clone(full.Tokens)
	d.StripSecrets()
	return &d, nil
}

var _ store.Finder = (*Store)(nil)

// LoadFor is Load narrowed to the tokens keep accepts (store.Finder): of a
// vault written in encoding 2 (codec.go) it decodes only their lines, so
// git's get costs about the same with one token or a thousand. The
// decrypted content is kept for Secret, as by Load.
func (v *Store) LoadFor(keep func(key *store.Token) bool) (*store.Data, error) {
	p, err := v.load()
	if err != nil {
		return nil, err
	}
	d, err := p.find(keep)
	if err != nil {
		return nil, err
	}
	d.StripSecrets()
	return d, nil
}

// Secret returns the secrets of the token with scope from the content the
// last Load decrypted, so that a Load and a Secret decrypt once; without a
// Load since the last Update it decrypts the vault.
func (v *Store) Secret(scope string) (pat, refresh string, err error) {
	v.loadedMu.Lock()
	p := v.loaded
	v.loadedMu.Unlock()
	if p == nil {
		if p, err = v.load(); err != nil {
			return "", "", err
		}
	}
	pat, refresh, found, err := p.secret(scope)
	if err != nil {
		return "", "", err
	}
	if !found {
		return "", "", &store.ScopeNotFoundError{Scope: scope, Where: "age vault " + v.path}
	}
	return pat, refresh, nil
}

// load reads and decrypts the vault, and keeps what it decrypted for
// Secret. It takes no lock where
// fsx.ReadersNeedLock is false (Unix): the vault and the identity are only
// ever replaced by rename, so each read sees a whole file, and the
// identity is created before the first vault is renamed into place and
// later replaced only with the same key (passphrase on or off). So git's
// get never waits behind a queue of writers; only store and erase (and
// the commands that write) queue for the exclusive lock. On Windows,
// where a file open for reading cannot be renamed over, it takes the
// shared lock, after obtaining a protected key (a prompt must not keep
// writers waiting). The identity file is read once.
func (v *Store) load() (*payload, error) {
	if _, err := os.Lstat(v.path); errors.Is(err, fs.ErrNotExist) {
		return v.keep(parsedData(store.NewData())), nil
	} else if err != nil {
		return nil, fmt.Errorf("cannot read vault %s: %w", v.path, err)
	}
	if err := v.checkDirs(); err != nil {
		return nil, err
	}
	if fsx.ReadersNeedLock {
		if err := v.unlockFirst(); err != nil {
			return nil, err
		}
		l, err := fsx.Acquire(v.lockPath(), false)
		if err != nil {
			return nil, err
		}
		defer l.Release()
	}
	k, err := v.identity()
	if err != nil && !errors.Is(err, errNoIdentity) {
		return nil, err
	}
	p, _, err := v.read(k)
	if err != nil {
		return nil, err
	}
	return v.keep(p), nil
}

// keep makes p what Secret reads.
func (v *Store) keep(p *payload) *payload {
	v.loadedMu.Lock()
	v.loaded = p
	v.loadedMu.Unlock()
	return p
}

// Update runs fn on the current content, every secret included, under an
// exclusive lock and, only if fn reports a change, replaces the vault
// atomically. When fn fails or changes nothing, no file is written. The
// identity is created here, on the first write, if neither it nor the
// vault exists. What a Load decrypted before is forgotten: Secret reads
// the vault again.
func (v *Store) Update(fn func(d *store.Data) (changed bool, err error)) error {
	v.loadedMu.Lock()
	v.loaded = nil
	v.loadedMu.Unlock()
	if err := v.checkDirs(); err != nil {
		return err
	}
	l, err := v.lockForWrite()
	if err != nil {
		return err
	}
	defer l.Release()

	// Re-read under the lock: another process may have created the
	// identity meanwhile. For a protected identity this is a cache hit.
	k, err := v.identity()
	if err != nil && !errors.Is(err, errNoIdentity) {
		return err
	}
	p, exists, err := v.read(k)
	if err != nil {
		return err
	}
	d, err := p.all()
	if err != nil {
		return err
	}
	changed, err := fn(d)
	if err != nil || !changed {
		return err
	}
	if err := d.RefuseStripped(); err != nil {
		return err
	}
	if k == nil {
		if exists { // unreachable: read fails first; kept as a guard
			return v.missingIdentityError()
		}
		if k, err = v.createIdentity(); err != nil {
			return err
		}
	}
	ct, err := encodeVault(d, k.recipient)
	if err != nil {
		return err
	}
	if err := fsx.WriteAtomic("vault", v.path, ct, true); err != nil {
		return err
	}
	// The vault lock also serialises identity writes, so the identity's
	// leftover temp files (a plain key, perhaps) are stale too.
	fsx.SweepTemps(v.identityPath, true)
	return nil
}

// lockForWrite takes the vault lock exclusively, which serialises every
// writer of the vault and of the identity (an identity change must not
// race with an Update creating the identity). A passphrase-protected key
// is obtained first, so a prompt never keeps other processes waiting; the
// vault's directory is created if need be. The caller has checked the
// directories.
func (v *Store) lockForWrite() (*fsx.Lock, error) {
	if err := v.unlockFirst(); err != nil {
		return nil, err
	}
	if err := fsx.MkdirPrivate("vault", filepath.Dir(v.path)); err != nil {
		return nil, err
	}
	return fsx.Acquire(v.lockPath(), true)
}

// read loads and decrypts the vault; the caller holds the lock (or needs
// none, see load). k is nil when the identity file is missing, which is
// only fine if the vault is too.
func (v *Store) read(k *keys) (p *payload, exists bool, err error) {
	raw, err := fsx.ReadPrivate("vault", v.path, maxVaultSize)
	if errors.Is(err, fs.ErrNotExist) {
		return parsedData(store.NewData()), false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if k == nil {
		return nil, true, v.missingIdentityError()
	}
	js, err := decryptVault(raw, k, v.path, v.identityPath)
	if err != nil {
		return nil, true, err
	}
	return parsePayload(js, v.path), true, nil
}
