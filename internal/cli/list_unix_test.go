//go:build !windows

package cli

import (
	"os"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A vault others can read is refused once, with its fix: list does not
// also report the usage journal it could not fold into that vault (the
// same refusal, the same advice, twice).
func TestListRefusesAnOpenVaultOnce(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT()+"\n", "add", "--org", "fabrikam", "--no-verify"); code != 0 {
		t.Fatalf("add exit %d: %s", code, ta.stderr)
	}
	// git used it: the journal holds a use to fold.
	if code := ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/web\n\n", "get"); code != 0 || !strings.Contains(ta.stdout.String(), "password=") {
		t.Fatalf("get exit %d: %s%s", code, ta.stdout, ta.stderr)
	}
	if _, err := os.Stat(ta.env["ADOPAT_VAULT"] + ".usage"); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(ta.env["ADOPAT_VAULT"], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"list", "audit"} {
		if code := ta.run("", cmd); code != 2 {
			t.Fatalf("%s exit %d, want 2: %s", cmd, code, ta.stderr)
		}
		if n := strings.Count(ta.stderr.String(), "chmod 600"); n != 1 {
			t.Errorf("%s gives the fix %d times:\n%s", cmd, n, ta.stderr)
		}
	}
}
