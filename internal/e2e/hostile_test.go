package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// Hostile and mistaken URLs, through real git and the stand-in: a URL
// someone else wrote must never make the helper send a token where it was
// not meant to go, nor take a token out of service without Azure DevOps
// saying the PAT itself is invalid.

const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"

// hostileServer serves fabrikam's web repository and contoso's shop, with
// a valid PAT for fabrikam stored by the returned user.
func hostileServer(t *testing.T) (*adotest.Server, *user, string) {
	t.Helper()
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	pat := acceptNewPAT(srv, "fabrikam")
	srv.SetPAT("contoso", adotest.NewPAT())
	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam", "--no-verify") // the tests count every credential the stand-in sees
	return srv, u, pat
}

// assertInService checks that fabrikam's token still answers git and a
// clone of its repository works.
func assertInService(t *testing.T, u *user, scope string) {
	t.Helper()
	if tok := u.token(scope); tok.Status != "active" || tok.Withdrawn != nil {
		t.Fatalf("%s after the refusal: %+v, want active", scope, tok)
	}
	u.mustClone(webURL)
}

// git decodes %2F and %2e before asking its helper, curl sends them as
// written: the helper must not lose the token to the 401 that follows.
func TestEncodedPathsNeverWithdrawAValidToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, url string
		sent      bool // whether the helper may answer at all
	}{
		// Decodes to fabrikam/Platform/_git/app: looks like fabrikam's, is
		// another organisation's path on the wire.
		{"encoded slash in the organisation", "https://dev.azure.com/fabrikam%2FPlatform/_git/app", true},
		{"encoded slash in the project", "https://dev.azure.com/fabrikam/Website%2F..%2FOther/_git/web", false},
		{"encoded dot segments", "https://dev.azure.com/contoso/%2e%2e/fabrikam/Website/_git/web", false},
		{"encoded dot segments, upper case", "https://dev.azure.com/contoso/%2E%2E/fabrikam/Website/_git/web", false},
		{"encoded single dot", "https://dev.azure.com/fabrikam/%2e/Website/_git/web", false},
		{"empty segment", "https://dev.azure.com/fabrikam//Website/_git/web", false},
		{"encoded backslash", "https://dev.azure.com/fabrikam/Website%5C..%5C/_git/web", false},
		// git itself refuses this one before asking (since 2.26).
		{"encoded newline", "https://dev.azure.com/fabrikam/Website%0a/_git/web", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, u, pat := hostileServer(t)
			r := u.git("", "ls-remote", tc.url)
			if r.code == 0 {
				t.Fatalf("ls-remote %s succeeded:\n%s", tc.url, r)
			}
			if strings.Contains(r.stderr, pat) {
				t.Error("the PAT appears in git's stderr")
			}
			if !tc.sent {
				if !strings.Contains(r.stderr, "git-credential-adopat: not answering for") && !strings.Contains(r.stderr, "credential url cannot be parsed") {
					t.Errorf("want one line saying why no answer was given:\n%s", r.stderr)
				}
				for _, org := range []string{"fabrikam", "contoso"} {
					if st := srv.AuthAttempts(org); st.OK+st.Failed != 0 {
						t.Errorf("%s saw credentials %+v for a non-canonical URL", org, st)
					}
				}
			} else {
				if !strings.Contains(r.stderr, "is valid") || !strings.Contains(r.stderr, "stays in service") {
					t.Errorf("want the line saying the PAT is valid but was refused for this URL:\n%s", r.stderr)
				}
				// The refusal is on record, for `audit` and `list --json`.
				if rs := u.token("fabrikam").Refusals; len(rs) != 1 || rs[0].Verdict != "valid" ||
					rs[0].Path != "dev.azure.com/fabrikam/Platform/_git/app" {
					t.Errorf("recorded refusals %+v, want one for fabrikam/Platform/_git/app, verdict valid", rs)
				}
				if out := u.mustAdopat("", "audit", "fabrikam"); !strings.Contains(out, "refused") {
					t.Errorf("audit does not show the refusal:\n%s", out)
				}
			}
			assertInService(t, u, "fabrikam")
		})
	}
}

