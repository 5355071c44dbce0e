package azdo

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// oldOrgLabel is the regular expression ValidOrg used before it was written
// out by hand; ValidOrg must still agree with it on every input.
var oldOrgLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)

func oldValidOrg(name string) bool { return len(name) <= 50 && oldOrgLabel.MatchString(name) }

// TestValidOrgMatchesTheOldRegexp draws names from an alphabet of the
// bytes at the edges of each class (and a few multi-byte runes, newlines
// the regexp's $ must not skip, hyphens at the ends) at lengths around
// the limit, and compares.
func TestValidOrgMatchesTheOldRegexp(t *testing.T) {
	alphabet := []string{
		"a", "z", "A", "Z", "0", "9", "-", "-", "_", ".", "/", " ", "\n", "\x00", "@", "[", "`", "{", ":",
		"\x7f", "\x80", "\xff", "\u212a", "ƒ", "é",
	}
	rng := rand.New(rand.NewPCG(11, 11))
	for i := 0; i < 200000; i++ {
		var b strings.Builder
		n := rng.IntN(54)
		if i%4 == 0 {
			n = 48 + rng.IntN(5) // 48..52, around the limit
		}
		for j := 0; j < n; j++ {
			if rng.IntN(3) == 0 {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			} else {
				b.WriteByte("abcXYZ019-"[rng.IntN(10)])
			}
		}
		name := b.String()
		if got, want := ValidOrg(name), oldValidOrg(name); got != want {
			t.Fatalf("ValidOrg(%q) = %v, the old regexp says %v", name, got, want)
		}
	}
}

// FuzzValidOrg compares with the old regexp on go test's seed corpus, and
// on whatever `go test -fuzz FuzzValidOrg ./internal/azdo` finds.
func FuzzValidOrg(f *testing.F) {
	for _, s := range []string{
		"", "a", "-", "a-", "-a", "a-b", "a--b", "fabrikam", "Fabrikam", "my_org", "org\n", "\norg",
		"fabri\u212aam", strings.Repeat("a", 50), strings.Repeat("a", 51), strings.Repeat("a", 49) + "-",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := ValidOrg(name), oldValidOrg(name); got != want {
			t.Fatalf("ValidOrg(%q) = %v, the old regexp says %v", name, got, want)
		}
	})
}
