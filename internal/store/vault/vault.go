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

// Store is the encrypted file store: a JSON store.Data document encrypted with age
// to the X25519 key in an identity file. The identity may itself be
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
	loaded   *store.Data // what the last Load decrypted, secrets included; Secret reads it
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
	full, err := v.load()
	if err != nil {
		return nil, err
	}
	v.loadedMu.Lock()
	v.loaded = full
	v.loadedMu.Unlock()
	d := *full
	d.Tokens = slices.Clone(full.Tokens)
	d.StripSecrets()
	return &d, nil
}

// Secret returns the secrets of the token with scope from the content the
// last Load decrypted, so that a Load and a Secret decrypt once; without a
// Load since the last Update it decrypts the vault.
func (v *Store) Secret(scope string) (pat, refresh string, err error) {
	v.loadedMu.Lock()
	d := v.loaded
	v.loadedMu.Unlock()
	if d == nil {
		if d, err = v.load(); err != nil {
			return "", "", err
		}
		v.loadedMu.Lock()
		v.loaded = d
		v.loadedMu.Unlock()
	}
	i, ok := d.Find(scope)
	if !ok {
		return "", "", &store.ScopeNotFoundError{Scope: scope, Where: "age vault " + v.path}
	}
	return d.Tokens[i].Secret, d.Tokens[i].OAuthRefreshToken, nil
}

// load reads and decrypts the vault. It takes no lock where
// fsx.ReadersNeedLock is false (Unix): the vault and the identity are only
// ever replaced by rename, so each read sees a whole file, and the
// identity is created before the first vault is renamed into place and
// later replaced only with the same key (passphrase on or off). So git's
// get never waits behind a queue of writers; only store and erase (and
// the commands that write) queue for the exclusive lock. On Windows,
// where a file open for reading cannot be renamed over, it takes the
// shared lock.
func (v *Store) load() (*store.Data, error) {
	if _, err := os.Lstat(v.path); errors.Is(err, fs.ErrNotExist) {
		return store.NewData(), nil
	} else if err != nil {
		return nil, fmt.Errorf("cannot read vault %s: %w", v.path, err)
	}
	if err := v.checkDirs(); err != nil {
		return nil, err
	}
	if err := v.unlockFirst(); err != nil {
		return nil, err
	}
	if fsx.ReadersNeedLock {
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
	d, _, err := v.read(k)
	return d, err
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
	d, exists, err := v.read(k)
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

// read loads and decrypts the vault; the caller holds the lock. k is nil
// when the identity file is missing, which is only fine if the vault is too.
func (v *Store) read(k *keys) (d *store.Data, exists bool, err error) {
	raw, err := fsx.ReadPrivate("vault", v.path, maxVaultSize)
	if errors.Is(err, fs.ErrNotExist) {
		return store.NewData(), false, nil
	}
	if err != nil {
		return nil, true, err
	}
	if k == nil {
		return nil, true, v.missingIdentityError()
	}
	d, err = decodeVault(raw, k, v.path, v.identityPath)
	return d, true, err
}
