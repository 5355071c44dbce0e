package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

type testApp struct {
	*App
	stdout, stderr *bytes.Buffer
	env            map[string]string
	dir            string
}

var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	dir := t.TempDir()
	ta := &testApp{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, dir: dir,
		env: map[string]string{"ADOPAT_VAULT": filepath.Join(dir, "data", "vault.age")}}
	ta.App = &App{
		Stdin: strings.NewReader(""), Stdout: ta.stdout, Stderr: ta.stderr,
		Getenv:         ta.getenv,
		Now:            func() time.Time { return fixedNow },
		Terminal:       func() bool { return false },
		OutputTerminal: func() bool { return false },
		Prompt:         func(string) (string, error) { return "", errors.New("no terminal in tests") },
		Git:            "git",
	}
	ta.useClient(noNetwork)
	// No test asks a real token source: a test that needs one gives a fake.
	ta.Mint = func(context.Context, *store.Source) (helper.Minted, error) {
		return helper.Minted{}, errors.New("the cli tests ask no token source but a fake")
	}
	return ta
}

// run executes one command line with stdin and returns the exit code.
func (ta *testApp) run(stdin string, args ...string) int {
	ta.stdout.Reset()
	ta.stderr.Reset()
	ta.Stdin = strings.NewReader(stdin)
	return ta.App.Run(args)
}

// mustRun runs a command line with no stdin and fails the test unless it
// exits 0, naming the command and quoting its stderr.
func (ta *testApp) mustRun(t *testing.T, args ...string) {
	t.Helper()
	if code := ta.run("", args...); code != 0 {
		t.Fatalf("%s: exit %d %s", args[0], code, ta.stderr)
	}
}

func TestAddListRemove(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	if code := ta.run(pat+"\n", "add", "--org", "fabrikam", "--label", "laptop", "--expires", "30d", "--scopes", "vso.code"); code != 0 {
		t.Fatalf("add exit %d: %s", code, ta.stderr)
	}
	if !strings.Contains(ta.stdout.String(), "stored PAT for fabrikam (expires 2026-12-26, 30 days left)") {
		t.Errorf("add said %q", ta.stdout)
	}

	if code := ta.run("", "list"); code != 0 {
		t.Fatalf("list exit %d: %s", code, ta.stderr)
	}
	for _, want := range []string{"SCOPE", "fabrikam", "laptop", "2026-12-26 (30d left)", "active"} {
		if !strings.Contains(ta.stdout.String(), want) {
			t.Errorf("list output lacks %q:\n%s", want, ta.stdout)
		}
	}
	if strings.Contains(ta.stdout.String(), pat) {
		t.Fatal("list printed the PAT")
	}

	if code := ta.run("", "list", "--json"); code != 0 {
		t.Fatalf("list --json exit %d", code)
	}
	var l listing
	if err := json.Unmarshal(ta.stdout.Bytes(), &l); err != nil {
		t.Fatalf("list --json is not JSON: %v", err)
	}
	if len(l.Tokens) != 1 || l.Tokens[0].Scope != "fabrikam" || *l.Tokens[0].DaysLeft != 30 || l.Tokens[0].Scopes[0] != "vso.code" {
		t.Errorf("list --json = %+v", l.Tokens)
	}
	if strings.Contains(ta.stdout.String(), pat) {
		t.Fatal("list --json printed the PAT")
	}

	if code := ta.run("", "remove", "FABRIKAM"); code != 0 {
		t.Fatalf("remove exit %d: %s", code, ta.stderr)
	}
	if code := ta.run("", "remove", "fabrikam"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "no token with scope") {
		t.Errorf("second remove: exit %d, stderr %q", code, ta.stderr)
	}
}

