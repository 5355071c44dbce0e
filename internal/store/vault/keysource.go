package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// Key sources for unattended use. The identity file is the key; where it
// is and how a passphrase-protected one is opened without a person is
// what KeyOptions say. The CLI resolves them, in its documented order
// (--identity, ADOPAT_IDENTITY, the systemd credential adopat.identity,
// identity.txt beside the vault; for a protected identity the credential
// adopat.passphrase, ADOPAT_PASSPHRASE_FILE, the unlocked copy, a prompt),
// and the Store uses them:
//
//   - CredentialIdentity: the identity path is a systemd credential
//     ($CREDENTIALS_DIRECTORY/adopat.identity, from LoadCredential= or
//     LoadCredentialEncrypted=). systemd owns that directory (it may be
//     root's, and the file readable through an ACL), so neither the
//     directory nor the file's mode is checked; the file must still be a
//     regular file, not a link. It must be a plain age identity, and it is
//     never created, written or unlocked: the vault is encrypted to it, and
//     no key is ever written beside the vault.
//   - PassphraseFile: the first line of this file is the passphrase of a
//     passphrase-protected identity file. It is tried before the unlocked
//     copy and the Passphrase callback, and the identity is decrypted in
//     memory only: no unlocked copy is written. A new identity made by the
//     first write is created protected with it. PassphraseCredential says
//     the file is a systemd credential (same rules as above); otherwise it
//     is a secret file of the user's, refused when group or others can read
//     it.
type KeyOptions struct {
	CredentialIdentity   bool
	PassphraseFile       string
	PassphraseCredential bool
	// PassphraseFrom names the passphrase file's source in messages
	// ("systemd credential adopat.passphrase", "ADOPAT_PASSPHRASE_FILE").
	PassphraseFrom string
}

// maxPassphraseFile caps what is read of a passphrase file.
const maxPassphraseFile = 64 << 10

// KeyState is what a Store's key is right now, without decrypting anything
// and without asking for a passphrase: what doctor and list report.
type KeyState int

const (
	// KeyMissing: no identity file yet; the first write creates one
	// (beside the vault, or at the identity path given).
	KeyMissing KeyState = iota
	// KeyPlain: a plain identity file (or the credential adopat.identity).
	KeyPlain
	// KeyPassphraseFile: a protected identity opened with PassphraseFile.
	KeyPassphraseFile
	// KeyUnlocked: a protected identity with a valid unlocked copy.
	KeyUnlocked
	// KeyLocked: a protected identity and nothing to open it with but a
	// person at a terminal; git gets no answer.
	KeyLocked
)

// KeyInfo is KeyState with what the reports show besides.
type KeyInfo struct {
	State KeyState
	// Until is when the unlocked copy expires (KeyUnlocked).
	Until time.Time
	// Protected: the identity file is passphrase-protected.
	Protected bool
}

// SetKeyOptions sets where the key comes from. Call it before the Store
// is used (like setting Passphrase): the options are read unguarded.
func (v *Store) SetKeyOptions(ko KeyOptions) { v.key = ko }

// KeyOptions are the options SetKeyOptions set.
func (v *Store) KeyOptions() KeyOptions { return v.key }

// Key reports the key's state without decrypting anything or prompting.
func (v *Store) Key() (KeyInfo, error) {
	ko := v.KeyOptions()
	if ko.CredentialIdentity {
		if _, err := os.Lstat(v.identityPath); err != nil {
			return KeyInfo{State: KeyMissing}, v.credentialMissing(err)
		}
		return KeyInfo{State: KeyPlain}, nil
	}
	protected, err := v.IsPassphraseProtected()
	if err != nil {
		return KeyInfo{}, err
	}
	if !protected {
		if _, err := os.Lstat(v.identityPath); errors.Is(err, fs.ErrNotExist) {
			return KeyInfo{State: KeyMissing}, nil
		}
		return KeyInfo{State: KeyPlain}, nil
	}
	if ko.PassphraseFile != "" {
		return KeyInfo{State: KeyPassphraseFile, Protected: true}, nil
	}
	until, err := v.UnlockedUntil()
	if err != nil {
		return KeyInfo{State: KeyLocked, Protected: true}, err
	}
	if !until.IsZero() {
		return KeyInfo{State: KeyUnlocked, Until: until, Protected: true}, nil
	}
	return KeyInfo{State: KeyLocked, Protected: true}, nil
}

