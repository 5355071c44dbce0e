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
