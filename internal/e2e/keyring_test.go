//go:build linux

package e2e_test

// End-to-end tests of the OS keyring backend against a real gnome-keyring
// on a private session bus (internal/keyringtest, hence Linux only): the
// built helper run by the real git, the CLI run as a user would, and
// secret-tool as the user's own view of the keyring.
//
// None of these tests is parallel: each starts its own keyring session and
// some compare the machine's daemon processes before and after. Hangs are
// bounded by the harness's command timeout; nothing here is timed.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

// keyringService is the service name of adopat's items, as the README
// tells users to look for it in their keyring app.
const keyringService = "git-credential-adopat"

// `add` under ADOPAT_BACKEND=keyring puts each PAT in its own keyring item,
// found by secret-tool under the service with the scope as the username
// attribute; the PAT is in no file under HOME (not in the index, which
// does exist, and no vault is created); `list` says which backend is used
// and why.
func TestKeyringAddPutsPATInSecretServiceAndNowhereElse(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	fab, proj := adotest.NewPAT(), adotest.NewPAT()

	u := newKeyringUser(t, nil, s)
	out := u.mustAdopat(fab+"\n", "add", "--org", "fabrikam", "--no-verify")
	if !strings.Contains(out, "Secret Service") || !strings.Contains(out, u.keyringIndex()) {
		t.Errorf("add says %q, want it to name the Secret Service and the index %s", out, u.keyringIndex())
	}
	u.addPAT(proj, "--org", "fabrikam", "--project", "Website")

	if got, want := keyringAccounts(t, s), []string{"fabrikam", "fabrikam/Website"}; !slices.Equal(got, want) {
		t.Errorf("secret-tool search finds items for %q, want %q", got, want)
	}
	for account, pat := range map[string]string{"fabrikam": fab, "fabrikam/Website": proj} {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("secret-tool lookup username %s: found %v, the PAT: %v", account, ok, got == pat)
		}
	}

	index, err := os.ReadFile(u.keyringIndex())
	if err != nil {
		t.Fatalf("the keyring index: %v", err)
	}
	if !strings.Contains(string(index), "fabrikam/Website") {
		t.Errorf("the index %s does not list the tokens:\n%s", u.keyringIndex(), index)
	}
	if files := assertNotUnderHome(t, u.user, map[string]string{"fabrikam's PAT": fab, "the project's PAT": proj}); !slices.Contains(files, u.keyringIndex()) {
		t.Errorf("the index was not among the files checked: %v", files)
	}
	if _, err := os.Lstat(u.vault); !os.IsNotExist(err) {
		t.Errorf("the keyring backend created the vault %s (%v)", u.vault, err)
	}

	l := u.listing()
	if l.Backend != "keyring" || l.Store != u.keyringIndex() || !strings.Contains(l.Reason, "ADOPAT_BACKEND") || len(l.Tokens) != 2 {
		t.Errorf("list --json: backend %q, store %q, reason %q, %d tokens; want keyring, the index, set by ADOPAT_BACKEND, 2 tokens",
			l.Backend, l.Store, l.Reason, len(l.Tokens))
	}
	if out := u.mustAdopat("", "list"); !strings.Contains(out, "backend: Secret Service") || !strings.Contains(out, "ADOPAT_BACKEND") {
		t.Errorf("list does not say which backend and why:\n%s", out)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// With the keyring backend a clone set up as a user would (install, add)
// works; a PAT the server refuses makes git fail at once, and git's erase
// withdraws the token without destroying it: the item stays in the keyring,
// `restore` brings it back, and the clone works again.
func TestKeyringCloneAndWrongPATIsWithdrawnNotDestroyed(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	srv, pat := fabrikamServer(t)

	u := newKeyringUser(t, srv, s)
	u.install()
	u.addPAT(pat, "--org", "fabrikam")
	mark := len(s.SecretCalls())
	u.mustClone(webURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	if calls := s.SecretCalls()[mark:]; !slices.Contains(calls, "org.freedesktop.Secret.Service.GetSecrets") &&
		!slices.Contains(calls, "org.freedesktop.Secret.Item.GetSecret") {
		t.Errorf("the clone read no secret from the Secret Service (calls %v): the keyring backend was not used", calls)
	}

	srv.SetPAT("fabrikam", adotest.NewPAT()) // the stored PAT is refused from now on
	assertWithdrawnLine(t, u.mustFailClone(webURL), "fabrikam")
	if tok := u.token("fabrikam"); tok.Status != "withdrawn" {
		t.Fatalf("after the 401 the token is %+v, want withdrawn", tok)
	}
	if got, ok := keyringSecret(t, s, "fabrikam"); !ok || got != pat {
		t.Fatalf("after the 401 the keyring item is found: %v, holds the PAT: %v; want it kept", ok, got == pat)
	}
	if cred, r, ok := u.fill(webURL); ok {
		t.Errorf("a withdrawn token still answers git (username %q)\n%s", cred["username"], r)
	}

	u.mustAdopat("", "restore", "fabrikam")
	if got := u.fillPassword(webURL); got != pat {
		t.Fatal("restore did not bring back the PAT from the keyring")
	}
	srv.SetPAT("fabrikam", pat)
	u.mustClone(webURL)
	if tok := u.token("fabrikam"); tok.Status != "active" {
		t.Errorf("after restore and a good clone the token is %+v, want active", tok)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// auto, with nothing stored yet and no vault named: a running Secret
// Service makes it the keyring, and `list`, `doctor` and `add` say so.
func TestKeyringAutoChoosesRunningSecretService(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	pat := adotest.NewPAT()
	u := onKeyringBus(newUser(t, nil), s).withoutEnv("ADOPAT_VAULT")

	l := u.listing()
	if l.Backend != "keyring" || !strings.Contains(l.Reason, "auto") || !strings.Contains(l.Reason, "Secret Service") {
		t.Errorf("list --json before any add: backend %q, reason %q; want keyring, auto, naming the Secret Service", l.Backend, l.Reason)
	}
	if pathExists(u.keyringIndex()) {
		t.Errorf("list created the keyring index %s", u.keyringIndex())
	}
	if r := u.adopat("", "doctor"); !strings.Contains(r.stdout, "backend: Secret Service") || !strings.Contains(r.stdout, "auto: Secret Service") {
		t.Errorf("doctor does not say the keyring was chosen because a Secret Service runs:\n%s", r)
	}

	u.addPAT(pat, "--org", "fabrikam")
	if got, ok := keyringSecret(t, s, "fabrikam"); !ok || got != pat {
		t.Errorf("after add under auto the keyring item is found: %v, holds the PAT: %v", ok, got == pat)
	}
	if vault := filepath.Join(u.home, ".local", "share", "adopat", "vault.age"); pathExists(vault) {
		t.Errorf("add under auto also created the vault %s", vault)
	}
	if l := u.listing(); l.Backend != "keyring" || !strings.Contains(l.Reason, "auto") || len(l.Tokens) != 1 {
		t.Errorf("list --json after add: backend %q, reason %q, %d tokens; want keyring (auto) with the token", l.Backend, l.Reason, len(l.Tokens))
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// auto on a session bus without a Secret Service (one merely activatable):
// the age vault, with the reason given, and nothing activated.
func TestKeyringAutoFallsBackToFileWithoutSecretService(t *testing.T) {
	s := keyringtest.BusOnly(t)
	u := onKeyringBus(newUser(t, nil), s).withoutEnv("ADOPAT_VAULT")

	l := u.listing()
	if l.Backend != "file" || !strings.Contains(l.Reason, "auto") || !strings.Contains(l.Reason, "no Secret Service") {
		t.Errorf("list --json: backend %q, reason %q; want file, auto, because no Secret Service runs", l.Backend, l.Reason)
	}
	u.addPAT(adotest.NewPAT(), "--org", "fabrikam")
	if l := u.listing(); l.Backend != "file" || !pathExists(l.Store) || len(l.Tokens) != 1 {
		t.Errorf("list --json after add: backend %q, store %q (exists: %v), %d tokens; want the token in the vault",
			l.Backend, l.Store, pathExists(l.Store), len(l.Tokens))
	}
	if pathExists(u.keyringIndex()) {
		t.Errorf("the file backend created the keyring index %s", u.keyringIndex())
	}
	if s.Activated() {
		t.Error("choosing the backend made the bus activate a Secret Service")
	}
	if calls := s.SecretCalls(); len(calls) > 0 {
		t.Errorf("Secret Service calls on a bus without one: %v", calls)
	}
}

// A locked collection: git's clone fails cleanly, the helper answering
// nothing and printing one line about the locked keyring. The helper's
// keyring timeout is set far beyond the harness's command timeout, so the
// clone can only have ended because the lock was detected before any
// keyring call, not because a call timed out. Nothing asked for an unlock
// or a prompt, the collection stays locked, no daemon was started, and
// once the user unlocks it the same clone works.
func TestKeyringLockedFailsCleanlyWithoutPromptOrLeftovers(t *testing.T) {
	keyringtest.Require(t)
	s := keyringtest.Start(t)
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
	keyringtest.Require(t)
	s := keyringtest.Start(t)
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

// A keyring item deleted in the keyring's own UI (here secret-tool clear):
// get answers nothing and prints one line naming the scope and the add
// command that stores it again; the other organisation's token keeps
// working; `list` shows it missing; and running the suggested command
// repairs it.
func TestKeyringItemDeletedBehindOurBack(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	fab, con := adotest.NewPAT(), adotest.NewPAT()
	srv.SetPAT("fabrikam", fab)
	srv.SetPAT("contoso", con)

	u := newKeyringUser(t, srv, s)
	u.install()
	u.addPAT(fab, "--org", "fabrikam")
	u.addPAT(con, "--org", "contoso")
	if out, err := s.Command("secret-tool", "clear", "service", keyringService, "username", "fabrikam").CombinedOutput(); err != nil {
		t.Fatalf("secret-tool clear: %v: %s", err, out)
	}

	r := u.adopat(cloudGetRequest("fabrikam"), "get")
	if r.stdout != "" {
		t.Errorf("get for the deleted item answered:\n%s", r)
	}
	line := assertOneAdopatLine(t, "get for the deleted item", r.stderr, "fabrikam", "missing", "git-credential-adopat add --org fabrikam")
	assertOneAdopatLine(t, "clone for the deleted item", u.mustFailClone(webURL), "fabrikam", "git-credential-adopat add --org fabrikam")

	u.mustClone(contosoURL)
	assertAuth(t, "contoso", srv.AuthAttempts("contoso"), false)
	// list reads each item: the deleted one is missing, not active.
	if got := tokenSummary(u.list()); !slices.Equal(got, []string{"contoso active", "fabrikam missing"}) {
		t.Errorf("list after the deletion shows %q, want contoso active and fabrikam missing", got)
	}
	if out := u.mustAdopat("", "list"); !strings.Contains(out, "missing (keyring item deleted; `add` it again)") {
		t.Errorf("list after the deletion:\n%s", out)
	}

	// The command the line suggests, run as printed, repairs the token.
	_, readd, _ := strings.Cut(line, "store it again with: ")
	args := strings.Fields(readd)
	if len(args) < 2 || args[0] != "git-credential-adopat" {
		t.Fatalf("no command to run in %q", line)
	}
	u.mustAdopat(fab+"\n", args[1:]...)
	u.mustClone(webURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertNoPromptNorActivation(t, s, 0, false)
}

// migrate --to keyring moves three tokens (organisation, project, declared
// server; with labels, expiries, scopes, one withdrawn) with every piece of
// metadata, empties the vault and records the backend in the config file;
// clones keep working. migrate --to file brings back exactly the same,
// and leaves no item in the keyring.
func TestKeyringMigrateBothWaysLosesNothing(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	const (
		server  = "https://tfs.example.test"
		tfsURL  = server + "/tfs/DefaultCollection/Website/_git/web"
		shopURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	)
	srv := startServer(t, adotest.Options{ExtraHosts: []string{"tfs.example.test"}}, webURL, shopURL, tfsURL)
	pats := map[string]string{"fabrikam": adotest.NewPAT(), "contoso/Shop": adotest.NewPAT(), "https://jdoe@tfs.example.test": adotest.NewPAT()}
	srv.SetPAT("fabrikam", pats["fabrikam"])
	srv.SetHostPAT("tfs.example.test", pats["https://jdoe@tfs.example.test"])

	// A file-backend user (auto: ADOPAT_VAULT is set) whose keyring runs.
	u := onKeyringBus(newUser(t, srv), s)
	u.install(server)
	u.addPAT(pats["fabrikam"], "--org", "fabrikam", "--label", "laptop", "--expires", "90d", "--scopes", "vso.code")
	u.addPAT(pats["contoso/Shop"], "--org", "contoso", "--project", "Shop", "--label", "shop, read-only", "--scopes", "vso.code,vso.packaging", "--no-verify") // withdrawn below
	u.addPAT(pats["https://jdoe@tfs.example.test"], "--server", server, "--username", "jdoe", "--label", "on-prem", "--expires", "2099-06-30", "--scopes", "vso.code_write")
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	// git's erase withdraws the project token (as after a 401).
	u.run("", "url="+shopURL+"\n\n", "git", "credential", "reject")
	if tok := u.token("contoso/Shop"); tok.Status != "withdrawn" {
		t.Fatalf("git credential reject left %+v, want withdrawn", tok)
	}
	before := u.listing()
	if before.Backend != "file" || len(before.Tokens) != 3 {
		t.Fatalf("before migrate: backend %q, %d tokens; want the vault's 3", before.Backend, len(before.Tokens))
	}

	out := u.mustAdopat("", "migrate", "--to", "keyring")
	if !strings.Contains(out, "moved 3 tokens") || !strings.Contains(out, "verified") {
		t.Errorf("migrate --to keyring says %q, want 3 tokens moved and verified", out)
	}
	in := u.listing()
	if in.Backend != "keyring" || !strings.Contains(in.Reason, "config file") {
		t.Errorf("after migrate --to keyring: backend %q, reason %q; want keyring, set by the config file", in.Backend, in.Reason)
	}
	assertSameTokens(t, "after migrate --to keyring", before, in)
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = keyring") {
		t.Errorf("the config file says:\n%s\nwant backend = keyring", cfg)
	}
	if vault := u.listing("--backend", "file"); len(vault.Tokens) != 0 {
		t.Errorf("the vault still lists %d tokens after migrate --to keyring", len(vault.Tokens))
	}
	if got, want := keyringAccounts(t, s), sortedAccounts(pats); !slices.Equal(got, want) {
		t.Errorf("secret-tool search finds items for %q, want %q", got, want)
	}
	for account, pat := range pats {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("keyring item %s: found %v, holds the PAT: %v", account, ok, got == pat)
		}
	}
	assertNotUnderHome(t, u.user, pats)
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	if cred, r, ok := u.fill(shopURL); ok {
		t.Errorf("the withdrawn token answers git after migrate (username %q)\n%s", cred["username"], r)
	}
	before = u.listing() // the clones count as uses

	out = u.mustAdopat("", "migrate", "--to", "file")
	if !strings.Contains(out, "moved 3 tokens") {
		t.Errorf("migrate --to file says %q, want 3 tokens moved", out)
	}
	back := u.listing()
	if back.Backend != "file" || back.Store != u.vault {
		t.Errorf("after migrate --to file: backend %q, store %q; want the vault %s", back.Backend, back.Store, u.vault)
	}
	assertSameTokens(t, "after migrate --to file", before, back)
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = file") {
		t.Errorf("the config file says:\n%s\nwant backend = file", cfg)
	}
	if got := keyringAccounts(t, s); len(got) != 0 {
		t.Errorf("after migrate --to file the keyring still holds items for %q", got)
	}
	if idx := u.listing("--backend", "keyring"); len(idx.Tokens) != 0 {
		t.Errorf("the keyring index still lists %d tokens after migrate --to file", len(idx.Tokens))
	}
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertAuth(t, "tfs.example.test", srv.HostAuthAttempts("tfs.example.test"), false)
	assertNoPromptNorActivation(t, s, 0, false)
}

// The uses `get` records (list's LAST USED and USES) travel with the
// tokens too, including those recorded since the last `list`: a clone
// right before each migrate is counted after it.
func TestKeyringMigrateKeepsUsesRecordedSinceLastList(t *testing.T) {
	keyringtest.Require(t)
	s := keyringtest.Start(t)
	srv, pat := fabrikamServer(t)
	u := onKeyringBus(newUser(t, srv), s)
	u.install()
	u.addPAT(pat, "--org", "fabrikam")

	u.mustClone(webURL) // from the vault, not listed yet
	u.mustAdopat("", "migrate", "--to", "keyring")
	if got := u.uses("fabrikam"); got != 1 {
		t.Errorf("after migrate --to keyring fabrikam shows %d uses, want the clone's 1", got)
	}
	u.mustClone(webURL) // from the keyring, not listed yet
	u.mustAdopat("", "migrate", "--to", "file")
	if got := u.uses("fabrikam"); got != 2 {
		t.Errorf("after migrate --to file fabrikam shows %d uses, want the two clones' 2", got)
	}
}

// A migration the keyring cannot complete, because it is locked, fails
// saying the source is untouched, and it is: every token where it was,
// nothing half-written to the destination, the config file unchanged. Both
// directions; once unlocked, the migration to the keyring goes through.
func TestKeyringMigrateThatCannotCompleteKeepsSource(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	u := onKeyringBus(newUser(t, nil), s)
	pats := map[string]string{"fabrikam": adotest.NewPAT(), "contoso/Shop": adotest.NewPAT()}
	u.addPAT(pats["fabrikam"], "--org", "fabrikam", "--label", "laptop")
	u.addPAT(pats["contoso/Shop"], "--org", "contoso", "--project", "Shop", "--scopes", "vso.code")
	before := u.listing()

	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	r := u.adopat("", "migrate", "--to", "keyring")
	if r.code == 0 {
		t.Fatalf("migrate --to keyring with the keyring locked succeeded:\n%s", r)
	}
	assertOneAdopatLine(t, "migrate --to keyring, keyring locked", r.stderr, "locked", "untouched")
	assertSameTokens(t, "the vault after the failed migrate --to keyring", before, u.listing())
	if pathExists(u.adopatConfig()) {
		t.Errorf("a failed migrate wrote the config file:\n%s", u.readAdopatConfig())
	}
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if got := keyringAccounts(t, s); len(got) != 0 {
		t.Errorf("the failed migrate left keyring items for %q", got)
	}
	if idx := u.listing("--backend", "keyring"); len(idx.Tokens) != 0 {
		t.Errorf("the failed migrate left %d tokens in the keyring index", len(idx.Tokens))
	}

	u.mustAdopat("", "migrate", "--to", "keyring")
	in := u.listing()
	assertSameTokens(t, "after migrate --to keyring", before, in)

	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	r = u.adopat("", "migrate", "--to", "file")
	if r.code == 0 {
		t.Fatalf("migrate --to file with the keyring locked succeeded:\n%s", r)
	}
	assertOneAdopatLine(t, "migrate --to file, keyring locked", r.stderr, "reading", "locked")
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	assertSameTokens(t, "the keyring after the failed migrate --to file", before, u.listing())
	if vault := u.listing("--backend", "file"); len(vault.Tokens) != 0 {
		t.Errorf("the failed migrate --to file wrote %d tokens to the vault", len(vault.Tokens))
	}
	for account, pat := range pats {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("keyring item %s after the failed migrate: found %v, holds the PAT: %v", account, ok, got == pat)
		}
	}
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = keyring") {
		t.Errorf("the failed migrate --to file changed the config file:\n%s", cfg)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// git's own store, get and erase (git credential approve, fill, reject)
// for a declared server behave with the keyring backend exactly as with
// the age vault: the same answers step by step and the same tokens in the
// end. With the keyring, erase keeps the items (withdrawn, not
// destroyed), `remove` deletes them, and a clone is answered from them.
func TestKeyringGitCredentialActionsMatchFileBackend(t *testing.T) {
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	const (
		server = "https://tfs.example.test"
		tfsURL = server + "/tfs/DefaultCollection/Website/_git/web"
	)
	srv := startServer(t, adotest.Options{ExtraHosts: []string{"tfs.example.test"}}, tfsURL)
	p1, p2, p3 := adotest.NewPAT(), adotest.NewPAT(), adotest.NewPAT()
	names := map[string]string{p1: "<p1>", p2: "<p2>", p3: "<p3>"}
	cred := func(user, pass string) string {
		c := "protocol=https\nhost=tfs.example.test\n"
		if user != "" {
			c += "username=" + user + "\n"
		}
		if pass != "" {
			c += "password=" + pass + "\n"
		}
		return c
	}
	// want: what git's fill printed, as "username <pN>", or "none" when
	// git got no credential (and could not prompt); approve and reject
	// print nothing.
	steps := []struct{ action, stdin, want string }{
		{"approve", cred("jdoe", p1), ""},
		{"fill", cred("", ""), "jdoe <p1>"},
		{"approve", cred("jdoe", p2), ""}, // replaces jdoe's PAT
		{"fill", cred("jdoe", ""), "jdoe <p2>"},
		{"approve", cred("alice", p3), ""},
		{"fill", cred("alice", ""), "alice <p3>"},
		{"fill", cred("", ""), "alice <p3>"}, // the newest entry answers
		{"reject", cred("jdoe", p1), ""},     // a PAT jdoe no longer has: no effect
		{"fill", cred("jdoe", ""), "jdoe <p2>"},
		{"reject", cred("jdoe", ""), ""}, // withdraws jdoe's entry
		{"fill", cred("jdoe", ""), "none"},
		{"fill", cred("alice", ""), "alice <p3>"},
		{"approve", cred("jdoe", p2), ""}, // git saw it work again
		{"fill", cred("jdoe", ""), "jdoe <p2>"},
		{"reject", cred("", ""), ""}, // withdraws every entry of the host
		{"fill", cred("", ""), "none"},
	}
	var want []string
	for i, st := range steps {
		want = append(want, st.action+" "+strconv.Itoa(i+1)+": "+st.want)
	}
	transcript := func(u keyringUser) []string {
		var lines []string
		for i, st := range steps {
			r := u.run("", st.stdin+"\n", "git", "credential", st.action)
			got := ""
			switch {
			case r.code != 0 && st.action == "fill":
				got = "none"
			case r.code != 0:
				got = r.String()
			case r.stdout != "":
				c := map[string]string{}
				for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
					k, v, _ := strings.Cut(l, "=")
					c[k] = v
				}
				got = c["username"] + " " + names[c["password"]]
			}
			if strings.Contains(r.stderr, "adopat") {
				t.Errorf("step %d (git credential %s): the helper wrote to stderr:\n%s", i+1, st.action, r.stderr)
			}
			lines = append(lines, st.action+" "+strconv.Itoa(i+1)+": "+got)
		}
		return lines
	}

	file := onKeyringBus(newUser(t, srv), s).with("ADOPAT_BACKEND=file")
	file.install(server)
	if got := transcript(file); !slices.Equal(got, want) {
		t.Errorf("git credential with the file backend:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	u := newKeyringUser(t, srv, s)
	u.install(server)
	if got := transcript(u); !slices.Equal(got, want) {
		t.Errorf("git credential with the keyring backend:\n%s\nwant, as with the file backend:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := tokenSummary(u.list()), tokenSummary(file.list()); !slices.Equal(got, want) {
		t.Errorf("tokens with the keyring backend %q, with the file backend %q", got, want)
	}
	if got := tokenSummary(u.list()); !slices.Equal(got, []string{"https://alice@tfs.example.test withdrawn", "https://jdoe@tfs.example.test withdrawn"}) {
		t.Errorf("tokens after the steps: %q, want alice and jdoe, both withdrawn", got)
	}
	if !pathExists(file.vault) || pathExists(file.keyringIndex()) || pathExists(u.vault) || !pathExists(u.keyringIndex()) {
		t.Errorf("the two users did not use their own backends: vault %v, index %v (file user); vault %v, index %v (keyring user)",
			pathExists(file.vault), pathExists(file.keyringIndex()), pathExists(u.vault), pathExists(u.keyringIndex()))
	}

	// Erase withdrew, it did not destroy: both items are in the keyring.
	for account, pat := range map[string]string{"https://jdoe@tfs.example.test": p2, "https://alice@tfs.example.test": p3} {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("keyring item %s after git's erase: found %v, holds the PAT: %v", account, ok, got == pat)
		}
	}
	u.mustAdopat("", "remove", "https://alice@tfs.example.test")
	if got := keyringAccounts(t, s); !slices.Equal(got, []string{"https://jdoe@tfs.example.test"}) {
		t.Errorf("after remove the keyring holds items for %q, want jdoe's only", got)
	}

	u.mustAdopat("", "restore", "https://jdoe@tfs.example.test")
	srv.SetHostPAT("tfs.example.test", p2)
	u.mustClone(tfsURL)
	assertAuth(t, "tfs.example.test", srv.HostAuthAttempts("tfs.example.test"), false)
	assertNoPromptNorActivation(t, s, 0, false)
}

// ---- helpers ----

// keyringUser is a user whose helper and CLI reach a keyringtest session.
type keyringUser struct {
	*user
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
	cmd := s.Command("secret-tool", "lookup", "service", keyringService, "username", account)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) && stdout.Len() == 0 && stderr.Len() == 0 {
		return "", false // secret-tool's "not found": exit 1, silent
	}
	if err != nil {
		t.Fatalf("secret-tool lookup %s: %v\n%s", account, err, stderr.String())
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

// assertNotUnderHome fails if any of secrets is in a file under u's HOME,
// and returns the files checked.
func assertNotUnderHome(t *testing.T, u *user, secrets map[string]string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(u.home, func(path string, d fs.DirEntry, err error) error {
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
