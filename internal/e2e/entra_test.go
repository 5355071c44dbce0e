package e2e_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// entraUser is an installed user whose Microsoft Entra, managed identity
// and Key Vault endpoints are the Entra stand-in's, on loopback addresses:
// the authority through AZURE_AUTHORITY_HOST, the managed identity
// through IDENTITY_ENDPOINT and IDENTITY_HEADER (App Service style), so
// that no code path can fall back to the instance metadata address, and
// ADOPAT_LOOPBACK_ONLY, with which adopat refuses any request for a
// non-loopback address before connecting.
func entraUser(t *testing.T, repoURLs ...string) (*adotest.Server, *adotest.Entra, *user) {
	t.Helper()
	srv := startServer(t, adotest.Options{}, repoURLs...)
	e := srv.StartEntra(t)
	u := installedUser(t, srv).with(e.Env()...)
	assertLoopbackIdentity(t, u.env)
	return srv, e, u
}

// assertLoopbackIdentity fails the test unless env points every identity
// endpoint at a loopback address and confines adopat to loopback.
func assertLoopbackIdentity(t *testing.T, env []string) {
	t.Helper()
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	for _, name := range []string{"IDENTITY_ENDPOINT", "AZURE_AUTHORITY_HOST"} {
		u, err := url.Parse(vars[name])
		if err != nil || u.Hostname() != "127.0.0.1" {
			t.Fatalf("%s=%q: every identity endpoint must be a loopback stand-in", name, vars[name])
		}
	}
	if vars["IDENTITY_HEADER"] == "" || vars["ADOPAT_LOOPBACK_ONLY"] == "" {
		t.Fatal("IDENTITY_HEADER and ADOPAT_LOOPBACK_ONLY must be set: without them a managed identity falls back to 169.254.169.254")
	}
}

// addSource runs add with a token source and checks what it says.
func (u *user) addSource(want string, args ...string) string {
	u.t.Helper()
	out := u.mustAdopat("", append([]string{"add"}, args...)...)
	if !strings.Contains(out, want) {
		u.t.Fatalf("add %v said %q, want %q", args, out, want)
	}
	return out
}

// assertNoLongLivedSecret checks that no token the stand-in issued, nor
// any of secrets, is in a file under HOME in the clear.
func assertNoLongLivedSecret(t *testing.T, u *user, e *adotest.Entra, secrets map[string]string) {
	t.Helper()
	all := map[string]string{}
	for k, v := range secrets {
		all[k] = v
	}
	for i, tok := range e.Issued() {
		all["issued token "+string(rune('a'+i%26))] = tok
	}
	files := assertNotUnderHome(t, u, all)
	if len(files) == 0 {
		t.Fatal("no files under HOME: the check checked nothing")
	}
}

// A managed identity (App Service style endpoint) end to end: add asks it
// for a token and Azure DevOps whether it works, git clones with the
// cached token (no second mint, no process started by get), a token
// within the safety margin of its expiry is minted anew through the
// management binary, an erase after a 401 drops the cached token and
// never the source, and no token is ever on disk in the clear.
func TestCloneThroughManagedIdentity(t *testing.T) {
	srv, e, u := entraUser(t, webURL)
	e.AllowManagedIdentity("")
	u.addSource("stored token source managed-identity for fabrikam", "--org", "fabrikam", "--entra", "managed-identity")
	if n := e.Minted()[adotest.ByManagedIdentity]; n != 1 {
		t.Fatalf("add minted %d tokens, want 1", n)
	}
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByManagedIdentity]; n != 1 {
		t.Errorf("the clone minted again (%d tokens) although the cached one was fresh", n)
	}
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)

	// A token that ends within the safety margin is never sent again:
	// the next request mints (in the management binary).
	e.SetTokenLifetime(3 * time.Minute)
	u.mustAdopat("", "verify", "fabrikam") // mints a 3-minute token and caches it
	before := e.Minted()[adotest.ByManagedIdentity]
	e.SetTokenLifetime(time.Hour)
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByManagedIdentity]; n != before+1 {
		t.Errorf("a clone with a cached token 3 minutes from its expiry minted %d tokens, want 1", n-before)
	}

	// Azure DevOps refuses the cached token: git's erase drops it and
	// keeps the source; the next clone mints a new one.
	for _, tok := range e.Issued() {
		e.Revoke(tok)
	}
	before = e.Minted()[adotest.ByManagedIdentity]
	stderr := u.mustFailClone(webURL)
	if !strings.Contains(stderr, "the cached one is dropped") {
		t.Errorf("clone with a revoked token: want erase's line about the dropped token:\n%s", stderr)
	}
	if tok := u.token("fabrikam"); tok.Status != "active" || tok.Withdrawn != nil {
		t.Errorf("after the 401 the source is %+v, want active, not withdrawn", tok)
	}
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByManagedIdentity]; n <= before {
		t.Error("the clone after the 401 did not mint a new token")
	}
	if n := e.ExpiredSent(); n != 0 {
		t.Errorf("Azure DevOps was sent %d expired tokens", n)
	}
	assertNoLongLivedSecret(t, u, e, map[string]string{"IDENTITY_HEADER": e.MSIHeader})
}

// A source that cannot answer (nothing listens at the managed identity
// endpoint): no answer, one line naming the source and the reason, and
// git fails rather than hangs (the harness's timeout fails a hang).
func TestUnreachableSourceGivesOneLine(t *testing.T) {
	_, e, u := entraUser(t, webURL)
	e.AllowManagedIdentity("")
	u.addSource("stored token source managed-identity", "--org", "fabrikam", "--entra", "managed-identity", "--no-verify")
	u = u.with("IDENTITY_ENDPOINT=http://127.0.0.1:1/msi/token")
	stderr := u.mustFailClone(webURL)
	if n := strings.Count(stderr, "git-credential-adopat:"); n != 1 || !strings.Contains(stderr, "no token for fabrikam: managed-identity did not give one") {
		t.Errorf("want one line naming the source and the reason:\n%s", stderr)
	}
}

// writePrivate writes a file only its owner can read.
func writePrivate(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
