package helper

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// update applies fn under the store's write lock, but first tries it on a
// snapshot: git sends `store` after every successful request with the very
// credential we answered, and that common case should cost a read, not a
// write lock. fn reads the secrets it compares through s, which knows
// where they are in each pass.
func (h *Helper) update(fn func(d *store.Data, s *secrets) bool) error {
	d, err := h.Store.Load()
	if err != nil {
		return err
	}
	if !fn(d, loaded(h.Store)) {
		return nil
	}
	return h.Store.Update(func(d *store.Data) (bool, error) { return fn(d, inline()), nil })
}

// store remembers a credential git reports as working. For Azure DevOps
// cloud it replaces the token of the scope that would answer (or adds one
// for the organisation); for declared servers it follows credential-store:
// the entry with the same protocol, host, path and username is replaced.
//
// It matches as git does, not with store.Data's Find/Put/Remove: git names
// a request (protocol, host, path, username), never a scope, so the token
// to replace is the one that answered (the most specific match, or the one
// holding the PAT), and a server's entries are replaced the way
// credential-store replaces them, newest first.
func (h *Helper) store(c *Credential, t azdo.Target, _ io.Writer) error {
	// git-credential-store ignores a store without username or password.
	if !c.HasUsername || !c.HasPassword {
		return nil
	}
	now := h.now()
	if t.Kind == azdo.Cloud {
		if c.Password == "" {
			return nil
		}
		return h.update(func(d *store.Data, s *secrets) bool { return storeCloud(d, s, c, t, now) })
	}
	return h.update(func(d *store.Data, s *secrets) bool { return storeServer(d, s, c, now) })
}

func storeCloud(d *store.Data, s *secrets, c *Credential, t azdo.Target, now time.Time) bool {
	username := c.Username
	if username == DefaultUsername {
		username = "" // our own placeholder, not worth remembering
	}
	m := cloudMatches(d, t, true)
	// A token that already holds this PAT is the one git used: when a more
	// specific token is withdrawn, git was answered by a broader one, and
	// that must not overwrite (destroy) the withdrawn token.
	for _, i := range m {
		if tok := &d.Tokens[i]; s.holds(tok, c.Password) {
			if tok.Withdrawn == nil {
				return false // the answer we gave worked: nothing to write
			}
			tok.Withdrawn = nil // git says it works again
			return true
		}
	}
	if len(m) == 0 {
		d.Tokens = append(d.Tokens, store.Token{Org: t.Org, Username: username, Secret: c.Password, Created: now, Expires: parseExpiry(c.PasswordExpiryUTC)})
		return true
	}
	// A new PAT replaces the most specific token for the request, unless
	// that token has a source: git then reports the token the source
	// gave (or one minted since), which is never stored as a PAT.
	tok := &d.Tokens[m[0]]
	if tok.Source != nil {
		return false
	}
	tok.Secret, tok.Username, tok.Created, tok.Withdrawn = c.Password, username, now, nil
	tok.Expires = parseExpiry(c.PasswordExpiryUTC)
	return true
}

func storeServer(d *store.Data, s *secrets, c *Credential, now time.Time) bool {
	entry := store.Token{
		Protocol: c.Protocol, Host: azdo.NormalizeHost(c.Protocol, c.Host), Path: c.Path,
		Username: c.Username, Secret: c.Password, OAuthRefreshToken: c.OAuthRefreshToken,
		Created: now, Expires: parseExpiry(c.PasswordExpiryUTC),
	}
	m := serverMatches(d, s, c, true, false)
	for _, i := range m {
		if old := &d.Tokens[i]; old.SameScope(&entry) {
			entry.Label, entry.Scopes = old.Label, old.Scopes // the user's notes survive
			if s.holds(old, entry.Secret) {
				// The same PAT coming back. git before 2.41 drops the
				// password_expiry_utc and oauth_refresh_token we gave it, so
				// their absence is no reason to forget them.
				entry.Created, entry.LastUsed = old.Created, old.LastUsed
				if c.PasswordExpiryUTC == "" {
					entry.Expires = old.Expires
				}
				if c.OAuthRefreshToken == "" {
					_, entry.OAuthRefreshToken, _ = s.of(old)
				}
			}
		}
	}
	if len(m) == 1 && d.Tokens[m[0]].Withdrawn == nil && sameEntry(s, &d.Tokens[m[0]], &entry) {
		return false
	}
	// Newest first: like credential-store, the latest entry answers first.
	kept := []store.Token{entry}
	for i, tok := range d.Tokens {
		if !slices.Contains(m, i) {
			kept = append(kept, tok)
		}
	}
	d.Tokens = kept
	return true
}

// sameEntry reports whether the stored entry a, its secrets read through
// s, already is b.
func sameEntry(s *secrets, a, b *store.Token) bool {
	pat, refresh, err := s.of(a)
	return a.SameScope(b) && err == nil && pat == b.Secret && refresh == b.OAuthRefreshToken &&
		store.SameTime(a.Expires, b.Expires)
}

// parseExpiry reads git's password_expiry_utc (Unix seconds).
func parseExpiry(v string) *time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	t := time.Unix(n, 0).UTC()
	return &t
}

// erase withdraws, never deletes: the token stays in the store, marked
// with the time git rejected it, so a PAT the user cannot see again in
// Azure DevOps is not lost to one 401. `restore` or a later `store` brings
// it back. Cloud tokens are withdrawn only when Azure DevOps itself says
// the PAT is invalid (eraseCloud). Declared servers follow git's
// credential-store: with a password, only entries holding it are
// withdrawn (git 2.41+), without one every match.
func (h *Helper) erase(c *Credential, t azdo.Target, _ io.Writer) error {
	if t.Kind == azdo.Cloud {
		return h.eraseCloud(c, t)
	}
	now := h.now()
	return h.update(func(d *store.Data, s *secrets) bool {
		m := serverMatches(d, s, c, false, true)
		for _, i := range m {
			d.Tokens[i].Withdrawn = &now
		}
		return len(m) > 0
	})
}
