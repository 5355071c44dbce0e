// Package entra asks Microsoft Entra ID for Azure DevOps access tokens and
// Azure Key Vault for PATs, through the Azure SDK for Go (azidentity,
// azsecrets): no hand-written OAuth flow. It serves the token sources of
// store.Source for the helper's Minter (helper/source.go), add and verify.
//
// It is linked into the management binary only: the thin binary git runs
// answers from the cache and hands a request that needs a token minted to
// the management binary (ARCHITECTURE.md, "Two binaries").
package entra

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/hints"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// AzureDevOpsScope is Azure DevOps' resource, as Microsoft Entra scopes
// it: the tokens minted for git are for it alone.
const AzureDevOpsScope = "499b84ac-1321-427f-aa17-267ca6975798/.default"

// Minter asks the sources. Its zero value uses the process environment
// and HTTP client settings from it (see Transport).
type Minter struct {
	// Getenv reads the environment; nil is os.Getenv. azidentity reads
	// some variables itself (IDENTITY_ENDPOINT, AZURE_FEDERATED_TOKEN_FILE,
	// AZURE_AUTHORITY_HOST, SYSTEM_OIDCREQUESTURI...), from the process.
	Getenv func(string) string
	// HTTP sends every request; nil is Transport(Getenv).
	HTTP *http.Client
}

// Mint is a helper.Minter: an Azure DevOps token from an identity, or
// the PAT a Key Vault secret holds.
func (m *Minter) Mint(ctx context.Context, src *store.Source) (helper.Minted, error) {
	if src.KeyVault != "" {
		return m.keyVaultSecret(ctx, src)
	}
	cred, err := m.credential(src)
	if err != nil {
		return helper.Minted{}, err
	}
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{AzureDevOpsScope}})
	if err != nil {
		return helper.Minted{}, m.sourceReason(ctx, src, err)
	}
	return helper.Minted{Secret: tok.Token, Expires: tok.ExpiresOn.UTC()}, nil
}

func (m *Minter) getenv(name string) string {
	if m.Getenv != nil {
		return m.Getenv(name)
	}
	return os.Getenv(name)
}

// clientOptions are every credential's and client's: our HTTP client,
// and few quick retries, since git waits and MintTimeout bounds the whole.
func (m *Minter) clientOptions() azcore.ClientOptions {
	hc := m.HTTP
	if hc == nil {
		hc = Transport(m.getenv)
	}
	return azcore.ClientOptions{
		Transport: hc,
		Retry:     policy.RetryOptions{MaxRetries: 2, RetryDelay: 300 * time.Millisecond, MaxRetryDelay: 2 * time.Second, TryTimeout: 10 * time.Second},
		Telemetry: policy.TelemetryOptions{ApplicationID: "git-credential-adopat"},
	}
}

// microsoftAuthorities are Microsoft Entra's own sign-in hosts (public
// and national clouds), for which instance discovery is meant.
var microsoftAuthorities = []string{
	"login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net",
	"login.microsoftonline.us", "login-us.microsoftonline.com", "login.usgovcloudapi.net",
	"login.partner.microsoftonline.cn", "login.chinacloudapi.cn", "login.microsoftonline.de",
}

// disableInstanceDiscovery reports whether AZURE_AUTHORITY_HOST names an
// authority other than Microsoft's own (Azure Stack, a private cloud, a
// test stand-in): MSAL would otherwise ask login.microsoftonline.com about
// it, which such a machine may not reach and which must not be asked about
// another authority (azidentity's DisableInstanceDiscovery).
func (m *Minter) disableInstanceDiscovery() bool {
	raw := m.getenv("AZURE_AUTHORITY_HOST")
	if raw == "" {
		return false
	}
	u, err := url.Parse(raw)
	return err != nil || !slices.Contains(microsoftAuthorities, strings.ToLower(u.Hostname()))
}

// credential is the azidentity credential for src's identity.
func (m *Minter) credential(src *store.Source) (azcore.TokenCredential, error) {
	co := m.clientOptions()
	noDiscovery := m.disableInstanceDiscovery()
	switch src.Entra {
	case store.EntraManagedIdentity:
		o := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: co}
		if src.ClientID != "" {
			o.ID = azidentity.ClientID(src.ClientID)
		}
		return azidentity.NewManagedIdentityCredential(o)
	case store.EntraWorkloadIdentity:
		// Client and tenant IDs may be stored (add --client-id, --tenant);
		// else azidentity reads AZURE_CLIENT_ID and AZURE_TENANT_ID, and
		// always AZURE_FEDERATED_TOKEN_FILE, which the platform rotates.
		if m.getenv("AZURE_FEDERATED_TOKEN_FILE") == "" {
			return nil, errors.New("AZURE_FEDERATED_TOKEN_FILE is not set: workload identity reads the federated token from the file it names (AKS sets it in pods with azure.workload.identity/use: \"true\")")
		}
		return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: co, ClientID: src.ClientID, TenantID: src.TenantID, DisableInstanceDiscovery: noDiscovery,
		})
	case store.EntraAzureCLI:
		return azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: src.TenantID})
	case store.EntraServicePrincipal:
		certs, key, err := m.certificate(src)
		if err != nil {
			return nil, err
		}
		return azidentity.NewClientCertificateCredential(src.TenantID, src.ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
			ClientOptions: co, DisableInstanceDiscovery: noDiscovery,
		})
	case store.EntraAzurePipelines:
		return m.pipelinesCredential(co, noDiscovery)
	}
	return nil, fmt.Errorf("%q is not a Microsoft Entra source this version knows", src.Entra)
}

