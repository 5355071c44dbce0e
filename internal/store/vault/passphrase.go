package vault

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// IsPassphraseProtected reports whether the identity file is encrypted with
// a passphrase (it is an age file rather than a plain key). A missing
// identity is not protected.
func (v *Store) IsPassphraseProtected() (bool, error) {
	if v.key.CredentialIdentity {
		return false, nil // always a plain identity (keysource.go)
	}
	if err := v.checkDirs(); err != nil {
		return false, err
	}
	raw, err := fsx.ReadPrivate("identity", v.identityPath, maxIdentitySize)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, protected := ageContent(raw)
	return protected, nil
}

// SetPassphrase encrypts the identity with pass, replacing the identity file
// atomically; on a protected identity it changes the passphrase (the current
// key comes from the unlocked copy or the Passphrase callback). With neither
// identity nor vault yet, a new identity is created protected. The vault is
// not rewritten: it stays encrypted to the same key.
func (v *Store) SetPassphrase(pass string) error {
	if pass == "" {
		return errors.New("the passphrase must not be empty")
	}
	if err := v.refuseCredentialIdentity(); err != nil {
		return err
	}
	if err := v.checkDirs(); err != nil {
		return err
	}
	l, err := v.lockForWrite() // asks for the current passphrase, if any, first
	if err != nil {
		return err
	}
	defer l.Release()

	k, err := v.identity()
	if errors.Is(err, errNoIdentity) {
		if _, statErr := os.Lstat(v.path); !errors.Is(statErr, fs.ErrNotExist) {
			return v.missingIdentityError()
		}
		var text []byte
		if text, err = newIdentityText(); err == nil {
			k, err = parseIdentityText(v.identityPath, text)
		}
	}
	if err != nil {
		return err
	}
	ct, err := encryptIdentity(k.text, pass)
	if err != nil {
		return err
	}
	if err := fsx.MkdirPrivate("identity", filepath.Dir(v.identityPath)); err != nil {
		return err
	}
	if err := fsx.WriteAtomic("identity", v.identityPath, ct, true); err != nil {
		return err
	}
	v.setCached(k)
	return nil
}

// RemovePassphrase writes the identity back in plain form and deletes the
// unlocked copy, which is redundant from then on. The key comes from the
// unlocked copy, this Store's cache or the Passphrase callback.
func (v *Store) RemovePassphrase() error {
	if err := v.checkDirs(); err != nil {
		return err
	}
	if _, err := v.readProtectedIdentity(); err != nil {
		return err
	}
	l, err := v.lockForWrite()
	if err != nil {
		return err
	}
	defer l.Release()

	if _, err := v.readProtectedIdentity(); err != nil {
		return err // someone removed it meanwhile
	}
	k, err := v.identity()
	if err != nil {
		return err
	}
	if err := fsx.WriteAtomic("identity", v.identityPath, k.text, true); err != nil {
		return err
	}
	return v.Lock()
}
