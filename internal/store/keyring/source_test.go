package keyring

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// A token source's entry keeps its source and cache metadata in the
// index; its cached token goes to the keyring item, never to the index;
// a source never minted (no cache) is an empty item.
func TestSourceTokenInTheKeyring(t *testing.T) {
	f := newFakeKeyring()
	p := t.TempDir() + "/adopat/keyring-index.json"
	k := New(p, Options{Timeout: time.Second, api: f})
	until := time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)
	src := store.Source{Entra: store.EntraWorkloadIdentity, TenantID: "t", ClientID: "c"}
	err := k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = []store.Token{
			{Org: "fabrikam", Secret: "cached-token", Source: &src, CacheUntil: &until, Minted: &until},
			{Org: "contoso", Source: &store.Source{Entra: store.EntraAzureCLI}},
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := string(storetest.ReadFile(t, p))
	if strings.Contains(raw, "cached-token") || !strings.Contains(raw, `"entra": "workload-identity"`) {
		t.Fatalf("index:\n%s", raw)
	}
	// Version 2: versions before token sources refuse the index rather
	// than read a source's cached token as a PAT and drop the source.
	if !strings.Contains(raw, `"version": 2`) {
		t.Errorf("index with token sources is not format version 2:\n%s", raw)
	}
	d, err := New(p, Options{Timeout: time.Second, api: f}).Load()
	if err != nil || len(d.Tokens) != 2 || !reflect.DeepEqual(d.Tokens[0].Source, &src) || !d.Tokens[0].CacheUntil.Equal(until) {
		t.Fatalf("Load = %+v, %v", d, err)
	}
	for scope, want := range map[string]string{"fabrikam": "cached-token", "contoso": ""} {
		if got, _, err := k.Secret(scope); err != nil || got != want {
			t.Errorf("Secret(%s) = %q, %v; want %q", scope, got, err, want)
		}
	}
}

// An index as every earlier version writes it (no source fields) reads
// as before: PAT tokens, no source, the secrets from the keyring.
func TestIndexWithoutSourcesReadsAsBefore(t *testing.T) {
	f := newFakeKeyring()
	dir := t.TempDir() + "/adopat"
	p := dir + "/keyring-index.json"
	old := `{
  "version": 1,
  "tokens": [
    {
      "org": "fabrikam",
      "username": "",
      "label": "laptop",
      "created": "2026-11-01T10:00:00Z",
      "expires": "2026-12-01T00:00:00Z",
      "keyring": {"account": "fabrikam"}
    }
  ]
}
`
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := f.set(DefaultService, "fabrikam", "the-pat"); err != nil {
		t.Fatal(err)
	}
	k := New(p, Options{Timeout: time.Second, api: f})
	d, err := k.Load()
	if err != nil || len(d.Tokens) != 1 || d.Tokens[0].Source != nil || d.Tokens[0].CacheUntil != nil || d.Tokens[0].Label != "laptop" {
		t.Fatalf("Load = %+v, %v", d, err)
	}
	if pat, _, err := k.Secret("fabrikam"); err != nil || pat != "the-pat" {
		t.Errorf("Secret = %q, %v", pat, err)
	}
}
