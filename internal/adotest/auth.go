package adotest

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// AuthStats counts how the requests for one organisation or host were
// authenticated.
type AuthStats struct {
	OK        int // Basic credentials carrying the registered PAT
	Failed    int // credentials present but wrong, or not Basic
	Anonymous int // no credentials: the challenge git expects before it asks its helper
}

// Credential keys: organisations and hosts live in one map, so the prefix
// keeps an org that happens to look like a host name apart.
func orgKey(org string) string { return "org/" + strings.ToLower(org) }
func hostKey(hp string) string { return "host/" + hp }

// hostKeys canonicalises a host given to SetHostPAT. Without a port it
// means the default port of either scheme, matching how Options accepts
// "tfs.example.test" (443) and "legacy.test" (80).
func hostKeys(host string) []string {
	host = strings.ToLower(strings.TrimSpace(host))
	if _, _, err := net.SplitHostPort(host); err == nil {
		return []string{hostKey(host)}
	}
	var keys []string
	for _, port := range []string{"443", "80"} {
		if hp, err := hostPort(host, port); err == nil {
			keys = append(keys, hostKey(hp))
		}
	}
	return keys
}

// SetPAT registers pat as the one PAT accepted for organisation org
// (case-insensitive), on dev.azure.com and {org}.visualstudio.com alike.
// An empty pat revokes it.
func (s *Server) SetPAT(org, pat string) {
	s.setPAT([]string{orgKey(org)}, pat)
}

// SetHostPAT registers pat as the PAT accepted by a declared extra host
// ("host" covers ports 443 and 80, "host:port" just that one). An empty pat
// revokes it.
func (s *Server) SetHostPAT(host, pat string) {
	s.setPAT(hostKeys(host), pat)
}

func (s *Server) setPAT(keys []string, pat string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		if pat == "" {
			delete(s.pats, k)
		} else {
			s.pats[k] = pat
		}
	}
}

// AuthAttempts reports how requests for organisation org were authenticated.
func (s *Server) AuthAttempts(org string) AuthStats {
	return s.stats([]string{orgKey(org)})
}

// HostAuthAttempts reports how requests for a declared extra host were
// authenticated ("host" sums ports 443 and 80).
func (s *Server) HostAuthAttempts(host string) AuthStats {
	return s.stats(hostKeys(host))
}

func (s *Server) stats(keys []string) AuthStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum AuthStats
	for _, k := range keys {
		st := s.authStats[k]
		sum.OK += st.OK
		sum.Failed += st.Failed
		sum.Anonymous += st.Anonymous
	}
	return sum
}

// authenticate checks r against the PAT registered under key, counts the
// outcome, and returns the Basic username (used as REMOTE_USER for pushes).
// Like Azure DevOps, it ignores the username. For an organisation it also
// accepts a live token of the Entra stand-in (StartEntra), as the Basic
// password or as a Bearer token, as Azure DevOps accepts Microsoft Entra
// tokens both ways.
func (s *Server) authenticate(key string, r *http.Request) (user string, ok bool) {
	user, pass, basic := r.BasicAuth()
	bearer, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.authStats[key]
	defer func() { s.authStats[key] = st }()
	entraToken := pass
	if isBearer {
		entraToken, user = bearer, "entra"
	}
	switch {
	case !basic && r.Header.Get("Authorization") == "":
		st.Anonymous++
		return "", false
	case basic && pass != "" && s.pats[key] != "" &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.pats[key])) == 1:
		st.OK++
		return user, true
	case (basic || isBearer) && entraToken != "" && s.entra != nil && strings.HasPrefix(key, "org/") && s.entra.acceptsForAzureDevOps(entraToken):
		st.OK++
		return user, true
	default:
		st.Failed++
		return "", false
	}
}
