package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// The unlocked copy is the plain identity with a small header, written to a
// per-user runtime directory by Unlock so that later commands (notably the
// git helper, which cannot prompt) decrypt the vault without scrypt until
// the expiry. Layout:
//
//	# git-credential-adopat unlocked identity; delete this file to lock
//	# identity: /abs/path/identity.txt
//	# expires: 2026-01-02T15:04:05.123456789Z
//	<identity file text>
//
// The header lines are comments, so the file is also a valid age identity
// file for recovery by hand.
const (
	unlockedMagic  = "# git-credential-adopat unlocked identity; delete this file to lock\n"
	unlockedIDPfx  = "# identity: "
	unlockedExpPfx = "# expires: "
)

// Unlock decrypts the passphrase-protected identity and keeps a plain copy
// for ttl, so commands run meanwhile need no passphrase. The copy goes to
// the RAM-backed runtime directory only; without one Unlock fails with
// store.ErrNoRuntimeDir before decrypting anything.
func (v *Store) Unlock(pass string, ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("unlock duration must be positive, not %v", ttl)
	}
	path, abs, err := v.unlockPlace()
	if err != nil {
		return err
	}
	raw, err := v.readProtectedIdentity()
	if err != nil {
		return err
	}
	k, err := decryptIdentity(v.identityPath, raw, pass)
	if err != nil {
		return err
	}
	v.removeLegacyUnlocked(abs)
	var buf bytes.Buffer
	buf.WriteString(unlockedMagic)
	buf.WriteString(unlockedIDPfx + abs + "\n")
	buf.WriteString(unlockedExpPfx + time.Now().Add(ttl).UTC().Format(time.RFC3339Nano) + "\n")
	buf.Write(k.text)
	if err := fsx.WriteAtomic("unlocked identity", path, buf.Bytes(), false); err != nil {
		return err
	}
	v.setCached(k)
	return nil
}

// CanUnlock reports, before anyone is asked for a passphrase, why Unlock
// would fail: no passphrase on the identity, no RAM-backed runtime
// directory, or a directory other users could plant files in.
func (v *Store) CanUnlock() error {
	if _, _, err := v.unlockPlace(); err != nil {
		return err
	}
	_, err := v.readProtectedIdentity()
	return err
}

// unlockPlace returns where the unlocked copy goes, creating its private
// directory under the runtime directory and checking both the identity's
// and that directory.
func (v *Store) unlockPlace() (path, abs string, err error) {
	if err := v.checkDirs(); err != nil {
		return "", "", err
	}
	path, abs, err = v.unlockedLocation()
	if err != nil {
		return "", "", err
	}
	if err := fsx.MkdirPrivate("runtime", filepath.Dir(path)); err != nil {
		return "", "", err
	}
	if err := fsx.CheckDirOf("runtime", path); err != nil {
		return "", "", err
	}
	return path, abs, nil
}

// removeLegacyUnlocked deletes an unlocked key an older version left in the
// user cache directory (on disk) when XDG_RUNTIME_DIR was unset. Best
// effort: it is looked for whenever the unlocked copy is.
func (v *Store) removeLegacyUnlocked(absIdentity string) {
	if old, err := legacyUnlockedPath(absIdentity); err == nil {
		_ = os.Remove(old)
	}
}

// Lock deletes the unlocked copy and forgets the passphrase-decrypted key
// held by this Store. Locking a locked vault is not an error.
func (v *Store) Lock() error {
	v.setCached(nil)
	path, abs, err := v.unlockedLocation()
	if abs != "" {
		v.removeLegacyUnlocked(abs)
	}
	if err != nil {
		return nil // no usable runtime directory: nothing can have been unlocked there
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot remove unlocked identity %s: %w", path, err)
	}
	return nil
}

