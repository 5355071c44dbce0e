package adotest

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// The connectionData endpoint: the cheapest authenticated Azure DevOps REST
// call, which `verify` and `rotate` use to check a PAT. The stand-in serves
//
//	GET https://dev.azure.com/{org}/_apis/connectionData
//	GET https://{org}.visualstudio.com/[DefaultCollection/]_apis/connectionData
//	GET {scheme}://{extra host}/{any prefix}/_apis/connectionData
//
// and answers it the way Azure DevOps does: 200 application/json with the
// authenticated identity for the right PAT, 401 with a challenge for a
// wrong or missing one, or (SetBadPATMode) 203 with an HTML sign-in page
// for a wrong one. It authenticates against the same PATs as git requests
// (SetPAT, SetHostPAT) and counts in the same AuthAttempts. Query
// parameters such as api-version are accepted and ignored.

// BadPATMode selects how connectionData answers a request whose PAT is
// present but wrong.
type BadPATMode int

const (
	// Mode401 answers 401 Unauthorized with WWW-Authenticate (the default).
	Mode401 BadPATMode = iota
	// Mode203HTML answers 203 Non-Authoritative Information with a
	// text/html sign-in page, Azure DevOps' other way of refusing a PAT.
	// A request without credentials still gets 401.
	Mode203HTML
)

// DefaultDisplayName and DefaultEmail make up the identity connectionData
// reports for a principal without SetIdentity.
const (
	DefaultDisplayName = "Test User"
	DefaultEmail       = "user@example.com"
)

// connData holds the connectionData settings per credential key (orgKey,
// hostKey). Its zero value is ready to use.
type connData struct {
	mu     sync.Mutex
	idents map[string][2]string // display name, e-mail
	modes  map[string]BadPATMode
	status map[string]int
}

// connSettings is what one request needs from connData.
type connSettings struct {
	name, email string
	mode        BadPATMode
	status      int
}

func (c *connData) get(key string) connSettings {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := connSettings{name: DefaultDisplayName, email: DefaultEmail, mode: c.modes[key], status: c.status[key]}
	if id, ok := c.idents[key]; ok {
		st.name, st.email = id[0], id[1]
	}
	return st
}

func (c *connData) set(keys []string, fn func(key string)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idents == nil {
		c.idents, c.modes, c.status = map[string][2]string{}, map[string]BadPATMode{}, map[string]int{}
	}
	for _, k := range keys {
		fn(k)
	}
}

// SetIdentity sets the authenticated user connectionData reports for
// organisation org: its display name and account (e-mail). Empty values
// restore the defaults (DefaultDisplayName, DefaultEmail).
func (s *Server) SetIdentity(org, displayName, email string) {
	s.setIdentity([]string{orgKey(org)}, displayName, email)
}

// SetHostIdentity is SetIdentity for a declared extra host ("host" covers
// ports 443 and 80, "host:port" just that one).
func (s *Server) SetHostIdentity(host, displayName, email string) {
	s.setIdentity(hostKeys(host), displayName, email)
}

func (s *Server) setIdentity(keys []string, name, email string) {
	s.conn.set(keys, func(k string) {
		if name == "" && email == "" {
			delete(s.conn.idents, k)
			return
		}
		if name == "" {
			name = DefaultDisplayName
		}
		if email == "" {
			email = DefaultEmail
		}
		s.conn.idents[k] = [2]string{name, email}
	})
}

// SetBadPATMode chooses how connectionData answers a wrong PAT for
// organisation org. Git requests keep answering 401 either way.
func (s *Server) SetBadPATMode(org string, m BadPATMode) {
	s.setMode([]string{orgKey(org)}, m)
}

// SetHostBadPATMode is SetBadPATMode for a declared extra host.
func (s *Server) SetHostBadPATMode(host string, m BadPATMode) {
	s.setMode(hostKeys(host), m)
}

func (s *Server) setMode(keys []string, m BadPATMode) {
	s.conn.set(keys, func(k string) { s.conn.modes[k] = m })
}

// SetConnectionDataStatus makes connectionData for organisation org answer
// code, with an Azure DevOps style JSON error, to requests carrying the
// right PAT: 403 for a PAT Azure DevOps knows but refuses here (scope,
// policy), 500 or 503 for an outage. 0 restores the normal answer. Wrong
// PATs are still refused as SetBadPATMode says.
func (s *Server) SetConnectionDataStatus(org string, code int) {
	s.setStatus([]string{orgKey(org)}, code)
}

// SetHostConnectionDataStatus is SetConnectionDataStatus for a declared
// extra host.
func (s *Server) SetHostConnectionDataStatus(host string, code int) {
	s.setStatus(hostKeys(host), code)
}

func (s *Server) setStatus(keys []string, code int) {
	s.conn.set(keys, func(k string) {
		if code == 0 {
			delete(s.conn.status, k)
		} else {
			s.conn.status[k] = code
		}
	})
}

// isConnectionData reports whether p is the connectionData URL of a host
// of o's kind. Azure DevOps paths are case-insensitive.
func (s *Server) isConnectionData(o origin, p string) bool {
	segs := splitPath(p)
	n := len(segs)
	if n < 2 || !strings.EqualFold(segs[n-2], "_apis") || !strings.EqualFold(segs[n-1], "connectionData") {
		return false
	}
	switch kind, _ := s.classify(o); kind {
	case hostDevAzure:
		return n == 3 // /{org}/_apis/connectionData
	case hostVS:
		return n == 2 || (n == 3 && strings.EqualFold(segs[0], "DefaultCollection"))
	case hostExtra:
		return true // the stand-in does not know the server's path prefix
	}
	return false
}

