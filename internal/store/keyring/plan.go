package keyring

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// keyringBefore is what the keyring and the index held when Update's fn
// ran.
type keyringBefore struct {
	entries []indexEntry
	raw     []byte             // the index file; nil if there was none
	held    map[string]string  // account -> secret of every item read
	unread  map[string]itemRef // scope -> items of tokens whose items are missing
}

type itemWrite struct{ scope, account, secret string }

// keyringPlan is what Update does after fn, in this order: set (new or
// changed secrets), write index (nil: unchanged), delete (items no token
// names any more). Items are written before the index names them and
// deleted only after it stopped naming them, so at every point the index
// names only items that exist.
type keyringPlan struct {
	sets  []itemWrite
	index []byte
	dels  []itemWrite
}

func (p *keyringPlan) empty() bool { return len(p.sets) == 0 && p.index == nil && len(p.dels) == 0 }

// planUpdate compares the tokens fn left with what was there. A token
// whose items could not be read and that fn left without secrets keeps its
// item names and gets no write: it is never "stored" as an empty secret
// (which would answer git with an empty password) and its items are not
// deleted. Only removing or replacing it (fn giving it a secret) touches
// its items.
func planUpdate(b *keyringBefore, tokens []store.Token) (*keyringPlan, error) {
	p := &keyringPlan{}
	entries := make([]indexEntry, 0, len(tokens))
	inUse := map[string]string{} // account -> scope
	for i := range tokens {
		t := &tokens[i]
		scope := t.Scope()
		var ref itemRef
		if t.Stripped() {
			r, ok := b.unread[scope]
			if !ok {
				return nil, store.NeverReadError(t)
			}
			ref = r
		} else {
			ref = refFor(t)
			p.setIfChanged(b, scope, ref.Account, t.Secret)
			if ref.RefreshAccount != "" {
				p.setIfChanged(b, scope, ref.RefreshAccount, t.OAuthRefreshToken)
			}
		}
		for _, a := range []string{ref.Account, ref.RefreshAccount} {
			if a == "" {
				continue
			}
			if other, ok := usedBy(inUse, a); ok {
				return nil, store.NewError(fmt.Sprintf("the tokens for %s and %s would share the keyring item %q", other, scope, a), store.ErrSharedItem)
			}
			inUse[a] = scope
		}
		entries = append(entries, indexEntry{tok: *t, ref: ref})
	}
	seen := map[string]bool{}
	for _, e := range b.entries {
		for _, a := range []string{e.ref.Account, e.ref.RefreshAccount} {
			if _, used := usedBy(inUse, a); a == "" || used || seen[a] {
				continue
			}
			seen[a] = true
			p.dels = append(p.dels, itemWrite{scope: e.tok.Scope(), account: a})
		}
	}
	if len(entries) > 0 || b.raw != nil {
		idx, err := encodeIndex(entries)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(idx, b.raw) {
			p.index = idx
		}
	}
	return p, nil
}

func (p *keyringPlan) setIfChanged(b *keyringBefore, scope, account, secret string) {
	if old, ok := b.held[account]; !ok || old != secret {
		p.sets = append(p.sets, itemWrite{scope, account, secret})
	}
}

// usedBy finds the scope using account. Where the keyring compares names
// case-insensitively, "Fabrikam" is in use when "fabrikam" is: deleting it
// after writing "fabrikam" would delete the item just written.
func usedBy(inUse map[string]string, account string) (string, bool) {
	if s, ok := inUse[account]; ok {
		return s, true
	}
	if accountsFoldCase {
		for a, s := range inUse {
			if strings.EqualFold(a, account) {
				return s, true
			}
		}
	}
	return "", false
}