func TestAddRefusesBadInput(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		say   string
	}{
		{"PAT as argument", "", []string{"add", "--org", "fabrikam", pat}, ExitUsage, "never from the command line"},
		{"no org", pat, []string{"add"}, ExitUsage, "--org ORG"},
		{"bad org", pat, []string{"add", "--org", "fab.rikam"}, ExitUsage, "not an Azure DevOps organisation"},
		{"over a year", pat, []string{"add", "--org", "fabrikam", "--expires", "400d"}, ExitUsage, "at most one year"},
		{"bad expiry", pat, []string{"add", "--org", "fabrikam", "--expires", "soon"}, ExitUsage, "--expires soon: give a whole number and one unit"},
		{"empty PAT", "\n", []string{"add", "--org", "fabrikam"}, ExitRuntime, "no PAT given"},
		{"two tokens", pat + " " + pat, []string{"add", "--org", "fabrikam"}, ExitRuntime, "exactly one token"},
		{"server and org", pat, []string{"add", "--org", "x", "--server", "https://tfs.example.com"}, ExitUsage, "do not go together"},
		{"cloud as server", pat, []string{"add", "--server", "https://dev.azure.com"}, ExitUsage, "Azure DevOps cloud"},
		{"unknown flag", pat, []string{"add", "--org", "x", "--pat", pat}, ExitUsage, "unknown flag"},
		{"days beyond overflow", pat, []string{"add", "--server", "https://tfs.example.com", "--expires", "213504d"}, ExitUsage, "longer than a century"},
		{"weeks beyond overflow", pat, []string{"add", "--server", "https://tfs.example.com", "--expires", "30000w"}, ExitUsage, "longer than a century"},
		{"newline in username", pat, []string{"add", "--org", "x", "--username", "a\nb"}, ExitUsage, "--username contains a control character"},
		{"escape in label", pat, []string{"add", "--org", "x", "--label", "\x1b[2J"}, ExitUsage, "--label contains a control character"},
		{"blank project", pat, []string{"add", "--org", "x", "--project", " "}, ExitUsage, "not a project name"},
		{"not a scope name", pat, []string{"add", "--org", "x", "--scopes", "bogus scope!"}, ExitUsage, "is not a scope name"},
		{"huge stdin", strings.Repeat("a", 70000), []string{"add", "--org", "x"}, ExitRuntime, "more than 4096 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code := ta.run(c.stdin, c.args...)
			if code != c.code || !strings.Contains(ta.stderr.String(), c.say) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, c.code, ta.stderr, c.say)
			}
			if strings.Contains(ta.stderr.String()+ta.stdout.String(), pat) {
				t.Error("the PAT was printed")
			}
		})
	}
	if _, err := os.Stat(ta.env["ADOPAT_VAULT"]); !os.IsNotExist(err) {
		t.Errorf("refused adds created a vault: %v", err)
	}
}

