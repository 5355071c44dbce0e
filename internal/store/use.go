package store

import "time"

// Use is one answer given or, with Refused set, one refusal: the server
// refused the token for Path and erase kept it in service; Refused is
// what Azure DevOps said of the PAT when asked ("valid", "unchecked", or
// "invalid" when the organisation came from a URL's username). The usage
// journal records them; no secret is ever part of one.
type Use struct {
	At      time.Time `json:"at"`
	Scope   string    `json:"scope"`
	Path    string    `json:"path,omitempty"`
	Refused string    `json:"refused,omitempty"`
}

// RepoUse counts the answers given for one repository path.
type RepoUse struct {
	Path     string    `json:"path"`
	Uses     int       `json:"uses"`
	LastUsed time.Time `json:"last_used"`
}

// Refusal is one time a server refused a token that erase kept in service.
type Refusal struct {
	At      time.Time `json:"at"`
	Path    string    `json:"path,omitempty"`
	Verdict string    `json:"verdict"`
}
