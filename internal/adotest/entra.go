package adotest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Entra is a stand-in for the Microsoft identity services a token source
// talks to, on loopback addresses only, with certificates from the
// Server's CA (SSL_CERT_FILE=CAFile trusts them):
//
//   - a Microsoft Entra authority (URL, for AZURE_AUTHORITY_HOST): the
//     tenant's OpenID configuration and its v2.0 token endpoint, which
//     answers the client-credentials grant with a client assertion, as
//     workload identity (a federated token), Azure Pipelines (the
//     service connection's OIDC token) and a service principal (a JWT
//     signed with its certificate, checked against it) send it;
//   - an App Service style managed identity endpoint (MSIEndpoint and
//     MSIHeader, for IDENTITY_ENDPOINT and IDENTITY_HEADER), over plain
//     HTTP as App Service serves it on localhost;
//   - Azure Pipelines' OIDC endpoint (OIDCRequestURI, for
//     SYSTEM_OIDCREQUESTURI);
//   - an Azure Key Vault (KeyVaultURL): secrets with versions and expiry,
//     behind the usual bearer challenge.
//
// Every token it issues is random, remembered with its audience and
// expiry; the Azure DevOps stand-in accepts those for Azure DevOps, as a
// Basic password or a Bearer token, until they expire or are revoked, and
// counts any expired one it is sent.
type Entra struct {
	s              *Server
	URL            string // https://127.0.0.1:PORT, the authority host
	Tenant         string
	MSIEndpoint    string // http://127.0.0.1:PORT/msi/token
	MSIHeader      string
	OIDCRequestURI string
	KeyVaultURL    string // https://127.0.0.1:PORT

	authority, msi, vault *httptest.Server

	mu        sync.Mutex
	lifetime  time.Duration
	issued    map[string]issuedToken
	managed   map[string]bool // client IDs of managed identities; "" the system-assigned one
	federated map[string]string
	certs     map[string]*x509.Certificate
	pipelines map[string]pipelinesConn
	secrets   map[string][]secretVersion
	minted    map[string]int // tokens issued, by how they were asked for
	expired   int            // expired tokens Azure DevOps was sent
	kvReads   int
}

// Azure DevOps' and Key Vault's resources, as tokens' audiences.
const (
	AzureDevOpsResource = "499b84ac-1321-427f-aa17-267ca6975798"
	KeyVaultResource    = "https://vault.azure.net"
)

// Ways tokens are asked for, the keys of Minted.
const (
	ByManagedIdentity  = "managed-identity"
	ByFederatedToken   = "federated-token"
	ByCertificate      = "certificate"
	ByAzurePipelines   = "azure-pipelines"
	ByIssueToken       = "issue-token"
	DefaultEntraTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
)

type issuedToken struct {
	audience string
	expires  time.Time
	revoked  bool
}

type pipelinesConn struct{ clientID, systemToken string }

type secretVersion struct {
	version, value string
	expires        *time.Time
}

// StartEntra starts the Entra stand-in beside s and stops it with t's
// cleanup. Tokens live an hour unless SetTokenLifetime says otherwise.
func (s *Server) StartEntra(t TB) *Entra {
	t.Helper()
	e := &Entra{s: s, Tenant: DefaultEntraTenant, MSIHeader: NewPAT(), lifetime: time.Hour,
		issued: map[string]issuedToken{}, managed: map[string]bool{}, federated: map[string]string{},
		certs: map[string]*x509.Certificate{}, pipelines: map[string]pipelinesConn{},
		secrets: map[string][]secretVersion{}, minted: map[string]int{}}
	cert, err := s.ca.issue([]string{"127.0.0.1", "localhost"})
	if err != nil {
		t.Fatalf("adotest: Entra certificate: %v", err)
	}
	// Every address is known before any server starts: the handlers read
	// them (URL, KeyVaultURL).
	unstarted := func(h http.HandlerFunc) *httptest.Server {
		ts := httptest.NewUnstartedServer(h)
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		return ts
	}
	e.authority, e.msi, e.vault = unstarted(e.serveAuthority), unstarted(e.serveMSI), unstarted(e.serveVault)
	e.URL, e.KeyVaultURL = "https://"+e.authority.Listener.Addr().String(), "https://"+e.vault.Listener.Addr().String()
	e.MSIEndpoint = "http://" + e.msi.Listener.Addr().String() + "/msi/token"
	e.OIDCRequestURI = e.URL + "/oidctoken"
	for _, ts := range []*httptest.Server{e.authority, e.vault} {
		ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ts.StartTLS()
	}
	e.msi.Start() // plain HTTP on loopback, as App Service serves it
	t.Cleanup(func() { e.authority.Close(); e.msi.Close(); e.vault.Close() })
	s.mu.Lock()
	s.entra = e
	s.mu.Unlock()
	return e
}

