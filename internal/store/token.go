// Package store is the model of the token store: Token, Data, the Store
// interface the backends implement (store/vault, store/keyring), the
// usage records the journal keeps (store/journal) and the errors they all
// return.
//
// A Token is either an Azure DevOps cloud token, scoped to an organisation
// (Org) or to one project of it (Org + Project), or a declared-server entry
// keyed the way git's own helpers key credentials: Protocol, Host, Path and
// Username (git-credential(1), gitcredentials(7)).
package store

import (
	"net/url"
	"slices"
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

	// Source, when set, says where the token's secret comes from instead
	// of a PAT given to add: a Microsoft Entra token minted on demand, or
	// a PAT held in Azure Key Vault (see Source). Secret is then only a
	// cache of what the source last gave, sent while CacheUntil has not
	// passed, and empty when there is none. These fields come after the
	// key fields, which the vault reads from the start of each line, and
	// are omitted when empty, so stores without sources are written as
	// before and earlier versions read them.
	Source *Source `json:"source,omitempty"`
	// Minted is when the cached secret was minted (or read from Key
	// Vault); CacheUntil is when it stops being sent: the Entra token's
	// expiry, or for Key Vault the end of the time its PAT is cached.
	Minted     *time.Time `json:"minted,omitempty"`
	CacheUntil *time.Time `json:"cache_until,omitempty"`
	// CacheVersion is the Key Vault version of the cached PAT.
	CacheVersion string `json:"cache_version,omitempty"`

	// stripped marks a metadata-only copy (see StripSecrets).
	stripped bool
}

// StripSecrets empties t's secrets and marks t as a metadata-only copy, as
// Load hands tokens out. Giving t its secrets again (SetSecrets, or any
// non-empty secret) ends that: Stripped is then false.
func (t *Token) StripSecrets() {
	t.Secret, t.OAuthRefreshToken, t.stripped = "", "", true
}

// SetSecrets gives t its secrets, as Store.Secret read them: t is no
// longer Stripped, even when they are empty (git may store an empty
// password for a declared server).
func (t *Token) SetSecrets(pat, refresh string) {
	t.Secret, t.OAuthRefreshToken, t.stripped = pat, refresh, false
}

// Stripped reports whether t is a metadata-only copy that was given no
// secret since: storing it would store an empty PAT, so Update refuses it
// unless it handed t out itself (see Store).
func (t *Token) Stripped() bool {
	return t.stripped && t.Secret == "" && t.OAuthRefreshToken == ""
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

// DataVersion is the format version of Data this code writes when no
// token has a Source (the vault's "version"), so that every earlier
// version reads it.
const DataVersion = 1

// DataVersionSources is the format version written when a token has a
// Source. Versions of adopat before token sources read only version 1:
// given a store with a source, they would send the source's cached token
// as a PAT (an expired one too) and drop the source on their next write.
// Version 2 makes them refuse the store with "has format version 2"
// instead. This version reads both.
const DataVersionSources = 2

// WriteVersion is the format version to write tokens in.
func WriteVersion(tokens []Token) int {
	for i := range tokens {
		if tokens[i].Source != nil {
			return DataVersionSources
		}
	}
	return DataVersion
}

// NewData is the content of an empty store.
func NewData() *Data { return &Data{Version: DataVersion} }

// Data is the whole content of a store.
type Data struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"tokens"`

	// Unread is set by Update only: the scope of each token whose secrets
	// could not be read (a keyring item deleted outside adopat), with the
	// reason. Such a token reaches fn Stripped.
	Unread map[string]error `json:"-"`
}

// StripSecrets strips every token (see Token.StripSecrets).
func (d *Data) StripSecrets() {
	for i := range d.Tokens {
		d.Tokens[i].StripSecrets()
	}
}

// Store is what the helper and the CLI need from a storage backend.
//
// Load returns the tokens' metadata only: every token is Stripped, its
// Secret and OAuthRefreshToken empty, whatever the backend. Secret reads
// the secrets of the one token whose Scope() is scope, when they are
// needed: the keyring backend reads that token's items alone, so `list`
// and a `get` for one organisation never touch the other tokens' items;
// the vault answers from the content its last Load decrypted, so a `get`
// decrypts once. A scope no token has is a *ScopeNotFoundError.
//
// Update runs fn on the current content under an exclusive lock and
// persists the result only when fn reports a change. fn gets every token
// with its secrets (writers need them: a token rewritten without them would
// lose its PAT), except a token whose secrets cannot be read, which comes
// Stripped and is listed in d.Unread; fn may replace or remove it, and left
// as it is it keeps its secrets. A Stripped token fn puts in that Update
// did not hand out (a copy of a Load result) is refused, never stored as
// an empty PAT.
type Store interface {
	Load() (*Data, error)
	Secret(scope string) (pat, refresh string, err error)
	Update(fn func(d *Data) (changed bool, err error)) error
}

// Finder is implemented by stores that can load some tokens for less than
// all of them (the vault). LoadFor returns what Load would, narrowed to the
// tokens keep accepts, in the same order: metadata only, and Secret then
// reads theirs. keep must decide on a token's key fields alone (Org,
// Project, Protocol, Host, Path, Username): a Finder shows it no others.
// git's get uses it when the store has it, else Load.
type Finder interface {
	LoadFor(keep func(key *Token) bool) (*Data, error)
}

// LoadFor is s.LoadFor when s is a Finder, else Load narrowed to the
// tokens keep accepts.
func LoadFor(s Store, keep func(key *Token) bool) (*Data, error) {
	if f, ok := s.(Finder); ok {
		return f.LoadFor(keep)
	}
	d, err := s.Load()
	if err != nil {
		return nil, err
	}
	d.Tokens = slices.DeleteFunc(d.Tokens, func(t Token) bool { return !keep(&t) })
	return d, nil
}

// MetadataUpdater is implemented by stores that can change metadata without
// reading any secret (the keyring); Update serves for the others. fn gets
// every token Stripped, and each keeps its secrets.
type MetadataUpdater interface {
	UpdateMetadata(fn func(d *Data) (changed bool, err error)) error
}

// RefuseStripped returns NeverReadError for the first Stripped token in
// d, nil when there is none: what an Update that handed fn no Stripped
// token refuses to store.
func (d *Data) RefuseStripped() error {
	for i := range d.Tokens {
		if d.Tokens[i].Stripped() {
			return NeverReadError(&d.Tokens[i])
		}
	}
	return nil
}

// SameTime reports whether two optional times are both unset or the same
// instant.
func SameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// Find returns the index of the token named by scope, as Token.HasScope
// compares it, and whether there is one.
func (d *Data) Find(scope string) (int, bool) {
	i := slices.IndexFunc(d.Tokens, func(t Token) bool { return t.HasScope(scope) })
	return i, i >= 0
}

// Put stores tok in the slot it occupies (Token.SameScope): the token
// there is replaced and returned as old, with replaced true; with none,
// tok is appended.
func (d *Data) Put(tok Token) (old Token, replaced bool) {
	i := slices.IndexFunc(d.Tokens, func(t Token) bool { return t.SameScope(&tok) })
	if i < 0 {
		d.Tokens = append(d.Tokens, tok)
		return Token{}, false
	}
	old, d.Tokens[i] = d.Tokens[i], tok
	return old, true
}

// Remove deletes the token named by scope, as Find compares it, and
// reports whether there was one.
func (d *Data) Remove(scope string) bool {
	i, ok := d.Find(scope)
	if ok {
		d.Tokens = slices.Delete(d.Tokens, i, i+1)
	}
	return ok
}
