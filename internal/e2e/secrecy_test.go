package e2e_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