// Env is what a process needs to reach the stand-in and nothing else:
// the authority, the managed identity endpoint, the CA, and
// ADOPAT_LOOPBACK_ONLY, which makes adopat refuse any request that is
// not for a loopback address.
func (e *Entra) Env() []string {
	return []string{
		"AZURE_AUTHORITY_HOST=" + e.URL,
		"IDENTITY_ENDPOINT=" + e.MSIEndpoint,
		"IDENTITY_HEADER=" + e.MSIHeader,
		"SSL_CERT_FILE=" + e.s.CAFile,
		"ADOPAT_LOOPBACK_ONLY=1",
	}
}

// SetTokenLifetime sets how long the tokens issued from now on live.
func (e *Entra) SetTokenLifetime(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lifetime = d
}

// AllowManagedIdentity lets the managed identity endpoint issue tokens
// for clientID ("" for the system-assigned identity).
func (e *Entra) AllowManagedIdentity(clientID string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.managed[clientID] = true
}

// AddFederatedApp registers application clientID with a federated
// credential and returns the federated token (the content of
// AZURE_FEDERATED_TOKEN_FILE) the token endpoint accepts for it.
func (e *Entra) AddFederatedApp(clientID string) string {
	tok := fakeJWT()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.federated[clientID] = tok
	return tok
}

// AddCertificateApp registers application clientID with a new
// certificate and returns the PEM file a service principal signs with:
// the certificate and its private key.
func (e *Entra) AddCertificateApp(clientID string) ([]byte, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "adotest app " + clientID},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(validity)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.certs[clientID] = cert
	e.mu.Unlock()
	return append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})...), nil
}

// AddPipelinesConnection registers an Azure Pipelines service connection
// with workload identity federation: the OIDC endpoint gives a job that
// presents systemToken (SYSTEM_ACCESSTOKEN) an assertion for clientID.
func (e *Entra) AddPipelinesConnection(connectionID, clientID, systemToken string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.pipelines[connectionID] = pipelinesConn{clientID: clientID, systemToken: systemToken}
}

// IssueToken issues a token for audience that lives for lifetime, as if
// some client (az, a test) had asked for it.
func (e *Entra) IssueToken(audience string, lifetime time.Duration) string {
	return e.issue(ByIssueToken, audience, lifetime)
}

func (e *Entra) issue(by, audience string, lifetime time.Duration) string {
	tok := fakeJWT()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.issued[tok] = issuedToken{audience: audience, expires: time.Now().Add(lifetime)}
	e.minted[by]++
	return tok
}

// Revoke makes Azure DevOps refuse tok from now on.
func (e *Entra) Revoke(tok string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if it, ok := e.issued[tok]; ok {
		it.revoked = true
		e.issued[tok] = it
	}
}

// Minted counts the tokens issued so far, by how they were asked for
// (ByManagedIdentity, ...), Key Vault's included.
func (e *Entra) Minted() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.minted {
		out[k] = v
	}
	return out
}

// Issued returns every token issued so far.
func (e *Entra) Issued() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for tok := range e.issued {
		out = append(out, tok)
	}
	return out
}

// ExpiredSent counts the expired tokens Azure DevOps was sent.
func (e *Entra) ExpiredSent() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.expired
}

// KeyVaultReads counts the secrets Key Vault gave out.
func (e *Entra) KeyVaultReads() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.kvReads
}

// SetSecret adds a new version of Key Vault secret name holding value,
// with an expiry attribute when expires is set, and returns its version.
func (e *Entra) SetSecret(name, value string, expires *time.Time) string {
	v := strings.ReplaceAll(fakeGUID("version", name, value, time.Now().String()), "-", "")
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets[name] = append(e.secrets[name], secretVersion{version: v, value: value, expires: expires})
	return v
}

// SecretURL is the identifier of secret name, as add --keyvault takes it.
func (e *Entra) SecretURL(name string) string { return e.KeyVaultURL + "/secrets/" + name }