// serveConnectionData answers a connectionData request and reports true,
// or reports false without writing anything when r is not one. key and
// realm are the request's principal, as serveGit found them.
func (s *Server) serveConnectionData(w http.ResponseWriter, r *http.Request, o origin, key, realm string) bool {
	if !s.isConnectionData(o, r.URL.Path) {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return true
	}
	st := s.conn.get(key)
	if st.status >= 500 {
		// A failing service or a proxy in front of it answers before
		// any credential is looked at.
		writeServiceError(w, st)
		return true
	}
	if _, ok := s.authenticate(key, r); !ok {
		if st.mode == Mode203HTML && r.Header.Get("Authorization") != "" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			fmt.Fprint(w, signInPage)
			return true
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+strings.ReplaceAll(realm, `"`, "")+`"`)
		http.Error(w, "401 Unauthorized: a personal access token is required", http.StatusUnauthorized)
		return true
	}
	if st.status != 0 {
		writeServiceError(w, st)
		return true
	}
	kind, _ := s.classify(o)
	body, err := json.Marshal(connectionDataBody(key, st, kind == hostExtra))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return true
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8; api-version=7.1-preview.1")
	w.Write(body)
	return true
}

// writeServiceError answers st.status the way Azure DevOps reports errors:
// a JSON body with a message, repeated URL-encoded in X-TFS-ServiceError.
func writeServiceError(w http.ResponseWriter, st connSettings) {
	msg := fmt.Sprintf("adotest: simulated %d %s.", st.status, http.StatusText(st.status))
	if st.status == http.StatusForbidden {
		msg = fmt.Sprintf("TF400813: The user '%s' is not authorized to access this resource.", st.email)
	}
	body, _ := json.Marshal(map[string]any{
		"$id": "1", "innerException": nil, "message": msg,
		"typeName":  "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
		"typeKey":   "UnauthorizedRequestException",
		"errorCode": 0, "eventId": 3000,
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-TFS-ServiceError", url.PathEscape(msg))
	w.WriteHeader(st.status)
	w.Write(body)
}

// cdIdentity is the identity object of connectionData, in the real shape.
type cdIdentity struct {
	ID                  string                `json:"id"`
	Descriptor          string                `json:"descriptor"`
	SubjectDescriptor   string                `json:"subjectDescriptor"`
	ProviderDisplayName string                `json:"providerDisplayName"`
	IsActive            bool                  `json:"isActive"`
	Properties          map[string]cdProperty `json:"properties"`
	ResourceVersion     int                   `json:"resourceVersion"`
	MetaTypeID          int                   `json:"metaTypeId"`
}

type cdProperty struct {
	Type  string `json:"$type"`
	Value string `json:"$value"`
}

type cdLocationServiceData struct {
	ServiceOwner                string `json:"serviceOwner"`
	DefaultAccessMappingMoniker string `json:"defaultAccessMappingMoniker"`
	LastChangeID                int    `json:"lastChangeId"`
	LastChangeID64              int64  `json:"lastChangeId64"`
}

type cdBody struct {
	AuthenticatedUser   cdIdentity            `json:"authenticatedUser"`
	AuthorizedUser      cdIdentity            `json:"authorizedUser"`
	InstanceID          string                `json:"instanceId"`
	DeploymentID        string                `json:"deploymentId"`
	DeploymentType      string                `json:"deploymentType"`
	LocationServiceData cdLocationServiceData `json:"locationServiceData"`
}

// connectionDataBody builds the answer for principal key. Identifiers are
// derived from the key and the e-mail, so they are stable across runs and
// differ between organisations and users, like real GUIDs would.
func connectionDataBody(key string, st connSettings, onPrem bool) cdBody {
	user := cdIdentity{
		ID:                  fakeGUID("user", st.email),
		Descriptor:          `Microsoft.IdentityModel.Claims.ClaimsIdentity;` + fakeGUID("tenant", key) + `\` + st.email,
		SubjectDescriptor:   "aad." + fakeGUID("subject", st.email),
		ProviderDisplayName: st.name,
		IsActive:            true,
		Properties:          map[string]cdProperty{"Account": {Type: "System.String", Value: st.email}},
		ResourceVersion:     2,
	}
	deployment := "hosted"
	if onPrem {
		deployment = "onPremises"
	}
	return cdBody{
		AuthenticatedUser: user,
		AuthorizedUser:    user,
		InstanceID:        fakeGUID("instance", key),
		DeploymentID:      fakeGUID("deployment", key),
		DeploymentType:    deployment,
		LocationServiceData: cdLocationServiceData{
			ServiceOwner:                "00025394-6065-48ca-87d9-7f5672854ef7",
			DefaultAccessMappingMoniker: "PublicAccessMapping",
			LastChangeID:                42,
			LastChangeID64:              42,
		},
	}
}

func fakeGUID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// signInPage stands for the page Azure DevOps serves with 203.
const signInPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>
<body>
<p>Sign in to your account to continue to Azure DevOps.</p>
<form method="post" action="https://login.microsoftonline.com/common/oauth2/authorize"><button>Sign in</button></form>
</body>
</html>
`
