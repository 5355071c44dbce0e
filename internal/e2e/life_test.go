package e2e_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// lifeToken is the part of `list --json` these tests read.
type lifeToken struct {
	Scope    string   `json:"scope"`
	Label    string   `json:"label"`
	Owner    string   `json:"owner"`
	Scopes   []string `json:"scopes"`
	DaysLeft *int     `json:"days_left"`
	Status   string   `json:"status"`
}

func (u *user) lifeToken(scope string) lifeToken {
	u.t.Helper()
	var l struct {
		Tokens []lifeToken `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(u.mustAdopat("", "list", "--json")), &l); err != nil {
		u.t.Fatal(err)
	}
	for _, tok := range l.Tokens {
		if tok.Scope == scope {
			return tok
		}
	}
	u.t.Fatalf("no token %s in list --json", scope)
	return lifeToken{}
}

// adviceCommand is the command an adopat line tells the user to run: the
// words after "run: ", up to the parenthesised note.
func adviceCommand(t *testing.T, line string) []string {
	t.Helper()
	_, cmd, ok := strings.Cut(line, "run: ")
	if !ok {
		t.Fatalf("no command in %q", line)
	}
	cmd, _, _ = strings.Cut(cmd, " (")
	words := strings.Fields(cmd)
	if len(words) < 2 || words[0] != "git-credential-adopat" {
		t.Fatalf("the advice %q is not a git-credential-adopat command", cmd)
	}
	return words[1:]
}

// A new user's walk: a PAT recorded with its expiry, the expiry passes, the
// clone fails with one line saying what to do; the user creates a new PAT
// and runs exactly the command that line gives, with the PAT on stdin; the
// clone works again.
func TestExpiredPATRotatedByFollowingTheAdviceClonesAgain(t *testing.T) {
	t.Parallel()
	srv, oldPAT := fabrikamServer(t)
	srv.SetIdentity("fabrikam", "Jane Doe", "jane@example.com")
	u := installedUser(t, srv)
	if r := u.adopat(oldPAT+"\n", "add", "--org", "fabrikam", "--label", "laptop", "--scopes", "vso.code", "--expires", "2026-01-31"); r.code != 0 || !strings.Contains(r.stderr, "will not be sent") {
		t.Fatalf("add of a PAT whose expiry has passed:\n%s", r)
	}

	stderr := u.mustFailClone(webURL)
	lines := adopatLines(stderr)
	if len(lines) != 1 || !strings.Contains(lines[0], "expired on 2026-01-31") || !strings.Contains(lines[0], "https://dev.azure.com/fabrikam/_usersSettings/tokens") {
		t.Fatalf("the failed clone should say in one line what to do:\n%s", stderr)
	}
	args := adviceCommand(t, lines[0])
	if strings.Join(args, " ") != "rotate fabrikam --expires 30d" {
		t.Errorf("advice %q, want rotate fabrikam --expires 30d", args)
	}

	// The new PAT, created in Azure DevOps; the old one is revoked there.
	newPAT := acceptNewPAT(srv, "fabrikam")
	// Without --expires, piped: refused with the exact flag, nothing changed.
	if r := u.adopat(newPAT+"\n", "rotate", "fabrikam"); r.code != 1 || !strings.Contains(r.stderr, "git-credential-adopat rotate fabrikam --expires 30d") {
		t.Errorf("rotate of the expired token without --expires:\n%s", r)
	}
	r := u.adopat(newPAT+"\n", args...)
	if r.code != 0 || !strings.Contains(r.stdout, "verified as Jane Doe <jane@example.com>") || !strings.Contains(r.stdout, "(new)") {
		t.Fatalf("following the advice:\n%s", r)
	}
	u.mustClone(webURL)
	tok := u.lifeToken("fabrikam")
	if tok.Status != "active" || tok.DaysLeft == nil || *tok.DaysLeft != 30 || tok.Label != "laptop" || strings.Join(tok.Scopes, ",") != "vso.code" || tok.Owner != "Jane Doe <jane@example.com>" {
		t.Errorf("after the rotate: %+v", tok)
	}
}

// add asks the stand-in whether it accepts the PAT for the organisation:
// refused, nothing is stored and the organisation is named; --no-verify
// stores it anyway; the owner Azure DevOps names is listed.
func TestAddRefusesAPATItsOrganisationDoesNotAccept(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := installedUser(t, srv)
	wrong := adotest.NewPAT() // e.g. created in another organisation
	r := u.adopat(wrong+"\n", "add", "--org", "fabrikam")
	if r.code != 2 || !strings.Contains(r.stderr, "did not accept this PAT for fabrikam") || !strings.Contains(r.stderr, "is fabrikam the organisation the PAT was created in?") || r.stdout != "" {
		t.Errorf("add of a PAT fabrikam does not accept:\n%s", r)
	}
	if _, err := os.Stat(u.vault); !os.IsNotExist(err) {
		t.Errorf("a refused add created the vault (%v)", err)
	}
	if out := u.mustAdopat(wrong+"\n", "add", "--org", "fabrikam", "--no-verify"); !strings.Contains(out, "not verified (--no-verify)") {
		t.Errorf("add --no-verify said %q", out)
	}
	if got := u.fillPassword(webURL); got != wrong {
		t.Errorf("--no-verify did not store the PAT")
	}

	out := u.mustAdopat(pat+"\n", "add", "--org", "https://dev.azure.com/fabrikam/")
	if !strings.HasPrefix(out, "replaced PAT for fabrikam") || !strings.Contains(out, "verified as Test User <user@example.com>") {
		t.Errorf("add of the right PAT by the organisation's URL said %q", out)
	}
	if tok := u.lifeToken("fabrikam"); tok.Owner != "Test User <user@example.com>" {
		t.Errorf("list --json owner %q", tok.Owner)
	}
	if out := u.mustAdopat("", "list"); !strings.Contains(out, "Test User <user@example.com>") {
		t.Errorf("list does not show the owner:\n%s", out)
	}
	u.mustClone(webURL)
}

// Azure DevOps out of reach (here: a closed proxy port): add stores the
// PAT and says in one line it could not check it.
func TestAddUnreachableStoresWithANote(t *testing.T) {
	t.Parallel()
	u := installedUser(t, nil)
	pat := adotest.NewPAT()
	r := u.adopat(pat+"\n", "add", "--org", "fabrikam")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "stored PAT for fabrikam") {
		t.Fatalf("add offline:\n%s", r)
	}
	if lines := strings.Split(strings.TrimSpace(r.stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "could not ask Azure DevOps") {
		t.Errorf("add offline should say in one line it could not check:\n%s", r)
	}
	if got := u.fillPassword(webURL); got != pat {
		t.Error("the unchecked PAT was not stored")
	}
}

// A second add for the same scope keeps label, scopes and expiry unless
// given, and says so.
func TestSecondAddKeepsLabelScopesAndExpiry(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam", "--label", "laptop", "--scopes", "vso.code", "--expires", "30d")
	out := u.mustAdopat(pat+"\n", "add", "--org", "fabrikam")
	if !strings.HasPrefix(out, "replaced PAT for fabrikam") || !strings.Contains(out, `kept label "laptop", scopes vso.code, expiry `) {
		t.Errorf("second add said %q", out)
	}
	if tok := u.lifeToken("fabrikam"); tok.Label != "laptop" || strings.Join(tok.Scopes, ",") != "vso.code" || tok.DaysLeft == nil || *tok.DaysLeft != 30 {
		t.Errorf("after the second add: %+v", tok)
	}
	u.mustClone(webURL)
}
