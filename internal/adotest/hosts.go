package adotest

import "strings"

// hostKind says how a host names the owner of its credentials.
type hostKind int

const (
	hostUnknown  hostKind = iota
	hostDevAzure          // dev.azure.com: the organisation is the first path segment
	hostVS                // {org}.visualstudio.com: the organisation is the host label
	hostExtra             // a declared on-prem server: the host owns the PAT
)

// origin is scheme plus canonical host:port, the first half of a route key.
type origin struct {
	scheme string // "https" or "http"
	hp     string // lower-case host:port with explicit port
}

func (o origin) String() string { return o.scheme + "://" + displayHost(o.scheme, o.hp) }

// classify says what kind of host o is; for visualstudio.com it also returns
// the organisation label. Cloud hosts exist only on HTTPS port 443, as in
// the real service.
func (s *Server) classify(o origin) (hostKind, string) {
	name := hostName(o.hp)
	if o.scheme == "https" && strings.HasSuffix(o.hp, ":443") {
		if name == devAzureHost {
			return hostDevAzure, ""
		}
		if label, ok := strings.CutSuffix(name, vsSuffix); ok && label != "" && !strings.Contains(label, ".") {
			return hostVS, label
		}
	}
	if (o.scheme == "https" && s.extraTLS[o.hp]) || (o.scheme == "http" && s.extraHTTP[o.hp]) {
		return hostExtra, ""
	}
	return hostUnknown, ""
}

// principal names whose PAT a request to o with path needs: the credential
// key and the realm for the 401 challenge. ok is false when the URL names
// no organisation at all (e.g. "https://dev.azure.com/").
func (s *Server) principal(o origin, path string) (key, realm string, ok bool) {
	kind, label := s.classify(o)
	realm = o.String() + "/"
	switch kind {
	case hostDevAzure:
		org, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		return orgKey(org), realm, org != ""
	case hostVS:
		return orgKey(label), realm, true
	case hostExtra:
		return hostKey(o.hp), realm, true
	}
	return "", "", false
}
