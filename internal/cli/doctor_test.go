package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// healthyDoctorApp is a test App on which doctor should find nothing:
// installed in its own git config, the helper on PATH, one read-only
// token far from expiry, no keyring.
func healthyDoctorApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t)
	isolateGit(t, ta)
	bin := filepath.Join(ta.dir, "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "git-credential-adopat"), []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	ta.ProbeKeyring = func(time.Duration) (bool, string) { return false, "no D-Bus session bus in this test" }
	ta.env["ADOPAT_BACKEND"] = "file"
	if code := ta.run("", "install"); code != 0 {
		t.Fatalf("install: %s", ta.stderr)
	}
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "30d", "--scopes", "vso.code"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	return ta
}

// doctorJSON runs doctor --json and decodes it.
func doctorJSON(t *testing.T, ta *testApp) (doctorReport, int) {
	t.Helper()
	code := ta.run("", "doctor", "--json")
	var r doctorReport
	if err := json.Unmarshal(ta.stdout.Bytes(), &r); err != nil {
		t.Fatalf("doctor --json is not JSON (%v):\n%s\nstderr: %s", err, ta.stdout, ta.stderr)
	}
	return r, code
}

// checksNamed are the checks of r called name (and about scope, when
// given).
func checksNamed(r doctorReport, name, scope string) []checkResult {
	var out []checkResult
	for _, c := range r.Checks {
		if c.Name == name && (scope == "" || c.Scope == scope) {
			out = append(out, c)
		}
	}
	return out
}

// wantCheck fails unless r has a check name (about scope) with status.
func wantCheck(t *testing.T, r doctorReport, name, scope, status string) {
	t.Helper()
	for _, c := range checksNamed(r, name, scope) {
		if c.Status == status {
			return
		}
	}
	t.Errorf("no %s check %s%s in:\n%+v", status, name, map[bool]string{true: " for " + scope}[scope != ""], r.Checks)
}

// doctor --json on a healthy setup: exit 0, ok true, every status one of
// the four, and the summary fields filled in.
func TestDoctorJSONHealthy(t *testing.T) {
	ta := healthyDoctorApp(t)
	r, code := doctorJSON(t, ta)
	if code != 0 || !r.OK {
		t.Fatalf("doctor --json: exit %d, ok %v:\n%s\n%s", code, r.OK, ta.stdout, ta.stderr)
	}
	for _, c := range r.Checks {
		switch c.Status {
		case statusOK, statusWarn, statusInfo:
		default:
			t.Errorf("check %+v: status %q on a healthy setup", c, c.Status)
		}
		if c.Name == "" || c.Message == "" {
			t.Errorf("check without name or message: %+v", c)
		}
	}
	for _, name := range []string{"backend", "files", "store_dir", "key", "tokens", "journal", "path", "git_config"} {
		wantCheck(t, r, name, "", statusOK)
	}
	if r.Backend != "file" || r.Store != ta.env["ADOPAT_VAULT"] || r.KeySource != keySourceBesideVault || r.BackendReason == "" {
		t.Errorf("summary: %+v", r)
	}
	if r.Tokens != (tokenCounts{Total: 1, Active: 1}) {
		t.Errorf("tokens: %+v", r.Tokens)
	}
	if !strings.Contains(ta.stdout.String(), `"status": "ok"`) {
		t.Errorf("statuses are not lower-case words:\n%s", ta.stdout)
	}
	// The human output comes from the same checks.
	if code := ta.run("", "doctor"); code != 0 || !strings.Contains(ta.stdout.String(), "ok    key: identity "+vault.DefaultIdentityPath(ta.env["ADOPAT_VAULT"])) {
		t.Errorf("doctor: exit %d\n%s%s", code, ta.stdout, ta.stderr)
	}
}

