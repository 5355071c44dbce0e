//go:build linux

package e2e_test

// The keyring tests' harness: a user whose helper and CLI reach a
// keyringtest session, what secret-tool sees there, and checks that nothing
// prompted, activated or launched a daemon.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

// keyringService is the service name of adopat's items, as the README
// tells users to look for it in their keyring app.
const keyringService = "git-credential-adopat"

// keyringUser is a user whose helper and CLI reach a keyringtest session.
type keyringUser struct {
	*user
}

// startKeyring starts a session with a running Secret Service, after
// skipping t where the harness or one of the extra tools is missing.
func startKeyring(t *testing.T, extraTools ...string) *keyringtest.Session {
	t.Helper()
	keyringtest.Require(t, extraTools...)
	return keyringtest.Start(t)
}

// newKeyringUser is newUser (with srv, may be nil) using the OS keyring
// backend explicitly (ADOPAT_BACKEND=keyring), on s's session bus.
func newKeyringUser(t *testing.T, srv *adotest.Server, s *keyringtest.Session) keyringUser {
	t.Helper()
	return onKeyringBus(newUser(t, srv), s).with("ADOPAT_BACKEND=keyring")
}

// sessionMarker is the variable keyringtest marks its processes with
// (keyringtest's markerVar); a process spawned by a subprocess of ours
// inherits it, so Session.Close reports and kills any that survive.
const sessionMarker = "ADOPAT_KEYRINGTEST_SESSION"

// onKeyringBus points u's subprocesses at s's session bus: its bus address
// and runtime directory. The user keeps their own HOME and XDG
// directories, so the index and config stay in the user's HOME; an
// address inherited from the developer's desktop is dropped.
func onKeyringBus(u *user, s *keyringtest.Session) keyringUser {
	k := keyringUser{u}.withoutEnv("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", sessionMarker)
	var env []string
	for _, kv := range s.Env() {
		if k, _, _ := strings.Cut(kv, "="); k == "DBUS_SESSION_BUS_ADDRESS" || k == "XDG_RUNTIME_DIR" {
			env = append(env, kv)
		}
	}
	return k.with(append(env, sessionMarker+"="+filepath.Dir(s.Home))...)
}

// keyringHomeWithToken is a keyring-backend user whose index lists a token
// for org, stored while a Secret Service ran; that session is over when it
// returns, so the user is on no bus yet.
func keyringHomeWithToken(t *testing.T, org string) keyringUser {
	t.Helper()
	srv := startServer(t, adotest.Options{}, webURL)
	s := keyringtest.Start(t)
	u := newKeyringUser(t, srv, s)
	u.install()
	u.addPAT(adotest.NewPAT(), "--org", org, "--no-verify")
	s.Close()
	return u.withoutEnv("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", sessionMarker)
}

func (u keyringUser) with(env ...string) keyringUser { return keyringUser{u.user.with(env...)} }

// withoutEnv drops every entry of the given variables.
func (u keyringUser) withoutEnv(keys ...string) keyringUser {
	c := *u.user
	c.env = slices.DeleteFunc(slices.Clone(u.env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(keys, k)
	})
	return keyringUser{&c}
}

// lastEnvValue is the last value of key in env (the one a child sees).
func lastEnvValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, _ := strings.Cut(kv, "="); k == key {
			v = val
		}
	}
	return v
}

// xdgConfig is the user's config directory, as the helper finds it.
func (u keyringUser) xdgConfig() string {
	if d := lastEnvValue(u.env, "XDG_CONFIG_HOME"); d != "" {
		return d
	}
	return filepath.Join(u.home, ".config")
}

// keyringIndex is where the keyring backend keeps its index by default.
func (u keyringUser) keyringIndex() string {
	return filepath.Join(u.xdgConfig(), "adopat", "keyring-index.json")
}

// adopatConfig is adopat's own config file.
func (u keyringUser) adopatConfig() string { return filepath.Join(u.xdgConfig(), "adopat", "config") }

func (u keyringUser) readAdopatConfig() string {
	u.t.Helper()
	b, err := os.ReadFile(u.adopatConfig())
	if err != nil {
		u.t.Fatalf("adopat's config file: %v", err)
	}
	return string(b)
}

