package keyring

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// The keyring index is the keyring Store's non-secret half: a JSON file
// listing every token's metadata and the keyring items holding its
// secrets. OS keyring APIs (go-keyring's above all) cannot list items, so
// `list` reads this file alone.
const (
	// indexVersion is written when no token has a source, and
	// store.DataVersionSources when one has (so that versions before
	// token sources refuse the index rather than drop the source).
	indexVersion = 1
	maxIndexSize = 16 << 20
)

// itemRef names the keyring items of one token (the accounts under the
// Store's service).
type itemRef struct {
	Account        string `json:"account"`
	RefreshAccount string `json:"refresh_account,omitempty"`
}

type indexEntry struct {
	tok store.Token // secrets empty
	ref itemRef
}

// refreshSuffix marks the item of a token's OAuth refresh token: the PAT's
// item is named by the scope alone, so it is the one users find.
const refreshSuffix = " (oauth_refresh_token)"

// refFor names the items a token with these secrets is stored in.
func refFor(t *store.Token) itemRef {
	r := itemRef{Account: t.Scope()}
	if t.OAuthRefreshToken != "" {
		r.RefreshAccount = r.Account + refreshSuffix
	}
	return r
}

// readIndex returns the entries and the raw file; a missing file is no
// entries and nil raw.
func readIndex(path string) ([]indexEntry, []byte, error) {
	// A planted index could map a scope to another keyring item.
	if err := fsx.CheckDirOf("keyring index", path); err != nil {
		return nil, nil, err
	}
	raw, err := fsx.ReadPrivate("keyring index", path, maxIndexSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	const restore = "; restore it from a backup, or move it aside and store the tokens again (their PATs stay in the keyring until you delete them there)"
	var doc struct {
		Version int               `json:"version"`
		Tokens  []json.RawMessage `json:"tokens"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, nil, store.NewError(fmt.Sprintf("keyring index %s is corrupted: not valid JSON%s", path, restore), store.ErrCorrupted, err)
	}
	switch {
	case doc.Version > store.DataVersionSources:
		return nil, nil, store.NewError(fmt.Sprintf("keyring index %s has format version %d but this git-credential-adopat reads only versions up to %d",
			path, doc.Version, store.DataVersionSources), store.ErrNewerFormat)
	case doc.Version < indexVersion:
		return nil, nil, store.NewError(fmt.Sprintf("keyring index %s is corrupted: missing or invalid format version %d%s", path, doc.Version, restore), store.ErrCorrupted)
	}
	entries := make([]indexEntry, len(doc.Tokens))
	for i, r := range doc.Tokens {
		var ext struct {
			Keyring *itemRef `json:"keyring"`
		}
		e := &entries[i]
		if err := errors.Join(json.Unmarshal(r, &e.tok), json.Unmarshal(r, &ext)); err != nil {
			return nil, nil, store.NewError(fmt.Sprintf("keyring index %s is corrupted: token %d is not valid%s", path, i+1, restore), store.ErrCorrupted, err)
		}
		// Secrets never come from the index, even a hand-edited one.
		e.tok.Secret, e.tok.OAuthRefreshToken = "", ""
		if ext.Keyring != nil && ext.Keyring.Account != "" {
			e.ref = *ext.Keyring
		} else {
			e.ref = itemRef{Account: e.tok.Scope()}
		}
	}
	return entries, raw, nil
}

// encodeIndex writes each token's JSON without its secret fields and with
// its item names under "keyring". The secrets are blanked before encoding,
// so none can reach the file whatever store.Token's JSON tags become; the keys
// are dropped so the file does not suggest a place for them.
func encodeIndex(entries []indexEntry) ([]byte, error) {
	doc := struct {
		Version int                          `json:"version"`
		Tokens  []map[string]json.RawMessage `json:"tokens"`
	}{Version: indexVersion, Tokens: make([]map[string]json.RawMessage, len(entries))}
	for i, e := range entries {
		t := e.tok
		if t.Source != nil {
			doc.Version = store.DataVersionSources
		}
		t.Secret, t.OAuthRefreshToken = "", ""
		b, err := json.Marshal(&t)
		if err != nil {
			return nil, fmt.Errorf("cannot encode keyring index: %w", err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("cannot encode keyring index: %w", err)
		}
		delete(m, "secret")
		delete(m, "oauth_refresh_token")
		if m["keyring"], err = json.Marshal(e.ref); err != nil {
			return nil, fmt.Errorf("cannot encode keyring index: %w", err)
		}
		doc.Tokens[i] = m
	}
	b, err := json.MarshalIndent(&doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cannot encode keyring index: %w", err)
	}
	return append(b, '\n'), nil
}
