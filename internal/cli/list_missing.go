package cli

import (
	"errors"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// markMissing sets the status "missing" on each listed token whose
// keyring item is gone (deleted in the keyring's own UI): git gets no
// answer from it, so `list` must not call it active. The OS keyring APIs
// adopat uses cannot tell whether an item exists without reading it, so
// each item is read and its secret dropped at once; nothing is printed or
// kept. The first failure other than a missing item (a locked or
// unreachable keyring) ends the checks: the rest keep the index's status
// rather than cost one timeout each. The file backend holds its secrets
// inline, so there is nothing to check.
func markMissing(d *store.Data, listed []listedToken) {
	for i := range d.Tokens {
		tok := &d.Tokens[i]
		err := d.Reveal(tok)
		tok.Secret, tok.OAuthRefreshToken = "", ""
		switch {
		case errors.Is(err, store.ErrSecretMissing):
			listed[i].Status = "missing"
		case err != nil:
			return
		}
	}
}