// keyringListing is `list --json` with its backend fields; Raw keeps every
// token field as printed, for comparisons of all metadata.
type keyringListing struct {
	Backend string            `json:"backend"`
	Store   string            `json:"store"`
	Reason  string            `json:"backend_reason"`
	Tokens  []listedToken     `json:"tokens"`
	Raw     []json.RawMessage `json:"-"`
}

// listing runs `list --json` with extra flags (e.g. --backend file).
func (u keyringUser) listing(flags ...string) keyringListing {
	u.t.Helper()
	out := u.mustAdopat("", append([]string{"list", "--json"}, flags...)...)
	var l keyringListing
	var raw struct {
		Tokens []json.RawMessage `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		u.t.Fatalf("list --json: %v\n%s", err, out)
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		u.t.Fatalf("list --json: %v\n%s", err, out)
	}
	l.Raw = raw.Tokens
	return l
}

// assertSameTokens compares two listings' tokens field by field, as
// printed, in any order, ignoring which backend holds them.
func assertSameTokens(t *testing.T, what string, want, got keyringListing) {
	t.Helper()
	norm := func(l keyringListing) []string {
		var out []string
		for _, r := range l.Raw {
			var m map[string]any
			if err := json.Unmarshal(r, &m); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(m) // sorted keys
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	w, g := norm(want), norm(got)
	if !slices.Equal(w, g) {
		t.Errorf("%s the tokens differ:\n got %s\nwant %s", what, strings.Join(g, "\n     "), strings.Join(w, "\n     "))
	}
}

// uses is the "uses" count `list --json` shows for scope.
func (u keyringUser) uses(scope string) int {
	u.t.Helper()
	l := u.listing()
	for i, tok := range l.Tokens {
		if tok.Scope == scope {
			var m struct {
				Uses int `json:"uses"`
			}
			if err := json.Unmarshal(l.Raw[i], &m); err != nil {
				u.t.Fatal(err)
			}
			return m.Uses
		}
	}
	u.t.Fatalf("no token %q in list --json", scope)
	return 0
}

// tokenSummary is "scope status" of each token, sorted.
func tokenSummary(tokens []listedToken) []string {
	var out []string
	for _, tok := range tokens {
		out = append(out, tok.Scope+" "+tok.Status)
	}
	slices.Sort(out)
	return out
}

// cloudGetRequest is what git sends the helper for webURL's organisation
// (install sets useHttpPath).
func cloudGetRequest(org string) string {
	return "protocol=https\nhost=dev.azure.com\npath=" + org + "/Website/_git/web\n\n"
}

// keyringAccounts lists, sorted, the username attribute of every item of
// adopat's service, as `secret-tool search --all` shows them (attributes
// go to its stderr, one block per item).
func keyringAccounts(t *testing.T, s *keyringtest.Session) []string {
	t.Helper()
	cmd := s.Command("secret-tool", "search", "--all", "service", keyringService)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("secret-tool search: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	accounts := []string{}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if a, ok := strings.CutPrefix(line, "attribute.username = "); ok {
			accounts = append(accounts, a)
		}
	}
	if items := strings.Count(stdout.String(), "\nsecret = ") + strings.Count("\n"+stdout.String(), "\n[/"); items != 2*len(accounts) {
		t.Errorf("secret-tool search shows %d item headers and secrets for %d username attributes:\n%s%s", items, len(accounts), stdout.String(), stderr.String())
	}
	slices.Sort(accounts)
	return accounts
}

// keyringSecret is `secret-tool lookup service git-credential-adopat
// username ACCOUNT`; ok is false when there is no such item.
func keyringSecret(t *testing.T, s *keyringtest.Session, account string) (string, bool) {
	t.Helper()
	return secretToolLookup(t, s, "service", keyringService, "username", account)
}

// secretToolLookup is `secret-tool lookup ATTRIBUTE VALUE...`: the secret
// of an item with those attributes; ok is false when there is none.
func secretToolLookup(t *testing.T, s *keyringtest.Session, attrs ...string) (string, bool) {
	t.Helper()
	cmd := s.Command("secret-tool", append([]string{"lookup"}, attrs...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) && stdout.Len() == 0 && stderr.Len() == 0 {
		return "", false // secret-tool's "not found": exit 1, silent
	}
	if err != nil {
		t.Fatalf("secret-tool lookup %s: %v\n%s", strings.Join(attrs, " "), err, stderr.String())
	}
	return stdout.String(), true
}

// assertNoPromptNorActivation fails if, from the mark-th Secret Service
// call on, anything asked for a prompt (on a desktop a dialog, which
// go-keyring would wait on forever), or, when the collection was locked
// all that time, for an unlock (go-keyring's Service.Unlock, harmless on
// an unlocked collection, is what prompts on a locked one); and if the bus
// had to activate a second Secret Service.
func assertNoPromptNorActivation(t *testing.T, s *keyringtest.Session, mark int, locked bool) {
	t.Helper()
	for _, c := range s.SecretCalls()[mark:] {
		if strings.HasPrefix(c, "org.freedesktop.Secret.Prompt.") || (locked && c == "org.freedesktop.Secret.Service.Unlock") {
			t.Errorf("a Secret Service prompt or unlock was requested (%s)", c)
		}
	}
	if s.Activated() {
		t.Error("something made the bus activate a Secret Service")
	}
}

// assertOneAdopatLine checks that stderr holds exactly one line from the
// helper, "git-credential-adopat: ..." with each of want in it, and
// returns it.
func assertOneAdopatLine(t *testing.T, what, stderr string, want ...string) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "adopat") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "git-credential-adopat: ") {
		t.Errorf("%s: want exactly one line from the helper, got:\n%s", what, stderr)
		return strings.Join(lines, "\n")
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("%s: the helper's line does not say %q:\n%s", what, w, lines[0])
		}
	}
	return lines[0]
}

