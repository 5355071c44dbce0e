package cli

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// fakeSources makes ta's token sources answer with tokens the Entra
// stand-in issues (Azure DevOps accepts them), each living an hour, and
// counts the questions.
func fakeSources(t *testing.T, ta *testApp) (*adotest.Server, *adotest.Entra, *[]store.Source) {
	t.Helper()
	srv := adotest.StartT(t)
	ta.useClient(&adoapi.Client{HTTP: srv.Client()})
	e := srv.StartEntra(t)
	var asked []store.Source
	ta.Mint = func(_ context.Context, src *store.Source) (helper.Minted, error) {
		asked = append(asked, *src)
		return helper.Minted{Secret: e.IssueToken(adotest.AzureDevOpsResource, time.Hour), Expires: fixedNow.Add(time.Hour)}, nil
	}
	return srv, e, &asked
}

// add --entra stores the source (no PAT read), after a token from it was
// accepted by Azure DevOps (sent as a Bearer token); list, list --json,
// metrics and doctor show the source, the cached token's end and the
// last mint; verify mints anew; rotate says there is nothing to rotate.
func TestAddSourceAndItsVisibility(t *testing.T) {
	ta := newTestApp(t)
	_, e, asked := fakeSources(t, ta)
	spy := &readSpy{}
	ta.stdout.Reset()
	ta.Stdin = spy
	if code := ta.App.Run([]string{"add", "--org", "fabrikam", "--entra", "managed-identity:0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11", "--label", "build box"}); code != 0 {
		t.Fatalf("add --entra: exit %d %s", code, ta.stderr)
	}
	if spy.read || len(*asked) != 1 || (*asked)[0].ClientID != "0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11" {
		t.Errorf("stdin read %v, sources asked %+v", spy.read, *asked)
	}
	if out := ta.stdout.String(); !strings.Contains(out, "stored token source managed-identity:0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11 for fabrikam") || !strings.Contains(out, "verified as Test User") {
		t.Errorf("add said %q", out)
	}

	ta.mustRun(t, "list")
	if out := ta.stdout.String(); !strings.Contains(out, "token sources") || !strings.Contains(out, "fabrikam: Microsoft Entra token from managed-identity:0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11; cached until 2026-11-26 13:00 UTC, last obtained 2026-11-26 12:00 UTC") {
		t.Errorf("list:\n%s", out)
	}
	ta.mustRun(t, "list", "--json")
	var l listing
	if err := json.Unmarshal(ta.stdout.Bytes(), &l); err != nil || len(l.Tokens) != 1 {
		t.Fatalf("list --json: %v\n%s", err, ta.stdout)
	}
	if tok := l.Tokens[0]; tok.Source == nil || tok.Source.Entra != store.EntraManagedIdentity || !tok.TokenExpires.Equal(fixedNow.Add(time.Hour)) || !tok.LastMint.Equal(fixedNow) || tok.Status != "active" || tok.Label != "build box" {
		t.Errorf("list --json token %+v", tok)
	}
	ta.mustRun(t, "metrics")
	for _, want := range []string{
		`adopat_token_source_info{scope="fabrikam",label="build box",source="managed-identity",keyvault=""} 1`,
		`adopat_token_cached_expiry_timestamp_seconds{scope="fabrikam",label="build box"} ` + itoa(fixedNow.Add(time.Hour).Unix()),
		`adopat_token_last_mint_timestamp_seconds{scope="fabrikam",label="build box"} ` + itoa(fixedNow.Unix()),
	} {
		if !strings.Contains(ta.stdout.String(), want) {
			t.Errorf("metrics lack %s:\n%s", want, ta.stdout)
		}
	}
	ta.run("", "doctor", "--json")
	var rep doctorReport
	if err := json.Unmarshal(ta.stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range rep.Checks {
		switch {
		case c.Name == "token_source" && c.Scope == "fabrikam" && c.Status == statusOK && strings.Contains(c.Message, "cached until"):
			found = true
		case c.Scope == "fabrikam" && c.Name != "token_source":
			t.Errorf("doctor reports a source as a PAT: %+v", c)
		}
	}
	if !found || rep.Tokens.Active != 1 {
		t.Errorf("doctor --json: %+v", rep)
	}

	if code := ta.run("", "verify", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "fabrikam: valid, authenticated as Test User <user@example.com> (a token just obtained from managed-identity:") {
		t.Errorf("verify: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if len(*asked) != 2 {
		t.Errorf("verify asked the source %d times in all, want a fresh token", len(*asked))
	}
	// The JSON reason names what was checked: no PAT is involved.
	if code := ta.run("", "verify", "--json", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "accepted the Microsoft Entra token") || strings.Contains(ta.stdout.String(), "the PAT") {
		t.Errorf("verify --json of a source: exit %d %s", code, ta.stdout)
	}
	if code := ta.run("", "rotate", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "no PAT to rotate") {
		t.Errorf("rotate of a source: exit %d %q", code, ta.stderr)
	}
	for _, tok := range e.Issued() {
		for _, out := range []string{ta.stdout.String(), ta.stderr.String()} {
			if strings.Contains(out, tok) {
				t.Fatal("a token was printed")
			}
		}
	}
}

// A source Azure DevOps refuses, or that gives no token, is not stored
// (exit 2, saying --no-verify stores it anyway); --no-verify asks nobody.
func TestAddSourceRefusedIsNotStored(t *testing.T) {
	ta := newTestApp(t)
	_, e, _ := fakeSources(t, ta)
	ta.Mint = func(context.Context, *store.Source) (helper.Minted, error) {
		return helper.Minted{Secret: e.IssueToken("some-other-api", time.Hour), Expires: fixedNow.Add(time.Hour)}, nil
	}
	if code := ta.run("", "add", "--org", "fabrikam", "--entra", "azure-cli"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "did not accept the token from azure-cli") || !strings.Contains(ta.stderr.String(), "--no-verify") {
		t.Errorf("refused source: exit %d %q", code, ta.stderr)
	}
	issuing := ta.Mint
	ta.Mint = func(ctx context.Context, src *store.Source) (helper.Minted, error) {
		return helper.Minted{}, context.DeadlineExceeded
	}
	if code := ta.run("", "add", "--org", "fabrikam", "--entra", "azure-cli"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "could not get a token for fabrikam from azure-cli") {
		t.Errorf("silent source: exit %d %q", code, ta.stderr)
	}
	ta.mustRun(t, "list", "--json")
	if strings.Contains(ta.stdout.String(), "fabrikam") {
		t.Fatal("a refused source was stored")
	}
	ta.Mint = issuing
	ta.mustRun(t, "add", "--org", "fabrikam", "--entra", "azure-cli", "--no-verify")
	if !strings.Contains(ta.stdout.String(), "not verified (--no-verify)") {
		t.Errorf("add --no-verify said %q", ta.stdout)
	}
}

func TestAddSourceUsageErrors(t *testing.T) {
	ta := newTestApp(t)
	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"--org", "fabrikam", "--entra", "imds"}, "not a Microsoft Entra source"},
		{[]string{"--org", "fabrikam", "--entra", "azure-pipelines"}, "ADOPAT_ENTRA"},
		{[]string{"--server", "https://tfs.example.com", "--entra", "azure-cli"}, "Azure DevOps cloud"},
		{[]string{"--org", "fabrikam", "--entra", "azure-cli", "--expires", "30d"}, "--expires does not apply"},
		{[]string{"--org", "fabrikam", "--entra", "azure-cli", "--scopes", "vso.code"}, "--scopes does not apply"},
		{[]string{"--org", "fabrikam", "--entra", "managed-identity", "--tenant", "contoso"}, "--tenant does not apply to --entra managed-identity"},
		{[]string{"--org", "fabrikam", "--entra", "service-principal", "--tenant", "t"}, "needs --tenant, --client-id and --certificate"},
		{[]string{"--org", "fabrikam", "--entra", "workload-identity", "--client-id", "a b"}, "not a Microsoft Entra ID"},
		{[]string{"--org", "fabrikam", "--tenant", "t"}, "--tenant goes with --entra"},
		{[]string{"--org", "fabrikam", "--keyvault", "https://v.vault.azure.net/secrets/x/123"}, "one version of the secret"},
		{[]string{"--org", "fabrikam", "--keyvault", "http://v.vault.azure.net/secrets/x"}, "https only"},
	} {
		if code := ta.run("", append([]string{"add"}, c.args...)...); code != ExitUsage || !strings.Contains(ta.stderr.String(), c.say) {
			t.Errorf("add %v: exit %d %q, want a usage error saying %q", c.args, code, ta.stderr, c.say)
		}
	}
}

