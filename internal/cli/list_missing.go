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
// rather than cost one timeout each. The file backend answers from the
// content Load decrypted, so the checks cost it nothing.
func markMissing(s store.Store, d *store.Data, listed []listedToken) {
	for i := range d.Tokens {
		_, _, err := s.Secret(d.Tokens[i].Scope())
		switch {
		case errors.Is(err, store.ErrSecretMissing):
			listed[i].Status = "missing"
		case err != nil:
			return
		}
	}
}
