package azdo

import "testing"

// Paths git decoded from %2e, %2F or %5C, or written with "//", differ
// from the path curl sends: no target, and a reason for the user.
func TestClassifyRefusesNonCanonicalPaths(t *testing.T) {
	tfs, err := ParseServer("https://tfs.example.com/tfs")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Request{
		{"https", "dev.azure.com", "fabrikam/../contoso/p/_git/r", ""},
		{"https", "dev.azure.com", "fabrikam/ProjA/../ProjB/_git/r", ""},
		{"https", "dev.azure.com", "fabrikam/./p/_git/r", ""},
		{"https", "dev.azure.com", "..", ""},
		{"https", "dev.azure.com", "/fabrikam/p/_git/r", ""},
		{"https", "dev.azure.com", "fabrikam//p/_git/r", ""},
		{"https", "dev.azure.com", "fabrikam/p/_git/r//", ""},
		{"https", "dev.azure.com", `fabrikam\..\contoso/p/_git/r`, ""},
		{"https", "dev.azure.com", "fabrikam/p\x1b[2J/_git/r", ""},
		{"https", "dev.azure.com", "fabrikam/p/_git/r\x7f", ""},
		{"https", "fabrikam.visualstudio.com", "DefaultCollection/../p/_git/r", ""},
		{"https", "tfs.example.com", "tfs/../other/_git/r", ""},
		{"https", "tfs.example.com", "tfs//DefaultCollection/_git/r", ""},
	} {
		got := Classify(r, []Server{tfs})
		if got.Kind != None || got.Refused == "" {
			t.Errorf("Classify(%+q) = %+v, want refused", r, got)
		}
	}
}

// Other hosts' odd paths are none of our business: no target, no reason.
func TestClassifyIgnoresOtherHostsOddPaths(t *testing.T) {
	for _, r := range []Request{
		{"https", "github.com", "a/../b", ""},
		{"https", "evil-dev.azure.com", "fabrikam//x", ""},
		{"http", "dev.azure.com", "fabrikam/../x", ""},
	} {
		if got := Classify(r, nil); got != (Target{}) {
			t.Errorf("Classify(%+q) = %+v, want nothing", r, got)
		}
	}
}

func TestClassifyKeepsCanonicalPaths(t *testing.T) {
	for _, p := range []string{"fabrikam/p/_git/r", "fabrikam/p/_git/r/", "fabrikam/p..x/_git/.r", "fabrikam/My Project/_git/r%20x"} {
		if got := Classify(Request{"https", "dev.azure.com", p, ""}, nil); got.Kind != Cloud || got.OrgFrom != FromPath {
			t.Errorf("Classify(%q) = %+v, want cloud from the path", p, got)
		}
	}
}

func TestEqualFoldIsASCIIOnly(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Website", "website", true},
		{"FABRIKAM", "fabrikam", true},
		{"Zürich", "zürich", true},
		{"Zürich", "ZÜRICH", false}, // not ASCII: exact only
		{"\u017fecret", "secret", false},
		{"\u212aey", "key", false},
		{"a", "ab", false},
	} {
		if got := EqualFold(tc.a, tc.b); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
