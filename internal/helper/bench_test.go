package helper

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// benchRequest is a get request as a recent git sends it for an Azure
// DevOps remote after a 401: capabilities, the URL parts and the
// server's WWW-Authenticate challenges.
const benchRequest = "capability[]=authtype\ncapability[]=state\nprotocol=https\nhost=dev.azure.com\npath=org0999/proj/_git/repo\n" +
	"wwwauth[]=Bearer authorization_uri=https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\n" +
	"wwwauth[]=Basic realm=\"https://dev.azure.com/\"\n\n"

func BenchmarkReadCredential(b *testing.B) {
	b.SetBytes(int64(len(benchRequest)))
	for b.Loop() {
		if _, err := ReadCredential(strings.NewReader(benchRequest)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteCredential(b *testing.B) {
	c := Credential{Username: "adopat", HasUsername: true, Password: strings.Repeat("p", 52), HasPassword: true,
		PasswordExpiryUTC: "1893456000"}
	for b.Loop() {
		if err := WriteCredential(io.Discard, c); err != nil {
			b.Fatal(err)
		}
	}
}

// benchTokens is n organisation tokens, org0000 … with a project token
// for every tenth, so that matching sees both kinds.
func benchTokens(n int) []store.Token {
	toks := make([]store.Token, 0, n)
	for i := range n {
		tok := store.Token{Org: fmt.Sprintf("org%04d", i), Username: "pat", Secret: fmt.Sprintf("pat%049d", i),
			Scopes: []string{"vso.code"}, Created: testNow.Add(-time.Hour)}
		if i%10 == 5 {
			tok.Project = "proj"
		}
		toks = append(toks, tok)
	}
	return toks
}

// benchSizes are the vault sizes the benchmarks run at: one token, and
// the 1,000 of the whole-process benchmark (bench/).
var benchSizes = []int{1, 1000}

// BenchmarkCloudMatches is request matching: the last token of the vault
// is the one asked for, so every token is looked at.
func BenchmarkCloudMatches(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			d := &store.Data{Version: 1, Tokens: benchTokens(n)}
			t := azdo.Target{Kind: azdo.Cloud, Org: fmt.Sprintf("org%04d", n-1), Project: "proj"}
			for b.Loop() {
				if m := cloudMatches(d, t, true); len(m) != 1 {
					b.Fatalf("%d matches", len(m))
				}
			}
		})
	}
}

// BenchmarkRunGet is one whole get in process: parse, classify, Load
// from a store in memory (a copy, as a backend's snapshot is), match,
// Secret and the answer; the vault's decryption is BenchmarkLoad's.
func BenchmarkRunGet(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("tokens=%d", n), func(b *testing.B) {
			fs := newFakeStore(benchTokens(n)...)
			h := &Helper{Store: fs, Now: func() time.Time { return testNow }, Stderr: io.Discard,
				Used: func(store.Use) {}}
			req := strings.Replace(benchRequest, "org0999", fmt.Sprintf("org%04d", n-1), 1)
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				fs.secrets = fs.secrets[:0]
				if err := h.Run("get", strings.NewReader(req), &out); err != nil {
					b.Fatal(err)
				}
				if !bytes.Contains(out.Bytes(), []byte("password=")) {
					b.Fatalf("no answer: %q", out.String())
				}
			}
		})
	}
}
