package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// The vault is a file an attacker with write access to the user's data
// directory (or a disk error) can fill with anything. Their decoders must return an error, never panic, and
// whatever they accept must survive our own encoder unchanged. Fuzz with
// `make fuzz`; the seeds here and in testdata/fuzz run with every go test.

// fuzzIdentity is the test-only key the committed seed vaults are
// encrypted to, so the fuzzer starts from files that decrypt.
func fuzzIdentity(t testing.TB) *keys {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("testdata", "fuzz-identity.txt"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := parseIdentityText("testdata/fuzz-identity.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fuzzData is the content of the committed valid seed vault.
func fuzzData() *store.Data {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	exp := at.AddDate(0, 3, 0)
	return &store.Data{Version: store.DataVersion, Tokens: []store.Token{
		{Org: "fabrikam", Project: "Website", Username: "pat", Secret: "fuzz-not-a-real-pat", Label: "ci",
			Scopes: []string{"vso.code"}, Created: at, Expires: &exp, LastUsed: &at, Uses: 2,
			Repos: []store.RepoUse{{Path: "fabrikam/Website/_git/web", Uses: 2, LastUsed: at}}},
		{Protocol: "https", Host: "tfs.example.com:8443", Path: "tfs/Coll", Username: "u", Secret: "s",
			OAuthRefreshToken: "r", Created: at.In(time.FixedZone("", 3600))},
	}}
}

// checkVaultDecode asserts decodeVault's contract on raw: a classified error,
// or store.Data that re-encodes and decodes to the same value.
func checkVaultDecode(t *testing.T, k *keys, raw []byte) {
	d, err := decodeVault(raw, k, "vault", "identity")
	if err != nil {
		if d != nil {
			t.Fatalf("error %v came with data", err)
		}
		if !errors.Is(err, store.ErrCorrupted) && !errors.Is(err, store.ErrWrongIdentity) && !errors.Is(err, store.ErrNewerFormat) {
			t.Fatalf("unclassified error: %v", err)
		}
		return
	}
	enc, err := encodeVault(d, k.recipient)
	if err != nil {
		t.Fatalf("cannot re-encode accepted data %+v: %v", d, err)
	}
	again, err := decodeVault(enc, k, "vault", "identity")
	if err != nil {
		t.Fatalf("cannot decode re-encoded data: %v", err)
	}
	// Compare as JSON, the form that is stored: omitempty legitimately
	// turns an empty "scopes": [] into an absent one (nil).
	if d.Tokens == nil {
		d.Tokens = []store.Token{} // encodeVault writes "tokens": [] for none
	}
	// The version written follows from the tokens (2 only with a token
	// source, store.WriteVersion), whatever version was read.
	d.Version = store.WriteVersion(d.Tokens)
	first, err1 := json.Marshal(d)
	second, err2 := json.Marshal(again)
	if err1 != nil || err2 != nil || !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the data\nfirst  %s\nsecond %s", first, second)
	}
}

// FuzzDecodeVault feeds whole vault files: age header parsing, decryption
// with the test identity, then the JSON.
func FuzzDecodeVault(f *testing.F) {
	k := fuzzIdentity(f)
	valid, err := encodeVault(fuzzData(), k.recipient)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte(ageIntro))
	f.Add([]byte("-----BEGIN AGE ENCRYPTED FILE-----\n"))
	f.Fuzz(func(t *testing.T, raw []byte) { checkVaultDecode(t, k, raw) })
}

// FuzzDecodeVaultJSON feeds arbitrary plaintext through a correctly
// encrypted vault, so the fuzzer spends its time on the JSON decoding
// rather than on getting past the age MAC.
func FuzzDecodeVaultJSON(f *testing.F) {
	k := fuzzIdentity(f)
	js, err := json.Marshal(fuzzData())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(js), "", "null", "{}", `{"version":1}`, `{"version":1,"tokens":null}`,
		`{"version":2,"tokens":[]}`, `{"version":-1}`, `{"version":1e100}`,
		`{"version":1,"tokens":[{"created":"0000-01-01T00:00:00-23:59"}]}`,
		`{"version":1,"tokens":[{"Secret":"a","secret":"b","expires":null,"repos":[{}]}]}`,
		`{"version":1,"tokens":[{"org":"\ud800","uses":-1}]}`,
	} {
		f.Add([]byte(s))
	}
	v2, err := encodePayload(fuzzData())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v2)
	f.Add([]byte(encoding2Header + encoding2Trailer))
	f.Add([]byte(encoding2Header + `{"org":"a","username":"u","secret":"1","ORG":"b"}` + "\n" + encoding2Trailer))
	f.Add([]byte(encoding2Header + `{"org":"a\u00e9","project":"\"","username":"u"},` + "\n" + `{"host":"h","username":""}` + "\n" + encoding2Trailer))
	f.Fuzz(func(t *testing.T, js []byte) {
		checkEncoding2(t, string(js))
		var buf bytes.Buffer
		w, err := age.Encrypt(&buf, k.recipient)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(js)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		checkVaultDecode(t, k, buf.Bytes())
	})
}

// TestCommittedSeedVault keeps the committed seed vaults meaningful: they
// were written by earlier builds (valid in encoding 1, valid-encoding2 in
// encoding 2), so they must still decode to fuzzData.
func TestCommittedSeedVault(t *testing.T) {
	for _, name := range []string{"valid", "valid-encoding2"} {
		seed, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecodeVault", name))
		if err != nil {
			t.Fatal(err)
		}
		quoted, ok := strings.CutPrefix(strings.TrimSpace(string(seed)), "go test fuzz v1\n[]byte(")
		raw, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		if !ok || err != nil {
			t.Fatalf("bad corpus file %s: %v", name, err)
		}
		d, err := decodeVault([]byte(raw), fuzzIdentity(t), "vault", "identity")
		if err != nil {
			t.Fatal(err)
		}
		if want := fuzzData(); !reflect.DeepEqual(d, want) {
			t.Fatalf("seed vault %s decodes to %+v, want %+v", name, d, want)
		}
	}
}
