package helper

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
)

func envFrom(vars map[string]string) *EnvToken {
	return EnvTokenFrom(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
}

func TestEnvTokenAnswersCloudWithoutTouchingTheStore(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		host string
		path string
		want string // password answered, "" for none
	}{
		{"az devops variable", map[string]string{"AZURE_DEVOPS_EXT_PAT": "ext-pat"}, "dev.azure.com", "fabrikam/p/_git/r", "ext-pat"},
		{"pipeline job token", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat"}, "fabrikam.visualstudio.com", "p/_git/r", "job-pat"},
		{"explicit variable wins", map[string]string{"AZURE_DEVOPS_EXT_PAT": "ext-pat", "SYSTEM_ACCESSTOKEN": "job-pat"}, "dev.azure.com", "fabrikam/p/_git/r", "ext-pat"},
		{"organisation unknown (no useHttpPath)", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat"}, "dev.azure.com", "", "job-pat"},
		{"limited to its organisation", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": "Fabrikam"}, "dev.azure.com", "fabrikam/p/_git/r", "job-pat"},
		{"other organisation falls to the store", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": "contoso"}, "dev.azure.com", "fabrikam/p/_git/r", "vault-pat"},
		{"never for lookalike hosts", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat"}, "dev.azure.com.evil.example", "fabrikam/p/_git/r", ""},
		{"blank variable is no token", map[string]string{"SYSTEM_ACCESSTOKEN": "  "}, "dev.azure.com", "fabrikam/p/_git/r", "vault-pat"},
		{"limited: the legacy host names the organisation", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": "fabrikam"}, "fabrikam.visualstudio.com", "p/_git/r", "job-pat"},
		{"limited: ASCII case only", map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": "fabri\u212aam"}, "dev.azure.com", "fabrikam/p/_git/r", "vault-pat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "vault-pat"})
			f.h.Env = envFrom(tt.env)
			lines := []string{"protocol=https", "host=" + tt.host}
			if tt.path != "" {
				lines = append(lines, "path="+tt.path)
			}
			got := f.quietGet(lines...)
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, "password="+tt.want+"\n") {
				t.Fatalf("get answered %q, want password %q", got, tt.want)
			}
			if tt.want != "vault-pat" && f.store.loads != 0 {
				t.Errorf("the store was read %d times for an environment answer", f.store.loads)
			}
		})
	}
}

// git stores and, after a 401, erases the credential it used; for the
// environment token neither may reach the store.
func TestEnvTokenIsNeverStoredNorWithdrawsStoredTokens(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "vault-pat"})
	f.h.Env = envFrom(map[string]string{"AZURE_DEVOPS_EXT_PAT": "ext-pat"})
	url := req("dev.azure.com", "fabrikam/p/_git/r")
	f.run("store", append(url, "username=adopat", "password=ext-pat")...)
	f.run("erase", append(url, "username=adopat", "password=ext-pat")...)
	if f.store.updates != 0 || f.store.loads != 0 {
		t.Fatalf("store touched: %d loads, %d updates", f.store.loads, f.store.updates)
	}
	if f.store.data.Tokens[0].Withdrawn != nil || len(f.store.data.Tokens) != 1 {
		t.Fatalf("store changed: %+v", f.store.data.Tokens)
	}
	f.noStderr()
}

// With both variables set, the token not answered must not be stored
// either, whichever organisation git stores it for.
func TestNeitherEnvTokenIsEverStored(t *testing.T) {
	f := newFixture(t, nil)
	f.h.Env = envFrom(map[string]string{"AZURE_DEVOPS_EXT_PAT": "ext-pat", "SYSTEM_ACCESSTOKEN": "job-pat"})
	for _, pat := range []string{"ext-pat", "job-pat"} {
		f.run("store", append(req("dev.azure.com", "org1/p/_git/r"), "username=adopat", "password="+pat)...)
	}
	if f.store.updates != 0 || len(f.store.data.Tokens) != 0 {
		t.Fatalf("an environment token was stored: %+v", f.store.data.Tokens)
	}
}

// With ADOPAT_ENV_ORG the CI token answers only when the URL's path or
// host names that organisation: not for a username anyone can write, not
// for a path that differs from the one on the wire, and a blank value is
// an error rather than "every organisation".
func TestEnvTokenFailsClosed(t *testing.T) {
	job := map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": "fabrikam"}
	blank := map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": " "}
	empty := map[string]string{"SYSTEM_ACCESSTOKEN": "job-pat", "ADOPAT_ENV_ORG": ""}
	tests := []struct {
		name       string
		env        map[string]string
		lines      []string
		wantStderr string
	}{
		{"organisation from the username only", job, []string{"protocol=https", "host=dev.azure.com", "username=fabrikam"}, ""},
		{"no organisation at all", job, []string{"protocol=https", "host=dev.azure.com"}, "no path"},
		{"percent-encoded dot segments", job, req("dev.azure.com", "fabrikam/../contoso/p/_git/r"), "\"..\" segment"},
		{"empty segment", job, req("dev.azure.com", "fabrikam//p/_git/r"), "empty segment"},
		{"blank ADOPAT_ENV_ORG", blank, req("dev.azure.com", "fabrikam/p/_git/r"), "ADOPAT_ENV_ORG is set but empty"},
		{"empty ADOPAT_ENV_ORG", empty, req("dev.azure.com", "fabrikam/p/_git/r"), "ADOPAT_ENV_ORG is set but empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			f.h.Env = envFrom(tt.env)
			if got := f.run("get", tt.lines...); got != "" {
				t.Fatalf("get answered %q, want nothing", got)
			}
			lines := f.stderrLines()
			if tt.wantStderr == "" && len(lines) != 0 || tt.wantStderr != "" && (len(lines) != 1 || !strings.Contains(lines[0], tt.wantStderr)) {
				t.Errorf("stderr %q, want one line with %q", lines, tt.wantStderr)
			}
			if strings.Contains(f.stderr.String(), "job-pat") {
				t.Error("the CI token appears on stderr")
			}
		})
	}
}
