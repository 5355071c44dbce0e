package cli

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// readSpy records whether a command read its stdin.
type readSpy struct{ read bool }

func (r *readSpy) Read(p []byte) (int, error) {
	r.read = true
	return 0, errors.New("stdin must not be read")
}

// A word close to one of our command names is a typo, a usage error with
// a suggestion, even without a terminal (a provisioning script must not
// pass without installing anything); so is a word git could never send.
func TestTypoIsUsageErrorWithoutTerminal(t *testing.T) {
	cases := []struct{ word, want string }{
		{"instal", `unknown command "instal"; did you mean "install"?`},
		{"verfy", `unknown command "verfy"; did you mean "verify"?`},
		{"lsit", `did you mean "list"?`},
		{"ad", `did you mean "add"?`},
		{"gte", `unknown command "gte"; did you mean "get"?`},
		{"stor", `did you mean "store"?`},
		{"eraze", `did you mean "erase"?`},
		{"uninstal", `did you mean "uninstall"?`},
		{"pasphrase", `did you mean "passphrase"?`},
		{"inst", `did you mean "install"?`},
		{"ver", `did you mean "verify" or "version"?`},
		{"ls", `did you mean "list"?`},
		{"rm", `did you mean "remove"?`},
		{"Install", `did you mean "install"?`},
		{"GET", `did you mean "get"?`},
		{"https://tfs.example.com", `unknown command "https://tfs.example.com"`},
	}
	ta := newTestApp(t)
	for _, c := range cases {
		t.Run(c.word, func(t *testing.T) {
			spy := &readSpy{}
			ta.stdout.Reset()
			ta.stderr.Reset()
			ta.Stdin = spy
			code := ta.App.Run([]string{c.word})
			if code != ExitUsage || !strings.Contains(ta.stderr.String(), c.want) || !strings.Contains(ta.stderr.String(), "see: git-credential-adopat --help") {
				t.Errorf("exit %d (want 1), stderr %q (want %q)", code, ta.stderr, c.want)
			}
			if ta.stdout.Len() != 0 || spy.read {
				t.Errorf("stdout %q, stdin read %v", ta.stdout, spy.read)
			}
		})
	}
	if code := ta.run("", "help", "instal"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `did you mean "install"?`) {
		t.Errorf("help instal: exit %d, stderr %q", code, ta.stderr)
	}
	ta.Terminal = func() bool { return true }
	if code := ta.run("", "frobnicate", "--org", "x"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `unknown command "frobnicate"`+"\n") {
		t.Errorf("frobnicate at a terminal: exit %d, stderr %q", code, ta.stderr)
	}
	ta.Terminal = func() bool { return false }
	if code := ta.run("", "help", "help"); code != ExitOK || !strings.Contains(ta.stdout.String(), "Commands:") {
		t.Errorf("help help: exit %d, stderr %q", code, ta.stderr)
	}
	if code := ta.run("", "help", "frobnicate"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `unknown command "frobnicate"`) {
		t.Errorf("help frobnicate: exit %d, stderr %q", code, ta.stderr)
	}
}

// Words git may send in a later version, far from all our names, keep
// gitcredentials(7)'s rule: exit 0, no output, stdin not read; also after
// the helper string's own flags.
func TestFarWordsKeepGitsRule(t *testing.T) {
	ta := newTestApp(t)
	for _, args := range [][]string{
		{"fill"}, {"approve"}, {"reject"}, {"exit"}, {"status"}, {"frobnicate"}, {"query"},
		{"--server", "https://tfs.example.com", "fill"}, {"--backend", "file", "fill"},
	} {
		spy := &readSpy{}
		ta.stdout.Reset()
		ta.stderr.Reset()
		ta.Stdin = spy
		if code := ta.App.Run(args); code != ExitOK || ta.stdout.Len()+ta.stderr.Len() != 0 || spy.read {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, stdin read %v", args, code, ta.stdout, ta.stderr, spy.read)
		}
	}
	if _, err := os.Stat(filepath.Dir(ta.env["ADOPAT_VAULT"])); !os.IsNotExist(err) {
		t.Errorf("an ignored action created the vault directory")
	}
}

