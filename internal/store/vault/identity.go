package vault

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// keys is a usable identity: what decrypts the vault, what it is encrypted
// to, and the identity file's plain text (kept so passphrase changes and
// unlocked copies preserve the user's comments byte for byte).
type keys struct {
	ids       []age.Identity
	recipient age.Recipient
	text      []byte
}

// errNoIdentity is internal: whether a missing identity is an error depends
// on whether a vault exists, which the caller knows.
var errNoIdentity = errors.New("no identity file")

const ageIntro = "age-encryption.org/v1\n"

// ageContent returns a reader over the binary age file in raw, unwrapping
// ASCII armor (age -a), or false if raw is not an age file at all.
func ageContent(raw []byte) (io.Reader, bool) {
	switch {
	case bytes.HasPrefix(raw, []byte(ageIntro)):
		return bytes.NewReader(raw), true
	case bytes.HasPrefix(bytes.TrimLeft(raw, " \t\r\n"), []byte(armor.Header)):
		return armor.NewReader(bytes.NewReader(raw)), true
	}
	return nil, false
}

// parseIdentityText parses an age identity file (age-keygen format). The
// vault is encrypted to the first key's recipient; all keys may decrypt.
func parseIdentityText(path string, text []byte) (*keys, error) {
	ids, err := age.ParseIdentities(bytes.NewReader(text))
	if err != nil {
		// age's parse errors never echo key material.
		return nil, store.NewError(fmt.Sprintf("identity %s is not a valid age identity file (%v); it must hold an AGE-SECRET-KEY-1... line as age-keygen writes",
			path, err), store.ErrCorrupted, err)
	}
	k := &keys{ids: ids, text: text}
	switch id := ids[0].(type) {
	case *age.X25519Identity:
		k.recipient = id.Recipient()
	case *age.HybridIdentity:
		k.recipient = id.Recipient()
	default:
		return nil, fmt.Errorf("identity %s: unsupported key type %T; use a key made by age-keygen", path, id)
	}
	return k, nil
}

// newIdentityText generates an X25519 identity in age-keygen's format, so
// the file can be used with the age CLI to recover the vault by hand.
func newIdentityText() ([]byte, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("cannot generate identity: %w", err)
	}
	return fmt.Appendf(nil, "# created: %s\n# public key: %s\n%s\n",
		time.Now().Format(time.RFC3339), id.Recipient(), id), nil
}

// scryptWorkFactor is the scrypt cost (log2 N) used when setting a
// passphrase. Zero keeps age's default (about one second); tests lower it.
var scryptWorkFactor = 0

// encryptIdentity encrypts an identity file's text with a passphrase.
func encryptIdentity(text []byte, pass string) ([]byte, error) {
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		return nil, fmt.Errorf("cannot use passphrase: %w", err)
	}
	if scryptWorkFactor != 0 {
		r.SetWorkFactor(scryptWorkFactor)
	}
	return encryptTo(r, text, "identity")
}

