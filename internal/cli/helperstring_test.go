package cli

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// hostileCollections are collection names that break a naive helper
// string or config key: shell metacharacters, quotes, percent signs,
// non-ASCII letters, escaped # and ?.
var hostileCollections = []string{
	"https://tfs.example.com/tfs",
	"https://tfs.example.com/My Collection",
	"https://tfs.example.com/R&D",
	`https://tfs.example.com/it's "quoted"`,
	"https://tfs.example.com/100%25",
	"https://tfs.example.com/Zürich",
	"https://tfs.example.com/C%23 and %3F",
	"https://tfs.example.com/$(touch x)`id`;*",
	`https://tfs.example.com/back\slash`,
	"https://[::1]:8443/a",
	"http://legacy.lan:8080/tfs/Default Collection",
}

func TestServerHelperRoundTrips(t *testing.T) {
	for _, raw := range hostileCollections {
		s, err := azdo.ParseServer(raw)
		if err != nil {
			t.Fatalf("ParseServer(%q): %v", raw, err)
		}
		h := serverHelper(s)
		back, ok := parseServerHelper(h)
		if !ok || back != s {
			t.Errorf("parseServerHelper(%q) = %+v, %v; want %+v", h, back, ok, s)
		}
	}
	if got := serverHelper(azdo.Server{Scheme: "https", Host: "tfs.example.com", Prefix: "tfs"}); got != "adopat --server https://tfs.example.com/tfs" {
		t.Errorf("a plain URL is quoted: %q", got)
	}
}

// The shell must give the helper exactly the declared URL: git runs the
// helper string through sh -c (gitcredentials(7)).
func TestServerHelperThroughTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, raw := range hostileCollections {
		s, _ := azdo.ParseServer(raw)
		// As git does: "git credential-" + helper + " get", here with a
		// printf standing in for git, in an empty directory (a $(...) that
		// escaped its quotes could only touch a file there).
		word := strings.TrimPrefix(serverHelper(s), helperName+" --server ")
		cmd := exec.Command(sh, "-c", `printf '%s|' `+word+` get`)
		cmd.Dir = t.TempDir()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh -c for %q: %v", word, err)
		}
		if want := s.String() + "|get|"; string(out) != want {
			t.Errorf("the shell gave %q for %q, want %q", out, word, want)
		}
	}
}

func TestParseServerHelperRefusesOtherHelpers(t *testing.T) {
	for _, v := range []string{
		"", "adopat", "manager", "adopat --server", "adopat --server https://tfs.example.com extra",
		"adopat --server 'https://tfs.example.com", "adopat --server $HOME", `adopat --server "https://tfs.example.com"`,
		"adopat --server https://dev.azure.com", "!adopat --server https://tfs.example.com",
	} {
		if s, ok := parseServerHelper(v); ok {
			t.Errorf("parseServerHelper(%q) = %+v, want refused", v, s)
		}
	}
}