// VerifyKey opens the key as git's helper would, without prompting: it
// parses the credential identity, or decrypts a protected identity with
// the passphrase file. It reports what stops the key from being used; a
// missing identity file (made by the first write) or a locked one is
// Key's to report, and VerifyKey says nothing about them.
func (v *Store) VerifyKey() error {
	ko := v.KeyOptions()
	if ko.CredentialIdentity {
		_, err := v.credentialKeys()
		return err
	}
	if ko.PassphraseFile == "" {
		return nil
	}
	if err := v.checkDirs(); err != nil {
		return err
	}
	raw, err := fsx.ReadPrivate("identity", v.identityPath, maxIdentitySize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, protected := ageContent(raw); !protected {
		return nil
	}
	k, err := v.passphraseFileKeys(raw)
	if err == nil {
		v.setCached(k)
	}
	return err
}

// credentialKeys reads the systemd credential identity: a regular file,
// not a link, plain age identity text.
func (v *Store) credentialKeys() (*keys, error) {
	raw, err := fsx.ReadCredential("systemd credential identity", v.identityPath, maxIdentitySize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, v.credentialMissing(err)
		}
		return nil, err
	}
	if _, protected := ageContent(raw); protected {
		return nil, store.NewError(fmt.Sprintf("systemd credential %s is an age-encrypted file, not a plain age identity; "+
			"give systemd the plain identity (sealed with systemd-creds encrypt if it must not sit on disk in clear)", v.identityPath), store.ErrCorrupted)
	}
	return parseIdentityText(v.identityPath, raw)
}

func (v *Store) credentialMissing(err error) error {
	return store.NewError(fmt.Sprintf("systemd credential %s is gone; the vault's key is that credential (LoadCredential=adopat.identity:...)", v.identityPath),
		store.ErrIdentityMissing, err)
}

// passphraseFileKeys decrypts the protected identity raw with the
// passphrase in the passphrase file.
func (v *Store) passphraseFileKeys(raw []byte) (*keys, error) {
	ko := v.KeyOptions()
	pass, err := readPassphraseFile(ko)
	if err != nil {
		return nil, err
	}
	k, err := decryptIdentity(v.identityPath, raw, pass)
	if errors.Is(err, store.ErrWrongPassphrase) {
		return nil, store.NewError(fmt.Sprintf("the passphrase in %s (%s) does not open identity %s", ko.PassphraseFrom, ko.PassphraseFile, v.identityPath),
			store.ErrWrongPassphrase, err)
	}
	return k, err
}

// readPassphraseFile returns the first line of the passphrase file,
// without its line end.
func readPassphraseFile(ko KeyOptions) (string, error) {
	what := ko.PassphraseFrom
	if what == "" {
		what = "passphrase file"
	}
	var raw []byte
	var err error
	if ko.PassphraseCredential {
		raw, err = fsx.ReadCredential(what, ko.PassphraseFile, maxPassphraseFile)
	} else {
		raw, err = fsx.ReadPrivate(what, ko.PassphraseFile, maxPassphraseFile)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", store.NewError(fmt.Sprintf("%s %s does not exist", what, ko.PassphraseFile), store.ErrIdentityMissing, err)
	}
	if err != nil {
		return "", err
	}
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 {
		return "", store.NewError(fmt.Sprintf("%s %s is empty; its first line must be the identity's passphrase", what, ko.PassphraseFile), store.ErrWrongPassphrase)
	}
	return string(line), nil
}

// refuseCredentialIdentity stops what only makes sense for an identity
// file of the user's (passphrase, unlock) when the key is a credential.
func (v *Store) refuseCredentialIdentity() error {
	if v.KeyOptions().CredentialIdentity {
		return fmt.Errorf("the vault's key is the systemd credential %s: it has no passphrase to set, remove or unlock (systemd-creds encrypt protects it)", v.identityPath)
	}
	return nil
}
