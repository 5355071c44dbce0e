package keyring

import (
	"runtime"
	"testing"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// Organisations are case-insensitive in Azure DevOps, and one rule holds
// in every backend: add --org Fabrikam, then add --org fabrikam, fill one
// slot. The second replaces the first: one index entry, one keyring item,
// named as the last add spelled it, answering either spelling; removing
// it leaves no item behind. Credential Manager compares item names
// case-insensitively and the Secret Service does not, so this runs with
// the fake keyring (case-sensitive, like the Secret Service) and, on
// Windows, with the real Credential Manager (Wine's under .ci/wine).
func TestOrgCaseIsOneSlot(t *testing.T) {
	type backend struct {
		name  string
		store *Store
		item  func(account string) (string, bool)
	}
	k, f := newFakeKeyringStore(t)
	backends := []backend{{"fake keyring", k, f.item}}
	if runtime.GOOS == "windows" {
		service := "adopat-test-" + storetest.RandSecret(t)
		real := New(k.Path()+".wincred", Options{Service: service})
		backends = append(backends, backend{"Credential Manager", real, func(account string) (string, bool) {
			s, err := gokeyring.Get(service, account)
			return s, err == nil
		}})
	}
	for _, b := range backends {
		first, second := storetest.RandSecret(t), storetest.RandSecret(t)
		addTo(t, b.store, cloudToken("Fabrikam", first))
		addTo(t, b.store, cloudToken("fabrikam", second))
		d, err := b.store.Load()
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Tokens) != 1 || d.Tokens[0].Org != "fabrikam" {
			t.Errorf("%s: tokens %+v; want one, fabrikam", b.name, d.Tokens)
		}
		for _, scope := range []string{"fabrikam", "Fabrikam", "FABRIKAM"} {
			if pat, _, err := b.store.Secret(scope); err != nil || pat != second {
				t.Errorf("%s: Secret(%s) = %v; want the second PAT", b.name, scope, err)
			}
		}
		if s, ok := b.item("fabrikam"); !ok || s != second {
			t.Errorf("%s: item fabrikam: %v; want the second PAT", b.name, ok)
		}
		// Where the platform's keyring folds case (accountsFoldCase), the
		// case-sensitive fake is no model of it for the old spelling's item:
		// writing fabrikam replaced Fabrikam in the real keyring.
		// Credential Manager finds the one item under either spelling.
		fake := b.name == "fake keyring"
		oldToo := !fake || !accountsFoldCase
		if s, ok := b.item("Fabrikam"); ok && fake && oldToo || !fake && s != second {
			t.Errorf("%s: an item Fabrikam other than fabrikam's is there", b.name)
		}
		err = b.store.Update(func(d *store.Data) (bool, error) { return d.Remove("FABRIKAM"), nil })
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := b.item("fabrikam"); ok {
			t.Errorf("%s: remove left the item fabrikam", b.name)
		}
		if _, ok := b.item("Fabrikam"); ok && oldToo {
			t.Errorf("%s: remove left the item Fabrikam", b.name)
		}
	}
}
