package helper

import (
	"bytes"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// A 401 proves nothing about the PAT: erase asks Azure DevOps about the
// stored PAT on its own organisation and withdraws only on "invalid".
func TestEraseWithdrawsOnlyOnProof(t *testing.T) {
	org := store.Token{Org: "fabrikam", Secret: "org-pat", Created: created}
	tests := []struct {
		name         string
		verdict      CheckResult
		lines        []string
		wantChecks   int
		wantWithdraw bool
		wantStderr   string // a part of the one line printed
		wantRefused  string // the verdict recorded in the journal, "" for none
	}{
		{"invalid: withdrawn", CheckResult{Invalid, "401 Unauthorized"},
			req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=org-pat"), 1, true, "restore fabrikam", ""},
		{"valid: kept, the refusal recorded", CheckResult{Valid, "Jane <jane@example.com>"},
			req("dev.azure.com", "fabrikam/Platform/_git/app", "username=adopat", "password=org-pat"), 1, false,
			"is valid (Azure DevOps accepts it for Jane <jane@example.com>) but was refused for https://dev.azure.com/fabrikam/Platform/_git/app", "valid"},
		{"unchecked: kept, said and recorded", CheckResult{Unchecked, "no answer from https://dev.azure.com/fabrikam/_apis/connectionData within 5s"},
			req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=org-pat"), 1, false,
			"could not be checked (no answer from", "unchecked"},
		{"organisation from the username: never withdrawn", CheckResult{Invalid, "401 Unauthorized"},
			[]string{"protocol=https", "host=dev.azure.com", "username=fabrikam", "password=org-pat"}, 1, false,
			"came only from the URL's user name", "invalid"},
		{"non-canonical path: not even asked", CheckResult{Invalid, "401 Unauthorized"},
			req("dev.azure.com", "fabrikam/../contoso/p/_git/r", "username=adopat", "password=org-pat"), 0, false, "", ""},
		{"another password: not ours to judge", CheckResult{Invalid, "401 Unauthorized"},
			req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=typed"), 0, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, org)
			f.verdict = tt.verdict
			f.run("erase", tt.lines...)
			if len(f.checks) != tt.wantChecks {
				t.Errorf("asked Azure DevOps %d times, want %d", len(f.checks), tt.wantChecks)
			}
			if withdrawn := f.store.data.Tokens[0].Withdrawn != nil; withdrawn != tt.wantWithdraw {
				t.Errorf("withdrawn = %v, want %v", withdrawn, tt.wantWithdraw)
			}
			lines := f.stderrLines()
			switch {
			case tt.wantStderr == "" && len(lines) != 0:
				t.Errorf("stderr %q, want none", lines)
			case tt.wantStderr != "" && (len(lines) != 1 || !strings.Contains(lines[0], tt.wantStderr)):
				t.Errorf("stderr %q, want one line with %q", lines, tt.wantStderr)
			}
			if strings.Contains(f.stderr.String(), "org-pat") {
				t.Error("the PAT appears on stderr")
			}
			var refused []string
			for _, u := range f.uses {
				refused = append(refused, u.Refused)
			}
			if want := tt.wantRefused; (want == "") != (len(refused) == 0) || want != "" && (len(refused) != 1 || refused[0] != want) {
				t.Errorf("journal refusals %q, want %q", refused, want)
			}
			if tt.wantRefused != "" && f.uses[0].Scope != "fabrikam" {
				t.Errorf("refusal recorded for %q", f.uses[0].Scope)
			}
		})
	}
}

// The token is still in service after a refusal Azure DevOps did not
// confirm: the next get answers with it.
func TestRefusedButValidTokenKeepsAnswering(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "org-pat", Created: created})
	f.verdict = CheckResult{Verdict: Valid, Detail: "Jane"}
	f.run("erase", req("dev.azure.com", "fabrikam/Platform/_git/app", "username=adopat", "password=org-pat")...)
	f.stderr.Reset()
	if got := f.quietGet(req("dev.azure.com", "fabrikam/Website/_git/web")...); got != output("username=adopat", "password=org-pat") {
		t.Fatalf("get after an unconfirmed refusal: %q", got)
	}
}