// A project token is never sent for another project reached through
// %2e%2e, and the organisation token does not stand in for it either.
func TestProjectTokenStaysInItsProject(t *testing.T) {
	t.Parallel()
	const other = "https://dev.azure.com/fabrikam/Intranet/_git/intranet"
	srv := startServer(t, adotest.Options{}, webURL, other)
	pat := acceptNewPAT(srv, "fabrikam")
	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam", "--project", "Website", "--no-verify")
	r := u.git("", "ls-remote", "https://dev.azure.com/fabrikam/Website/%2e%2e/Intranet/_git/intranet")
	if r.code == 0 || !strings.Contains(r.stderr, "not answering for") {
		t.Fatalf("want a refusal:\n%s", r)
	}
	if st := srv.AuthAttempts("fabrikam"); st.OK+st.Failed != 0 {
		t.Errorf("the project token was sent: %+v", st)
	}
	assertInService(t, u, "fabrikam/Website")
}

// Without useHttpPath git sends no path, and the organisation comes from
// the URL's user name, which whoever wrote the URL chose. Such a refusal
// never withdraws, even when the PAT really is invalid.
func TestUsernameOrganisationNeverWithdraws(t *testing.T) {
	t.Parallel()
	srv, u, _ := hostileServer(t)
	u.mustGit("", "config", "--global", "--unset-all", "credential.https://dev.azure.com.useHttpPath")
	lying := "https://fabrikam@dev.azure.com/contoso/Shop/_git/shop"
	r := u.git("", "ls-remote", lying)
	if r.code == 0 {
		t.Fatalf("ls-remote succeeded:\n%s", r)
	}
	if !strings.Contains(r.stderr, "is valid") {
		t.Errorf("want the line saying fabrikam's PAT is valid but was refused:\n%s", r.stderr)
	}
	if tok := u.token("fabrikam"); tok.Withdrawn != nil {
		t.Fatalf("withdrawn on a username-only request: %+v", tok)
	}

	// Now the PAT really is invalid: still kept, since the request named
	// the organisation only through its user name.
	srv.SetPAT("fabrikam", adotest.NewPAT())
	r = u.git("", "ls-remote", lying)
	if !strings.Contains(r.stderr, "came only from the URL's user name") {
		t.Errorf("want the line saying the PAT is invalid but kept:\n%s", r.stderr)
	}
	if tok := u.token("fabrikam"); tok.Withdrawn != nil {
		t.Errorf("withdrawn on a username-only request: %+v", tok)
	}
}

// A submodule URL in someone else's repository is the same attack without
// anybody typing it: clone --recurse-submodules must leave the token in
// service and the superproject cloned.
func TestHostileSubmoduleURL(t *testing.T) {
	t.Parallel()
	srv, u, _ := hostileServer(t)
	one := strings.Repeat("1", 40)
	if err := srv.AddSubmodules(contosoURL,
		adotest.Submodule{Name: "a", Path: "a", URL: "https://dev.azure.com/fabrikam%2FPlatform/_git/app", Commit: one},
		adotest.Submodule{Name: "b", Path: "b", URL: "https://dev.azure.com/contoso/%2e%2e/fabrikam/Website/_git/web", Commit: one},
		adotest.Submodule{Name: "c", Path: "c", URL: "https://fabrikam@dev.azure.com/contoso%2F/_git/x", Commit: one},
	); err != nil {
		t.Fatal(err)
	}
	// contoso's shop is public to this user through a second PAT.
	shop := acceptNewPAT(srv, "contoso")
	u.addPAT(shop, "--org", "contoso")
	dst, err := u.exec("", "", "git", "clone", "--recurse-submodules", contosoURL, u.home+"/super")
	if err != nil {
		t.Fatal(err)
	}
	// Each submodule URL was tried, and answered as its kind deserves.
	for _, want := range []string{"is valid (Azure DevOps accepts it", "not answering for https://dev.azure.com/contoso/../fabrikam"} {
		if !strings.Contains(dst.stderr, want) {
			t.Errorf("clone's stderr lacks %q:\n%s", want, dst)
		}
	}
	assertInService(t, u, "fabrikam")
	assertInService(t, u, "contoso")
}

