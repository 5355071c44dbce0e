package e2e_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// The README's example: install, add --org, clone the path-form URL.
func TestCloneDevAzurePathForm(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)

	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam")
	before := u.readVault()
	dst := u.mustClone(webURL)

	// A fetch afterwards is answered the same way.
	if r := u.git(dst, "fetch", "--quiet", "origin"); r.code != 0 || r.stderr != "" {
		t.Errorf("fetch after clone:\n%s", r)
	}
	// git runs `store` after each success with the credential adopat gave;
	// that changes nothing, so nothing is written (age output is random,
	// so any rewrite would change the bytes). Checked before `list`, which
	// folds the usage journal into the vault.
	if after := u.readVault(); !bytes.Equal(before, after) {
		t.Error("the vault was rewritten by git's store of the unchanged credential")
	}
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	tok := u.token("fabrikam")
	if tok.Status != "active" {
		t.Errorf("token after clone and fetch: %+v, want active", tok)
	}
	// Each answer was recorded: the clone's and the fetch's requests.
	if tok.Uses < 2 || tok.LastUsed == nil || len(tok.Repos) != 1 || tok.Repos[0].Path != "dev.azure.com/fabrikam/Website/_git/web" {
		t.Errorf("usage after clone and fetch: uses %d, last used %v, repos %+v", tok.Uses, tok.LastUsed, tok.Repos)
	}
}

// The "Clone" button's form https://ORG@dev.azure.com/...: with the path
// (install's useHttpPath) and, with useHttpPath switched off, from the
// URL's username alone.
func TestCloneDevAzureOrgAtForm(t *testing.T) {
	t.Parallel()
	const orgAtURL = "https://fabrikam@dev.azure.com/fabrikam/Website/_git/web"
	for _, useHTTPPath := range []bool{true, false} {
		t.Run(fmt.Sprintf("useHttpPath=%v", useHTTPPath), func(t *testing.T) {
			t.Parallel()
			srv, pat := fabrikamServer(t)

			u := installedUser(t, srv)
			if !useHTTPPath {
				u.mustGit("", "config", "--global", "credential.https://dev.azure.com.useHttpPath", "false")
			}
			u.addPAT(pat, "--org", "fabrikam")
			cred, r, ok := u.fill(orgAtURL)
			wantPath := map[bool]string{true: "fabrikam/Website/_git/web", false: ""}[useHTTPPath]
			if !ok || cred["password"] != pat || cred["username"] != "fabrikam" || cred["path"] != wantPath {
				t.Fatalf("credential fill: ok=%v username=%q path=%q (want %q), password is the PAT: %v\n%s",
					ok, cred["username"], cred["path"], wantPath, cred["password"] == pat, r.stderr)
			}
			u.mustClone(orgAtURL)

			// With a username in the URL, curl first tries it with an empty
			// password, before git asks any helper: one refusal per clone
			// is git's, not adopat's. The token must not be withdrawn.
			if st := srv.AuthAttempts("fabrikam"); st.OK == 0 || st.Failed > 1 {
				t.Errorf("auth attempts %+v, want OK > 0 and at most curl's one empty-password try", st)
			}
			if tok := u.token("fabrikam"); tok.Status != "active" {
				t.Errorf("token after the clone: %+v, want active", tok)
			}
		})
	}
}

// Without useHttpPath and without a username in the URL nobody can tell the
// organisation: adopat answers nothing and prints the one line the README
// promises, pointing at install.
func TestCloneWithoutPathOrUsernameAsksForInstall(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)

	u := installedUser(t, srv)
	u.mustGit("", "config", "--global", "credential.https://dev.azure.com.useHttpPath", "false")
	u.addPAT(pat, "--org", "fabrikam", "--no-verify") // no credential may reach the stand-in
	stderr := u.mustFailClone(webURL)
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "adopat") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "git-credential-adopat: ") || !strings.Contains(lines[0], "git-credential-adopat install") {
		t.Errorf("want exactly one adopat line telling to run install, got:\n%s", stderr)
	}
	if st := srv.AuthAttempts("fabrikam"); st.OK != 0 || st.Failed != 0 {
		t.Errorf("auth attempts %+v, want no credentials sent", st)
	}
}