// sessionKeyringDaemon is the pid of s's gnome-keyring-daemon: the one
// carrying s's session marker.
func sessionKeyringDaemon(t *testing.T, s *keyringtest.Session) int {
	t.Helper()
	own := sessionMarker + "=" + filepath.Dir(s.Home)
	for pid, name := range daemonProcs(t) {
		env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		if name == "gnome-keyring-d" && err == nil && slices.Contains(strings.Split(string(env), "\x00"), own) {
			return pid
		}
	}
	t.Fatal("the session's gnome-keyring-daemon is not running")
	return 0
}

// daemonNames are the processes a bus autolaunch or a Secret Service
// activation would leave behind, by the kernel's 15-character process name
// (what `pgrep -x` matches).
var daemonNames = []string{"dbus-daemon", "dbus-launch", "gnome-keyring-d"}

// daemonProcs maps the pid of every running process named in daemonNames
// to its name: `pgrep -x` for each, read from /proc directly so that CI
// images without procps run these tests too.
func daemonProcs(t *testing.T) map[int]string {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	procs := map[int]string{}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile("/proc/" + d.Name() + "/comm")
		if name := strings.TrimSuffix(string(comm), "\n"); err == nil && slices.Contains(daemonNames, name) {
			procs[pid] = name
		}
	}
	return procs
}

// assertNoNewDaemons fails if a daemon of daemonNames that was not in
// before is running now and is u's: its environment carries u's HOME (a
// bus or daemon the helper launched inherits it) or u's keyringtest
// session marker (a service that session's bus activated). New daemons
// with neither belong to something else on the machine (another test
// binary, another user's session) and are only logged.
func assertNoNewDaemons(t *testing.T, before map[int]string, u keyringUser) {
	t.Helper()
	ours := []string{"HOME=" + u.home}
	if m := lastEnvValue(u.env, sessionMarker); m != "" {
		ours = append(ours, sessionMarker+"="+m)
	}
	for pid, name := range daemonProcs(t) {
		if _, old := before[pid]; old {
			continue
		}
		proc := "/proc/" + strconv.Itoa(pid)
		env, err := os.ReadFile(proc + "/environ")
		if err != nil || isZombie(proc) {
			continue // gone meanwhile: nothing left behind
		}
		cmdline, _ := os.ReadFile(proc + "/cmdline")
		what := fmt.Sprintf("%s (pid %d: %s)", name, pid, strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " ")))
		if slices.ContainsFunc(strings.Split(string(env), "\x00"), func(kv string) bool { return slices.Contains(ours, kv) }) {
			t.Errorf("a new %s was started for this user and is still running", what)
		} else {
			t.Logf("note: a new %s is running, not started for this user", what)
		}
	}
}

// isZombie reports whether the process at /proc/PID has exited and only
// waits to be reaped.
func isZombie(proc string) bool {
	stat, err := os.ReadFile(proc + "/stat")
	i := strings.LastIndexByte(string(stat), ')') // the state follows "(comm)"
	return err != nil || (i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z')
}

func sortedAccounts(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func pathExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
