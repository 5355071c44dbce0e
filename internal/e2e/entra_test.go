package e2e_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
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

// Workload identity (AKS, GitHub Actions, any OIDC issuer): the federated
// token from AZURE_FEDERATED_TOKEN_FILE is exchanged at the Entra
// stand-in's token endpoint (HTTPS, the test CA; instance discovery off
// since the authority is not Microsoft's) for a token git clones with.
func TestCloneThroughWorkloadIdentity(t *testing.T) {
	srv, e, u := entraUser(t, webURL)
	client := "6f1c3c7e-6f62-4a53-9f6a-6b9d0f0c2a41"
	fedFile := filepath.Join(t.TempDir(), "azure-identity-token") // the platform's file, outside HOME
	fed := e.AddFederatedApp(client)
	writePrivate(t, fedFile, []byte(fed))
	u = u.with("AZURE_FEDERATED_TOKEN_FILE="+fedFile, "AZURE_CLIENT_ID="+client, "AZURE_TENANT_ID="+e.Tenant)
	u.addSource("stored token source workload-identity for fabrikam/Website", "--org", "fabrikam", "--project", "Website", "--entra", "workload-identity")
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByFederatedToken]; n != 1 {
		t.Errorf("%d tokens minted from the federated token, want 1 (add's; the clone uses the cache)", n)
	}
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertNoLongLivedSecret(t, u, e, map[string]string{"federated token": fed})
}