// A PAT replaces a source with a second add, and a source a PAT; the
// usage history and label stay, no PAT expiry or scopes carry over.
func TestSourceAndPATReplaceEachOther(t *testing.T) {
	ta := newTestApp(t)
	srv, _, _ := fakeSources(t, ta)
	pat := adotest.NewPAT()
	srv.SetPAT("fabrikam", pat)
	if code := ta.run(pat, "add", "--org", "fabrikam", "--expires", "30d", "--scopes", "vso.code", "--label", "kept"); code != 0 {
		t.Fatalf("add PAT: %s", ta.stderr)
	}
	ta.mustRun(t, "add", "--org", "fabrikam", "--keyvault", "https://v.vault.azure.net/secrets/ado")
	if out := ta.stdout.String(); !strings.Contains(out, "replaced the PAT for fabrikam with token source keyvault https://v.vault.azure.net/secrets/ado (managed-identity)") {
		t.Errorf("add --keyvault over a PAT said %q", out)
	}
	ta.mustRun(t, "list", "--json")
	var l listing
	json.Unmarshal(ta.stdout.Bytes(), &l)
	if tok := l.Tokens[0]; tok.Label != "kept" || len(tok.Scopes) != 0 || tok.Source == nil || tok.Source.KeyVault == "" {
		t.Errorf("after add --keyvault: %+v", tok)
	}
	if code := ta.run(pat, "add", "--org", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "replaced the token source keyvault") {
		t.Errorf("add PAT over a source: exit %d %q %q", code, ta.stdout, ta.stderr)
	}
	if got := getPassword(t, ta, "fabrikam"); got != pat {
		t.Errorf("get after the PAT replaced the source: %q", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