// capability is git's action, answered as git-credential(1) says, after
// the helper string's flags too, without reading stdin or opening a store.
func TestCapabilityAction(t *testing.T) {
	ta := newTestApp(t)
	for _, args := range [][]string{{"capability"}, {"--server", "https://tfs.example.com", "capability"}} {
		spy := &readSpy{}
		ta.stdout.Reset()
		ta.stderr.Reset()
		ta.Stdin = spy
		if code := ta.App.Run(args); code != ExitOK || ta.stdout.String() != "version 0\ncapability authtype\n" || ta.stderr.Len() != 0 || spy.read {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, stdin read %v", args, code, ta.stdout, ta.stderr, spy.read)
		}
	}
	if _, err := os.Stat(filepath.Dir(ta.env["ADOPAT_VAULT"])); !os.IsNotExist(err) {
		t.Errorf("capability created the vault directory")
	}
}

func TestSuggestionDistances(t *testing.T) {
	for word, want := range map[string][]string{
		"instal": {"install"}, "isntall": {"install"}, "lsit": {"list"}, "lis": {"list"}, "ver": {"verify", "version"},
		"fill": nil, "exit": nil, "info": nil, "x": nil, "a": nil, "st": nil, "un": nil,
	} {
		if got := commandSuggestions(word); !slices.Equal(got, want) {
			t.Errorf("commandSuggestions(%q) = %q, want %q", word, got, want)
		}
	}
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "abc", 3}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"instal", "install", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3}} {
		if got := editDistance(c.a, c.b); got != c.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}

func TestUnknownFlagMessages(t *testing.T) {
	ta := newTestApp(t)
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"list", "--jsn"}, []string{"git-credential-adopat list: unknown flag --jsn; did you mean --json?", "see: git-credential-adopat list --help"}},
		{[]string{"add", "--orgg", "fabrikam"}, []string{"unknown flag --orgg; did you mean --org?", "see: git-credential-adopat add --help"}},
		{[]string{"remove", "--yse", "fabrikam"}, []string{"unknown flag --yse; did you mean --yes?"}},
		{[]string{"list", "--frobnicate"}, []string{"unknown flag --frobnicate\n", "see: git-credential-adopat list --help"}},
		{[]string{"remove", "-x", "fabrikam"}, []string{"unknown flag -x\n"}},
		{[]string{"version", "--server", "https://tfs.example.com"}, []string{"--server does not apply to version", "see: git-credential-adopat version --help"}},
		{[]string{"--vault", "/tmp/v", "install"}, []string{"--vault does not apply to install"}},
		{[]string{"unlock", "--backend", "file"}, []string{"--backend does not apply to unlock"}},
		// A misspelt flag in git's helper string: "URL" became the command.
		{[]string{"--sever", "https://tfs.example.com", "get"}, []string{"unknown flag --sever; did you mean --server?", `"https://tfs.example.com" was taken for the command`}},
		{[]string{"--bogus"}, []string{"unknown flag --bogus\n", "see: git-credential-adopat --help"}},
	}
	for _, c := range cases {
		code := ta.run("", c.args...)
		for _, w := range c.want {
			if code != ExitUsage || !strings.Contains(ta.stderr.String(), w) {
				t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, ta.stderr, w)
			}
		}
		if strings.Contains(ta.stderr.String(), "unknown flag: ") {
			t.Errorf("%v: pflag's own wording leaked: %q", c.args, ta.stderr)
		}
	}
}

