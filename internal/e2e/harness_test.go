package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// webURL is the repository the README's example clones.
const webURL = "https://dev.azure.com/fabrikam/Website/_git/web"

// cmdTimeout bounds one subprocess. A git waiting for a prompt that can
// never be answered would hang; the timeout turns that into a failure.
const cmdTimeout = 60 * time.Second

// startServer starts the stand-in and serves each repository URL.
func startServer(t *testing.T, opts adotest.Options, repoURLs ...string) *adotest.Server {
	t.Helper()
	srv := adotest.StartT(t, opts)
	for _, u := range repoURLs {
		if err := srv.AddRepo(u); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// fabrikamServer serves webURL and accepts a fresh random PAT for the
// organisation fabrikam, the setting of most tests.
func fabrikamServer(t *testing.T) (*adotest.Server, string) {
	t.Helper()
	srv := startServer(t, adotest.Options{}, webURL)
	return srv, acceptNewPAT(srv, "fabrikam")
}

// acceptNewPAT makes srv accept a fresh random PAT for org, and returns it.
func acceptNewPAT(srv *adotest.Server, org string) string {
	pat := adotest.NewPAT()
	srv.SetPAT(org, pat)
	return pat
}

// result is what one subprocess did.
type result struct {
	cmd    string
	stdout string
	stderr string
	code   int
}

func (r result) String() string {
	return fmt.Sprintf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", r.cmd, r.code, r.stdout, r.stderr)
}

// user is one person's machine: a HOME with its global git config, a vault,
// and the environment git and the helper run in.
type user struct {
	t     *testing.T
	home  string
	vault string
	env   []string
	// offline: no stand-in, so add cannot ask Azure DevOps about a PAT;
	// addPAT says --no-verify.
	offline bool
}

// newUser makes a user whose git talks to srv (nil: no server needed) and
// whose vault lives in the temporary HOME. Nothing is configured yet.
func newUser(t *testing.T, srv *adotest.Server) *user {
	t.Helper()
	home := t.TempDir()
	u := &user{t: t, home: home, vault: filepath.Join(home, "vault", "vault.age"), offline: srv == nil}
	u.env = slices.Clone(baseEnv)
	if srv != nil {
		// The helper asks Azure DevOps itself (erase's check, verify):
		// through the stand-in's proxy and CA, like git.
		u.env = append(u.env, srv.GitEnv(home)...)
		u.env = append(u.env, srv.GoClientEnv()...)
	} else {
		// No server: any question the helper asks fails at once on a
		// closed loopback port instead of leaving the machine.
		u.env = append(u.env, "HTTPS_PROXY=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1", "NO_PROXY=", "no_proxy=")
		u.env = append(u.env,
			"HOME="+home,
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"),
			"GIT_TERMINAL_PROMPT=0",
			"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		)
	}
	u.env = append(u.env, "ADOPAT_VAULT="+u.vault)
	return u
}

// installedUser is newUser after `git-credential-adopat install`, where
// most tests start.
func installedUser(t *testing.T, srv *adotest.Server) *user {
	t.Helper()
	u := newUser(t, srv)
	u.install()
	return u
}

// with returns the same user running with extra environment entries.
func (u *user) with(env ...string) *user {
	c := *u
	c.env = append(slices.Clone(u.env), env...)
	return &c
}

// exec runs one command in dir (HOME when empty). It does not touch u.t,
// so goroutines may call it; an error means the command could not run to
// completion (not found, timed out), not a non-zero exit.
func (u *user) exec(dir, stdin, name string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = u.env
	cmd.Dir = u.home
	if dir != "" {
		cmd.Dir = dir
	}
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// git's helper children may keep the pipes open after a kill.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	r := result{cmd: filepath.Base(name) + " " + strings.Join(args, " "), stdout: stdout.String(), stderr: stderr.String()}
	if ctx.Err() != nil {
		return r, fmt.Errorf("%s: no answer within %v (hung?)\n%s", r.cmd, cmdTimeout, r)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		return r, fmt.Errorf("%s: %v", r.cmd, err)
	}
	return r, nil
}

func (u *user) run(dir, stdin, name string, args ...string) result {
	u.t.Helper()
	r, err := u.exec(dir, stdin, name, args...)
	if err != nil {
		u.t.Fatal(err)
	}
	return r
}

// git runs git in dir (HOME when empty).
func (u *user) git(dir string, args ...string) result {
	u.t.Helper()
	return u.run(dir, "", "git", args...)
}

// mustGit runs git and returns its stdout, failing the test on a non-zero exit.
func (u *user) mustGit(dir string, args ...string) string {
	u.t.Helper()
	r := u.git(dir, args...)
	if r.code != 0 {
		u.t.Fatal(r)
	}
	return r.stdout
}

// adopat runs the built helper as a user would, stdin given.
func (u *user) adopat(stdin string, args ...string) result {
	u.t.Helper()
	return u.run("", stdin, helperPath, args...)
}

// mustAdopat runs the helper and returns its stdout; a non-zero exit or any
// stderr output fails the test.
func (u *user) mustAdopat(stdin string, args ...string) string {
	u.t.Helper()
	r := u.adopat(stdin, args...)
	if r.code != 0 || r.stderr != "" {
		u.t.Fatal(r)
	}
	return r.stdout
}

// install runs `git-credential-adopat install` with the given --server URLs.
func (u *user) install(servers ...string) {
	u.t.Helper()
	args := []string{"install"}
	for _, s := range servers {
		args = append(args, "--server", s)
	}
	u.mustAdopat("", args...)
}

// addPAT runs `git-credential-adopat add SCOPE-FLAGS...` with pat on stdin,
// the way `pass show x | git-credential-adopat add --org x` does. With a
// stand-in, add checks the PAT with it (the PAT must be the one SetPAT
// gave, or the flags say --no-verify); without one, it does not ask.
func (u *user) addPAT(pat string, scopeFlags ...string) {
	u.t.Helper()
	if u.offline && !slices.Contains(scopeFlags, "--no-verify") {
		scopeFlags = append(scopeFlags, "--no-verify")
	}
	out := u.mustAdopat(pat+"\n", append([]string{"add"}, scopeFlags...)...)
	if !strings.HasPrefix(out, "stored PAT for ") && !strings.HasPrefix(out, "replaced PAT for ") {
		u.t.Fatalf("add %v: unexpected output %q", scopeFlags, out)
	}
}

// clone runs `git clone` of repoURL into a fresh directory under HOME.
func (u *user) clone(repoURL string) (string, result) {
	u.t.Helper()
	dst, err := os.MkdirTemp(u.home, "clone-")
	if err != nil {
		u.t.Fatal(err)
	}
	return dst, u.git("", "clone", "--quiet", repoURL, dst)
}

// mustClone clones repoURL, checks the stand-in's README arrived and that
// git printed nothing on stderr (so neither did the helper), and returns
// the work tree.
func (u *user) mustClone(repoURL string) string {
	u.t.Helper()
	dst, r := u.clone(repoURL)
	if r.code != 0 {
		u.t.Fatalf("clone %s failed:\n%s", repoURL, r)
	}
	if r.stderr != "" {
		u.t.Errorf("clone %s succeeded but wrote to stderr:\n%s", repoURL, r.stderr)
	}
	readme, err := os.ReadFile(filepath.Join(dst, "README.md"))
	if err != nil || !strings.Contains(string(readme), "adotest") {
		u.t.Fatalf("clone of %s has no README from the stand-in: %v %q", repoURL, err, readme)
	}
	return dst
}

// mustFailClone clones repoURL, expects git to fail, and returns git's
// stderr. The subprocess timeout makes a hang fail the test too.
func (u *user) mustFailClone(repoURL string) string {
	u.t.Helper()
	_, r := u.clone(repoURL)
	if r.code == 0 {
		u.t.Fatalf("clone %s succeeded, want failure:\n%s", repoURL, r)
	}
	return r.stderr
}

// fill asks git, as a program would with `git credential fill`, which
// credential it would use for rawURL. ok is false when git got none.
func (u *user) fill(rawURL string) (cred map[string]string, r result, ok bool) {
	u.t.Helper()
	r = u.run("", "url="+rawURL+"\n\n", "git", "credential", "fill")
	if r.code != 0 {
		return nil, r, false
	}
	cred = map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		k, v, _ := strings.Cut(line, "=")
		cred[k] = v
	}
	return cred, r, true
}

// fillPassword returns the password git fills for rawURL, failing the test
// when there is none.
func (u *user) fillPassword(rawURL string) string {
	u.t.Helper()
	cred, r, ok := u.fill(rawURL)
	if !ok {
		u.t.Fatalf("git credential fill for %s found nothing:\n%s", rawURL, r)
	}
	return cred["password"]
}

// listedToken is the part of `list --json` the tests read.
type listedToken struct {
	Scope     string     `json:"scope"`
	Kind      string     `json:"kind"`
	Server    string     `json:"server"`
	Username  string     `json:"username"`
	Withdrawn *time.Time `json:"withdrawn"`
	Status    string     `json:"status"`
	LastUsed  *time.Time `json:"last_used"`
	Uses      int        `json:"uses"`
	Repos     []struct {
		Path string `json:"path"`
		Uses int    `json:"uses"`
	} `json:"repos"`
	Refusals []struct {
		Path    string `json:"path"`
		Verdict string `json:"verdict"`
	} `json:"refusals"`
}

// list returns the tokens `list --json` reports.
func (u *user) list() []listedToken {
	u.t.Helper()
	out := u.mustAdopat("", "list", "--json")
	var l struct {
		Backend string        `json:"backend"`
		Store   string        `json:"store"`
		Tokens  []listedToken `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		u.t.Fatalf("list --json: %v\n%s", err, out)
	}
	if l.Backend == "file" && l.Store != u.vault {
		u.t.Errorf("list --json reports vault %q, want %q (ADOPAT_VAULT)", l.Store, u.vault)
	}
	return l.Tokens
}

// token returns the listed token with the given scope.
func (u *user) token(scope string) listedToken {
	u.t.Helper()
	tokens := u.list()
	for _, tok := range tokens {
		if tok.Scope == scope {
			return tok
		}
	}
	u.t.Fatalf("no token %q in list --json: %+v", scope, tokens)
	return listedToken{}
}

// readVault returns the vault file's bytes.
func (u *user) readVault() []byte {
	u.t.Helper()
	b, err := os.ReadFile(u.vault)
	if err != nil {
		u.t.Fatal(err)
	}
	return b
}

// readGlobalConfig returns HOME/.gitconfig (GIT_CONFIG_GLOBAL).
func (u *user) readGlobalConfig() string {
	u.t.Helper()
	b, err := os.ReadFile(filepath.Join(u.home, ".gitconfig"))
	if err != nil {
		u.t.Fatal(err)
	}
	return string(b)
}

// assertNoAdopatNoise fails if the helper wrote anything into git's stderr
// (all its messages start with its name).
func assertNoAdopatNoise(t *testing.T, stderr string) {
	t.Helper()
	if strings.Contains(stderr, "adopat") {
		t.Errorf("stderr mentions adopat, want the helper silent:\n%s", stderr)
	}
}

// assertWithdrawnLine checks that a failed git run carries exactly one
// line from the helper, the one saying Azure DevOps found the PAT invalid,
// it was withdrawn, and how to restore it.
func assertWithdrawnLine(t *testing.T, stderr, scope string) {
	t.Helper()
	if n := strings.Count(stderr, "git-credential-adopat:"); n != 1 || !strings.Contains(stderr, "Azure DevOps says the PAT is not valid") ||
		!strings.Contains(stderr, "git-credential-adopat restore "+scope) {
		t.Errorf("want one line saying the PAT for %s was withdrawn and how to restore it:\n%s", scope, stderr)
	}
}

// assertAuth checks a server's counters: some successful requests and,
// unless failures are expected, no refused ones.
func assertAuth(t *testing.T, what string, st adotest.AuthStats, wantFailed bool) {
	t.Helper()
	if st.OK == 0 || (st.Failed != 0) != wantFailed {
		t.Errorf("%s: auth attempts %+v, want OK > 0 and failures %v", what, st, wantFailed)
	}
}

// assertNotUnderHome fails if any of secrets is in a file under u's HOME,
// and returns the files checked.
func assertNotUnderHome(t *testing.T, u *user, secrets map[string]string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(u.home, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files = append(files, path)
		for name, secret := range secrets {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s found in %s", name, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