// Without a way to ask, nothing is proven and nothing is withdrawn.
func TestEraseWithoutCheckerNeverWithdraws(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "org-pat", Created: created})
	f.h.Check = nil
	f.run("erase", req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=org-pat")...)
	if f.store.data.Tokens[0].Withdrawn != nil || f.store.changedWrites != 0 {
		t.Fatal("withdrawn without proof")
	}
}

// Non-canonical paths get no answer and one line naming the problem.
func TestGetRefusesNonCanonicalPaths(t *testing.T) {
	for _, path := range []string{
		"fabrikam/../contoso/p/_git/r",
		"fabrikam/ProjA/../ProjB/_git/r",
		"fabrikam/./p/_git/r",
		"/fabrikam/p/_git/r",
		"fabrikam//p/_git/r",
		`fabrikam\p\_git\r`,
		"fabrikam/p/_git/r\x1b]0;x\x07",
	} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t, nil,
				store.Token{Org: "fabrikam", Secret: "org-pat"},
				store.Token{Org: "fabrikam", Project: "ProjA", Secret: "proja-pat"})
			if got := f.run("get", req("dev.azure.com", path)...); got != "" {
				t.Fatalf("answered %q", got)
			}
			lines := f.stderrLines()
			if len(lines) != 1 || !strings.Contains(lines[0], "not answering for") {
				t.Fatalf("stderr %q, want one line", lines)
			}
			if strings.ContainsAny(lines[0], "\x1b\x07") {
				t.Errorf("control characters reached stderr: %q", lines[0])
			}
		})
	}
}

// Project names compare ASCII case-insensitively only: U+017F (long s)
// must not select the project "Secrets".
func TestProjectMatchFoldsASCIIOnly(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Project: "Secrets", Secret: "secrets-pat"})
	for _, path := range []string{"fabrikam/\u017fecrets/_git/r", "fabrikam/_git/\u017fecrets"} {
		if got := f.quietGet(req("dev.azure.com", path)...); got != "" {
			t.Errorf("%s answered %q", path, got)
		}
	}
	if got := f.quietGet(req("dev.azure.com", "FABRIKAM/SECRETS/_git/r")...); got != output("username=adopat", "password=secrets-pat") {
		t.Errorf("ASCII case folding lost: %q", got)
	}
}

// ADOPAT_TRACE: every decision on the trace, never a secret.
func TestTraceShowsDecisionsNotSecrets(t *testing.T) {
	var trace bytes.Buffer
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "s3cret-pat", OAuthRefreshToken: "s3cret-refresh"})
	f.h.Trace = &trace
	f.h.Env = envFrom(map[string]string{"AZURE_DEVOPS_EXT_PAT": "s3cret-env", "ADOPAT_ENV_ORG": "contoso"})
	f.verdict = CheckResult{Verdict: Valid, Detail: "Jane"}
	f.run("get", req("dev.azure.com", "fabrikam/p/_git/r")...)
	f.run("get", req("dev.azure.com", "contoso/p/_git/r")...)
	f.run("get", req("dev.azure.com", "fabrikam/../x")...)
	f.run("get", req("github.com", "x")...)
	f.run("store", req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=s3cret-typed", "oauth_refresh_token=s3cret-r2")...)
	f.run("erase", req("dev.azure.com", "fabrikam/p/_git/r", "username=adopat", "password=s3cret-typed")...)
	got := trace.String()
	for _, want := range []string{
		"get: protocol=https host=dev.azure.com path=fabrikam/p/_git/r",
		"target: Azure DevOps organisation fabrikam (from the path), project p",
		"answer: the token fabrikam",
		"answer: the token from $AZURE_DEVOPS_EXT_PAT",
		`no answer: the path has a ".." segment`,
		"target: none",
		"password=(hidden)",
		"erase check: fabrikam: valid (Jane)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("trace lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "s3cret") {
		t.Errorf("a secret reached the trace:\n%s", got)
	}
}
