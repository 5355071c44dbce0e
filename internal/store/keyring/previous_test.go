package keyring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// testdata/d0e51e6-keyring-index.json is the keyring index the binaries
// of commit d0e51e6 (the release before token sources and import) wrote
// against a real gnome-keyring (internal/keyringtest.StartSession), with
// ADOPAT_BACKEND=keyring:
//
//	add --org fabrikam --label laptop --expires 30d --scopes vso.code --no-verify
//	add --org fabrikam --project Web --no-verify
//	add --server https://tfs.example.test --username jdoe --label on-prem --no-verify
//	get (fabrikam/p/_git/r), get (fabrikam/Web/_git/site), list
//
// Its items were Secret Service items with the attributes
// service=git-credential-adopat and username=SCOPE (the fake keyring below
// holds the same names). This version reads the index as it is, and its
// next write keeps every token and field, still as format version 1.
func TestKeyringIndexWrittenByD0e51e6(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "d0e51e6-keyring-index.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "adopat")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "keyring-index.json")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	f := newFakeKeyring()
	pats := map[string]string{"fabrikam": "pat-org", "fabrikam/Web": "pat-project", "https://jdoe@tfs.example.test": "pw-server"}
	for scope, pat := range pats {
		if err := f.set(DefaultService, scope, pat); err != nil {
			t.Fatal(err)
		}
	}
	k := New(p, Options{Timeout: time.Second, api: f})
	d, err := k.Load()
	if err != nil || len(d.Tokens) != 3 {
		t.Fatalf("Load = %+v, %v", d, err)
	}
	check := func(d *store.Data, when string) {
		t.Helper()
		org, project, server := d.Tokens[0], d.Tokens[1], d.Tokens[2]
		if org.Scope() != "fabrikam" || org.Label != "laptop" || len(org.Scopes) != 1 || org.Scopes[0] != "vso.code" ||
			org.Expires == nil || org.Uses != 1 || len(org.Repos) != 1 || org.Repos[0].Path != "dev.azure.com/fabrikam/p/_git/r" {
			t.Errorf("%s: org token %+v", when, org)
		}
		if project.Scope() != "fabrikam/Web" || project.Uses != 1 {
			t.Errorf("%s: project token %+v", when, project)
		}
		if server.Scope() != "https://jdoe@tfs.example.test" || server.Label != "on-prem" || server.Username != "jdoe" {
			t.Errorf("%s: server token %+v", when, server)
		}
		for i := range d.Tokens {
			if d.Tokens[i].Source != nil {
				t.Errorf("%s: %s has a token source", when, d.Tokens[i].Scope())
			}
		}
	}
	check(d, "read")
	for scope, want := range pats {
		if got, _, err := k.Secret(scope); err != nil || got != want {
			t.Errorf("Secret(%s) = %q, %v; want %q", scope, got, err, want)
		}
	}

	err = k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, store.Token{Org: "contoso", Secret: "pat-new", Created: time.Now()})
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err = New(p, Options{Timeout: time.Second, api: f}).Load()
	if err != nil || len(d.Tokens) != 4 {
		t.Fatalf("after a write: %+v, %v", d, err)
	}
	check(d, "after a write")
	written, _ := os.ReadFile(p)
	if !strings.Contains(string(written), `"version": 1`) {
		t.Errorf("a PAT-only index is no longer version 1, which d0e51e6 reads:\n%s", written)
	}
	for scope, want := range pats {
		if got, _, err := k.Secret(scope); err != nil || got != want {
			t.Errorf("after a write: Secret(%s) = %q, %v; want %q", scope, got, err, want)
		}
	}
}
