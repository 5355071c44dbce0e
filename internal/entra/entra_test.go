package entra

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// roundTripRecorder is a RoundTripper that never touches the network.
type roundTripRecorder struct{ hosts []string }

func (r *roundTripRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.hosts = append(r.hosts, req.URL.Host)
	return nil, errors.New("recorded, not sent")
}

// With ADOPAT_LOOPBACK_ONLY, a request for the instance metadata address
// or Microsoft's authority is refused before anything is sent or dialled;
// loopback addresses pass. Nothing here reaches the network: the next
// RoundTripper only records.
func TestLoopbackOnlyRefusesBeforeSending(t *testing.T) {
	rec := &roundTripRecorder{}
	rt := loopbackOnly{rec}
	for _, u := range []string{"http://169.254.169.254/metadata/identity/oauth2/token", "https://login.microsoftonline.com/common/discovery/instance", "https://fabrikam.vault.azure.net/secrets/x", "https://[fe80::1]/"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if _, err := rt.RoundTrip(req); err == nil || !strings.Contains(err.Error(), LoopbackOnly) {
			t.Errorf("%s: %v, want a refusal naming %s", u, err, LoopbackOnly)
		}
	}
	for _, u := range []string{"https://127.0.0.1:8443/x", "http://localhost:1/msi/token", "https://[::1]:1/"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		rt.RoundTrip(req)
	}
	if len(rec.hosts) != 3 {
		t.Errorf("passed on %v, want the three loopback requests only", rec.hosts)
	}
	for addr, ok := range map[string]bool{"169.254.169.254:80": false, "20.190.160.1:443": false, "127.0.0.1:443": true, "[::1]:80": true, "login.microsoftonline.com:443": false} {
		if err := loopbackControl("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("loopbackControl(%s) = %v", addr, err)
		}
	}
	if _, guarded := Transport(func(string) string { return "1" }).Transport.(loopbackOnly); !guarded {
		t.Error("Transport with ADOPAT_LOOPBACK_ONLY set is not guarded")
	}
	if _, guarded := Transport(func(string) string { return "" }).Transport.(loopbackOnly); guarded {
		t.Error("Transport without ADOPAT_LOOPBACK_ONLY is guarded")
	}
}

// Instance discovery (a question to login.microsoftonline.com about the
// authority) is off for an authority that is not Microsoft's own.
func TestInstanceDiscoveryOnlyForMicrosoftAuthorities(t *testing.T) {
	for host, off := range map[string]bool{
		"": false, "https://login.microsoftonline.com/": false, "https://login.microsoftonline.us": false,
		"https://login.chinacloudapi.cn/": false, "https://127.0.0.1:8443": true, "https://adfs.contoso.com/adfs": true,
	} {
		m := &Minter{Getenv: func(k string) string {
			if k == "AZURE_AUTHORITY_HOST" {
				return host
			}
			return ""
		}}
		if got := m.disableInstanceDiscovery(); got != off {
			t.Errorf("AZURE_AUTHORITY_HOST=%q: instance discovery off %v, want %v", host, got, off)
		}
	}
}

func TestParseSecretURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://fabrikam.vault.azure.net/secrets/ado-pat":   "https://fabrikam.vault.azure.net/secrets/ado-pat",
		" https://fabrikam.vault.azure.net/secrets/ado-pat/": "https://fabrikam.vault.azure.net/secrets/ado-pat",
		"https://127.0.0.1:8443/secrets/x":                   "https://127.0.0.1:8443/secrets/x",
	} {
		if got, err := ParseSecretURL(raw); err != nil || got.String() != want {
			t.Errorf("ParseSecretURL(%q) = %v, %v; want %s", raw, got, err, want)
		}
	}
	for raw, says := range map[string]string{
		"http://fabrikam.vault.azure.net/secrets/x":           "https only",
		"https://fabrikam.vault.azure.net/secrets/x/0123abcd": "one version",
		"https://fabrikam.vault.azure.net/keys/x":             "not a Key Vault secret",
		"https://fabrikam.vault.azure.net/secrets/a_b":        "not a Key Vault secret",
		"https://u:p@fabrikam.vault.azure.net/secrets/x":      "without a user",
		"fabrikam": "not a URL",
	} {
		if _, err := ParseSecretURL(raw); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseSecretURL(%q) = %v, want an error saying %q", raw, err, says)
		}
	}
}

