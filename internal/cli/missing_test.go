package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A get for an organisation without a PAT names it and the add command,
// once a day per organisation; with a CI token in the environment there is
// no such line.
func TestGetForAnOrganisationWithoutPATSaysSoOnceADay(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT()+"\n", "add", "--org", "fabrikam"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	get := func(org string) string {
		t.Helper()
		if code := ta.run("protocol=https\nhost=dev.azure.com\npath="+org+"/x/_git/y\n", "get"); code != 0 {
			t.Fatalf("get: exit %d %s", code, ta.stderr)
		}
		return ta.stderr.String()
	}
	want := "git-credential-adopat: no PAT stored for the Azure DevOps organisation contoso, so git gets none from adopat; store one with: git-credential-adopat add --org contoso\n"
	if got := get("contoso"); got != want {
		t.Errorf("first get for contoso said %q", got)
	}
	if got := get("contoso"); got != "" {
		t.Errorf("second get the same day said %q", got)
	}
	if got := get("northwind"); !strings.Contains(got, "organisation northwind") {
		t.Errorf("first get for northwind said %q", got)
	}
	if got := get("fabrikam"); got != "" || !strings.Contains(ta.stdout.String(), "password=") {
		t.Errorf("get for the stored organisation: %q %q", ta.stdout, got)
	}
	ta.env["SYSTEM_ACCESSTOKEN"] = adotest.NewPAT()
	ta.env["ADOPAT_ENV_ORG"] = "fabrikam"
	ta.App.Now = func() time.Time { return fixedNow.Add(24 * time.Hour) }
	if got := get("tailspin"); got != "" {
		t.Errorf("with a CI token for another organisation get said %q", got)
	}
	delete(ta.env, "SYSTEM_ACCESSTOKEN")
	delete(ta.env, "ADOPAT_ENV_ORG")
	if got := get("contoso"); got != want {
		t.Errorf("the next day get for contoso said %q", got)
	}
}