// doctor --json on a broken setup: an expired token, a withdrawn one, an
// expiring one, a journal git cannot append to, a CI token whose
// organisation limit is blank; then a vault directory others can write.
// Exit 2, ok false, each one named.
func TestDoctorJSONBroken(t *testing.T) {
	ta := healthyDoctorApp(t)
	for _, add := range [][]string{
		{"add", "--org", "expired", "--expires", "2026-01-31", "--scopes", "vso.code"},
		{"add", "--org", "soon", "--expires", "3d", "--scopes", "vso.code"},
		{"add", "--org", "pulled", "--expires", "30d", "--scopes", "vso.code"},
	} {
		if code := ta.run(adotest.NewPAT(), add...); code != 0 {
			t.Fatalf("%v: %s", add, ta.stderr)
		}
	}
	vaultPath := ta.env["ADOPAT_VAULT"]
	err := vault.New(vaultPath, vault.DefaultIdentityPath(vaultPath)).Update(func(d *store.Data) (bool, error) {
		i, _ := d.Find("pulled")
		at := fixedNow.Add(-time.Hour)
		d.Tokens[i].Withdrawn = &at
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A journal nobody can append to, root included: a directory in its place.
	if err := os.Mkdir(vaultPath+".usage", 0o700); err != nil {
		t.Fatal(err)
	}
	ta.env["AZURE_DEVOPS_EXT_PAT"] = adotest.NewPAT()
	ta.env["ADOPAT_ENV_ORG"] = " "

	r, code := doctorJSON(t, ta)
	if code != ExitRuntime || r.OK {
		t.Fatalf("doctor --json: exit %d, ok %v, want 2 and false", code, r.OK)
	}
	wantCheck(t, r, "token_expired", "expired", statusFail)
	wantCheck(t, r, "token_withdrawn", "pulled", statusFail)
	wantCheck(t, r, "token_expiring", "soon", statusWarn)
	wantCheck(t, r, "journal", "", statusFail)
	wantCheck(t, r, "env_token", "", statusFail)
	if want := (tokenCounts{Total: 4, Active: 2, Expiring: 1, Expired: 1, Withdrawn: 1}); r.Tokens != want {
		t.Errorf("tokens %+v, want %+v", r.Tokens, want)
	}
	if strings.Contains(ta.stdout.String(), ta.env["AZURE_DEVOPS_EXT_PAT"]) {
		t.Fatal("doctor --json printed the environment's token")
	}

	storetest.SkipOnWindows(t, "no Unix modes")
	if os.Geteuid() != 0 {
		// Without root's override, a journal file without write permission too.
		os.Remove(vaultPath + ".usage")
		if err := os.WriteFile(vaultPath+".usage", nil, 0o400); err != nil {
			t.Fatal(err)
		}
		r, _ = doctorJSON(t, ta)
		wantCheck(t, r, "journal", "", statusFail)
	}
	dir := filepath.Dir(vaultPath)
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	r, code = doctorJSON(t, ta)
	if code != ExitRuntime || r.OK {
		t.Fatalf("doctor --json with a group-writable vault directory: exit %d, ok %v", code, r.OK)
	}
	wantCheck(t, r, "store_dir", "", statusFail)
	wantCheck(t, r, "files", "", statusFail)
	if c := checksNamed(r, "store_dir", ""); len(c) != 1 || c[0].Detail != dir || !strings.Contains(c[0].Message, "mode 0770") || !strings.Contains(c[0].Message, "chmod go-w "+dir) {
		t.Errorf("store_dir check: %+v", c)
	}
	// One directory, one sentence and one command: the checks it stops
	// point at it instead of repeating it.
	ta.run("", "doctor")
	if n := strings.Count(ta.stdout.String(), "chmod go-w"); n != 1 {
		t.Errorf("doctor gives the fix for the directory %d times, want once:\n%s", n, ta.stdout)
	}
	if !strings.Contains(ta.stdout.String(), "key: not checked: directory "+dir+" is unsafe (see above)") {
		t.Errorf("doctor does not say why the key was not checked:\n%s", ta.stdout)
	}
}

// A CI token in the environment shows as information, with its limit.
func TestDoctorNamesEnvTokens(t *testing.T) {
	ta := healthyDoctorApp(t)
	ta.env["SYSTEM_ACCESSTOKEN"] = adotest.NewPAT()
	ta.env["ADOPAT_ENV_ORG"] = "fabrikam"
	r, code := doctorJSON(t, ta)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stdout)
	}
	wantCheck(t, r, "env_token", "", statusInfo)
	if c := checksNamed(r, "env_token", ""); len(c) != 1 || c[0].Detail != "SYSTEM_ACCESSTOKEN" || !strings.Contains(c[0].Message, "fabrikam") {
		t.Errorf("env_token: %+v", c)
	}
}

// A CREDENTIALS_DIRECTORY without adopat's names means the service's
// sealed key is not what opens the vault: doctor says so and how to name
// it.
func TestDoctorWarnsAboutMisnamedSystemdCredential(t *testing.T) {
	ta := healthyDoctorApp(t)
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "identity"), []byte("x\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	ta.env["CREDENTIALS_DIRECTORY"] = creds
	r, _ := doctorJSON(t, ta)
	for _, c := range checksNamed(r, "key", "") {
		if c.Status == statusWarn && strings.Contains(c.Message, "LoadCredentialEncrypted=adopat.identity") {
			return
		}
	}
	t.Errorf("no warning about the misnamed credential in:\n%+v", r.Checks)
}

// doctor fails for a configured helper path that is gone or cannot run,
// with install as the fix; the PATH check is then not what matters.
func TestDoctorFailsForAHelperPathThatIsGone(t *testing.T) {
	ta := healthyDoctorApp(t)
	bin := fakeBinary(t, ta, "bin") // the one on PATH
	ta.mustRun(t, "install", "--server", "https://tfs.example.com/tfs")
	r, code := doctorJSON(t, ta)
	if code != 0 {
		t.Fatalf("doctor: exit %d\n%s", code, ta.stdout)
	}
	wantCheck(t, r, "helper_path", "", statusOK)
	wantCheck(t, r, "git_config", "", statusOK)
	wantCheck(t, r, "server_helper", "", statusOK)

	if err := os.Chmod(bin, 0o600); err != nil {
		t.Fatal(err)
	}
	r, code = doctorJSON(t, ta)
	fails := checksNamed(r, "helper_path", "")
	if code == 0 || len(fails) != 3 {
		t.Fatalf("doctor with %s not executable: exit %d, helper_path checks %+v", bin, code, fails)
	}
	for _, c := range fails {
		if c.Status != statusFail || !strings.Contains(c.Message, bin+" is not executable") || !strings.Contains(c.Message, "run `git-credential-adopat install") {
			t.Errorf("check %+v", c)
		}
	}
	if !strings.Contains(fails[2].Message, "install --server https://tfs.example.com/tfs`") {
		t.Errorf("the server's fix is not its install: %s", fails[2].Message)
	}
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	r, _ = doctorJSON(t, ta)
	for _, c := range checksNamed(r, "helper_path", "") {
		if c.Status != statusFail || !strings.Contains(c.Message, bin+" does not exist") {
			t.Errorf("check %+v", c)
		}
	}
	wantCheck(t, r, "path", "", statusFail)
}
