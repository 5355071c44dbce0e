package e2e_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A PAT the server refuses: git fails at once (no prompt, no hang), its
// erase withdraws the token but keeps it, `restore` puts it back, and once
// the server accepts it again a clone works.
func TestWrongPATIsWithdrawnNotDestroyed(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adotest.Options{}, webURL)
	stored := adotest.NewPAT()
	acceptNewPAT(srv, "fabrikam") // another PAT than the stored one

	u := installedUser(t, srv)
	u.addPAT(stored, "--org", "fabrikam", "--no-verify") // a PAT the server refuses

	// Azure DevOps, asked about the stored PAT itself, refuses it too:
	// proof enough to withdraw it, and git shows the line that says so.
	stderr := u.mustFailClone(webURL)
	assertWithdrawnLine(t, stderr, "fabrikam")
	if strings.Contains(stderr, stored) {
		t.Error("the PAT appears in git's stderr")
	}
	if st := srv.AuthAttempts("fabrikam"); st.Failed == 0 || st.OK != 0 {
		t.Errorf("auth attempts %+v, want the stored PAT refused and nothing accepted", st)
	}

	tok := u.token("fabrikam")
	if tok.Status != "withdrawn" || tok.Withdrawn == nil {
		t.Fatalf("after the 401 the token is %+v, want kept with status withdrawn", tok)
	}
	// Withdrawn means git is not answered with it any more.
	if cred, r, ok := u.fill(webURL); ok {
		t.Errorf("a withdrawn token still answers git (username %q)\n%s", cred["username"], r)
	}

	u.mustAdopat("", "restore", "fabrikam")
	if tok := u.token("fabrikam"); tok.Status != "active" || tok.Withdrawn != nil {
		t.Fatalf("after restore the token is %+v, want active", tok)
	}
	if got := u.fillPassword(webURL); got != stored {
		t.Fatal("restore did not bring back the stored PAT")
	}

	srv.SetPAT("fabrikam", stored) // the server side fixed: the PAT is valid again
	u.mustClone(webURL)
	if tok := u.token("fabrikam"); tok.Status != "active" {
		t.Errorf("after a good clone the token is %+v, want active", tok)
	}
}

// No token for the organisation: git fails at once and the helper says
// so in one line naming the organisation and the add command, at most once
// a day where it can remember it. The other organisation's token is
// neither sent nor touched.
func TestMissingPATFailsWithOneLine(t *testing.T) {
	t.Parallel()
	const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	srv := startServer(t, adotest.Options{}, webURL, contosoURL)
	fab := acceptNewPAT(srv, "fabrikam")
	srv.SetPAT("contoso", adotest.NewPAT())
	assertMissingLine := func(t *testing.T, stderr, org string) {
		t.Helper()
		if n := strings.Count(stderr, "git-credential-adopat"); n != 2 ||
			!strings.Contains(stderr, "git-credential-adopat: no PAT stored for the Azure DevOps organisation "+org+", so git gets none from adopat; store one with: git-credential-adopat add --org "+org+"\n") {
			t.Errorf("want one line naming %s and the add command:\n%s", org, stderr)
		}
	}

	t.Run("other organisation stored", func(t *testing.T) {
		t.Parallel()
		u := installedUser(t, srv)
		u.addPAT(fab, "--org", "fabrikam", "--no-verify")
		assertMissingLine(t, u.mustFailClone(contosoURL), "contoso")
		// Once a day: the next failure is git's alone.
		assertNoAdopatNoise(t, u.mustFailClone(contosoURL))
		if tok := u.token("fabrikam"); tok.Status != "active" {
			t.Errorf("fabrikam's token after the contoso failure: %+v, want active", tok)
		}
	})
	t.Run("empty vault", func(t *testing.T) {
		t.Parallel()
		u := installedUser(t, srv)
		// Nowhere to remember it without creating files: the line comes
		// every time.
		for i := 0; i < 2; i++ {
			assertMissingLine(t, u.mustFailClone(webURL), "fabrikam")
		}
		// A get that finds nothing creates nothing.
		if _, err := os.Lstat(filepath.Dir(u.vault)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("vault directory after an unanswered get: %v, want it not created", err)
		}
	})
	t.Cleanup(func() {
		for _, org := range []string{"fabrikam", "contoso"} {
			if st := srv.AuthAttempts(org); st.Failed != 0 || st.OK != 0 {
				t.Errorf("%s auth attempts %+v, want no credentials sent", org, st)
			}
		}
	})
}