// acceptsForAzureDevOps reports whether tok is a live token of this
// stand-in for Azure DevOps, and counts an expired one.
func (e *Entra) acceptsForAzureDevOps(tok string) bool {
	return e.accepts(tok, AzureDevOpsResource)
}

func (e *Entra) accepts(tok, audience string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	it, ok := e.issued[tok]
	switch {
	case !ok || it.revoked || it.audience != audience:
		return false
	case !time.Now().Before(it.expires):
		e.expired++
		return false
	}
	return true
}

// audience is the resource a v2.0 scope parameter names: the one
// "RESOURCE/.default" among its space-separated scopes (MSAL adds openid,
// profile and offline_access to some requests).
func audience(scope string) string {
	for _, s := range strings.Fields(scope) {
		if r, ok := strings.CutSuffix(s, "/.default"); ok {
			return r
		}
	}
	return scope
}

// serveAuthority answers the authority's requests: the OpenID
// configuration MSAL reads first, the token endpoint, and the Azure
// Pipelines OIDC endpoint.
func (e *Entra) serveAuthority(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/oidctoken" && r.Method == http.MethodPost:
		e.serveOIDC(w, r)
	case len(parts) == 4 && parts[1] == "v2.0" && parts[2] == ".well-known" && parts[3] == "openid-configuration":
		base := e.URL + "/" + parts[0]
		writeJSON(w, http.StatusOK, map[string]any{
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"issuer":                 base + "/v2.0",
		})
	case len(parts) == 4 && parts[1] == "oauth2" && parts[2] == "v2.0" && parts[3] == "token" && r.Method == http.MethodPost:
		e.serveToken(w, r, parts[0])
	default:
		http.NotFound(w, r)
	}
}

// serveToken answers the client-credentials grant with a client
// assertion: a federated token (workload identity, Azure Pipelines) or a
// JWT signed with the application's certificate.
func (e *Entra) serveToken(w http.ResponseWriter, r *http.Request, tenant string) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", "bad form")
		return
	}
	f := r.PostForm
	client, assertion := f.Get("client_id"), f.Get("client_assertion")
	switch {
	case tenant != e.Tenant:
		oauthError(w, "invalid_tenant", "AADSTS90002: Tenant '"+tenant+"' not found.")
		return
	case f.Get("grant_type") != "client_credentials" || f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer":
		oauthError(w, "unsupported_grant_type", "only client_credentials with a client assertion")
		return
	}
	e.mu.Lock()
	fed, cert := e.federated[client], e.certs[client]
	by := ""
	if fed != "" && subtle.ConstantTimeCompare([]byte(assertion), []byte(fed)) == 1 {
		by = ByFederatedToken
	}
	for _, p := range e.pipelines {
		if p.clientID == client && assertion == pipelinesAssertion(p) {
			by = ByAzurePipelines
		}
	}
	lifetime := e.lifetime
	e.mu.Unlock()
	if by == "" && cert != nil {
		if err := verifyAssertion(assertion, cert, client, e.URL+"/"+tenant+"/oauth2/v2.0/token"); err != nil {
			oauthError(w, "invalid_client", "AADSTS700027: "+err.Error())
			return
		}
		by = ByCertificate
	}
	if by == "" {
		oauthError(w, "invalid_client", "AADSTS700213: No matching federated identity record found for presented assertion.")
		return
	}
	tok := e.issue(by, audience(f.Get("scope")), lifetime)
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": int(lifetime.Seconds()), "ext_expires_in": int(lifetime.Seconds()), "access_token": tok})
}

// pipelinesAssertion is the OIDC token the OIDC endpoint gives for p.
func pipelinesAssertion(p pipelinesConn) string {
	return "oidc." + fakeGUID("pipelines", p.clientID, p.systemToken)
}

// serveOIDC is Azure Pipelines' OIDC endpoint: POST
// ?api-version=7.1&serviceConnectionId=ID with the job's access token.
func (e *Entra) serveOIDC(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	p, ok := e.pipelines[r.URL.Query().Get("serviceConnectionId")]
	e.mu.Unlock()
	if !ok || r.Header.Get("Authorization") != "Bearer "+p.systemToken {
		http.Error(w, "401 Unauthorized", http.StatusUnauthorized)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"oidcToken": pipelinesAssertion(p)})
}

