// Package adoapi is the small part of the Azure DevOps REST API that
// git-credential-adopat needs: asking the service whether a PAT is
// accepted, and for whom (Client.Verify).
//
// Verify answers three ways, and callers must keep them apart:
//
//   - Result.Valid: Azure DevOps accepted the PAT; Result.Identity says
//     whose it is.
//   - Result with Valid false: Azure DevOps refused the PAT (401, 403, a
//     sign-in page instead of JSON, a redirect to a sign-in page).
//   - an error: nothing was learnt about the PAT. *NetworkError for DNS,
//     connection, TLS, proxy, timeout and server failures (5xx, 429, a
//     proxy's 407 or 408); *ResponseError for answers that say nothing
//     about the PAT (404, a redirect elsewhere, ...); a plain error for a
//     bad Endpoint or an empty PAT. Never report these as "invalid".
//
// The PAT travels only in the Authorization header: never in a URL, an
// error, a Reason or a log line.
package adoapi

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// Endpoint says where to ask: an Azure DevOps cloud organisation, or a
// declared Azure DevOps Server. Set exactly one of Org and Server. (Not
// azdo.Target, which is what a git request names.)
type Endpoint struct {
	// Org is an Azure DevOps cloud organisation, asked at
	// https://dev.azure.com/{org}/_apis/connectionData.
	Org string
	// Server is a declared server, asked at
	// {scheme}://{host}/{prefix}/_apis/connectionData. Give the prefix of
	// a collection ("tfs/DefaultCollection") or of the server ("tfs").
	Server azdo.Server
}

// OrgEndpoint is the endpoint of Azure DevOps organisation org. A
// project-scoped token is verified at its organisation: PATs belong to
// organisations.
func OrgEndpoint(org string) Endpoint { return Endpoint{Org: org} }

// ServerEndpoint is the endpoint of a declared Azure DevOps Server.
func ServerEndpoint(s azdo.Server) Endpoint { return Endpoint{Server: s} }

// connectionDataPath is the endpoint's path below an organisation or
// collection URL.
const connectionDataPath = "_apis/connectionData"

// URL is the connectionData URL Verify asks.
//
// No api-version is sent. connectionData is a preview-only resource: a
// released version such as api-version=7.1 is refused with 400, so it would
// have to be "7.1-preview"; but any fixed version is refused (400, version
// out of range) by Azure DevOps Server releases older than it, and preview
// versions are retired on the cloud over time. Without api-version a GET is
// served at the server's own current version, on the cloud and on every
// on-premises release since TFS 2015, and the fields read here
// (authenticatedUser's id, descriptors, display name and Account) have kept
// their shape across all of them.
func (t Endpoint) URL() (string, error) {
	switch {
	case t.Org != "" && t.Server != (azdo.Server{}):
		return "", errors.New("adoapi: target has both an organisation and a server")
	case t.Org != "":
		if !azdo.ValidOrg(t.Org) {
			return "", fmt.Errorf("adoapi: %q is not an Azure DevOps organisation name", t.Org)
		}
		return "https://dev.azure.com/" + t.Org + "/" + connectionDataPath, nil
	case t.Server != (azdo.Server{}):
		return serverURL(t.Server)
	}
	return "", errors.New("adoapi: target names no organisation or server")
}

func serverURL(s azdo.Server) (string, error) {
	if s.Scheme != "https" && s.Scheme != "http" {
		return "", fmt.Errorf("adoapi: server %s: scheme must be https or http", s)
	}
	if s.Host == "" || strings.ContainsAny(s.Host, "/?#@\\ ") {
		return "", fmt.Errorf("adoapi: server %s: bad host %q", s, s.Host)
	}
	p := "/" + connectionDataPath
	if prefix := strings.Trim(s.Prefix, "/"); prefix != "" {
		p = "/" + prefix + p
	}
	u := url.URL{Scheme: s.Scheme, Host: s.Host, Path: p}
	raw := u.String()
	// Round-trip: the request must go to exactly the declared host.
	back, err := url.Parse(raw)
	if err != nil || back.Host != s.Host || back.User != nil {
		return "", fmt.Errorf("adoapi: server %s: bad host %q", s, s.Host)
	}
	return raw, nil
}
