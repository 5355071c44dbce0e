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
		h := serverHelper(helperName, s)
		back, ok := parseServerHelper(h)
		if !ok || back != s {
			t.Errorf("parseServerHelper(%q) = %+v, %v; want %+v", h, back, ok, s)
		}
	}
	if got := serverHelper(helperName, azdo.Server{Scheme: "https", Host: "tfs.example.com", Prefix: "tfs"}); got != "adopat --server https://tfs.example.com/tfs" {
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
		word := strings.TrimPrefix(serverHelper(helperName, s), helperName+" --server ")
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

// Every helper string install writes, or wrote, reads back as its command
// and arguments; other helpers do not.
func TestParseHelper(t *testing.T) {
	for _, tc := range []struct{ value, path, args string }{
		{"adopat", "", ""},
		{" adopat ", "", ""},
		{"adopat --server https://tfs.example.com/tfs", "", "--server https://tfs.example.com/tfs"},
		{"/usr/local/bin/git-credential-adopat", "/usr/local/bin/git-credential-adopat", ""},
		{"/usr/local/bin/git-credential-adopat --server 'https://tfs.example.com/R&D'", "/usr/local/bin/git-credential-adopat", "--server 'https://tfs.example.com/R&D'"},
		{`!'/opt/my tools/git-credential-adopat'`, "/opt/my tools/git-credential-adopat", ""},
		{`!'/opt/it'\''s/git-credential-adopat' --server x`, "/opt/it's/git-credential-adopat", "--server x"},
		{"C:/Users/me/bin/git-credential-adopat.exe", "C:/Users/me/bin/git-credential-adopat.exe", ""},
		{"!/usr/bin/git-credential-adopat", "/usr/bin/git-credential-adopat", ""},
	} {
		path, args, ok := parseHelper(tc.value)
		if !ok || path != tc.path || args != tc.args {
			t.Errorf("parseHelper(%q) = %q, %q, %v; want %q, %q", tc.value, path, args, ok, tc.path, tc.args)
		}
	}
	for _, v := range []string{
		"", "manager", "cache --timeout 10", "adopatx", "!adopat", "git-credential-adopat", "bin/git-credential-adopat",
		"/usr/bin/git-credential-manager", "/usr/bin/git-credential-adopat-manage", "'/opt/x/git-credential-adopat'",
		`/opt/my\ tools/git-credential-adopat`, "!'/opt/x/git-credential-adopat", "/opt/$X/git-credential-adopat",
	} {
		if path, args, ok := parseHelper(v); ok {
			t.Errorf("parseHelper(%q) = %q, %q; want refused", v, path, args)
		}
	}
}

// What git runs for helperValue's string (the string itself, or after
// the "!", then the action, through sh -c) starts with exactly the path.
func TestHelperValueThroughTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, p := range []string{
		"/usr/local/bin/git-credential-adopat",
		"/opt/my tools/git-credential-adopat",
		"/opt/it's \"here\"/git-credential-adopat",
		"/opt/$(touch x)`id`;*&|<>#~/git-credential-adopat",
		"/opt/back\\slash/Zürich/git-credential-adopat",
	} {
		value := helperValue(p)
		if got, _, ok := parseHelper(value); !ok || got != p {
			t.Errorf("parseHelper(helperValue(%q)) = %q, %v", p, got, ok)
		}
		cmd := exec.Command(sh, "-c", `set -- `+strings.TrimPrefix(value, "!")+` get; printf '%s|' "$@"`)
		cmd.Dir = t.TempDir()
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sh -c for %q: %v", value, err)
		}
		if want := p + "|get|"; string(out) != want {
			t.Errorf("the shell gave %q for %q, want %q", out, value, want)
		}
		if quoted := strings.HasPrefix(value, "!"); quoted == (shellQuote(p) == p) {
			t.Errorf("helperValue(%q) = %q", p, value)
		}
	}
}
