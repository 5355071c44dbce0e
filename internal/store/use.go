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
	// Dir is the directory git ran the helper in: for a fetch or push,
	// the repository's working tree (git changes to its top level) or the
	// bare repository; for a clone, where it was started. doctor looks at
	// these repositories' remote URLs.
	Dir string `json:"dir,omitempty"`
}

// RepoUse counts the answers given for one repository path.
type RepoUse struct {
	Path     string    `json:"path"`
	Uses     int       `json:"uses"`
	LastUsed time.Time `json:"last_used"`
	// Dirs are the local directories it was used from (Use.Dir), most
	// recent first, at most a few.
	Dirs []string `json:"dirs,omitempty"`
}

// Refusal is one time a server refused a token that erase kept in service.
type Refusal struct {
	At      time.Time `json:"at"`
	Path    string    `json:"path,omitempty"`
	Verdict string    `json:"verdict"`
}
