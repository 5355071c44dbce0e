package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// adopatLines returns the lines the helper printed on git's stderr.
func adopatLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "git-credential-adopat:") {
			out = append(out, l)
		}
	}
	return out
}

// A user with two PATs, one about to expire and one expired, clones: the
// expired one is never sent and says so; the other works and warns once.
func TestExpiredPATRefusedAndNearExpiryWarnedOnce(t *testing.T) {
	t.Parallel()
	soonURL, goneURL := "https://dev.azure.com/soon/Web/_git/web", "https://dev.azure.com/gone/Web/_git/web"
	srv := startServer(t, adotest.Options{}, soonURL, goneURL)
	soon, gone := acceptNewPAT(srv, "soon"), acceptNewPAT(srv, "gone")
	u := installedUser(t, srv)
	u.addPAT(soon, "--org", "soon", "--expires", "3d")
	if r := u.adopat(gone+"\n", "add", "--org", "gone", "--expires", "2026-01-31"); r.code != 0 || !strings.Contains(r.stderr, "will not be sent") {
		t.Fatalf("add of an expired PAT:\n%s", r)
	}

	dst, r := u.clone(soonURL)
	if r.code != 0 {
		t.Fatalf("clone with the PAT near expiry:\n%s", r)
	}
	if lines := adopatLines(r.stderr); len(lines) != 1 || !strings.Contains(lines[0], "the PAT for soon expires on") || !strings.Contains(lines[0], "rotate soon") {
		t.Errorf("clone near expiry should warn once, got %q", lines)
	}
	if r := u.git(dst, "fetch", "origin"); r.code != 0 || len(adopatLines(r.stderr)) != 0 {
		t.Errorf("fetch on the same day warned again or failed:\n%s", r)
	}

	stderr := u.mustFailClone(goneURL)
	if lines := adopatLines(stderr); len(lines) != 1 || !strings.Contains(lines[0], "the PAT for gone expired on 2026-01-31") || !strings.Contains(lines[0], "git-credential-adopat rotate gone") {
		t.Errorf("clone with the expired PAT said %q", lines)
	}
	if st := srv.AuthAttempts("gone"); st.OK != 0 || st.Failed != 0 {
		t.Errorf("the expired PAT reached the server: %+v", st)
	}
}

// verify and rotate against a server that accepts only the new PAT.
func TestVerifyAndRotateAgainstServerAcceptingOnlyTheNewPAT(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adotest.Options{}, webURL)
	oldPAT, newPATValue := adotest.NewPAT(), acceptNewPAT(srv, "fabrikam")
	u := newUser(t, srv)
	u = u.with(srv.GoClientEnv()...) // verify is a Go HTTP client: HTTPS_PROXY, SSL_CERT_FILE
	u.install()
	u.addPAT(oldPAT, "--org", "fabrikam", "--label", "laptop", "--expires", "30d", "--no-verify")

	if r := u.adopat("", "verify"); r.code != 2 || !strings.Contains(r.stdout, "fabrikam: INVALID") {
		t.Errorf("verify of the old PAT:\n%s", r)
	}
	if r := u.adopat(adotest.NewPAT()+"\n", "rotate", "fabrikam"); r.code != 2 || !strings.Contains(r.stderr, "did not accept") {
		t.Errorf("rotate to a PAT the server refuses:\n%s", r)
	}
	if got := u.fillPassword(webURL); got != oldPAT {
		t.Errorf("a refused rotate changed the PAT")
	}
	if r := u.adopat(newPATValue+"\n", "rotate", "fabrikam"); r.code != 0 || !strings.Contains(r.stdout, "verified as Test User") {
		t.Fatalf("rotate:\n%s", r)
	}
	if r := u.adopat("", "verify", "fabrikam"); r.code != 0 || !strings.Contains(r.stdout, "fabrikam: valid, authenticated as Test User <user@example.com>") {
		t.Errorf("verify after rotate:\n%s", r)
	}
	u.mustClone(webURL)
	if tok := u.token("fabrikam"); tok.Status != "active" {
		t.Errorf("after rotate: %+v", tok)
	}
	for _, line := range srv.RequestLines() {
		if strings.Contains(line, oldPAT) || strings.Contains(line, newPATValue) {
			t.Fatalf("a PAT in a request line: %s", line)
		}
	}
}

// In CI the job's token in the environment clones with an empty vault, with
// or without install (CI configurations rarely set useHttpPath), and is
// never written anywhere.
func TestCIEnvTokenClonesWithEmptyVaultAndIsNeverStored(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	for _, installed := range []bool{true, false} {
		u := newUser(t, srv).with("SYSTEM_ACCESSTOKEN=" + pat)
		var r result
		if installed {
			u.install()
			_, r = u.clone(webURL)
		} else {
			r = u.git("", "-c", "credential.helper=", "-c", "credential.helper=adopat", "clone", "--quiet", webURL, filepath.Join(u.home, "plain"))
		}
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("clone with SYSTEM_ACCESSTOKEN (installed %v):\n%s", installed, r)
		}
		if _, err := os.Stat(u.vault); !os.IsNotExist(err) {
			t.Errorf("the environment token created a vault (installed %v)", installed)
		}
		// Every file under HOME, the clone's included: a walk or read
		// error fails the test, and so does a walk that saw too few files
		// to have looked at the clone.
		files := len(assertNotUnderHome(t, u, map[string]string{"the PAT": pat}))
		if files < 10 {
			t.Errorf("only %d files under HOME were checked; the clone alone has more", files)
		}
	}
}