// {org}.visualstudio.com, with and without DefaultCollection/, is served
// by the PAT stored for the organisation (add --org, nothing else).
func TestCloneVisualStudioUsesOrgPAT(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adotest.Options{}, "https://fabrikam.visualstudio.com/Website/_git/web")
	pat := acceptNewPAT(srv, "fabrikam")

	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam")
	u.mustClone("https://fabrikam.visualstudio.com/Website/_git/web")
	u.mustClone("https://fabrikam.visualstudio.com/DefaultCollection/Website/_git/web")
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	if n := len(u.list()); n != 1 {
		t.Errorf("vault holds %d tokens after the clones, want the 1 added", n)
	}
}

// Each organisation's repositories get that organisation's PAT, and no
// request ever carries the other one (no refused attempts).
func TestTwoOrganisationsGetTheirOwnPAT(t *testing.T) {
	t.Parallel()
	const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	fab, con := acceptNewPAT(srv, "fabrikam"), acceptNewPAT(srv, "contoso")

	u := installedUser(t, srv)
	u.addPAT(fab, "--org", "fabrikam")
	u.addPAT(con, "--org", "contoso")
	u.mustClone(webURL)
	u.mustClone(contosoURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertAuth(t, "contoso", srv.AuthAttempts("contoso"), false)
}

// A token added for ORG/PROJECT answers that project; the organisation's
// token answers the rest. The server accepts one PAT per organisation at a
// time, so each clone succeeding without a refused attempt proves which
// token git sent.
func TestProjectTokenWinsOverOrgToken(t *testing.T) {
	t.Parallel()
	const (
		websiteURL  = webURL
		defaultRepo = "https://dev.azure.com/fabrikam/Website/_git/Website" // also served as fabrikam/_git/Website
		intranetURL = "https://dev.azure.com/fabrikam/Intranet/_git/intranet"
	)
	srv := startServer(t, adotest.Options{}, websiteURL, defaultRepo, intranetURL)
	orgPAT, projectPAT := adotest.NewPAT(), adotest.NewPAT()

	u := installedUser(t, srv)
	u.addPAT(orgPAT, "--org", "fabrikam", "--no-verify") // the stand-in accepts neither yet
	u.addPAT(projectPAT, "--org", "fabrikam", "--project", "Website", "--no-verify")

	// What git would send, URL by URL.
	for _, c := range []struct{ url, want string }{
		{websiteURL, projectPAT},
		{"https://dev.azure.com/fabrikam/_git/Website", projectPAT},     // the project's default repository
		{"https://dev.azure.com/fabrikam/website/_git/web", projectPAT}, // names are case-insensitive
		{"https://fabrikam.visualstudio.com/DefaultCollection/Website/_git/web", projectPAT},
		{intranetURL, orgPAT},
	} {
		if got := u.fillPassword(c.url); got != c.want {
			t.Errorf("fill %s: got the %s token, want the %s one", c.url, tokenName(got, orgPAT, projectPAT), tokenName(c.want, orgPAT, projectPAT))
		}
	}

	srv.SetPAT("fabrikam", orgPAT)
	u.mustClone(intranetURL)
	srv.SetPAT("fabrikam", projectPAT)
	u.mustClone(websiteURL)
	u.mustClone("https://dev.azure.com/fabrikam/_git/Website")
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	for _, tok := range u.list() {
		if tok.Status != "active" {
			t.Errorf("token %s is %s after the clones, want active", tok.Scope, tok.Status)
		}
	}
}

// tokenName says which of the two PATs pat is, for failure messages.
func tokenName(pat, orgPAT, projectPAT string) string {
	switch pat {
	case orgPAT:
		return "organisation"
	case projectPAT:
		return "project"
	case "":
		return "(none)"
	}
	return "unknown"
}

// Declared Azure DevOps Servers, installed with --server: one over HTTPS on
// the default port, one over plain HTTP on port 8080 below a path prefix.
func TestCloneDeclaredServers(t *testing.T) {
	t.Parallel()
	const (
		tfsURL    = "https://tfs.example.test/tfs/DefaultCollection/Website/_git/web"
		legacyURL = "http://legacy.test:8080/tfs/DefaultCollection/Website/_git/web"
	)
	srv := startServer(t, adotest.Options{
		ExtraHosts:     []string{"tfs.example.test"},
		ExtraHTTPHosts: []string{"legacy.test:8080"},
	}, tfsURL, legacyURL)
	tfsPAT, legacyPAT := adotest.NewPAT(), adotest.NewPAT()
	srv.SetHostPAT("tfs.example.test", tfsPAT)
	srv.SetHostPAT("legacy.test:8080", legacyPAT)

	u := newUser(t, srv)
	u.install("https://tfs.example.test", "http://legacy.test:8080/tfs")
	u.addPAT(tfsPAT, "--server", "https://tfs.example.test")
	u.addPAT(legacyPAT, "--server", "http://legacy.test:8080/tfs", "--username", "jdoe")
	u.mustClone(tfsURL)
	u.mustClone(legacyURL)
	assertAuth(t, "tfs.example.test", srv.HostAuthAttempts("tfs.example.test"), false)
	assertAuth(t, "legacy.test:8080", srv.HostAuthAttempts("legacy.test:8080"), false)

	if got := u.fillPassword(legacyURL); got != legacyPAT {
		t.Errorf("fill %s did not give the legacy server's PAT", legacyURL)
	}
	// The path prefix limits the helper: outside /tfs on the same host
	// adopat is not asked, so git has nothing (and prompts are off).
	if cred, r, ok := u.fill("http://legacy.test:8080/other/_git/x"); ok {
		t.Errorf("fill outside the declared prefix answered %q, want nothing\n%s", cred["username"], r)
	}
	if n := len(u.list()); n != 2 {
		t.Errorf("vault holds %d tokens after the clones, want the 2 added", n)
	}
}

// The PAT, and the Basic credentials made from it, appear nowhere a user or
// a log could see them: not in the clone's URL or config, not in any file
// under HOME (the vault is encrypted), not in the server's request log, and
// not in git's full trace output.
func TestPATAppearsNowhere(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)

	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam")

	traced := u.with("GIT_TRACE=1", "GIT_CURL_VERBOSE=1", "GIT_TRACE_CURL=1")
	dst, r := traced.clone(webURL)
	if r.code != 0 {
		t.Fatalf("traced clone failed:\n%s", r)
	}
	fetch := traced.git(dst, "fetch", "origin")
	if fetch.code != 0 {
		t.Fatalf("traced fetch failed:\n%s", fetch)
	}
	trace := r.stderr + fetch.stderr
	// The trace must show that credentials were sent, redacted; otherwise
	// the absence checks below would prove nothing.
	if !strings.Contains(trace, "Authorization: Basic <redacted>") {
		t.Errorf("git trace shows no redacted Authorization header; trace:\n%s", trace)
	}
	if !strings.Contains(trace, "credential-adopat get") {
		t.Errorf("git trace shows no run of the helper; trace:\n%s", trace)
	}

	secrets := map[string]string{"PAT": pat}
	for _, user := range []string{"adopat", "fabrikam", ""} {
		secrets["base64("+user+":PAT)"] = base64.StdEncoding.EncodeToString([]byte(user + ":" + pat))
	}
	assertAbsent := func(where, text string) {
		t.Helper()
		for name, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s found in %s", name, where)
			}
		}
	}

	assertAbsent("git's trace (stdout and stderr)", trace+r.stdout+fetch.stdout)
	if got := strings.TrimSpace(u.mustGit(dst, "remote", "get-url", "origin")); got != webURL {
		t.Errorf("remote URL = %q, want %q unchanged", got, webURL)
	}
	config, err := os.ReadFile(filepath.Join(dst, ".git", "config"))
	if err != nil {
		t.Fatal(err)
	}
	assertAbsent(".git/config", string(config))
	if strings.Contains(string(config), "@dev.azure.com") {
		t.Errorf(".git/config has credentials in a URL:\n%s", config)
	}

	// Every file under HOME: the clone, the global git config, the vault
	// and its key.
	files := len(assertNotUnderHome(t, u, secrets))
	if _, err := os.Stat(u.vault); err != nil || files < 10 {
		t.Fatalf("vault %s not among the %d files checked: %v", u.vault, files, err)
	}

	lines := srv.RequestLines()
	if len(lines) == 0 {
		t.Fatal("the server saw no requests")
	}
	for _, req := range srv.Requests() {
		assertAbsent("server request "+req.Line, req.Line+" "+req.Host)
	}
}