// A failure is one line: the SDK's multi-line errors are joined, its
// troubleshooting link dropped, the job's token blotted out; a deadline
// says how long was waited.
func TestReasonIsOneLine(t *testing.T) {
	m := &Minter{Getenv: func(k string) string {
		if k == envSystemAccessToken {
			return "job-token-value"
		}
		return ""
	}}
	err := m.reason(context.Background(), errors.New("AzurePipelinesCredential: authentication failed:\n--------\nPOST https://x\n--------\nRESPONSE 401: job-token-value\n--------\nTo troubleshoot, visit https://aka.ms/x"))
	if s := err.Error(); strings.ContainsAny(s, "\n") || strings.Contains(s, "job-token-value") || strings.Contains(s, "troubleshoot") || !strings.Contains(s, "RESPONSE 401") {
		t.Errorf("reason = %q", s)
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	if err := m.reason(ctx, context.DeadlineExceeded); !strings.Contains(err.Error(), "no answer within "+helper.MintTimeout.String()) {
		t.Errorf("reason after the deadline = %v", err)
	}
	// azure-cli has no endpoint: the deadline names the az command.
	if err := m.sourceReason(ctx, &store.Source{Entra: store.EntraAzureCLI}, context.DeadlineExceeded); !strings.Contains(err.Error(), "az account get-access-token did not finish within "+helper.MintTimeout.String()) || strings.Contains(err.Error(), "endpoint") {
		t.Errorf("azure-cli's reason after the deadline = %v", err)
	}
	if err := m.sourceReason(ctx, &store.Source{Entra: store.EntraManagedIdentity}, context.DeadlineExceeded); !strings.Contains(err.Error(), "is the endpoint reachable") {
		t.Errorf("managed-identity's reason after the deadline = %v", err)
	}
}

// standIn is the Entra stand-in and a Minter that trusts its CA and
// reaches it directly (loopback only).
func standIn(t *testing.T) (*adotest.Entra, *Minter) {
	t.Helper()
	srv := adotest.StartT(t)
	e := srv.StartEntra(t)
	pem, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	hc := Transport(func(string) string { return "1" })
	hc.Transport.(loopbackOnly).next.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	hc.Transport.(loopbackOnly).next.(*http.Transport).Proxy = nil
	// Nothing of the developer's own Azure setup may take part.
	for _, k := range []string{"IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT", "AZURE_FEDERATED_TOKEN_FILE",
		"AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_REGIONAL_AUTHORITY_NAME", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"} {
		t.Setenv(k, "")
	}
	for _, kv := range e.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v) // azidentity reads IDENTITY_ENDPOINT and AZURE_AUTHORITY_HOST itself
	}
	return e, &Minter{Getenv: os.Getenv, HTTP: hc}
}

// A user-assigned managed identity is asked for by its client ID; one
// that is not assigned to the machine is an error, in one line.
func TestMintManagedIdentity(t *testing.T) {
	e, m := standIn(t)
	client := "0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11"
	e.AllowManagedIdentity(client)
	got, err := m.Mint(context.Background(), &store.Source{Entra: store.EntraManagedIdentity, ClientID: client})
	if err != nil || got.Secret == "" || time.Until(got.Expires) < 50*time.Minute {
		t.Fatalf("Mint = %+v, %v", got, err)
	}
	if _, err := m.Mint(context.Background(), &store.Source{Entra: store.EntraManagedIdentity}); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("Mint for the unassigned system identity = %v, want a one-line error", err)
	}
}

// The Key Vault stand-in's challenge names a loopback vault, which
// azsecrets accepts only with its resource check off; an unknown secret
// and a source without its identity fail with one line.
func TestMintKeyVault(t *testing.T) {
	e, m := standIn(t)
	e.AllowManagedIdentity("")
	exp := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	v := e.SetSecret("pat", "the-pat", &exp)
	got, err := m.Mint(context.Background(), &store.Source{Entra: store.EntraManagedIdentity, KeyVault: e.SecretURL("pat")})
	if err != nil || got.Secret != "the-pat" || got.Version != v || !got.Expires.Equal(exp) {
		t.Fatalf("Mint = %+v, %v", got, err)
	}
	if _, err := m.Mint(context.Background(), &store.Source{Entra: store.EntraManagedIdentity, KeyVault: e.SecretURL("nope")}); err == nil || !strings.Contains(err.Error(), "SecretNotFound") {
		t.Errorf("Mint of a missing secret = %v", err)
	}
	if _, err := m.Mint(context.Background(), &store.Source{Entra: store.EntraWorkloadIdentity, KeyVault: e.SecretURL("pat")}); err == nil || !strings.Contains(err.Error(), "AZURE_FEDERATED_TOKEN_FILE") {
		t.Errorf("Mint with workload identity and no token file = %v", err)
	}
}

// A certificate file others can read is refused with the command that
// fixes it, whoever shows the error (add, get, doctor).
func TestCertificateReadableByOthersSaysChmod(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes: Windows is checked through its ACL (internal/store/fsx)")
	}
	f := filepath.Join(t.TempDir(), "sp.pem")
	if err := os.WriteFile(f, []byte("not read"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f, 0o644); err != nil {
		t.Fatal(err)
	}
	err := CheckCertificate(&store.Source{Entra: store.EntraServicePrincipal, TenantID: "t", ClientID: "c", Certificate: f})
	if err == nil || !strings.Contains(err.Error(), "accessible by other users") || !strings.Contains(err.Error(), "run: chmod 600 "+f) {
		t.Errorf("CheckCertificate of a 0644 file = %v, want the chmod that fixes it", err)
	}
}
