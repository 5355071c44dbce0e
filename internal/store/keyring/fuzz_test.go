package keyring

import (
	"bytes"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// The keyring index is a file an attacker with write access to the user's
// config directory (or a disk error) can fill with anything.
// Their decoders must return an error, never panic, and whatever they
// accept must survive our own encoder unchanged. Fuzz with `make fuzz`;
// the seeds here and in testdata/fuzz run with every go test.

// FuzzReadIndex feeds keyring index files; what is accepted must carry no
// secret and survive encodeIndex unchanged.
func FuzzReadIndex(f *testing.F) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	valid, err := encodeIndex([]indexEntry{
		{tok: store.Token{Org: "fabrikam", Username: "pat", Created: at}, ref: itemRef{Account: "fabrikam"}},
		{tok: store.Token{Protocol: "https", Host: "h", Username: "u", Created: at}, ref: itemRef{Account: "https://u@h", RefreshAccount: "https://u@h" + refreshSuffix}},
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(valid), "", "{}", `{"version":1,"tokens":null}`, `{"version":2}`,
		`{"version":1,"tokens":[{"secret":"leak","oauth_refresh_token":"leak","keyring":{"account":""}}]}`,
		`{"version":1,"tokens":[1]}`, `{"version":1,"tokens":[{"keyring":7}]}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		entries, _, err := readIndex(storetest.WriteFuzzFile(t, dir, raw))
		if err != nil {
			return
		}
		for _, e := range entries {
			if e.tok.Secret != "" || e.tok.OAuthRefreshToken != "" {
				t.Fatalf("index yielded a secret: %+v", e.tok)
			}
		}
		enc, err := encodeIndex(entries)
		if err != nil {
			t.Fatalf("cannot re-encode accepted entries: %v", err)
		}
		again, _, err := readIndex(storetest.WriteFuzzFile(t, dir, enc))
		if err != nil {
			t.Fatalf("cannot read re-encoded index %q: %v", enc, err)
		}
		// As for the vault, compare the stored form.
		if enc2, err := encodeIndex(again); err != nil || !bytes.Equal(enc2, enc) {
			t.Fatalf("round trip changed the index\nfirst  %s\nsecond %s", enc, enc2)
		}
	})
}