// Every command's --help has a paragraph and an example, and lists the
// common flags that command takes and no others.
func TestCommandHelpShowsItsFlagsAndAnExample(t *testing.T) {
	ta := newTestApp(t)
	for _, c := range commands() {
		name := c.name
		t.Run(name, func(t *testing.T) {
			applies := c.common
			if applies == nil {
				t.Fatalf("%s does not say which common flags it takes", name)
			}
			if c.about == "" || len(c.examples) == 0 {
				t.Fatalf("%s has no paragraph or examples for its --help", name)
			}
			if code := ta.run("", name, "--help"); code != ExitOK {
				t.Fatalf("exit %d: %s", code, ta.stderr)
			}
			out := ta.stdout.String()
			if !strings.Contains(out, "\nExamples:\n  ") || !strings.Contains(out, "\n  git-credential-adopat "+name) && !strings.Contains(out, "git fetch") {
				t.Errorf("no example:\n%s", out)
			}
			for flag := range commonFlagNames {
				shown := strings.Contains(out, "--"+flag+" ")
				if want := slices.Contains(applies, flag); shown != want {
					t.Errorf("--%s shown %v, want %v:\n%s", flag, shown, want, out)
				}
			}
			ta.run("", "help", name)
			if ta.stdout.String() != out {
				t.Errorf("help %s differs from %s --help", name, name)
			}
		})
	}
	ta.run("", "version", "--help")
	for _, absent := range []string{"--server", "--vault", "--backend"} {
		if strings.Contains(ta.stdout.String(), absent) {
			t.Errorf("version --help lists %s:\n%s", absent, ta.stdout)
		}
	}
	if ta.run("", "remove", "--help"); !strings.Contains(ta.stdout.String(), "-y, --yes") {
		t.Errorf("remove --help lacks --yes:\n%s", ta.stdout)
	}
}

// Every help file is some command's.
func TestEveryHelpFileIsACommands(t *testing.T) {
	for name := range helpTexts() {
		if _, ok := findCommand(name); !ok {
			t.Errorf("help/%s.txt belongs to no command", name)
		}
	}
}

// At a terminal remove asks first, on the terminal (never stdout): only y
// removes; --yes skips the question; without a terminal it removes as it
// always did.
func TestRemoveConfirmsAtATerminal(t *testing.T) {
	ta := newTestApp(t)
	add := func() {
		t.Helper()
		ta.Terminal = func() bool { return false }
		if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--label", "laptop", "--expires", "30d"); code != 0 {
			t.Fatalf("add: %s", ta.stderr)
		}
	}
	has := func() bool {
		t.Helper()
		return len(listJSON(t, ta).Tokens) == 1
	}
	var asked []string
	answer := func(a string, err error) {
		asked = nil
		ta.Terminal = func() bool { return true }
		ta.Prompt = func(q string) (string, error) { asked = append(asked, q); return a, err }
	}

	add()
	for _, no := range []string{"n", "", "no", "maybe"} {
		answer(no, nil)
		if code := ta.run("", "remove", "FABRIKAM"); code != ExitOK || !strings.Contains(ta.stdout.String(), "kept fabrikam: nothing removed") {
			t.Errorf("answer %q: exit %d, stdout %q, stderr %q", no, code, ta.stdout, ta.stderr)
		}
		if len(asked) != 1 || !strings.Contains(asked[0], `Remove the token for fabrikam (label "laptop", expires 2026-12-26, never used)? This cannot be undone. [y/N] `) {
			t.Errorf("asked %q", asked)
		}
		if strings.Contains(ta.stdout.String(), "Remove the token") {
			t.Errorf("the question went to stdout: %q", ta.stdout)
		}
		if !has() {
			t.Fatalf("answer %q removed the token", no)
		}
	}
	answer("y", nil)
	if code := ta.run("", "remove", "fabrikam"); code != ExitOK || len(asked) != 1 || !strings.Contains(ta.stdout.String(), "removed fabrikam") || has() {
		t.Errorf("answer y: exit %d, asked %q, stdout %q", code, asked, ta.stdout)
	}

	for _, yes := range []string{"--yes", "-y"} {
		add()
		answer("", errors.New("must not ask"))
		if code := ta.run("", "remove", yes, "fabrikam"); code != ExitOK || len(asked) != 0 || has() {
			t.Errorf("%s: exit %d, asked %q, stderr %q", yes, code, asked, ta.stderr)
		}
	}

	add()
	answer("", errNoTerminal) // stdin is a terminal, but no controlling one to ask on
	if code := ta.run("", "remove", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "pass --yes") || !has() {
		t.Errorf("no terminal to ask on: exit %d, stderr %q", code, ta.stderr)
	}
	answer("y", nil)
	if code := ta.run("", "remove", "nosuch"); code != ExitUsage || len(asked) != 0 {
		t.Errorf("unknown scope: exit %d, asked %q", code, asked)
	}

	// A script: no terminal, no question, removed as before.
	answer("", errors.New("must not ask"))
	ta.Terminal = func() bool { return false }
	if code := ta.run("", "remove", "fabrikam"); code != ExitOK || len(asked) != 0 || has() {
		t.Errorf("without a terminal: exit %d, asked %q, stderr %q", code, asked, ta.stderr)
	}
}

