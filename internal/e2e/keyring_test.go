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
//
// This file: the keyring backend stores, answers git and keeps its items as
// the age vault does. keyring_auto_test.go: auto's choice of backend;
// keyring_failure_test.go: a locked, wedged or absent keyring or bus;
// keyring_migrate_test.go: migrate both ways; keyring_harness_test.go: the
// helpers they share.

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// `add` under ADOPAT_BACKEND=keyring puts each PAT in its own keyring item,
// found by secret-tool under the service with the scope as the username
// attribute; the PAT is in no file under HOME (not in the index, which
// does exist, and no vault is created); `list` says which backend is used
// and why.
func TestKeyringAddPutsPATInSecretServiceAndNowhereElse(t *testing.T) {
	s := startKeyring(t, "secret-tool")
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
	s := startKeyring(t, "secret-tool")
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

// A keyring item deleted in the keyring's own UI (here secret-tool clear):
// get answers nothing and prints one line naming the scope and the add
// command that stores it again; the other organisation's token keeps
// working; `list` shows it missing; and running the suggested command
// repairs it.
func TestKeyringItemDeletedBehindOurBack(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	fab, con := acceptNewPAT(srv, "fabrikam"), acceptNewPAT(srv, "contoso")

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

// git's own store, get and erase (git credential approve, fill, reject)
// for a declared server behave with the keyring backend exactly as with
// the age vault: the same answers step by step and the same tokens in the
// end. With the keyring, erase keeps the items (withdrawn, not
// destroyed), `remove` deletes them, and a clone is answered from them.
func TestKeyringGitCredentialActionsMatchFileBackend(t *testing.T) {
	s := startKeyring(t, "secret-tool")
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
