package cli

import (
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// recordOwners fills in whose PAT each token is when verify has just heard
// it from Azure DevOps and none was recorded (tokens stored before add
// recorded owners, or with --no-verify). Only the PAT that was asked about
// counts: a token rotated meanwhile has another creation time.
func recordOwners(b *backend, results []verification, asks []*store.Token) error {
	type asked struct {
		created time.Time
		owner   string
	}
	owners := map[string]asked{} // scope -> the PAT asked about and its identity
	for i, tok := range asks {
		if tok != nil && tok.Owner == "" && results[i].Valid && results[i].Identity != "" {
			owners[tok.Scope()] = asked{tok.Created, results[i].Identity}
		}
	}
	if len(owners) == 0 {
		return nil
	}
	fill := func(d *store.Data) (bool, error) {
		changed := false
		for i := range d.Tokens {
			tok := &d.Tokens[i]
			if o, ok := owners[tok.Scope()]; ok && tok.Owner == "" && tok.Created.Equal(o.created) {
				tok.Owner, changed = o.owner, true
			}
		}
		return changed, nil
	}
	// The keyring can change metadata without reading every secret.
	if m, ok := b.Store.(store.MetadataUpdater); ok {
		return m.UpdateMetadata(fill)
	}
	return b.Store.Update(fill)
}
