//go:build linux

package e2e_test

// A locked, unanswering or absent Secret Service, or no session bus: git
// gets no answer and one line, nothing hangs past the keyring timeout,
// nothing is prompted for, activated or launched (see keyring_test.go for
// how these tests run).

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

// A locked collection: git's clone fails cleanly, the helper answering
// nothing and printing one line about the locked keyring. The helper's
// keyring timeout is set far beyond the harness's command timeout, so the
// clone can only have ended because the lock was detected before any
// keyring call, not because a call timed out. Nothing asked for an unlock
// or a prompt, the collection stays locked, no daemon was started, and
// once the user unlocks it the same clone works.
func TestKeyringLockedFailsCleanlyWithoutPromptOrLeftovers(t *testing.T) {
	s := startKeyring(t)
	srv, pat := fabrikamServer(t)

	u := newKeyringUser(t, srv, s).with("ADOPAT_KEYRING_TIMEOUT=10min")
	u.install()
	u.addPAT(pat, "--org", "fabrikam", "--no-verify") // no credential may reach the stand-in
	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	before := daemonProcs(t)
	mark := len(s.SecretCalls())

	stderr := u.mustFailClone(webURL)
	line := assertOneAdopatLine(t, "clone with the keyring locked", stderr, "locked", "unlock")
	if strings.Contains(line, "did not answer") {
		t.Errorf("the locked keyring was only noticed by a timeout: %q", line)
	}
	if st := srv.AuthAttempts("fabrikam"); st.OK != 0 || st.Failed != 0 {
		t.Errorf("auth attempts %+v, want no credentials sent", st)
	}
	// git does not erase what it never got: the token is untouched.
	if tok := u.token("fabrikam"); tok.Status != "active" {
		t.Errorf("after the failed clone the token is %+v, want active", tok)
	}

	r := u.adopat(cloudGetRequest("fabrikam"), "get")
	if r.stdout != "" {
		t.Errorf("get with the keyring locked answered:\n%s", r)
	}
	assertOneAdopatLine(t, "get with the keyring locked", r.stderr, "locked")

	assertNoNewDaemons(t, before, u)
	assertNoPromptNorActivation(t, s, mark, true)
	if locked, err := s.Locked(); err != nil || !locked {
		t.Errorf("the collection is no longer locked (%v, %v): something unlocked it", locked, err)
	}

	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	u.mustClone(webURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
}

// A Secret Service that owns its name but does not answer (here: stopped
// with SIGSTOP, as a wedged daemon or one waiting on a dialog): every
// keyring call is bounded by the keyring timeout, after which the helper
// answers nothing and prints one line saying the keyring did not answer.
// Once the daemon answers again, the same clone works.
func TestKeyringUnresponsiveSecretServiceIsBoundedByTimeout(t *testing.T) {
	s := startKeyring(t)
	srv, pat := fabrikamServer(t)
	u := newKeyringUser(t, srv, s).with("ADOPAT_KEYRING_TIMEOUT=1s")
	u.install()
	u.addPAT(pat, "--org", "fabrikam")

	daemon := sessionKeyringDaemon(t, s)
	if err := syscall.Kill(daemon, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			if err := syscall.Kill(daemon, syscall.SIGCONT); err != nil {
				t.Error(err)
			}
		}
	}
	t.Cleanup(resume) // before the session's Close, which must be able to end it
	before := daemonProcs(t)

	r := u.adopat(cloudGetRequest("fabrikam"), "get")
	if r.stdout != "" {
		t.Errorf("get with the Secret Service stopped answered:\n%s", r)
	}
	assertOneAdopatLine(t, "get with the Secret Service stopped", r.stderr, "did not answer within 1s", "--backend file")
	assertOneAdopatLine(t, "clone with the Secret Service stopped", u.mustFailClone(webURL), "did not answer within 1s")
	assertNoNewDaemons(t, before, u)

	resume()
	u.mustClone(webURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertNoPromptNorActivation(t, s, 0, false)
}

// ADOPAT_BACKEND=keyring on a bus where no Secret Service runs (the user's
// keyring daemon is not started; one is activatable): get answers nothing
// and prints one line saying so, and starts nothing. `list` still works,
// from the index.
func TestKeyringNoSecretServiceOnBusGivesOneLineAndSpawnsNothing(t *testing.T) {
	keyringtest.Require(t)
	home := keyringHomeWithToken(t, "fabrikam")
	s := keyringtest.BusOnly(t)
	u := onKeyringBus(home.user, s)
	before := daemonProcs(t)

	r := u.adopat(cloudGetRequest("fabrikam"), "get")
	if r.stdout != "" {
		t.Errorf("get without a Secret Service answered:\n%s", r)
	}
	assertOneAdopatLine(t, "get without a Secret Service", r.stderr, "no Secret Service", "--backend file")
	stderr := u.mustFailClone(webURL)
	assertOneAdopatLine(t, "clone without a Secret Service", stderr, "no Secret Service")

	if l := u.listing(); l.Backend != "keyring" || len(l.Tokens) != 1 {
		t.Errorf("list --json without a Secret Service: backend %q, %d tokens; want the keyring index's 1", l.Backend, len(l.Tokens))
	}
	assertNoNewDaemons(t, before, u)
	if s.Activated() {
		t.Error("the helper made the bus activate a Secret Service")
	}
	if calls := s.SecretCalls(); len(calls) > 0 {
		t.Errorf("Secret Service calls on a bus without one: %v", calls)
	}
}

// ADOPAT_BACKEND=keyring with no session bus at all (a headless host:
// DBUS_SESSION_BUS_ADDRESS unset, an XDG_RUNTIME_DIR without a bus socket),
// or with an autolaunch: address: get answers nothing and prints one line,
// and neither dbus-launch nor a dbus-daemon is started. A dbus-launch stub
// first on PATH records any attempt, so this holds where the real one is
// not installed too.
func TestKeyringNoBusGivesOneLineAndNeverLaunchesOne(t *testing.T) {
	keyringtest.Require(t)
	home := keyringHomeWithToken(t, "fabrikam")
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"unset", nil, "no D-Bus session bus"},
		{"autolaunch", []string{"DBUS_SESSION_BUS_ADDRESS=autolaunch:"}, "autolaunch:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stubs := t.TempDir()
			launched := filepath.Join(stubs, "launched")
			stub := "#!/bin/sh\necho \"$0 $*\" >>'" + launched + "'\nexit 1\n"
			for _, name := range []string{"dbus-launch", "dbus-daemon"} {
				if err := os.WriteFile(filepath.Join(stubs, name), []byte(stub), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			u := home.withoutEnv("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "PATH").
				with(append([]string{"XDG_RUNTIME_DIR=" + t.TempDir(), "PATH=" + stubs + string(os.PathListSeparator) + lastEnvValue(home.env, "PATH")}, tc.env...)...)
			before := daemonProcs(t)

			r := u.adopat(cloudGetRequest("fabrikam"), "get")
			if r.stdout != "" {
				t.Errorf("get without a bus answered:\n%s", r)
			}
			assertOneAdopatLine(t, "get without a bus", r.stderr, tc.want, "--backend file")
			stderr := u.mustFailClone(webURL)
			assertOneAdopatLine(t, "clone without a bus", stderr, tc.want)

			if b, err := os.ReadFile(launched); err == nil {
				t.Errorf("the helper tried to start a bus:\n%s", b)
			}
			assertNoNewDaemons(t, before, u)
		})
	}
}