// Locked reports whether reading the vault would need the passphrase: the
// identity is passphrase-protected and has no valid unlocked copy. A key
// held in this Store's memory does not count; the answer is about what the
// next command will find.
func (v *Store) Locked() (bool, error) {
	protected, err := v.IsPassphraseProtected()
	if err != nil || !protected {
		return false, err
	}
	until, err := v.UnlockedUntil()
	return until.IsZero(), err
}

// UnlockedUntil returns when the unlocked copy expires, or the zero time if
// there is no valid one.
func (v *Store) UnlockedUntil() (time.Time, error) {
	k, exp, err := v.readUnlocked()
	if err != nil || k == nil {
		return time.Time{}, err
	}
	return exp, nil
}

// readProtectedIdentity reads the identity file for Unlock and
// RemovePassphrase, which only make sense for a protected one.
func (v *Store) readProtectedIdentity() ([]byte, error) {
	if err := v.refuseCredentialIdentity(); err != nil {
		return nil, err
	}
	raw, err := fsx.ReadPrivate("identity", v.identityPath, maxIdentitySize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, store.NewError(fmt.Sprintf("identity %s does not exist, so it has no passphrase", v.identityPath), store.ErrIdentityMissing, err)
	}
	if err != nil {
		return nil, err
	}
	if _, protected := ageContent(raw); !protected {
		return nil, store.NewError(fmt.Sprintf("identity %s is not passphrase-protected; there is nothing to unlock or remove", v.identityPath),
			store.ErrNotPassphraseProtected)
	}
	return raw, nil
}

// unlockedLocation returns the unlocked copy's path and the absolute
// identity path recorded in it.
func (v *Store) unlockedLocation() (path, absIdentity string, err error) {
	abs, err := filepath.Abs(v.identityPath)
	if err != nil {
		return "", "", fmt.Errorf("cannot resolve identity path %s: %w", v.identityPath, err)
	}
	path, err = unlockedPath(abs)
	return path, abs, err
}

// readUnlocked returns the keys from a valid unlocked copy, or nil if there
// is none. The expiry written by Unlock is enforced here, at every read,
// not left to a timer or logout: an expired copy is never used and is
// deleted on the spot, as are unreadable-format or mismatched copies (they
// are a cache). A copy that other users can access, or one in a directory
// they can write to, is an error, not silently used or deleted.
func (v *Store) readUnlocked() (*keys, time.Time, error) {
	path, abs, err := v.unlockedLocation()
	if abs != "" {
		v.removeLegacyUnlocked(abs)
	}
	if err != nil {
		return nil, time.Time{}, nil // no RAM-backed runtime directory: nothing can be unlocked
	}
	if err := fsx.CheckDirOf("runtime", path); err != nil {
		return nil, time.Time{}, err
	}
	raw, err := fsx.ReadPrivate("unlocked identity", path, maxIdentitySize+4096)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	k, exp, ok := parseUnlocked(raw, abs)
	if !ok || !time.Now().Before(exp) {
		_ = os.Remove(path)
		return nil, time.Time{}, nil
	}
	return k, exp, nil
}

// parseUnlocked checks the header strictly and parses the identity.
func parseUnlocked(raw []byte, absIdentity string) (*keys, time.Time, bool) {
	rest, ok := bytes.CutPrefix(raw, []byte(unlockedMagic))
	if !ok {
		return nil, time.Time{}, false
	}
	idLine, rest, _ := bytes.Cut(rest, []byte("\n"))
	expLine, text, _ := bytes.Cut(rest, []byte("\n"))
	id, ok1 := bytes.CutPrefix(idLine, []byte(unlockedIDPfx))
	exp, ok2 := bytes.CutPrefix(expLine, []byte(unlockedExpPfx))
	if !ok1 || !ok2 || string(id) != absIdentity {
		return nil, time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(exp))
	if err != nil {
		return nil, time.Time{}, false
	}
	k, err := parseIdentityText(absIdentity, text)
	if err != nil {
		return nil, time.Time{}, false
	}
	return k, t, true
}
