package cli

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// useStandIn points ta's questions to Azure DevOps (verify, rotate, add's
// and erase's checks) at the in-process Azure DevOps.
func useStandIn(t *testing.T, ta *testApp) *adotest.Server {
	srv := adotest.StartT(t)
	ta.useClient(&adoapi.Client{HTTP: srv.Client()})
	return srv
}

func getPassword(t *testing.T, ta *testApp, org string) string {
	t.Helper()
	ta.run("protocol=https\nhost=dev.azure.com\npath="+org+"/p/_git/r\n", "get")
	for _, line := range strings.Split(ta.stdout.String(), "\n") {
		if p, ok := strings.CutPrefix(line, "password="); ok {
			return p
		}
	}
	return ""
}

func TestVerifyReportsValidInvalidAndWhose(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	good, stale := adotest.NewPAT(), adotest.NewPAT()
	srv.SetPAT("fabrikam", good)
	srv.SetPAT("contoso", adotest.NewPAT())
	ta.run(good, "add", "--org", "fabrikam")
	ta.run(stale, "add", "--org", "contoso", "--no-verify")

	if code := ta.run("", "verify", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "fabrikam: valid, authenticated as Test User <user@example.com>") {
		t.Fatalf("verify fabrikam: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	code := ta.run("", "verify", "--json")
	var results []verification
	if err := json.Unmarshal(ta.stdout.Bytes(), &results); err != nil || code != ExitRuntime || len(results) != 2 {
		t.Fatalf("verify --json: exit %d, %v, %s", code, err, ta.stdout)
	}
	if !results[0].Valid || results[1].Valid || !strings.Contains(results[1].Reason, "401") {
		t.Errorf("verify --json: %+v", results)
	}

	// Azure DevOps' other answer to a bad PAT: 203 with a sign-in page.
	srv.SetBadPATMode("contoso", adotest.Mode203HTML)
	if code := ta.run("", "verify", "contoso"); code != ExitRuntime || !strings.Contains(ta.stdout.String(), "contoso: INVALID") {
		t.Errorf("verify with a 203 sign-in page: exit %d %q", code, ta.stdout)
	}
	for _, out := range []string{ta.stdout.String(), ta.stderr.String()} {
		if strings.Contains(out, good) || strings.Contains(out, stale) {
			t.Fatal("verify printed a PAT")
		}
	}
}

// verify's summary ends in a next step: an invalid PAT names the rotate
// that replaces it, a token that could not be checked says to ask again.
func TestVerifyNamesTheNextStep(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	good := adotest.NewPAT()
	srv.SetPAT("fabrikam", good)
	srv.SetPAT("contoso", adotest.NewPAT())
	ta.run(good, "add", "--org", "fabrikam")
	ta.run(adotest.NewPAT(), "add", "--org", "contoso", "--no-verify")
	code := ta.run("", "verify")
	if want := "create a new PAT in Azure DevOps and run `git-credential-adopat rotate contoso`"; code != ExitRuntime || !strings.Contains(ta.stderr.String(), want) {
		t.Fatalf("verify with an invalid PAT: exit %d, stderr %q, want %q", code, ta.stderr, want)
	}
	if strings.Contains(ta.stderr.String(), "rotate fabrikam") || strings.Contains(ta.stderr.String(), "verify` again") {
		t.Errorf("verify named a step for a valid PAT: %q", ta.stderr)
	}

	srv.SetConnectionDataStatus("fabrikam", http.StatusServiceUnavailable)
	code = ta.run("", "verify", "fabrikam")
	if want := "run `git-credential-adopat verify` again once"; code != ExitRuntime || !strings.Contains(ta.stderr.String(), want) || strings.Contains(ta.stderr.String(), "rotate") {
		t.Errorf("verify that could not check: exit %d, stderr %q, want %q and no rotate", code, ta.stderr, want)
	}
}

// rotate stores the new PAT only once Azure DevOps accepted it, keeping
// the token's metadata; a refused PAT leaves the old one answering.
func TestRotateReplacesOnlyAfterVerification(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	oldPAT, newPAT := adotest.NewPAT(), adotest.NewPAT()
	ta.run(oldPAT, "add", "--org", "fabrikam", "--label", "laptop", "--expires", "30d", "--scopes", "vso.code", "--no-verify")
	srv.SetPAT("fabrikam", newPAT) // the server accepts only the new PAT

	if code := ta.run(adotest.NewPAT(), "rotate", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "did not accept the new PAT") {
		t.Fatalf("rotate with a refused PAT: exit %d %q", code, ta.stderr)
	}
	if got := getPassword(t, ta, "fabrikam"); got != oldPAT {
		t.Fatalf("after a refused rotate get answers %q, want the old PAT", got)
	}
	if code := ta.run(newPAT, "rotate", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "verified as Test User") {
		t.Fatalf("rotate: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if got := getPassword(t, ta, "fabrikam"); got != newPAT {
		t.Fatalf("after rotate get answers %q, want the new PAT", got)
	}
	tok := listJSON(t, ta).Tokens[0]
	if tok.Label != "laptop" || tok.Expires == nil || *tok.DaysLeft != 30 || tok.Scopes[0] != "vso.code" {
		t.Errorf("rotate lost metadata: %+v", tok)
	}
}

// rotate given the PAT already stored (to record a new expiry, as rotate's
// own note suggests) must not tell the user to revoke "the old PAT": that
// is the PAT in use.
func TestRotateWithTheSamePATSaysNotToRevokeIt(t *testing.T) {
	ta := newTestApp(t)
	srv := useStandIn(t, ta)
	pat := adotest.NewPAT()
	srv.SetPAT("fabrikam", pat)
	ta.run(pat, "add", "--org", "fabrikam", "--expires", "3d")
	if code := ta.run(pat, "rotate", "fabrikam", "--expires", "90d"); code != 0 || strings.Contains(ta.stdout.String(), "now revoke the old PAT") || !strings.Contains(ta.stdout.String(), "do not revoke it") {
		t.Fatalf("rotate with the same PAT: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if tok := listJSON(t, ta).Tokens[0]; tok.DaysLeft == nil || *tok.DaysLeft != 90 {
		t.Errorf("rotate with the same PAT did not record the expiry: %+v", tok)
	}
	newPAT := adotest.NewPAT()
	srv.SetPAT("fabrikam", newPAT)
	if code := ta.run(newPAT, "rotate", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "now revoke the old PAT") {
		t.Errorf("rotate with a new PAT: exit %d %q", code, ta.stdout)
	}
}

// A network failure is never reported as an invalid PAT, and rotate then
// changes nothing unless told --no-verify.
func TestVerifyNetworkErrorIsNotInvalid(t *testing.T) {
	ta := newTestApp(t)
	proxy, _ := url.Parse("http://127.0.0.1:1") // nothing listens there
	ta.useClient(&adoapi.Client{HTTP: &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}})
	oldPAT, newPAT := adotest.NewPAT(), adotest.NewPAT()
	ta.run(oldPAT, "add", "--org", "fabrikam")

	if code := ta.run("", "verify"); code != ExitRuntime || !strings.Contains(ta.stdout.String(), "fabrikam: not checked: network") || strings.Contains(ta.stdout.String(), "INVALID") {
		t.Errorf("verify offline: exit %d %q", code, ta.stdout)
	}
	if code := ta.run(newPAT, "rotate", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "could not check the new PAT") {
		t.Errorf("rotate offline: exit %d %q", code, ta.stderr)
	}
	if got := getPassword(t, ta, "fabrikam"); got != oldPAT {
		t.Fatalf("offline rotate changed the PAT")
	}
	if code := ta.run(newPAT, "rotate", "fabrikam", "--no-verify"); code != 0 || getPassword(t, ta, "fabrikam") != newPAT {
		t.Errorf("rotate --no-verify: exit %d %q", code, ta.stderr)
	}
}

// A server token stored with `add --server` has no path; verify finds the
// collection's URL among the servers install declared in git's config.
func TestVerifyServerTokenUsesTheDeclaredServerURL(t *testing.T) {
	srv := adotest.StartT(t, adotest.Options{ExtraHosts: []string{"tfs.example.test"}})
	ta := newTestApp(t)
	ta.useClient(&adoapi.Client{HTTP: srv.Client()})
	isolateGit(t, ta)
	pat := adotest.NewPAT()
	srv.SetHostPAT("tfs.example.test", pat)
	if code := ta.run("", "install", "--server", "https://tfs.example.test/tfs"); code != 0 {
		t.Fatalf("install: %s", ta.stderr)
	}
	ta.run(pat, "add", "--server", "https://tfs.example.test", "--username", "jdoe")
	code := ta.run("", "verify", "--json")
	var results []verification
	if err := json.Unmarshal(ta.stdout.Bytes(), &results); err != nil || code != 0 || len(results) != 1 || !results[0].Valid ||
		results[0].URL != "https://tfs.example.test/tfs/_apis/connectionData" {
		t.Fatalf("verify of a server token: exit %d %v %s %s", code, err, ta.stdout, ta.stderr)
	}
}