// protectIdentity encrypts the test vault's key with pass, as `passphrase`
// does but with a low scrypt cost.
func protectIdentity(t *testing.T, ta *testApp, pass string) {
	t.Helper()
	path := filepath.Join(filepath.Dir(ta.env["ADOPAT_VAULT"]), "identity.txt")
	storetest.ProtectIdentity(t, path, pass)
}

// Each message says what happened and a next step that works from where
// the user is.
func TestMessagesPointTheRightWay(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("XDG_RUNTIME_DIR", "")
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	const pass = "correct horse battery"
	protectIdentity(t, ta, pass)
	ta.Prompt = func(string) (string, error) { return "", errNoTerminal }

	// A locked vault without a terminal: unlock at one, not "pipe the PAT".
	if code := ta.run("", "list"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "run `git-credential-adopat unlock` at a terminal") ||
		strings.Contains(ta.stderr.String(), "pipe") {
		t.Errorf("list, locked, no terminal: exit %d, stderr %q", code, ta.stderr)
	}
	// Asked at a terminal, the passphrase opens it.
	ta.Prompt = func(string) (string, error) { return pass, nil }
	if code := ta.run("", "list"); code != ExitOK || !strings.Contains(ta.stdout.String(), "fabrikam") {
		t.Errorf("list with the passphrase: exit %d, stderr %q", code, ta.stderr)
	}

	// An empty line at the hidden PAT prompt: paste it there, not "run add
	// in a terminal" to someone who is in one.
	ta.Terminal = func() bool { return true }
	ta.Prompt = func(q string) (string, error) {
		if strings.HasPrefix(q, "Passphrase") {
			return pass, nil
		}
		return "", nil
	}
	if code := ta.run("", "add", "--org", "contoso"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "paste the PAT at the prompt") ||
		strings.Contains(ta.stderr.String(), "in a terminal") {
		t.Errorf("add, empty prompt: exit %d, stderr %q", code, ta.stderr)
	}
	ta.Terminal = func() bool { return false }
	if code := ta.run("\n", "add", "--org", "contoso"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "pipe the PAT on stdin") {
		t.Errorf("add, empty stdin: exit %d, stderr %q", code, ta.stderr)
	}

	// unlock without a terminal: not "run unlock", which is what failed.
	// (Windows has no RAM-backed directory, and unlock is refused there
	// before any prompt: TestUnlockOnWindowsSaysWhatToDoInstead.)
	if run, ok := ramDir(t); ok {
		t.Setenv("XDG_RUNTIME_DIR", run)
		ta.Prompt = func(string) (string, error) { return "", errNoTerminal }
		if code := ta.run("", "unlock"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "run it from an interactive shell") ||
			strings.Contains(ta.stderr.String(), "run `git-credential-adopat unlock`") {
			t.Errorf("unlock, no terminal: exit %d, stderr %q", code, ta.stderr)
		}
		ta.Prompt = func(string) (string, error) { return "", nil }
		if code := ta.run("", "unlock"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "no passphrase typed; nothing unlocked") {
			t.Errorf("unlock, empty passphrase: exit %d, stderr %q", code, ta.stderr)
		}
		if entries, _ := os.ReadDir(filepath.Join(run, "adopat")); len(entries) != 0 {
			t.Errorf("a failed unlock left %v", entries)
		}
	}
	ta.Prompt = func(string) (string, error) { return "", nil }
	if code := ta.run("", "passphrase"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "interactive shell") {
		t.Errorf("passphrase, no terminal: exit %d, stderr %q", code, ta.stderr)
	}
}
