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
	if lines := f.stderrLines(); len(lines) != 1 || !strings.Contains(lines[0], "soon expires on "+soon.Format("2006-01-02")+" (3 days left)") || !strings.Contains(lines[0], "run: git-credential-adopat rotate soon --expires 30d") {
		t.Fatalf("three gets near expiry warned %q, want one line", lines)
	}
	f.stderr.Reset()

	if got := f.quietGet(req("dev.azure.com", "later/p/_git/r")...); !strings.Contains(got, "later-pat") {
		t.Fatalf("token far from expiry: %q", got)
	}
	if got := f.run("get", req("dev.azure.com", "gone/p/_git/r")...); got != "" {
		t.Fatalf("expired token answered %q", got)
	}
	if lines := f.stderrLines(); len(lines) != 1 || !strings.Contains(lines[0], "gone expired on "+past.Format("2006-01-02")) || !strings.Contains(lines[0], "at https://dev.azure.com/gone/_usersSettings/tokens, then run: git-credential-adopat rotate gone --expires 30d") {
		t.Fatalf("expired token said %q", lines)
	}
}

// The advice is a command that can be pasted as it is: a new expiry, and a
// scope with spaces or quotes is one shell word.
func TestRotateAdviceIsOneCommand(t *testing.T) {
	for _, c := range []struct {
		tok  store.Token
		want string
	}{
		{store.Token{Org: "fabrikam"}, "git-credential-adopat rotate fabrikam --expires 30d"},
		{store.Token{Org: "fabrikam", Project: "My Project"}, "git-credential-adopat rotate 'fabrikam/My Project' --expires 30d"},
		{store.Token{Org: "fabrikam", Project: "it's"}, `git-credential-adopat rotate 'fabrikam/it'\''s' --expires 30d`},
		{store.Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe"}, "git-credential-adopat rotate https://jdoe@tfs.example.com --expires 30d"},
	} {
		if got := RotateAdvice(&c.tok); !strings.HasPrefix(got, c.want+" (") {
			t.Errorf("RotateAdvice(%s) = %q, want %q first", c.tok.Scope(), got, c.want)
		}
	}
}