func TestHelperActionsThroughCLI(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	// Azure DevOps no longer accepts the stored PAT, so erase withdraws it.
	useStandIn(t, ta).SetPAT("fabrikam", adotest.NewPAT())
	if code := ta.run(pat, "add", "--org", "fabrikam", "--no-verify"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	req := "protocol=https\nhost=dev.azure.com\npath=fabrikam/Web/_git/web\n\n"
	if code := ta.run(req, "get"); code != 0 || ta.stdout.String() != "username=adopat\npassword="+pat+"\n" || ta.stderr.Len() != 0 {
		t.Fatalf("get: exit %d stdout %q stderr %q", code, ta.stdout, ta.stderr)
	}
	// git puts the action after the helper's own arguments.
	if code := ta.run(req, "--server", "https://tfs.example.com", "get"); code != 0 || !strings.Contains(ta.stdout.String(), pat) {
		t.Fatalf("--server URL get: exit %d stdout %q stderr %q", code, ta.stdout, ta.stderr)
	}
	if code := ta.run(req, "erase"); code != 0 || ta.stdout.Len() != 0 {
		t.Fatalf("erase: exit %d stdout %q", code, ta.stdout)
	}
	if code := ta.run(req, "get"); code != 0 || ta.stdout.Len() != 0 {
		t.Fatalf("get after erase answered: %q", ta.stdout)
	}
	if code := ta.run("", "list"); !strings.Contains(ta.stdout.String(), "withdrawn") {
		t.Fatalf("list after erase (exit %d): %s", code, ta.stdout)
	}
	if code := ta.run("", "restore", "fabrikam"); code != 0 {
		t.Fatalf("restore: %s", ta.stderr)
	}
	if ta.run(req, "get"); !strings.Contains(ta.stdout.String(), pat) {
		t.Fatalf("get after restore: %q", ta.stdout)
	}
	if code := ta.run("protocol=https\nhost\n\n", "get"); code != ExitRuntime || ta.stdout.Len() != 0 || strings.Count(ta.stderr.String(), "\n") != 1 {
		t.Errorf("bad input: exit %d stdout %q stderr %q", code, ta.stdout, ta.stderr)
	}
}

// No vault yet: get answers nothing and says, in one line, which
// organisation has no PAT and the command that stores one; it creates
// nothing, so with nowhere to remember the line it comes every time.
func TestGetWithoutVaultIsAMissWithOneLine(t *testing.T) {
	ta := newTestApp(t)
	for i := 0; i < 2; i++ {
		code := ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/x/_git/y\n", "get")
		if code != 0 || ta.stdout.Len() != 0 || ta.stderr.String() != "git-credential-adopat: no PAT stored for the Azure DevOps organisation fabrikam, so git gets none from adopat; store one with: git-credential-adopat add --org fabrikam\n" {
			t.Fatalf("exit %d stdout %q stderr %q", code, ta.stdout, ta.stderr)
		}
	}
	if _, err := os.Stat(filepath.Dir(ta.env["ADOPAT_VAULT"])); !os.IsNotExist(err) {
		t.Errorf("get created the vault directory")
	}
}

func TestUnknownCommand(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run("protocol=https\n", "frobnicate"); code != 0 || ta.stdout.Len()+ta.stderr.Len() != 0 {
		t.Errorf("git-style unknown action: exit %d, output %q %q", code, ta.stdout, ta.stderr)
	}
	ta.OutputTerminal = func() bool { return true } // e.g. `echo $PAT | git-credential-adopat ad --org x`
	if code := ta.run("pat", "ad", "--org", "x"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `unknown command "ad"`) {
		t.Errorf("typo with stdout on a terminal: exit %d, stderr %q", code, ta.stderr)
	}
	ta.OutputTerminal = func() bool { return false }
	ta.Terminal = func() bool { return true }
	if code := ta.run("", "lsit"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `unknown command "lsit"`) {
		t.Errorf("typo at a terminal: exit %d, stderr %q", code, ta.stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	ta := newTestApp(t)
	for _, args := range [][]string{{"--help"}, {"help"}, {"add", "--help"}, {"help", "install"}} {
		if code := ta.run("", args...); code != 0 || !strings.Contains(ta.stdout.String(), "Exit codes") {
			t.Errorf("%v: exit %d, stdout %q", args, code, ta.stdout)
		}
	}
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "1.2.3", "0123456789abcdef0123456789abcdef01234567"
	want := "git-credential-adopat 1.2.3\ncommit: 0123456789abcdef0123456789abcdef01234567\ngo: " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	for _, args := range [][]string{{"version"}, {"--version"}, {"--backend", "file", "--version"}} {
		if code := ta.run("", args...); code != 0 || ta.stdout.String() != want || ta.stderr.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want stdout %q", args, code, ta.stdout, ta.stderr, want)
		}
	}
	// Without -ldflags (go run, go test) the version falls back to the
	// build info and the commit to "unknown" when the build was not
	// stamped; never an empty field.
	Version, Commit = "", ""
	if code := ta.run("", "version"); code != 0 || !strings.HasPrefix(ta.stdout.String(), "git-credential-adopat ") || strings.Contains(ta.stdout.String(), ": \n") {
		t.Errorf("unstamped version: exit %d, stdout %q", code, ta.stdout)
	}
	if code := ta.run(""); code != ExitUsage {
		t.Errorf("no command: exit %d", code)
	}
}

func TestLockAndUnlockNeedAPassphrase(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	for _, cmd := range []string{"lock", "unlock"} {
		if code := ta.run("", cmd); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "has no passphrase") {
			t.Errorf("%s without a passphrase: exit %d, stderr %q", cmd, code, ta.stderr)
		}
	}
	if code := ta.run("", "lock", "now"); code != ExitUsage {
		t.Errorf("lock now: exit %d", code)
	}
}

func TestRemoveUnknownScopeCreatesNothing(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run("", "remove", "nosuch"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "no token with scope") {
		t.Errorf("exit %d, stderr %q", code, ta.stderr)
	}
	if _, err := os.Stat(filepath.Dir(ta.env["ADOPAT_VAULT"])); !os.IsNotExist(err) {
		t.Errorf("remove of an unknown scope created the vault directory")
	}
}

// Each answer get gives is recorded without the secret; list and audit
// fold the record into the token's last use, count and repositories.
func TestUsageIsRecordedAndShown(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	if code := ta.run(pat, "add", "--org", "fabrikam"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	for _, repo := range []string{"web", "web", "api"} {
		if ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/"+repo+"\n", "get"); !strings.Contains(ta.stdout.String(), pat) {
			t.Fatalf("get %s: %q %q", repo, ta.stdout, ta.stderr)
		}
	}
	journal, err := os.ReadFile(ta.env["ADOPAT_VAULT"] + ".usage")
	if err != nil || strings.Contains(string(journal), pat) || strings.Count(string(journal), "\n") != 3 {
		t.Fatalf("journal (%v): %q", err, journal)
	}
	l := listJSON(t, ta)
	tok := l.Tokens[0]
	if tok.Uses != 3 || tok.LastUsed == nil || len(tok.Repos) != 2 || tok.Repos[0].Path == "" {
		t.Fatalf("after list: %+v", tok)
	}
	if ta.run("", "audit", "fabrikam"); !strings.Contains(ta.stdout.String(), "dev.azure.com/fabrikam/Website/_git/web") || !strings.Contains(ta.stdout.String(), "3 answers") {
		t.Errorf("audit: %s %s", ta.stdout, ta.stderr)
	}
	if _, err := os.Stat(ta.env["ADOPAT_VAULT"] + ".usage"); !os.IsNotExist(err) {
		t.Errorf("journal still there after folding: %v", err)
	}
}

// Near expiry, get answers and warns once a day, remembered across runs.
func TestExpiryWarningOncePerDay(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "3d"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	req := "protocol=https\nhost=dev.azure.com\npath=fabrikam/Web/_git/web\n"
	warnings := func() int {
		n := 0
		for i := 0; i < 3; i++ {
			ta.run(req, "get")
			if !strings.Contains(ta.stdout.String(), "password=") {
				t.Fatalf("no answer near expiry: %q %q", ta.stdout, ta.stderr)
			}
			n += strings.Count(ta.stderr.String(), "expires on")
		}
		return n
	}
	if n := warnings(); n != 1 {
		t.Errorf("first day: %d warnings in 3 gets, want 1", n)
	}
	ta.Now = func() time.Time { return fixedNow.Add(24 * time.Hour) }
	if n := warnings(); n != 1 {
		t.Errorf("next day: %d warnings in 3 gets, want 1", n)
	}
	ta.env["ADOPAT_EXPIRY_WARNING"] = "1d"
	if n := warnings(); n != 0 {
		t.Errorf("with a 1-day window: %d warnings", n)
	}
}

// In CI the environment's token answers with an empty vault and never
// lands in it.
func TestEnvTokenWithEmptyVault(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	ta.env["SYSTEM_ACCESSTOKEN"] = pat
	req := "protocol=https\nhost=dev.azure.com\npath=fabrikam/Web/_git/web\n"
	if code := ta.run(req, "get"); code != 0 || ta.stdout.String() != "username=adopat\npassword="+pat+"\n" || ta.stderr.Len() != 0 {
		t.Fatalf("get: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	for _, action := range []string{"store", "erase"} {
		if code := ta.run(req+"username=adopat\npassword="+pat+"\n", action); code != 0 || ta.stdout.Len()+ta.stderr.Len() != 0 {
			t.Fatalf("%s: exit %d %q %q", action, code, ta.stdout, ta.stderr)
		}
	}
	if _, err := os.Stat(filepath.Dir(ta.env["ADOPAT_VAULT"])); !os.IsNotExist(err) {
		t.Fatalf("the environment token created the vault directory (%v)", err)
	}
}

// Least privilege: write and full-access scopes are flagged in list and
// doctor; a read-only token is not.
func TestBroadScopesAreFlagged(t *testing.T) {
	ta := newTestApp(t)
	for org, scopes := range map[string]string{"readonly": "vso.code", "writer": "vso.code_write", "admin": "app_token"} {
		if code := ta.run(adotest.NewPAT(), "add", "--org", org, "--scopes", scopes, "--expires", "30d"); code != 0 {
			t.Fatalf("add %s: %s", org, ta.stderr)
		}
	}
	l := listJSON(t, ta)
	got := map[string]string{}
	for _, tok := range l.Tokens {
		got[tok.Scope] = tok.Privilege
	}
	if got["readonly"] != "read" || got["writer"] != "write" || got["admin"] != "full" {
		t.Errorf("privileges %v", got)
	}
	ta.run("", "list")
	if !strings.Contains(ta.stdout.String(), "app_token (FULL ACCESS!)") || !strings.Contains(ta.stdout.String(), "vso.code_write (write!)") || strings.Contains(ta.stdout.String(), "vso.code (") {
		t.Errorf("list:\n%s", ta.stdout)
	}
	ta.run("", "doctor")
	if !strings.Contains(ta.stdout.String(), "admin: recorded with full access") || !strings.Contains(ta.stdout.String(), "writer: recorded scopes allow writing") || strings.Contains(ta.stdout.String(), "readonly: recorded") {
		t.Errorf("doctor:\n%s", ta.stdout)
	}
}

func TestMetricsInPrometheusTextFormat(t *testing.T) {
	ta := newTestApp(t)
	pat := adotest.NewPAT()
	if code := ta.run(pat, "add", "--org", "fabrikam", "--label", `ci "nightly"`, "--expires", "30d", "--scopes", "vso.code"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/Web/_git/web\n", "get")
	out := filepath.Join(ta.dir, "adopat.prom")
	if code := ta.run("", "metrics", "--output", out); code != 0 {
		t.Fatalf("metrics: exit %d %s", code, ta.stderr)
	}
	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	labels := `{scope="fabrikam",label="ci \"nightly\""}`
	for _, want := range []string{
		"# TYPE adopat_token_expiry_timestamp_seconds gauge\n",
		fmt.Sprintf("adopat_token_expiry_timestamp_seconds%s %d\n", labels, fixedNow.Add(30*24*time.Hour).Unix()),
		fmt.Sprintf("adopat_token_last_used_timestamp_seconds%s %d\n", labels, fixedNow.Unix()),
		"adopat_token_uses_total" + labels + " 1\n",
		"adopat_token_withdrawn" + labels + " 0\n",
		`adopat_token_write_access{scope="fabrikam",label="ci \"nightly\"",privilege="read"} 0` + "\n",
		`adopat_tokens{backend="file"} 1` + "\n",
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(string(text), pat) {
		t.Error("metrics contain the PAT")
	}
}

// An already expired PAT can be recorded (its history is kept) but is never
// sent, and add says so.
func TestAddExpiredPATIsKeptButNeverSent(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "2026-01-31"); code != 0 || !strings.Contains(ta.stdout.String(), "EXPIRED 2026-01-31") || !strings.Contains(ta.stderr.String(), "git will not be sent it") {
		t.Fatalf("add expired: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/p/_git/r\n", "get")
	if ta.stdout.Len() != 0 || !strings.Contains(ta.stderr.String(), "expired on 2026-01-31") {
		t.Fatalf("get of an expired PAT: %q %q", ta.stdout, ta.stderr)
	}
	if code := ta.run(adotest.NewPAT(), "rotate", "fabrikam", "--no-verify", "--expires", "2026-01-31"); code != ExitUsage {
		t.Errorf("rotate to a past expiry: exit %d", code)
	}
}

func TestScopesAreTrimmed(t *testing.T) {
	ta := newTestApp(t)
	ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--scopes", "vso.code_write, vso.code,")
	tok := listJSON(t, ta).Tokens[0]
	if strings.Join(tok.Scopes, "|") != "vso.code_write|vso.code" || tok.Privilege != "write" {
		t.Errorf("scopes %q privilege %s", tok.Scopes, tok.Privilege)
	}
}

// getenv is the test App's environment: ta.env, and the process's home
// directory (TestMain's, or one a test sets with t.Setenv), where the
// default paths lead when no XDG variable is in ta.env.
func (ta *testApp) getenv(k string) string {
	if v, ok := ta.env[k]; ok || (k != "HOME" && k != "USERPROFILE") {
		return v
	}
	return os.Getenv(k)
}
