package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// encodeVault serialises d as JSON and encrypts it to the recipient.
func encodeVault(d *store.Data, r age.Recipient) ([]byte, error) {
	out := *d
	out.Version = store.DataVersion
	if out.Tokens == nil {
		out.Tokens = []store.Token{} // "tokens": [] rather than null
	}
	js, err := json.Marshal(&out)
	if err != nil {
		return nil, fmt.Errorf("cannot encode vault: %w", err)
	}
	return encryptTo(r, js, "vault")
}

// decodeVault decrypts and parses a vault file, turning each way it can fail
// into a message that names the file and says what to do. Failures are
// classified by stage: before decryption (not age, bad header: corrupted),
// key mismatch (wrong identity), reading the payload or a header cut short
// (truncated), and the JSON inside (corrupted). No message quotes content.
func decodeVault(raw []byte, k *keys, path, identityPath string) (*store.Data, error) {
	const restore = "; restore it from a backup, or move it aside to start an empty vault"
	src, ok := ageContent(raw)
	if !ok {
		return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: not an age-encrypted file%s", path, restore), store.ErrCorrupted)
	}
	r, err := age.Decrypt(src, k.ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		switch {
		case errors.As(err, &nm) && slices.Contains(nm.StanzaTypes, "scrypt"):
			return nil, store.NewError(fmt.Sprintf("cannot decrypt vault %s with identity %s: it was encrypted with a passphrase, not to a key (decrypt it with age -d and store the tokens again)",
				path, identityPath), store.ErrWrongIdentity, err)
		case errors.As(err, &nm):
			return nil, store.NewError(fmt.Sprintf("cannot decrypt vault %s with identity %s: it was encrypted for another key, or its header is damaged (point --identity or ADOPAT_IDENTITY at the right key; if the key is right, restore the vault from a backup)",
				path, identityPath), store.ErrWrongIdentity, err)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, store.NewError(fmt.Sprintf("vault %s is truncated or corrupted: %v%s", path, err, restore), store.ErrCorrupted, err)
		default:
			return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: bad age header (%v)%s", path, err, restore), store.ErrCorrupted, err)
		}
	}
	js, err := io.ReadAll(r)
	if err != nil {
		return nil, store.NewError(fmt.Sprintf("vault %s is truncated or corrupted: %v%s", path, err, restore), store.ErrCorrupted, err)
	}
	var d store.Data
	if err := json.Unmarshal(js, &d); err != nil {
		// The JSON error is kept out of the message: it can quote content.
		return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: its decrypted content is not valid vault JSON%s", path, restore), store.ErrCorrupted, err)
	}
	switch {
	case d.Version > store.DataVersion:
		return nil, store.NewError(fmt.Sprintf("vault %s has format version %d but this git-credential-adopat reads only version %d",
			path, d.Version, store.DataVersion), store.ErrNewerFormat)
	case d.Version < store.DataVersion:
		return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: missing or invalid format version %d%s", path, d.Version, restore), store.ErrCorrupted)
	}
	return &d, nil
}
