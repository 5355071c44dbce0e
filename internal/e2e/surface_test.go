package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A provisioning script's typo fails loudly: `instal` without a terminal
// exits 1 with a suggestion and installs nothing.
func TestTypoFailsWithoutTerminal(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	for word, want := range map[string]string{"instal": "install", "verfy": "verify", "gte": "get", "eraze": "erase"} {
		r := u.adopat("", word)
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, `unknown command "`+word+`"; did you mean "`+want+`"?`) {
			t.Errorf("want exit 1 and a did-you-mean:\n%s", r)
		}
	}
	if _, err := os.Stat(filepath.Join(u.home, ".gitconfig")); !os.IsNotExist(err) {
		t.Errorf("a typo wrote the global git config (%v)", err)
	}
	r := u.adopat("", "list", "--jsn")
	if r.code != 1 || !strings.Contains(r.stderr, "unknown flag --jsn; did you mean --json?") || !strings.Contains(r.stderr, "see: git-credential-adopat list --help") {
		t.Errorf("want an unknown-flag message with a suggestion:\n%s", r)
	}
}

// An action a later git may send, far from our command names, is ignored
// as gitcredentials(7) asks: exit 0 and no output.
func TestFutureGitActionIgnoredSilently(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	for _, args := range [][]string{{"fill"}, {"--server", "https://tfs.example.test", "fill"}, {"frobnicate"}} {
		if r := u.adopat("protocol=https\nhost=dev.azure.com\n\n", args...); r.code != 0 || r.stdout != "" || r.stderr != "" {
			t.Errorf("want exit 0, silent:\n%s", r)
		}
	}
	// capability is git's, answered as git-credential(1) says, by the
	// binary git runs.
	for _, args := range [][]string{{"capability"}, {"--server", "https://tfs.example.test", "capability"}} {
		if r := u.adopat("", args...); r.code != 0 || r.stdout != "version 0\ncapability authtype\n" || r.stderr != "" {
			t.Errorf("want the capability announcement:\n%s", r)
		}
	}
}

// Scripts that run `remove SCOPE` without a terminal keep working: no
// question, the token is gone.
func TestRemoveWithoutTerminalNeedsNoConfirmation(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil).with("ADOPAT_BACKEND=file")
	u.addPAT(adotest.NewPAT(), "--org", "fabrikam")
	out := u.mustAdopat("", "remove", "fabrikam")
	if !strings.HasPrefix(out, "removed fabrikam") || strings.Contains(out, "[y/N]") {
		t.Errorf("remove said %q", out)
	}
	if tokens := u.list(); len(tokens) != 0 {
		t.Errorf("tokens after remove: %+v", tokens)
	}
}

// A misspelt flag in the helper string git runs is reported on git's
// stderr instead of the helper silently never answering.
func TestMisspeltHelperFlagIsReportedThroughGit(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	u.mustGit("", "config", "--global", "credential.https://tfs.example.test.helper", "adopat --sever https://tfs.example.test")
	_, r, ok := u.fill("https://tfs.example.test/DefaultCollection/_git/web")
	if ok {
		t.Fatalf("git credential fill got a credential:\n%s", r)
	}
	if !strings.Contains(r.stderr, "git-credential-adopat: unknown flag --sever; did you mean --server?") {
		t.Errorf("git's stderr lacks the helper's message:\n%s", r)
	}
}
