package vault

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// A token source's entry round-trips, its cached token encrypted like a
// PAT; its line still starts with the key fields, so get decodes only the
// lines it needs; and the vault is written as format version 2, which
// earlier versions (that know no source, and would send its cached token
// as a PAT and drop the source on their next write) refuse. Without a
// source it is version 1 again, as they read it.
func TestSourceTokenRoundTrips(t *testing.T) {
	v := newTestVault(t)
	until := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	minted := until.Add(-time.Hour)
	src := store.Source{Entra: store.EntraServicePrincipal, TenantID: "contoso.onmicrosoft.com", ClientID: "00000000-0000-0000-0000-000000000001", Certificate: "/etc/adopat/sp.pem"}
	kv := store.Source{Entra: store.EntraManagedIdentity, KeyVault: "https://v.vault.azure.net/secrets/ado-pat"}
	tokens := []store.Token{
		{Org: "fabrikam", Username: "u", Secret: "cached-entra-token", Source: &src, Minted: &minted, CacheUntil: &until, Created: minted},
		{Org: "contoso", Project: "Web", Secret: "cached-kv-pat", Source: &kv, CacheVersion: "abc123", CacheUntil: &until, Created: minted},
		{Org: "tailspin", Secret: "", Source: &store.Source{Entra: store.EntraAzureCLI}, Created: minted}, // never minted
	}
	err := v.Update(func(d *store.Data) (bool, error) { d.Tokens = tokens; return true, nil })
	if err != nil {
		t.Fatal(err)
	}
	raw := readFile(t, v.Path())
	if strings.Contains(string(raw), "cached-entra-token") || strings.Contains(string(raw), "cached-kv-pat") {
		t.Fatal("a cached token is in the vault file in the clear")
	}
	k, err := v.identity()
	if err != nil {
		t.Fatal(err)
	}
	p := parsePayload(plaintext(t, raw, k), v.Path())
	for i, l := range p.lines {
		if !l.keyed {
			t.Errorf("line %d does not start with its key: %s", i, l.js)
		}
	}
	got, err := New(v.Path(), v.IdentityPath()).LoadFor(func(k *store.Token) bool { return k.Org == "contoso" })
	if err != nil || len(got.Tokens) != 1 || !reflect.DeepEqual(got.Tokens[0].Source, &kv) || got.Tokens[0].CacheVersion != "abc123" || !got.Tokens[0].Stripped() {
		t.Fatalf("LoadFor = %+v, %v", got, err)
	}
	all, err := New(v.Path(), v.IdentityPath()).Load()
	if err != nil {
		t.Fatal(err)
	}
	for i := range all.Tokens {
		all.Tokens[i].Secret = tokens[i].Secret
		if w := tokens[i]; !reflect.DeepEqual(all.Tokens[i].Source, w.Source) || !store.SameTime(all.Tokens[i].CacheUntil, w.CacheUntil) || !store.SameTime(all.Tokens[i].Minted, w.Minted) {
			t.Errorf("token %d: %+v, want %+v", i, all.Tokens[i], w)
		}
	}
	if pat, _, err := v.Secret("fabrikam"); err != nil || pat != "cached-entra-token" {
		t.Errorf("Secret = %q, %v", pat, err)
	}
	var doc struct {
		Version int               `json:"version"`
		Tokens  []json.RawMessage `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(plaintext(t, raw, k)), &doc); err != nil || doc.Version != store.DataVersionSources || len(doc.Tokens) != 3 {
		t.Errorf("vault with token sources: version %d, %d tokens, %v; want version %d", doc.Version, len(doc.Tokens), err, store.DataVersionSources)
	}
	err = v.Update(func(d *store.Data) (bool, error) {
		d.Tokens = []store.Token{{Org: "fabrikam", Secret: "a-pat", Created: minted}}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(plaintext(t, readFile(t, v.Path()), k)), &doc); err != nil || doc.Version != store.DataVersion {
		t.Errorf("vault of PATs only: version %d, %v; want %d, as earlier versions read", doc.Version, err, store.DataVersion)
	}
}
