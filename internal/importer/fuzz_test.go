package importer

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// FuzzCredURL: whatever a credentials file or a config holds, a URL that
// parses comes back from Without with no user part at all (or only the
// user kept) and the same host and path, so a cleaned URL fetches what the
// old one did and carries nothing of the credential; Redacted hides the
// password; and Plan decides on any line without failing.
func FuzzCredURL(f *testing.F) {
	for _, s := range []string{
		"https://fabrikam:abc@dev.azure.com/fabrikam/Web/_git/web",
		"https://abc@dev.azure.com/fabrikam/_git/web",
		"https://jdoe%40example.com:pw@dev.azure.com",
		"http://u:p@tfs.example.com:8080/tfs/Coll//",
		"https://a:b@c@dev.azure.com/x",
		"https://u:p@dev.azure.com?x@y/z",
		"https://:@dev.azure.com/%2e%2e/x",
		"https://u:p@[::1]:443/x#y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := ParseCredURL(raw)
		if !ok {
			return
		}
		for _, keep := range []string{"", "fabrikam"} {
			w, ok := ParseCredURL(u.Without(keep))
			if !ok {
				t.Fatalf("Without(%q) of %q does not parse: %q", keep, raw, u.Without(keep))
			}
			if u.HostHasAt() {
				continue // left alone by Plan
			}
			if w.Password != "" || w.HasPass || w.User != keep || w.Host != u.Host || w.Path != u.Path {
				t.Fatalf("Without(%q) of %q = %q: user %q pass %q host %q path %q", keep, raw, u.Without(keep), w.User, w.Password, w.Host, w.Path)
			}
		}
		if r, ok := ParseCredURL(u.Redacted()); ok && u.HasPass && !u.HostHasAt() && r.Password != "***" {
			t.Fatalf("Redacted(%q) = %q", raw, u.Redacted())
		}
		found := []Found{{Place: InCredFile, URL: u, Secret: u.Password, File: "f", Line: 1, Raw: raw}}
		for _, d := range Plan(found, nil, Options{AnyFormat: true}) {
			if d.Verdict == Store && u.Password != "" && strings.Contains(d.Why, u.Password) {
				t.Fatalf("a secret in %q", d.Why)
			}
		}
		_ = azdo.RecognizePAT(u.Password)
	})
}
