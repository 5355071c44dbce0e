package vault

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// committedSeed returns the committed seed vault testdata/fuzz/FuzzDecodeVault/valid:
// written by the code before encoding 2 (one JSON line), encrypted to
// testdata/fuzz-identity.txt.
func committedSeed(t *testing.T) []byte {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecodeVault", "valid"))
	if err != nil {
		t.Fatal(err)
	}
	quoted, ok := strings.CutPrefix(strings.TrimSpace(string(seed)), "go test fuzz v1\n[]byte(")
	raw, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
	if !ok || err != nil {
		t.Fatalf("bad corpus file: %v", err)
	}
	return []byte(raw)
}

// plaintext decrypts a vault file with k.
func plaintext(t *testing.T, raw []byte, k *keys) string {
	t.Helper()
	js, err := decryptVault(raw, k, "vault", "identity")
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// A vault written before encoding 2 loads, answers a get (LoadFor and
// Secret), and the next Update rewrites it in encoding 2 with every token
// identical, secrets included.
func TestEncoding1VaultMigrates(t *testing.T) {
	raw := committedSeed(t)
	k := fuzzIdentity(t)
	if js := plaintext(t, raw, k); strings.HasPrefix(js, encoding2Header) || strings.Contains(js, "\n") {
		t.Fatalf("the fixture is not encoding 1: %q", js[:min(len(js), 40)])
	}
	dir := filepath.Join(t.TempDir(), "adopat")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	v := New(filepath.Join(dir, "vault.age"), filepath.Join(dir, "identity.txt"))
	if err := os.WriteFile(v.IdentityPath(), k.text, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(v.Path(), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	want := fuzzData()

	got, err := v.LoadFor(func(k *store.Token) bool { return k.Org == "fabrikam" })
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tokens) != 1 || got.Tokens[0].Project != "Website" || !got.Tokens[0].Stripped() {
		t.Fatalf("LoadFor = %+v", got.Tokens)
	}
	if pat, _, err := v.Secret("fabrikam/Website"); err != nil || pat != want.Tokens[0].Secret {
		t.Fatalf("Secret = %q, %v", pat, err)
	}
	if pat, refresh, err := New(v.Path(), v.IdentityPath()).Secret(want.Tokens[1].Scope()); err != nil || pat != "s" || refresh != "r" {
		t.Fatalf("Secret(server) = %q, %q, %v", pat, refresh, err)
	}

	// An Update that changes nothing writes nothing.
	if err := v.Update(func(*store.Data) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	if js := plaintext(t, readFile(t, v.Path()), k); strings.HasPrefix(js, encoding2Header) {
		t.Fatal("an Update without change rewrote the vault")
	}
	// Any write migrates.
	err = v.Update(func(d *store.Data) (bool, error) {
		if !reflect.DeepEqual(d, want) {
			t.Errorf("Update got %+v, want %+v", d, want)
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	js := plaintext(t, readFile(t, v.Path()), k)
	if !strings.HasPrefix(js, encoding2Header) || strings.Count(js, "\n") != 4 {
		t.Fatalf("after an Update the vault is not in encoding 2:\n%s", js)
	}
	for _, s := range []string{want.Tokens[0].Secret, "fabrikam/Website/_git/web", "tfs.example.com:8443", `"oauth_refresh_token":"r"`} {
		if !strings.Contains(js, s) {
			t.Errorf("the migrated vault lacks %q", s)
		}
	}
	got, err = decodeVault(readFile(t, v.Path()), k, "vault", "identity")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after migration: %+v, want %+v", got, want)
	}
	// What every earlier version does with the file (one json.Unmarshal of
	// store.Data, version 1) reads the same tokens.
	var old store.Data
	if err := json.Unmarshal([]byte(js), &old); err != nil || !reflect.DeepEqual(&old, want) {
		t.Fatalf("an earlier version would read %+v (%v), want %+v", old, err, want)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fast paths agree with decoding the whole document, for tokens whose
// key fields need JSON escapes, hold non-ASCII, or are empty.
func TestEncoding2FastPathsAgree(t *testing.T) {
	d := fuzzData()
	d.Tokens = append(d.Tokens,
		store.Token{Org: "Ünïcode", Project: `quo"te\back`, Username: "<&>", Secret: "a"},
		store.Token{Org: "tab\there", Project: "\u2028", Secret: "b"},
		store.Token{Protocol: "http", Host: "h", Path: "p\x01", Secret: "c"},
		store.Token{Org: "bad\xffutf8", Secret: "d"},
		store.Token{Org: "ünïcode", Project: `QUO"TE\back`, Username: "second", Secret: "e"},
	)
	js, err := encodePayload(d)
	if err != nil {
		t.Fatal(err)
	}
	p := parsePayload(string(js), "vault")
	if p.lines == nil {
		t.Fatalf("not read as encoding 2: %v", p.err)
	}
	for i, l := range p.lines {
		if !l.keyed && !strings.Contains(l.js, `\ufffd`) {
			t.Errorf("line %d not keyed: %s", i, l.js)
		}
	}
	whole, err := decodeDocument(string(js), "vault")
	if err != nil {
		t.Fatal(err)
	}
	checkFastPaths(t, string(js), whole, true)
}

// checkFastPaths checks LoadFor's and Secret's fast paths over plaintext
// js against whole, its content decoded as one document: exact, they give
// what whole does; else (a document encodePayload did not write) they
// give a part of it, never a token or secret whole does not have.
func checkFastPaths(t *testing.T, js string, whole *store.Data, exact bool) {
	t.Helper()
	for i := range whole.Tokens {
		tok := &whole.Tokens[i]
		keeps := []func(k *store.Token) bool{
			func(k *store.Token) bool { return strings.EqualFold(k.Org, tok.Org) && !k.IsServer() },
			func(k *store.Token) bool { return k.Protocol == tok.Protocol && k.Host == tok.Host },
		}
		for j, keep := range keeps {
			want := &store.Data{Version: whole.Version}
			for _, w := range whole.Tokens {
				if keep(keyOf(&w)) {
					want.Tokens = append(want.Tokens, w)
				}
			}
			got, err := parsePayload(js, "vault").find(keep)
			if err != nil || exact && !reflect.DeepEqual(got, want) || !exact && !isSubsequence(got.Tokens, want.Tokens) {
				t.Errorf("token %d keep %d: find = %+v, %v\nwant %+v", i, j, got, err, want)
			}
		}
		scope := tok.Scope()
		pat, refresh, found, err := parsePayload(js, "vault").secret(scope)
		if !exact && (err != nil || !found) {
			continue
		}
		if !exact {
			if !slices.ContainsFunc(whole.Tokens, func(w store.Token) bool {
				return w.HasScope(scope) && w.Secret == pat && w.OAuthRefreshToken == refresh
			}) {
				t.Errorf("secret(%q) = %q, %q: no such token", scope, pat, refresh)
			}
			continue
		}
		want, _ := whole.Find(scope)
		if err != nil || !found || pat != whole.Tokens[want].Secret || refresh != whole.Tokens[want].OAuthRefreshToken {
			t.Errorf("secret(%q) = %q, %q, %v, %v", scope, pat, refresh, found, err)
		}
	}
}

// isSubsequence reports whether every token of sub is in all, in order.
func isSubsequence(sub, all []store.Token) bool {
	for _, s := range sub {
		i := slices.IndexFunc(all, func(a store.Token) bool { return reflect.DeepEqual(a, s) })
		if i < 0 {
			return false
		}
		all = all[i+1:]
	}
	return true
}

// The encoding-2 layout is no promise: a document with a line that does
// not decode on its own is decoded whole, a layout with more after the
// trailer is encoding 1, and a line whose start contradicts its members
// (which only a hand or an attacker writes: encodePayload never does) is
// decoded whole when a get picks it, and at worst missed, never answered
// for a scope it does not have. Load and Update decode every line.
func TestEncoding2Doubts(t *testing.T) {
	for name, js := range map[string]string{
		"two tokens on a line": encoding2Header + `{"org":"a","username":"u","secret":"1"},{"org":"b","username":"u","secret":"2"}` + "\n" + encoding2Trailer,
		"member repeated":      encoding2Header + `{"org":"a","username":"u","secret":"1","org":"b"}` + "\n" + encoding2Trailer,
		"member case-folded":   encoding2Header + `{"org":"a","username":"u","secret":"1","ORG":"b"}` + "\n" + encoding2Trailer,
		"out of order":         encoding2Header + `{"username":"u","org":"b","secret":"1"}` + "\n" + encoding2Trailer,
		"trailing space":       encoding2Header + `{"org":"b","username":"u","secret":"1"}` + "\n" + encoding2Trailer + " ",
	} {
		t.Run(name, func(t *testing.T) {
			whole, err := decodeDocument(js, "vault")
			if err != nil {
				t.Fatal(err)
			}
			checkFastPaths(t, js, whole, false)
			all, err := parsePayload(js, "vault").all()
			if err != nil || !reflect.DeepEqual(all, whole) {
				t.Errorf("all = %+v, %v; want %+v", all, err, whole)
			}
		})
	}
}

// checkEncoding2 is FuzzDecodeVaultJSON's check of the encoding-2 reader:
// on a plaintext in that layout, reading it line by line gives what
// decoding the whole document gives, and the fast paths nothing else.
func checkEncoding2(t *testing.T, js string) {
	p := parsePayload(js, "vault")
	if p.lines == nil {
		return
	}
	whole, err := decodeDocument(js, "vault")
	all, allErr := p.all()
	if (err == nil) != (allErr == nil) || err == nil && !reflect.DeepEqual(all, whole) {
		t.Fatalf("encoding 2 read differs from the whole document: %+v, %v; want %+v, %v", all, allErr, whole, err)
	}
	if err == nil {
		checkFastPaths(t, js, whole, false)
	}
}
