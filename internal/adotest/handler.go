package adotest

import (
	"net/http"
	"strings"
)

// serveTLS is the handler of the TLS server that the tunnel reaches.
func (s *Server) serveTLS(w http.ResponseWriter, r *http.Request) {
	s.serveGit(w, r, "https")
}

// serveGit answers one git smart-HTTP request the way Azure DevOps would:
// authenticate first, then look for the repository, so an unauthenticated
// client learns nothing about which repositories exist.
func (s *Server) serveGit(w http.ResponseWriter, r *http.Request, scheme string) {
	sw := s.journal.begin(w, r)
	defer sw.done()
	defaultPort := "443"
	if scheme == "http" {
		defaultPort = "80"
	}
	hp, err := hostPort(r.Host, defaultPort)
	if err != nil {
		http.Error(sw, "bad Host header", http.StatusBadRequest)
		return
	}
	o := origin{scheme: scheme, hp: hp}
	// The organisation is read from the path as sent, like Azure DevOps:
	// "/fabrikam%2FPlatform/..." names the organisation
	// "fabrikam%2FPlatform", not fabrikam, though git asked its helper
	// for the decoded "fabrikam/Platform/...".
	key, realm, ok := s.principal(o, r.URL.EscapedPath())
	if !ok {
		http.NotFound(sw, r)
		return
	}
	if s.serveConnectionData(sw, r, o, key, realm) {
		return
	}
	user, ok := s.authenticate(key, r)
	if !ok {
		sw.Header().Set("WWW-Authenticate", `Basic realm="`+strings.ReplaceAll(realm, `"`, "")+`"`)
		http.Error(sw, "401 Unauthorized: a personal access token is required", http.StatusUnauthorized)
		return
	}
	rp, rest, ok := s.lookup(o, r.URL.Path)
	if !ok {
		http.Error(sw, "TF401019: The Git repository does not exist or you do not have permissions.", http.StatusNotFound)
		return
	}
	s.backend.serve(sw, r, rp, rest, user)
}
