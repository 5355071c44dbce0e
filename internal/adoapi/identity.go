package adoapi

import (
	"encoding/json"
	"strings"
)

// Identity is the user Azure DevOps authenticated with the PAT: the
// authenticatedUser of connectionData.
type Identity struct {
	// ID is the identity's GUID.
	ID string `json:"id,omitempty"`
	// Descriptor is the legacy identity descriptor, e.g.
	// "Microsoft.IdentityModel.Claims.ClaimsIdentity;{tenant}\user@example.com".
	Descriptor string `json:"descriptor,omitempty"`
	// SubjectDescriptor is the Graph descriptor, e.g. "aad.…" or "msa.…".
	SubjectDescriptor string `json:"subject_descriptor,omitempty"`
	// DisplayName is the customDisplayName when the user set one, else
	// providerDisplayName (from the identity provider).
	DisplayName string `json:"display_name,omitempty"`
	// UniqueName is the sign-in account: properties.Account (an e-mail or
	// UPN on the cloud, DOMAIN\user on premises), else uniqueName or Mail.
	UniqueName string `json:"unique_name,omitempty"`
}

// String is "Display Name <account>", or whichever part is known.
func (i Identity) String() string {
	switch {
	case i.DisplayName != "" && i.UniqueName != "":
		return i.DisplayName + " <" + i.UniqueName + ">"
	case i.DisplayName != "":
		return i.DisplayName
	case i.UniqueName != "":
		return i.UniqueName
	}
	return i.ID
}

// connectionData is the part of the answer Verify reads:
//
//	{"authenticatedUser": {"id": "…", "descriptor": "…", "subjectDescriptor": "…",
//	   "providerDisplayName": "…", "customDisplayName": "…",
//	   "properties": {"Account": {"$type": "System.String", "$value": "user@example.com"}}},
//	 "authorizedUser": {…}, "instanceId": "…", "locationServiceData": {…}}
type connectionData struct {
	AuthenticatedUser *identityJSON `json:"authenticatedUser"`
}

type identityJSON struct {
	ID                  string `json:"id"`
	Descriptor          string `json:"descriptor"`
	SubjectDescriptor   string `json:"subjectDescriptor"`
	ProviderDisplayName string `json:"providerDisplayName"`
	CustomDisplayName   string `json:"customDisplayName"`
	DisplayName         string `json:"displayName"` // not in connectionData; read if a server sends it
	UniqueName          string `json:"uniqueName"`  // likewise
	// Property values are {"$type": …, "$value": …}; $value is not always
	// a string, so it stays raw until a string one is wanted.
	Properties map[string]struct {
		Value json.RawMessage `json:"$value"`
	} `json:"properties"`
}

func (j *identityJSON) property(name string) string {
	for k, p := range j.Properties {
		if strings.EqualFold(k, name) {
			var s string
			if json.Unmarshal(p.Value, &s) == nil {
				return strings.TrimSpace(s)
			}
		}
	}
	return ""
}

func (j *identityJSON) identity() Identity {
	return Identity{
		ID:                j.ID,
		Descriptor:        j.Descriptor,
		SubjectDescriptor: j.SubjectDescriptor,
		DisplayName:       firstNonEmpty(j.CustomDisplayName, j.ProviderDisplayName, j.DisplayName),
		UniqueName:        firstNonEmpty(j.property("Account"), j.UniqueName, j.property("Mail")),
	}
}

// anonymous reports whether the identity is nobody: missing, without an
// id, the all-zero id, or an unauthenticated/anonymous descriptor, which is
// what an organisation with public projects answers to a request it did
// not authenticate.
func (j *identityJSON) anonymous() bool {
	if j == nil || strings.Trim(j.ID, "0-") == "" {
		return true
	}
	kind, _, _ := strings.Cut(strings.ToLower(j.Descriptor), ";")
	return strings.Contains(kind, "unauthenticated") || strings.Contains(kind, "anonymous")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
