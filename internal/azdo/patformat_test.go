package azdo

import (
	"strings"
	"testing"
)

func TestRecognizePAT(t *testing.T) {
	// Purview's documented example of the 84-character format.
	const documented = "abcdefghijklmnopqrstuvwxyz012345679ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnoAZDOabcd"
	legacy := strings.Repeat("abcdefghijklmnopqrstuvwxyz234567", 2)[:52]
	cases := []struct {
		in   string
		want PATFormat
	}{
		{documented, PATCurrent},
		{legacy, PATLegacy},
		{strings.ToUpper(legacy), NotPAT},                                     // Azure DevOps writes base32 in lower case
		{legacy[:51] + "1", NotPAT},                                           // 1 is not base32
		{legacy[:51], NotPAT},                                                 // one short
		{strings.Replace(documented, "AZDO", "AZDX", 1), NotPAT},              // no signature
		{documented[:76] + "abcdAZDO", NotPAT},                                // signature in the wrong place
		{documented[:83] + "-", NotPAT},                                       // not alphanumeric
		{strings.Replace(documented, "a", "é", 1)[:84], NotPAT},               // non-ASCII
		{"hunter2", NotPAT},                                                   // a password
		{"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln", NotPAT}, // an Entra access token
		{"", NotPAT},
	}
	for _, c := range cases {
		if got := RecognizePAT(c.in); got != c.want {
			t.Errorf("RecognizePAT(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTokenLike(t *testing.T) {
	for in, want := range map[string]bool{
		strings.Repeat("0123456789abcdef", 2):                       true,  // 32 hex digits: 128 bits
		strings.Repeat("0123456789abcdef", 2)[:31]:                  false, // one short
		strings.Repeat("Ab3", 20):                                   true,
		"hunter2":                                                   false, // a password
		"correct-horse-battery-staple-correct-horse":                false, // a passphrase
		"ghp_0123456789abcdefABCDEF0123456789abcd":                  false, // GitHub's
		"glpat-0123456789abcdefABCD0123456789":                      false, // GitLab's
		"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln": false, // a JWT
	} {
		if got := TokenLike(in); got != want {
			t.Errorf("TokenLike(%q) = %v, want %v", in, got, want)
		}
	}
}