// CheckCertificate reads a service principal's certificate file as a mint
// would, for doctor: nil when it can be used.
func CheckCertificate(src *store.Source) error {
	_, _, err := (&Minter{}).certificate(src)
	return err
}

// certificate reads a service principal's certificate and private key,
// refused like an ssh key when other users can read the file.
func (m *Minter) certificate(src *store.Source) ([]*x509.Certificate, crypto.PrivateKey, error) {
	if src.Certificate == "" || src.TenantID == "" || src.ClientID == "" {
		return nil, nil, errors.New("a service principal needs a tenant, a client ID and a certificate file (add --tenant, --client-id, --certificate)")
	}
	b, err := fsx.ReadPrivate("service principal certificate", src.Certificate, 1<<20)
	if err != nil {
		// With the command that fixes it (chmod 600 FILE): add, get's
		// line and doctor show this text as it is.
		return nil, nil, errors.New(hints.WithHint(err))
	}
	certs, key, err := azidentity.ParseCertificates(b, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("service principal certificate %s: %v (give a PEM file with the certificate and its unencrypted private key, or a PKCS#12 file without a password)", src.Certificate, err)
	}
	return certs, key, nil
}

// The Azure Pipelines variables: the service connection's IDs, as the
// AzureCLI@2 and AzurePowerShell@5 tasks set them for a connection with
// workload identity federation, and the job's access token, which the OIDC
// request needs (map it with env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)).
// azidentity reads SYSTEM_OIDCREQUESTURI itself.
const (
	envServiceConnection = "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"
	envPipelinesClient   = "AZURESUBSCRIPTION_CLIENT_ID"
	envPipelinesTenant   = "AZURESUBSCRIPTION_TENANT_ID"
	envSystemAccessToken = "SYSTEM_ACCESSTOKEN"
	envOIDCRequestURI    = "SYSTEM_OIDCREQUESTURI"
)

func (m *Minter) pipelinesCredential(co azcore.ClientOptions, noDiscovery bool) (azcore.TokenCredential, error) {
	var missing []string
	for _, name := range []string{envServiceConnection, envPipelinesClient, envPipelinesTenant, envSystemAccessToken, envOIDCRequestURI} {
		if strings.TrimSpace(m.getenv(name)) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("Azure Pipelines' OIDC needs %s, which are not set (run git in an AzureCLI@2 task with the service connection, and map SYSTEM_ACCESSTOKEN)", strings.Join(missing, ", "))
	}
	return azidentity.NewAzurePipelinesCredential(
		strings.TrimSpace(m.getenv(envPipelinesTenant)), strings.TrimSpace(m.getenv(envPipelinesClient)),
		strings.TrimSpace(m.getenv(envServiceConnection)), strings.TrimSpace(m.getenv(envSystemAccessToken)),
		&azidentity.AzurePipelinesCredentialOptions{ClientOptions: co, DisableInstanceDiscovery: noDiscovery})
}

// sourceReason is reason, but a deadline for azure-cli names the az
// command that did not finish (there is no endpoint to reach: az may be
// waiting for a sign-in or a prompt).
func (m *Minter) sourceReason(ctx context.Context, src *store.Source, err error) error {
	if src.Entra == store.EntraAzureCLI && (errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("az account get-access-token did not finish within %v (run it yourself to see what it waits for; az login may be needed)", helper.MintTimeout)
	}
	return m.reason(ctx, err)
}

// maxReason bounds the reason a failed mint gives: it is one stderr line.
const maxReason = 400

// reason is err for one stderr line: the SDK's errors span many lines
// (the request, the response, a troubleshooting link), and a deadline
// says how long was waited. The job's access token, should an answer
// quote it, is blotted out.
func (m *Minter) reason(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer within %v (is the endpoint reachable from this machine?)", helper.MintTimeout)
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "", strings.Trim(l, "-") == "", strings.HasPrefix(l, "To troubleshoot"), strings.HasPrefix(l, "ERROR CODE"):
			continue
		}
		lines = append(lines, l)
	}
	s := strings.Join(lines, " ")
	if i := strings.Index(s, " To troubleshoot"); i >= 0 {
		s = s[:i]
	}
	if t := strings.TrimSpace(m.getenv(envSystemAccessToken)); t != "" {
		s = strings.ReplaceAll(s, t, "[SYSTEM_ACCESSTOKEN]")
	}
	if len(s) > maxReason {
		s = s[:maxReason] + "…"
	}
	return errors.New(s)
}