// encryptTo encrypts plain to r as an age file; what names the content
// (vault, identity) in an error.
func encryptTo(r age.Recipient, plain []byte, what string) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, fmt.Errorf("cannot encrypt %s: %w", what, err)
	}
	if _, err := w.Write(plain); err != nil {
		return nil, fmt.Errorf("cannot encrypt %s: %w", what, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("cannot encrypt %s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// decryptIdentity opens a passphrase-protected identity file.
func decryptIdentity(path string, raw []byte, pass string) (*keys, error) {
	if pass == "" {
		return nil, store.NewError(fmt.Sprintf("empty passphrase for identity %s", path), store.ErrWrongPassphrase)
	}
	src, _ := ageContent(raw)
	sid, err := age.NewScryptIdentity(pass)
	if err != nil {
		return nil, fmt.Errorf("cannot use passphrase: %w", err)
	}
	r, err := age.Decrypt(src, sid)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			if len(nm.StanzaTypes) != 1 || nm.StanzaTypes[0] != "scrypt" {
				return nil, fmt.Errorf("identity %s is age-encrypted but not with a passphrase (recipients: %s); decrypt it with age and store it in plain form",
					path, strings.Join(nm.StanzaTypes, ", "))
			}
			return nil, store.NewError(fmt.Sprintf("wrong passphrase for identity %s", path), store.ErrWrongPassphrase, err)
		}
		return nil, store.NewError(fmt.Sprintf("identity %s is corrupted: %v; restore it from a backup", path, err), store.ErrCorrupted, err)
	}
	text, err := io.ReadAll(io.LimitReader(r, maxIdentitySize))
	if err != nil {
		return nil, store.NewError(fmt.Sprintf("identity %s is truncated or corrupted: %v; restore it from a backup", path, err), store.ErrCorrupted, err)
	}
	return parseIdentityText(path, text)
}

// identity returns the keys for this vault. A plain identity file is
// re-read each time (cheap, and picks up edits); a passphrase-protected one
// comes from, in order: this Store's cache, a valid unlocked copy, or the
// Passphrase callback, and is then cached, so one command prompts at most
// once and reads the unlocked copy once. The mutex also keeps two goroutines sharing
// a Store from prompting twice. A missing file yields errNoIdentity.
func (v *Store) identity() (*keys, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cached != nil {
		return v.cached, nil
	}
	if v.key.CredentialIdentity {
		return v.credentialKeys() // keysource.go
	}
	raw, err := fsx.ReadPrivate("identity", v.identityPath, maxIdentitySize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoIdentity
	}
	if err != nil {
		return nil, err
	}
	if _, protected := ageContent(raw); !protected {
		return parseIdentityText(v.identityPath, raw)
	}
	if v.key.PassphraseFile != "" { // before the unlocked copy: keysource.go
		k, err := v.passphraseFileKeys(raw)
		if err != nil {
			return nil, err
		}
		v.cached = k
		return k, nil
	}
	k, _, err := v.readUnlocked()
	if err != nil {
		return nil, err
	}
	if k != nil {
		v.cached = k
		return k, nil
	}
	if v.Passphrase == nil {
		return nil, store.ErrLocked
	}
	pass, err := v.Passphrase()
	if err != nil {
		return nil, fmt.Errorf("cannot read passphrase for identity %s: %w", v.identityPath, err)
	}
	k, err = decryptIdentity(v.identityPath, raw, pass)
	if err != nil {
		return nil, err
	}
	v.cached = k
	return k, nil
}

// setCached keeps k as this Store's key (nil: forgets it).
func (v *Store) setCached(k *keys) {
	v.mu.Lock()
	v.cached = k
	v.mu.Unlock()
}

// unlockFirst obtains a passphrase-protected key (cache, unlocked copy or
// prompt) before the caller takes the vault lock, so a prompt never keeps
// other processes waiting. Anything else, including a missing or plain
// identity, is left to the call made under the lock: a plain identity may
// be mid-creation by another process right now.
func (v *Store) unlockFirst() error {
	v.mu.Lock()
	cached := v.cached != nil
	v.mu.Unlock()
	if cached {
		return nil
	}
	if protected, err := v.IsPassphraseProtected(); err != nil || !protected {
		return nil
	}
	_, err := v.identity()
	return err
}

// missingIdentityError explains why a new key is not simply generated.
func (v *Store) missingIdentityError() error {
	return store.NewError(fmt.Sprintf("identity %s is missing but vault %s exists; restore the identity file or point --identity or ADOPAT_IDENTITY at it (a new key could not decrypt the existing vault)",
		v.identityPath, v.path), store.ErrIdentityMissing, fs.ErrNotExist)
}

// createIdentity makes the first identity; the caller holds the exclusive
// vault lock and has checked that neither identity nor vault exists. With
// a passphrase file the key is written encrypted with that passphrase, so
// it never sits beside the vault in clear.
func (v *Store) createIdentity() (*keys, error) {
	if v.key.CredentialIdentity { // unreachable: identity never says errNoIdentity then
		return nil, v.credentialMissing(fs.ErrNotExist)
	}
	var pass string
	if v.key.PassphraseFile != "" {
		p, err := readPassphraseFile(v.KeyOptions()) // keysource.go
		if err != nil {
			return nil, err
		}
		pass = p
	}
	text, err := newIdentityText()
	if err != nil {
		return nil, err
	}
	k, err := parseIdentityText(v.identityPath, text)
	if err != nil {
		return nil, err
	}
	content := text
	if pass != "" {
		if content, err = encryptIdentity(text, pass); err != nil {
			return nil, err
		}
	}
	if err := fsx.MkdirPrivate("identity", filepath.Dir(v.identityPath)); err != nil {
		return nil, err
	}
	if err := fsx.CreateExclusive("identity", v.identityPath, content); err != nil {
		return nil, err
	}
	return k, nil
}