// serveMSI is App Service's managed identity endpoint (api-version
// 2019-08-01): GET with the X-IDENTITY-HEADER secret, resource and an
// optional client_id.
func (e *Entra) serveMSI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	e.mu.Lock()
	allowed, lifetime := e.managed[q.Get("client_id")], e.lifetime
	e.mu.Unlock()
	switch {
	case r.URL.Path != "/msi/token" || r.Method != http.MethodGet:
		http.NotFound(w, r)
		return
	case r.Header.Get("X-IDENTITY-HEADER") != e.MSIHeader || q.Get("api-version") != "2019-08-01":
		writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "bad identity header or api-version"})
		return
	case !allowed:
		writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "No managed identity with client ID '" + q.Get("client_id") + "' is assigned to this resource."})
		return
	}
	tok := e.issue(ByManagedIdentity, q.Get("resource"), lifetime)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "expires_on": fmt.Sprint(time.Now().Add(lifetime).Unix()),
		"resource": q.Get("resource"), "token_type": "Bearer", "client_id": q.Get("client_id"),
	})
}

// serveVault answers GET /secrets/NAME[/VERSION]: a 401 with the bearer
// challenge without a token for Key Vault, the secret with one.
func (e *Entra) serveVault(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok, bearer := strings.CutPrefix(auth, "Bearer ")
	if !bearer || !e.accepts(tok, KeyVaultResource) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization="%s/%s", resource="%s"`, e.URL, e.Tenant, KeyVaultResource))
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]string{"code": "Unauthorized", "message": "AKV10000: Request is missing a Bearer or PoP token."}})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet || len(parts) < 2 || len(parts) > 3 || parts[0] != "secrets" {
		http.NotFound(w, r)
		return
	}
	e.mu.Lock()
	versions := e.secrets[parts[1]]
	var v *secretVersion
	for i := range versions {
		if len(parts) == 2 || versions[i].version == parts[2] {
			v = &versions[i]
		}
	}
	if v != nil {
		e.kvReads++
	}
	e.mu.Unlock()
	if v == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]string{"code": "SecretNotFound", "message": "A secret with (name/id) " + parts[1] + " was not found in this key vault."}})
		return
	}
	attrs := map[string]any{"enabled": true, "created": time.Now().Unix(), "updated": time.Now().Unix(), "recoveryLevel": "Recoverable+Purgeable"}
	if v.expires != nil {
		attrs["exp"] = v.expires.Unix()
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": v.value, "id": e.KeyVaultURL + "/secrets/" + parts[1] + "/" + v.version, "attributes": attrs})
}

// verifyAssertion checks a client assertion as Microsoft Entra does for a
// certificate credential: a PS256 (or RS256) JWT whose thumbprint header
// names cert, signed with its key, issued by and for client, addressed
// to the token endpoint, not expired.
func verifyAssertion(jwt string, cert *x509.Certificate, client, endpoint string) error {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return fmt.Errorf("the client assertion is not a JWT")
	}
	var hdr struct {
		Alg, X5t string
		X5tS256  string `json:"x5t#S256"`
	}
	var claims struct {
		Aud, Iss, Sub string
		Exp           int64
	}
	for i, v := range []any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(b, v) != nil {
			return fmt.Errorf("the client assertion is not a JWT")
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("the client assertion's signature is not base64url")
	}
	sum := sha256.Sum256(cert.Raw)
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	pub, _ := cert.PublicKey.(*rsa.PublicKey)
	switch {
	case pub == nil:
		return fmt.Errorf("the certificate has no RSA key")
	case hdr.X5tS256 != base64.StdEncoding.EncodeToString(sum[:]) && hdr.X5tS256 != base64.RawURLEncoding.EncodeToString(sum[:]):
		return fmt.Errorf("the assertion's x5t#S256 does not name the registered certificate")
	case hdr.Alg == "PS256" && rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) != nil,
		hdr.Alg == "RS256" && rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) != nil,
		hdr.Alg != "PS256" && hdr.Alg != "RS256":
		return fmt.Errorf("the assertion's signature does not verify with the registered certificate")
	case claims.Iss != client || claims.Sub != client || claims.Aud != endpoint:
		return fmt.Errorf("the assertion is not from and for this client at this endpoint")
	case time.Unix(claims.Exp, 0).Before(time.Now()):
		return fmt.Errorf("the assertion has expired")
	}
	return nil
}

// fakeJWT is a random token shaped like a JWT: three base64url parts.
func fakeJWT() string {
	part := func(n int) string {
		b := make([]byte, n)
		rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + part(48) + "." + part(64)
}

func oauthError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]any{"error": code, "error_description": desc, "error_codes": []int{0}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