// A service principal with a certificate: azidentity signs a client
// assertion with the private key, which the stand-in checks against the
// registered certificate. The certificate file is refused, like an ssh
// key, when others can read it; only its name is stored.
func TestCloneThroughServicePrincipalCertificate(t *testing.T) {
	_, e, u := entraUser(t, webURL)
	client := "3b0e4d8a-1c7f-4e0b-8f5e-0a4b2f7c9d13"
	pemData, err := e.AddCertificateApp(client)
	if err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(t.TempDir(), "sp.pem")
	writePrivate(t, certFile, pemData)
	args := []string{"add", "--org", "fabrikam", "--entra", "service-principal", "--tenant", e.Tenant, "--client-id", client, "--certificate", certFile}
	if err := os.Chmod(certFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := u.adopat("", args...); r.code != 2 || !strings.Contains(r.stderr, "accessible by other users") || !strings.Contains(r.stderr, "nothing was stored") {
		t.Errorf("add with a certificate others can read: want exit 2 naming the mode:\n%s", r)
	}
	if err := os.Chmod(certFile, 0o600); err != nil {
		t.Fatal(err)
	}
	u.addSource("stored token source service-principal for fabrikam", args[1:]...)
	u.mustClone(webURL)
	if n := e.Minted()[adotest.ByCertificate]; n != 1 {
		t.Errorf("%d tokens minted with the certificate, want 1", n)
	}
	key := string(pemData[strings.Index(string(pemData), "-----BEGIN PRIVATE KEY-----"):])
	assertNoLongLivedSecret(t, u, e, map[string]string{"private key": strings.TrimSpace(strings.Split(key, "\n")[1])})
}

// fakeAz puts an `az` on PATH that answers `az account get-access-token`
// as the Azure CLI does (its JSON), with token, and counts its runs.
func fakeAz(t *testing.T, u *user, token string, expires time.Time) (*user, func() int) {
	t.Helper()
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	script := `#!/bin/sh
case "$*" in
"account get-access-token -o json --resource 499b84ac-1321-427f-aa17-267ca6975798"*) ;;
*) echo "ERROR: unexpected arguments: $*" >&2; exit 1 ;;
esac
echo run >> '` + calls + `'
cat <<JSON
{
  "accessToken": "` + token + `",
  "expiresOn": "` + expires.Local().Format("2006-01-02 15:04:05.000000") + `",
  "expires_on": ` + strconv.FormatInt(expires.Unix(), 10) + `,
  "subscription": "00000000-0000-0000-0000-000000000000",
  "tenant": "` + adotest.DefaultEntraTenant + `",
  "tokenType": "Bearer"
}
JSON
`
	writePrivate(t, filepath.Join(dir, "az"), []byte(script))
	if err := os.Chmod(filepath.Join(dir, "az"), 0o700); err != nil {
		t.Fatal(err)
	}
	path := ""
	for _, kv := range u.env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	return u.with("PATH=" + dir + string(os.PathListSeparator) + path), func() int {
		b, _ := os.ReadFile(calls)
		return strings.Count(string(b), "run")
	}
}

// The Azure CLI's signed-in session: adopat runs `az account
// get-access-token` (a fake on PATH here) and clones with its token.
func TestCloneThroughAzureCLI(t *testing.T) {
	storetest.SkipOnWindows(t, "the fake az is a shell script")
	_, e, u := entraUser(t, webURL)
	token := e.IssueToken(adotest.AzureDevOpsResource, time.Hour)
	u, runs := fakeAz(t, u, token, time.Now().Add(time.Hour))
	u.addSource("stored token source azure-cli for fabrikam", "--org", "fabrikam", "--entra", "azure-cli")
	u.mustClone(webURL)
	if n := runs(); n != 1 {
		t.Errorf("az ran %d times, want once (add; the clone uses the cache)", n)
	}
	assertNoLongLivedSecret(t, u, e, nil)
}

// A PAT held in Azure Key Vault, read with the machine's managed identity
// through azsecrets (the vault's bearer challenge, then a token for Key
// Vault), cached encrypted; its expiry comes from the secret's attributes.
// Rotating the PAT in Key Vault reaches the machine: the old one's 401
// drops the cache, and the next request reads the new version.
func TestCloneThroughKeyVaultPAT(t *testing.T) {
	srv, e, u := entraUser(t, webURL)
	e.AllowManagedIdentity("")
	pat := acceptNewPAT(srv, "fabrikam")
	expires := time.Now().Add(20 * 24 * time.Hour).Truncate(time.Second)
	e.SetSecret("ado-fabrikam", pat, &expires)
	u.addSource("stored token source keyvault "+e.SecretURL("ado-fabrikam")+" (managed-identity) for fabrikam", "--org", "fabrikam", "--keyvault", e.SecretURL("ado-fabrikam"))
	u.mustClone(webURL)
	if n := e.KeyVaultReads(); n != 1 {
		t.Errorf("Key Vault was read %d times, want once (add; the clone uses the cache)", n)
	}
	out := u.mustAdopat("", "list")
	if !strings.Contains(out, expires.Local().Format("2006-01-02")) {
		t.Errorf("list does not show the expiry Key Vault gave:\n%s", out)
	}

	// The PAT is rotated in Key Vault (and the old one revoked).
	pat2 := acceptNewPAT(srv, "fabrikam")
	e.SetSecret("ado-fabrikam", pat2, nil)
	stderr := u.mustFailClone(webURL)
	if !strings.Contains(stderr, "refused the PAT from Key Vault") {
		t.Errorf("want erase's line about the dropped PAT:\n%s", stderr)
	}
	u.mustClone(webURL)
	if n := e.KeyVaultReads(); n != 2 {
		t.Errorf("Key Vault was read %d times, want twice", n)
	}
	if tok := u.token("fabrikam"); tok.Status != "active" {
		t.Errorf("after the rotation: %+v", tok)
	}
	assertNoLongLivedSecret(t, u, e, map[string]string{"first PAT": pat, "second PAT": pat2})
}

// Azure Pipelines without secrets in variables: ADOPAT_ENTRA=azure-pipelines
// exchanges the job's OIDC token for the service connection (workload
// identity federation) for an Entra token, per request, never stored;
// without ADOPAT_ENTRA, SYSTEM_ACCESSTOKEN answers as before.
func TestCloneInAzurePipelinesWithOIDC(t *testing.T) {
	srv, e, u := entraUser(t, webURL)
	conn, client, job := "5e1c0f1a-8f77-4d4c-9a3e-7f0f2e3c4b5d", "9a7d3c1e-2b4f-4e6a-8c0d-1f2e3a4b5c6d", adotest.NewPAT()
	e.AddPipelinesConnection(conn, client, job)
	agent := u.with("SYSTEM_ACCESSTOKEN="+job, "SYSTEM_OIDCREQUESTURI="+e.OIDCRequestURI,
		"AZURESUBSCRIPTION_SERVICE_CONNECTION_ID="+conn, "AZURESUBSCRIPTION_CLIENT_ID="+client, "AZURESUBSCRIPTION_TENANT_ID="+e.Tenant)
	if pw := agent.fillPassword(webURL); pw != job {
		t.Errorf("without ADOPAT_ENTRA git gets %q, want SYSTEM_ACCESSTOKEN as before", pw)
	}
	agent = agent.with("ADOPAT_ENTRA=azure-pipelines")
	agent.mustClone(webURL)
	agent.mustClone(webURL)
	if n := e.Minted()[adotest.ByAzurePipelines]; n != 2 {
		t.Errorf("%d tokens minted through the service connection, want one per clone", n)
	}
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	if _, err := os.Stat(agent.vault); !os.IsNotExist(err) {
		t.Errorf("ADOPAT_ENTRA created a vault (%v): nothing is stored", err)
	}
	assertNoLongLivedSecret(t, agent, e, map[string]string{"SYSTEM_ACCESSTOKEN": job})
}
