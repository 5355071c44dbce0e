package helper

import (
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// A token close to its expiry still answers, and says so at most once a
// day (WarnOnce decides); an expired one never answers and names the scope,
// the date and the command to rotate it.
func TestExpiryWarningsAndRefusal(t *testing.T) {
	soon := testNow.Add(3 * 24 * time.Hour)
	later := testNow.Add(30 * 24 * time.Hour)
	past := testNow.Add(-time.Hour)
	f := newFixture(t, nil,
		store.Token{Org: "soon", Secret: "soon-pat", Expires: &soon},
		store.Token{Org: "later", Secret: "later-pat", Expires: &later},
		store.Token{Org: "gone", Secret: "gone-pat", Expires: &past})
	f.h.WarnWithin = 7 * 24 * time.Hour
	warned := map[string]bool{}
	f.h.WarnOnce = func(scope string) bool {
		first := !warned[scope]
		warned[scope] = true
		return first
	}

	for i := 0; i < 3; i++ {
		if got := f.run("get", req("dev.azure.com", "soon/p/_git/r")...); !strings.Contains(got, "password=soon-pat") {
			t.Fatalf("get %d for a token near expiry: %q", i, got)
		}
	}
	if lines := f.stderrLines(); len(lines) != 1 || !strings.Contains(lines[0], "soon expires on "+soon.Format("2006-01-02")+" (3 days left)") || !strings.Contains(lines[0], "rotate soon") {
		t.Fatalf("three gets near expiry warned %q, want one line", lines)
	}
	f.stderr.Reset()

	if got := f.quietGet(req("dev.azure.com", "later/p/_git/r")...); !strings.Contains(got, "later-pat") {
		t.Fatalf("token far from expiry: %q", got)
	}
	if got := f.run("get", req("dev.azure.com", "gone/p/_git/r")...); got != "" {
		t.Fatalf("expired token answered %q", got)
	}
	if lines := f.stderrLines(); len(lines) != 1 || !strings.Contains(lines[0], "gone expired on "+past.Format("2006-01-02")) || !strings.Contains(lines[0], "git-credential-adopat rotate gone") {
		t.Fatalf("expired token said %q", lines)
	}
}
