package store

import (
	"fmt"
	"strings"
	"time"
)

// The Microsoft Entra identities a Source can name (add --entra). Each is
// one azidentity credential, used by internal/entra in the management
// binary only.
const (
	// EntraManagedIdentity: the machine's managed identity (Azure VMs, App
	// Service, Azure Arc), system-assigned, or user-assigned with ClientID.
	EntraManagedIdentity = "managed-identity"
	// EntraWorkloadIdentity: a federated token from a file
	// (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID), as
	// AKS and other OIDC issuers provide it.
	EntraWorkloadIdentity = "workload-identity"
	// EntraAzureCLI: the signed-in `az` session.
	EntraAzureCLI = "azure-cli"
	// EntraServicePrincipal: an application's certificate (TenantID,
	// ClientID, Certificate).
	EntraServicePrincipal = "service-principal"
	// EntraAzurePipelines: an Azure Pipelines service connection's OIDC
	// token (workload identity federation), for ADOPAT_ENTRA in a job.
	EntraAzurePipelines = "azure-pipelines"
)

// Source is where a token's secret comes from when no PAT is stored for
// it. It holds no secret: identifiers and a file name only.
type Source struct {
	// Entra is the identity (EntraManagedIdentity, ...).
	Entra string `json:"entra"`
	// ClientID: a user-assigned managed identity's client ID, or the
	// service principal's application ID. TenantID: the service
	// principal's tenant. Certificate: the file holding the service
	// principal's certificate and private key (PEM or PKCS#12).
	ClientID    string `json:"client_id,omitempty"`
	TenantID    string `json:"tenant_id,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	// KeyVault, when set, is the Key Vault secret
	// (https://VAULT.vault.azure.net/secrets/NAME) that holds the PAT, read
	// with the identity above. Without it the identity's own Entra token
	// for Azure DevOps is the secret.
	KeyVault string `json:"keyvault,omitempty"`
}

// String names the source for people: "managed-identity",
// "managed-identity:CLIENT_ID", "Key Vault https://... (read as
// workload-identity)".
func (s *Source) String() string {
	id := s.Entra
	switch {
	case s.Entra == EntraManagedIdentity && s.ClientID != "":
		id += ":" + s.ClientID
	case s.Entra == EntraServicePrincipal:
		id += " " + s.ClientID + " of tenant " + s.TenantID
	}
	if s.KeyVault != "" {
		return "Key Vault " + s.KeyVault + " (read as " + id + ")"
	}
	return id
}

// Spec is the source as add --entra takes it back, with --keyvault's
// secret URL first when there is one: "managed-identity:CLIENT_ID",
// "keyvault URL (managed-identity)".
func (s *Source) Spec() string {
	id := s.Entra
	if s.Entra == EntraManagedIdentity && s.ClientID != "" {
		id += ":" + s.ClientID
	}
	if s.KeyVault != "" {
		return "keyvault " + s.KeyVault + " (" + id + ")"
	}
	return id
}

// IsEntraToken reports whether the source's secret is an Entra access
// token (sent as a Bearer token where git can), not a PAT from Key Vault.
func (s *Source) IsEntraToken() bool { return s != nil && s.KeyVault == "" }

// CacheMargin is how long before the cached secret's end a source is asked
// again: git may hold the answer for a while (a long clone, a retry), and
// Azure DevOps must never be sent a token that expires on the way.
const CacheMargin = 5 * time.Minute

// CacheFresh reports whether t's cached secret may be sent at now: it has
// a source, a cache that ends more than CacheMargin after now. The secret
// itself must also be non-empty (an erase empties it).
func (t *Token) CacheFresh(now time.Time) bool {
	return t.Source != nil && t.CacheUntil != nil && now.Add(CacheMargin).Before(*t.CacheUntil)
}

// DropCache forgets the cached secret of a source token, never the
// source: the next get asks the source again.
func (t *Token) DropCache() {
	t.Secret, t.CacheUntil, t.CacheVersion = "", nil, ""
}

// ValidEntraID reports whether s can be a tenant or client ID: a GUID or a
// domain name, letters, digits, '-' and '.', as Microsoft Entra writes
// them. Nothing else reaches a URL or an az command line.
func ValidEntraID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.')
	}) < 0
}

// ParseEntra reads an identity as add --entra and ADOPAT_ENTRA take it:
// one of the Entra* names, "managed-identity:CLIENT_ID" for a
// user-assigned managed identity. The other fields a service principal
// needs come from elsewhere (flags, the environment).
func ParseEntra(spec string) (Source, error) {
	name, id, hasID := strings.Cut(strings.TrimSpace(spec), ":")
	switch {
	case name == EntraManagedIdentity && hasID && !ValidEntraID(id):
		return Source{}, fmt.Errorf("%q: the part after managed-identity: is the user-assigned identity's client ID (a GUID)", spec)
	case name == EntraManagedIdentity:
		return Source{Entra: name, ClientID: id}, nil
	case hasID:
		return Source{}, fmt.Errorf("%q: only managed-identity takes a client ID after a colon", spec)
	case name == EntraWorkloadIdentity, name == EntraAzureCLI, name == EntraServicePrincipal, name == EntraAzurePipelines:
		return Source{Entra: name}, nil
	}
	return Source{}, fmt.Errorf("%q is not a Microsoft Entra source: give %s, managed-identity:CLIENT_ID, %s, %s or %s", spec, EntraManagedIdentity, EntraWorkloadIdentity, EntraAzureCLI, EntraServicePrincipal)
}
