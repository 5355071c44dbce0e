package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// add asks Azure DevOps about the PAT, as verify does: one it refuses for
// the organisation is not stored, and the message names the organisation
// as the likely mistake; one it accepts is recorded with whose it is.
func TestAddChecksThePATWithItsOrganisation(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	good, other := adotest.NewPAT(), adotest.NewPAT()
	srv.SetPAT("fabrikam", good)
	srv.SetIdentity("fabrikam", "Jane Doe", "jane@example.com")

	code := ta.run(other, "add", "--org", "fabrikam")
	for _, want := range []string{"Azure DevOps did not accept this PAT for fabrikam: 401", "is fabrikam the organisation the PAT was created in?", "Nothing was stored", "--no-verify"} {
		if code != ExitRuntime || !strings.Contains(ta.stderr.String(), want) {
			t.Errorf("add of a PAT fabrikam refuses: exit %d, stderr %q; want %q", code, ta.stderr, want)
		}
	}
	if _, err := os.Stat(ta.env["ADOPAT_VAULT"]); !os.IsNotExist(err) {
		t.Errorf("a refused add created the vault (%v)", err)
	}

	if code := ta.run(good, "add", "--org", "fabrikam", "--label", "laptop"); code != 0 || ta.stderr.Len() != 0 ||
		!strings.HasPrefix(ta.stdout.String(), "stored PAT for fabrikam") || !strings.Contains(ta.stdout.String(), "verified as Jane Doe <jane@example.com>") {
		t.Fatalf("add of the PAT fabrikam accepts: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if tok := listJSON(t, ta).Tokens[0]; tok.Owner != "Jane Doe <jane@example.com>" {
		t.Errorf("list --json owner %q", tok.Owner)
	}
	if ta.run("", "list"); !strings.Contains(ta.stdout.String(), "OWNER") || !strings.Contains(ta.stdout.String(), "Jane Doe <jane@example.com>") {
		t.Errorf("list does not show the owner:\n%s", ta.stdout)
	}

	// --no-verify stores what Azure DevOps would refuse, and says so.
	if code := ta.run(other, "add", "--org", "contoso", "--no-verify"); code != 0 || ta.stderr.Len() != 0 || !strings.Contains(ta.stdout.String(), "not verified (--no-verify)") {
		t.Errorf("add --no-verify: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if got := getPassword(t, ta, "contoso"); got != other {
		t.Errorf("the --no-verify token does not answer: %q", got)
	}
}

// When Azure DevOps cannot be asked, add stores the PAT and says in one
// line that it could not check it.
func TestAddUnreachableStoresWithOneNote(t *testing.T) {
	ta := newTestApp(t) // the cli tests' client reaches no network
	pat := adotest.NewPAT()
	if code := ta.run(pat, "add", "--org", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "stored PAT for fabrikam") {
		t.Fatalf("add offline: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if lines := strings.Split(strings.TrimSpace(ta.stderr.String()), "\n"); len(lines) != 1 ||
		!strings.HasPrefix(lines[0], "note: could not ask Azure DevOps whether it accepts this PAT") || !strings.Contains(lines[0], "git-credential-adopat verify fabrikam") {
		t.Errorf("add offline said %q, want one note", ta.stderr)
	}
	if getPassword(t, ta, "fabrikam") != pat {
		t.Error("the unchecked PAT was not stored")
	}
}

// A second add for the same scope keeps the label, scopes and expiry it
// was not given and says what it kept and what it changed.
func TestSecondAddKeepsWhatItWasNotTold(t *testing.T) {
	ta := newTestApp(t)
	first, second, third := adotest.NewPAT(), adotest.NewPAT(), adotest.NewPAT()
	if code := ta.run(first, "add", "--org", "fabrikam", "--label", "laptop", "--scopes", "vso.code", "--expires", "30d", "--no-verify"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/p/_git/r\n", "get") // some history
	if code := ta.run(second, "add", "--org", "fabrikam", "--no-verify"); code != 0 ||
		!strings.HasPrefix(ta.stdout.String(), "replaced PAT for fabrikam (expires 2026-12-26, 30 days left)") ||
		!strings.Contains(ta.stdout.String(), `kept label "laptop", scopes vso.code, expiry 2026-12-26`) {
		t.Fatalf("second add: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	tok := listJSON(t, ta).Tokens[0]
	if tok.Label != "laptop" || len(tok.Scopes) != 1 || tok.Scopes[0] != "vso.code" || tok.Expires == nil || *tok.DaysLeft != 30 || tok.Uses != 1 {
		t.Errorf("the second add lost metadata or history: %+v", tok)
	}
	if code := ta.run(third, "add", "--org", "fabrikam", "--label", "desk", "--expires", "2027-01-31", "--no-verify"); code != 0 ||
		!strings.Contains(ta.stdout.String(), `kept scopes vso.code; changed label "desk" (was "laptop"), expiry 2027-01-31 (was 2026-12-26)`) {
		t.Fatalf("third add: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if getPassword(t, ta, "fabrikam") != third {
		t.Error("the third add did not replace the PAT")
	}
}

// rotate of an expired token never keeps the passed date: piped, it is
// refused with the exact flag to add; at a terminal the expiry is asked.
// The success line says which expiry is in force and whether it was kept.
func TestRotateOfAnExpiredTokenNeedsANewExpiry(t *testing.T) {
	ta := newTestApp(t)
	old, fresh := adotest.NewPAT(), adotest.NewPAT()
	ta.run(old, "add", "--org", "fabrikam", "--expires", "2026-01-31", "--label", "laptop")
	if !strings.Contains(ta.stderr.String(), "git-credential-adopat rotate fabrikam --expires 30d") {
		t.Errorf("add of an expired PAT gave no complete rotate command: %q", ta.stderr)
	}

	code := ta.run(fresh, "rotate", "fabrikam", "--no-verify")
	if code != ExitUsage || !strings.Contains(ta.stderr.String(), "expired on 2026-01-31") || !strings.Contains(ta.stderr.String(), "git-credential-adopat rotate fabrikam --expires 30d") {
		t.Fatalf("piped rotate without --expires: exit %d %q", code, ta.stderr)
	}
	if getPassword(t, ta, "fabrikam") != "" {
		t.Fatal("the refused rotate changed the token")
	}

	// Followed: the new PAT is sent.
	if code := ta.run(fresh, "rotate", "fabrikam", "--expires", "30d", "--no-verify"); code != 0 || !strings.Contains(ta.stdout.String(), "expires 2026-12-26 (new)") {
		t.Fatalf("rotate --expires 30d: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if getPassword(t, ta, "fabrikam") != fresh {
		t.Fatal("after rotate the new PAT is not sent")
	}
	// A valid expiry is kept, and the line says so.
	if code := ta.run(adotest.NewPAT(), "rotate", "fabrikam", "--no-verify"); code != 0 || !strings.Contains(ta.stdout.String(), "expires 2026-12-26 (kept)") {
		t.Fatalf("rotate keeping the expiry: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if tok := listJSON(t, ta).Tokens[0]; tok.Label != "laptop" {
		t.Errorf("rotate lost the label: %+v", tok)
	}
}

func TestRotateOfAnExpiredTokenAsksAtATerminal(t *testing.T) {
	ta := newTestApp(t)
	ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "2026-01-31")
	fresh := adotest.NewPAT()
	var asked, prompted []string
	answers := []string{"1m", "90d"}
	ta.Terminal = func() bool { return true }
	ta.Ask = func(p string) (string, error) {
		asked = append(asked, p)
		a := answers[0]
		answers = answers[1:]
		return a, nil
	}
	ta.Prompt = func(p string) (string, error) { prompted = append(prompted, p); return fresh, nil }
	if code := ta.run("", "rotate", "fabrikam", "--no-verify"); code != 0 || !strings.Contains(ta.stdout.String(), "expires 2027-02-24 (new)") {
		t.Fatalf("rotate at a terminal: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if len(asked) != 2 || asked[0] != expiryPrompt || !strings.Contains(ta.stderr.String(), "m could mean minutes or months") {
		t.Errorf("asked %q, stderr %q: want the expiry asked again after 1m", asked, ta.stderr)
	}
	if len(prompted) != 1 || !strings.Contains(prompted[0], "https://dev.azure.com/fabrikam/_usersSettings/tokens") {
		t.Errorf("the PAT prompt %q does not name the page where PATs are made", prompted)
	}
	ta.Terminal = func() bool { return false }
	if getPassword(t, ta, "fabrikam") != fresh {
		t.Error("the new PAT is not sent")
	}
}

// add replacing an expired token without --expires would keep a date that
// has passed: refused with the flag to add.
func TestAddOverAnExpiredTokenNeedsANewExpiry(t *testing.T) {
	ta := newTestApp(t)
	ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--project", "My Web", "--expires", "2026-01-31")
	code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--project", "My Web", "--no-verify")
	if code != ExitUsage || !strings.Contains(ta.stderr.String(), "git-credential-adopat add --org fabrikam --project 'My Web' --expires 30d") {
		t.Errorf("exit %d, stderr %q", code, ta.stderr)
	}
}

// --org takes the organisation's URL as the browser shows it; a URL that
// names a project is refused with the flags for either meaning.
func TestAddOrgAcceptsTheOrganisationURL(t *testing.T) {
	for _, c := range []struct{ org, scope, refusal string }{
		{"https://dev.azure.com/fabrikam", "fabrikam", ""},
		{"https://dev.azure.com/fabrikam/", "fabrikam", ""},
		{"dev.azure.com/fabrikam", "fabrikam", ""},
		{"https://fabrikam@dev.azure.com/fabrikam", "fabrikam", ""},
		{"https://fabrikam.visualstudio.com", "fabrikam", ""},
		{"https://fabrikam.visualstudio.com/DefaultCollection/", "fabrikam", ""},
		{"https://dev.azure.com/fabrikam/_usersSettings/tokens", "fabrikam", ""},
		{"https://dev.azure.com/fabrikam/My%20Web/_git/web", "", "names the project My Web too: for a PAT of the whole organisation use --org fabrikam; for that project only, --org fabrikam --project 'My Web'"},
		{"https://fabrikam.visualstudio.com/Web", "", "--org fabrikam --project Web"},
		{"https://tfs.example.com/tfs", "", "for Azure DevOps Server use --server URL"},
		{"https://dev.azure.com/", "", "not an Azure DevOps organisation URL"},
	} {
		ta := newTestApp(t)
		code := ta.run(adotest.NewPAT(), "add", "--org", c.org, "--no-verify")
		switch {
		case c.refusal == "" && (code != 0 || !strings.HasPrefix(ta.stdout.String(), "stored PAT for "+c.scope+" ")):
			t.Errorf("--org %s: exit %d %q %q, want it stored for %s", c.org, code, ta.stdout, ta.stderr, c.scope)
		case c.refusal != "" && (code != ExitUsage || !strings.Contains(ta.stderr.String(), c.refusal)):
			t.Errorf("--org %s: exit %d %q, want refused with %q", c.org, code, ta.stderr, c.refusal)
		}
	}
	// With --project given, the URL's organisation is what counts.
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "https://dev.azure.com/fabrikam/Web", "--project", "Web", "--no-verify"); code != 0 || !strings.HasPrefix(ta.stdout.String(), "stored PAT for fabrikam/Web ") {
		t.Errorf("--org URL --project: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
}

// The add prompt at a terminal names the page where PATs are created.
func TestAddPromptNamesTheTokensPage(t *testing.T) {
	ta := newTestApp(t)
	var prompt string
	ta.Terminal = func() bool { return true }
	ta.Prompt = func(p string) (string, error) { prompt = p; return adotest.NewPAT(), nil }
	if code := ta.run("", "add", "--org", "fabrikam", "--no-verify"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	if !strings.Contains(prompt, "PAT for fabrikam (create one at https://dev.azure.com/fabrikam/_usersSettings/tokens; input hidden)") {
		t.Errorf("prompt %q", prompt)
	}
}

// verify records whose PAT it is when that was never recorded.
func TestVerifyRecordsAMissingOwner(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	pat := adotest.NewPAT()
	srv.SetPAT("fabrikam", pat)
	ta.run(pat, "add", "--org", "fabrikam", "--no-verify")
	if tok := listJSON(t, ta).Tokens[0]; tok.Owner != "" {
		t.Fatalf("owner %q before any check", tok.Owner)
	}
	if code := ta.run("", "verify"); code != 0 {
		t.Fatalf("verify: %d %q", code, ta.stderr)
	}
	if tok := listJSON(t, ta).Tokens[0]; tok.Owner != "Test User <user@example.com>" {
		t.Errorf("owner %q after verify", tok.Owner)
	}
}

// The advice in doctor and list is the complete command too.
func TestDoctorAndListGiveTheCompleteRotateCommand(t *testing.T) {
	ta := newTestApp(t)
	ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "2026-01-31")
	want := "then run: git-credential-adopat rotate fabrikam --expires 30d"
	for _, cmd := range []string{"doctor", "list"} {
		if ta.run("", cmd); !strings.Contains(ta.stdout.String(), want) {
			t.Errorf("%s does not say %q:\n%s", cmd, want, ta.stdout)
		}
	}
}