// A PAT Azure DevOps cannot be asked about (503, a proxy failing) stays in
// service; once the server answers again git works without a restore.
func TestUncheckableRefusalKeepsTheToken(t *testing.T) {
	t.Parallel()
	srv, u, pat := hostileServer(t)
	srv.SetPAT("fabrikam", adotest.NewPAT()) // the PAT briefly disabled
	srv.SetConnectionDataStatus("fabrikam", http.StatusServiceUnavailable)
	stderr := u.mustFailClone(webURL)
	if !strings.Contains(stderr, "could not be checked") || !strings.Contains(stderr, "verify fabrikam") {
		t.Errorf("want the line saying the PAT could not be checked:\n%s", stderr)
	}
	srv.SetPAT("fabrikam", pat)
	srv.SetConnectionDataStatus("fabrikam", 0)
	assertInService(t, u, "fabrikam")
}

// A token withdrawn on proof comes back by itself when a timer runs
// verify after Azure DevOps accepts the PAT again.
func TestVerifyHealsAWithdrawnToken(t *testing.T) {
	t.Parallel()
	srv, u, pat := hostileServer(t)
	srv.SetPAT("fabrikam", adotest.NewPAT())
	u.mustFailClone(webURL)
	if tok := u.token("fabrikam"); tok.Withdrawn == nil {
		t.Fatalf("Azure DevOps said invalid, yet not withdrawn: %+v", tok)
	}
	srv.SetPAT("fabrikam", pat)
	out := u.mustAdopat("", "verify")
	if !strings.Contains(out, "fabrikam: valid") || !strings.Contains(out, "back in service") {
		t.Errorf("verify said %q", out)
	}
	assertInService(t, u, "fabrikam")
}

// ADOPAT_ENV_ORG limits the CI token to URLs whose path names that
// organisation; a blank value is refused, never "every organisation".
func TestEnvTokenFailsClosed(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	job := acceptNewPAT(srv, "fabrikam")
	srv.SetPAT("contoso", adotest.NewPAT())

	ci := newUser(t, srv).with("SYSTEM_ACCESSTOKEN="+job, "ADOPAT_ENV_ORG=fabrikam")
	ci.install()
	ci.mustClone(webURL)

	// Without useHttpPath only the user name names an organisation.
	noPath := newUser(t, srv).with("SYSTEM_ACCESSTOKEN="+job, "ADOPAT_ENV_ORG=fabrikam")
	noPath.install()
	noPath.mustGit("", "config", "--global", "--unset-all", "credential.https://dev.azure.com.useHttpPath")
	lying := "https://fabrikam@dev.azure.com/contoso/Shop/_git/shop"
	if cred, r, ok := noPath.fill(lying); ok {
		t.Errorf("git got a credential for %s (user %q):\n%s", lying, cred["username"], r)
	}
	r := noPath.git("", "ls-remote", lying)
	if r.code == 0 || strings.Contains(r.stderr, job) {
		t.Fatalf("ls-remote:\n%s", r)
	}
	if st := srv.AuthAttempts("contoso"); st.OK != 0 {
		t.Errorf("contoso accepted a credential: %+v", st)
	}

	blank := newUser(t, srv).with("SYSTEM_ACCESSTOKEN="+job, "ADOPAT_ENV_ORG= ")
	blank.install()
	stderr := blank.mustFailClone(webURL)
	if !strings.Contains(stderr, "ADOPAT_ENV_ORG is set but empty") {
		t.Errorf("want a line about the blank ADOPAT_ENV_ORG:\n%s", stderr)
	}
}

// ADOPAT_TRACE=1 shows the decisions of a real clone, never the PAT.
func TestTraceThroughGit(t *testing.T) {
	t.Parallel()
	srv, u, pat := hostileServer(t)
	traced := u.with("ADOPAT_TRACE=1")
	dst, r := traced.clone(webURL)
	if r.code != 0 {
		t.Fatalf("clone:\n%s", r)
	}
	bad := traced.git(dst, "ls-remote", "https://dev.azure.com/fabrikam%2FPlatform/_git/app")
	trace := r.stderr + bad.stderr
	for _, want := range []string{
		"trace: get: protocol=https host=dev.azure.com path=fabrikam/Website/_git/web",
		"trace: answer: the token fabrikam",
		"trace: erase check: fabrikam: valid",
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, trace)
		}
	}
	if strings.Contains(trace, pat) {
		t.Error("the PAT appears in the trace")
	}
	_ = srv
}
