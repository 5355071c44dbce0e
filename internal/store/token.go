// Package store keeps personal access tokens and their metadata.
//
// A Token is either an Azure DevOps cloud token, scoped to an organisation
// (Org) or to one project of it (Org + Project), or a declared-server entry
// keyed the way git's own helpers key credentials: Protocol, Host, Path and
// Username (git-credential(1), gitcredentials(7)).
package store

import (
	"net/url"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// Token is one stored credential with its non-secret metadata.
type Token struct {
	// Cloud scope: organisation, optionally one project in it.
	Org     string `json:"org,omitempty"`
	Project string `json:"project,omitempty"`

	// Declared-server key (Azure DevOps Server on premises).
	Protocol string `json:"protocol,omitempty"`
	Host     string `json:"host,omitempty"`
	Path     string `json:"path,omitempty"`

	Username          string `json:"username"`
	Secret            string `json:"secret"`
	OAuthRefreshToken string `json:"oauth_refresh_token,omitempty"`

	Label string `json:"label,omitempty"`
	// Owner is whose PAT it is, as Azure DevOps named the identity it
	// authenticated ("Jane Doe <jane@example.com>") when add, rotate or
	// verify asked; empty when never checked.
	Owner  string   `json:"owner,omitempty"`
	Scopes []string `json:"scopes,omitempty"`

	Created   time.Time  `json:"created"`
	Expires   *time.Time `json:"expires,omitempty"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
	Withdrawn *time.Time `json:"withdrawn,omitempty"`

	// Usage folded in from the UsageLog: answers given, and for which
	// repositories (most recent first, at most maxRepos).
	Uses  int       `json:"uses,omitempty"`
	Repos []RepoUse `json:"repos,omitempty"`
	// Refusals the server made that erase did not act on (the PAT was
	// valid or could not be checked), most recent first.
	Refusals []Refusal `json:"refusals,omitempty"`

	// secretPending is set by backends that keep secrets apart from the
	// metadata (an OS keyring) until Data.Reveal fetches them.
	secretPending bool
}

// IsServer reports whether the token belongs to a declared server rather
// than to Azure DevOps cloud.
func (t *Token) IsServer() bool { return t.Host != "" }

// Scope names the token for people and for the CLI: "fabrikam",
// "fabrikam/Website", or "https://user@tfs.example.com/path" for a server.
func (t *Token) Scope() string {
	if !t.IsServer() {
		if t.Project != "" {
			return t.Org + "/" + t.Project
		}
		return t.Org
	}
	u := url.URL{Scheme: t.Protocol, Host: t.Host}
	if t.Username != "" {
		u.User = url.User(t.Username)
	}
	s := u.String()
	if t.Path != "" {
		s += "/" + t.Path
	}
	return s
}

// HasScope reports whether scope, as the user or a journal wrote it,
// names this token. Cloud scopes compare case-insensitively like Azure
// DevOps names; server scopes exactly, like git's keys.
func (t *Token) HasScope(scope string) bool {
	s := t.Scope()
	return s == scope || (!t.IsServer() && azdo.EqualFold(s, scope))
}

// SameScope reports whether two tokens occupy the same slot: storing one
// replaces the other. Organisation and project names are case-insensitive
// in Azure DevOps; server keys compare the way git compares them.
func (t *Token) SameScope(o *Token) bool {
	if t.IsServer() != o.IsServer() {
		return false
	}
	if !t.IsServer() {
		return azdo.EqualFold(t.Org, o.Org) && azdo.EqualFold(t.Project, o.Project)
	}
	return t.Protocol == o.Protocol && t.Host == o.Host && t.Path == o.Path && t.Username == o.Username
}

// Data is the whole content of a store.
type Data struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"tokens"`

	// reveal fetches one token's secrets for backends that load them
	// lazily; nil when the secrets are inline (the age vault).
	reveal func(*Token) error
}

// Reveal makes sure t.Secret and t.OAuthRefreshToken hold the token's
// secrets. A keyring backend fetches them only here, so that `list` and a
// `get` for one organisation never touch the other tokens' keyring items.
// t must point into d.Tokens.
func (d *Data) Reveal(t *Token) error {
	if !t.secretPending || d.reveal == nil {
		return nil
	}
	if err := d.reveal(t); err != nil {
		return err
	}
	t.secretPending = false
	return nil
}

// Store is what the helper and the CLI need from a storage backend.
// Load returns a snapshot whose secrets may need Data.Reveal; Update runs fn
// on the current content, every secret revealed, under an exclusive lock
// and persists the result only when fn reports a change.
type Store interface {
	Load() (*Data, error)
	Update(fn func(d *Data) (changed bool, err error)) error
}

// MetadataUpdater is implemented by stores that can change metadata without
// reading any secret (the keyring); Update serves for the others.
type MetadataUpdater interface {
	UpdateMetadata(fn func(d *Data) (changed bool, err error)) error
}
