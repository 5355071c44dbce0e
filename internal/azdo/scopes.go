package azdo

import "strings"

// Privilege is how much a PAT's recorded scopes allow.
type Privilege string

const (
	Unknown  Privilege = "unknown" // no scopes recorded
	ReadOnly Privilege = "read"
	Write    Privilege = "write"
	Full     Privilege = "full" // "Full access": every scope of the organisation
)

// ScopePrivilege classifies the scopes recorded with `add --scopes`, as
// named in Azure DevOps' "Scopes" reference (e.g. vso.code, vso.code_write,
// vso.build_execute). The broadest one decides. Azure DevOps has no
// suffix-free write scope, so anything with a modifying suffix counts as
// write, and the full-access forms as full.
func ScopePrivilege(scopes []string) Privilege {
	if len(scopes) == 0 {
		return Unknown
	}
	p, unknown := ReadOnly, false
	for _, s := range scopes {
		s = strings.ToLower(strings.TrimSpace(s))
		switch {
		case s == "full" || s == "app_token" || s == "*" || s == "vso.*" || strings.HasSuffix(s, "_full"):
			return Full
		case !strings.HasPrefix(s, "vso.") || len(s) == len("vso."):
			unknown = true // not an Azure DevOps scope name: nothing can be said
		case hasAnySuffix(s, "_write", "_manage", "_execute", "_status", "_delete", "_admin"):
			p = Write
		}
	}
	if unknown && p == ReadOnly {
		return Unknown
	}
	return p
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
