package vault

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// The store in testdata/d0e51e6-store was written by the binaries of
// commit d0e51e6, the code before token sources and before the journal
// recorded the directory git ran in (make-fixture.sh there says how):
// five tokens (an organisation with label, scopes and expiry, a project
// with a date expiry, one with an unchecked refusal from erase, two
// declared-server tokens), uses folded into the vault and one use still
// pending in vault.age.usage. The current code reads all of it, folds the
// pending use, and its next write keeps every token, secret and field,
// still as format version 1, which d0e51e6 reads back.
func TestStoreWrittenByD0e51e6(t *testing.T) {
	src := filepath.Join("testdata", "d0e51e6-store")
	dir := filepath.Join(t.TempDir(), "adopat")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"vault.age", "identity.txt", "vault.age.usage"} {
		if err := os.WriteFile(filepath.Join(dir, name), readFile(t, filepath.Join(src, name)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	v := New(filepath.Join(dir, "vault.age"), filepath.Join(dir, "identity.txt"))
	before, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	pats := map[string]string{
		"fabrikam":                      "PATFAB0000000000000000000000000000000000000000000001",
		"fabrikam/Web":                  "PATFABWEB00000000000000000000000000000000000000000002",
		"contoso":                       "PATCONTOSO000000000000000000000000000000000000000003",
		"https://jdoe@tfs.example.test": "PATSERVER0000000000000000000000000000000000000000004",
		"https://ann@tfs.example.test":  "PATSERVER2000000000000000000000000000000000000000005",
	}
	var scopes []string
	for _, tok := range before.Tokens {
		scopes = append(scopes, tok.Scope())
		if pat, _, err := v.Secret(tok.Scope()); err != nil || pat != pats[tok.Scope()] {
			t.Errorf("Secret(%s) = %q, %v", tok.Scope(), pat, err)
		}
		if tok.Source != nil {
			t.Errorf("%s has a token source", tok.Scope())
		}
	}
	if want := []string{"fabrikam", "fabrikam/Web", "contoso", "https://jdoe@tfs.example.test", "https://ann@tfs.example.test"}; !slices.Equal(scopes, want) {
		t.Fatalf("tokens %v, want %v", scopes, want)
	}
	fab, web, contoso, jdoe := before.Tokens[0], before.Tokens[1], before.Tokens[2], before.Tokens[3]
	switch {
	case fab.Label != "laptop, read-only" || !slices.Equal(fab.Scopes, []string{"vso.code", "vso.packaging"}) || fab.Expires == nil:
		t.Errorf("fabrikam: %+v", fab)
	case fab.Uses != 2 || len(fab.Repos) != 1 || fab.Repos[0].Path != "dev.azure.com/fabrikam/Proj/_git/repo1" || fab.Repos[0].Uses != 2:
		t.Errorf("fabrikam's uses: %d %+v", fab.Uses, fab.Repos)
	case web.Project != "Web" || web.Expires == nil || web.Expires.Format("2006-01-02") != "2027-06-30" || web.Uses != 1:
		t.Errorf("fabrikam/Web: %+v", web)
	case contoso.Label != "ci" || len(contoso.Refusals) != 1 || contoso.Refusals[0].Verdict != "unchecked" || contoso.Withdrawn != nil:
		t.Errorf("contoso: %+v", contoso)
	case jdoe.Host != "tfs.example.test" || jdoe.Username != "jdoe" || jdoe.Label != "onprem":
		t.Errorf("jdoe: %+v", jdoe)
	}

	// The pending use, in d0e51e6's journal line (no dir), is folded in:
	// a write by the current code.
	if err := journal.New(v.Path()).Fold(v); err != nil {
		t.Fatal(err)
	}
	after, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Tokens[0].Uses = 3
	if len(after.Tokens) != 5 || after.Tokens[0].Uses != 3 || len(after.Tokens[0].Repos) != 2 ||
		after.Tokens[0].Repos[0].Path != "dev.azure.com/fabrikam/Proj/_git/repo2" || len(after.Tokens[0].Repos[0].Dirs) != 0 {
		t.Fatalf("after the fold: %+v", after.Tokens[0])
	}
	want.Tokens[0].Repos, want.Tokens[0].LastUsed = after.Tokens[0].Repos, after.Tokens[0].LastUsed
	if !reflect.DeepEqual(after, want) {
		t.Fatalf("the fold changed more than the use:\n%+v\nwant\n%+v", after, want)
	}
	for _, tok := range after.Tokens {
		if pat, _, err := v.Secret(tok.Scope()); err != nil || pat != pats[tok.Scope()] {
			t.Errorf("after the fold Secret(%s) = %q, %v", tok.Scope(), pat, err)
		}
	}

	// What the current code wrote holds no token source, so it stays
	// format version 1, and d0e51e6's reading of it (json.Unmarshal of
	// its store.Data, version at most 1) gets every token with its secret.
	k, err := parseIdentityText("identity.txt", readFile(t, v.IdentityPath()))
	if err != nil {
		t.Fatal(err)
	}
	js := plaintext(t, readFile(t, v.Path()), k)
	var old struct {
		Version int `json:"version"`
		Tokens  []struct {
			Secret string `json:"secret"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(js), &old); err != nil || old.Version != 1 || len(old.Tokens) != 5 {
		t.Fatalf("d0e51e6 would read version %d, %d tokens (%v) from what the current code wrote", old.Version, len(old.Tokens), err)
	}
	var secrets []string
	for _, tok := range old.Tokens {
		secrets = append(secrets, tok.Secret)
	}
	for scope, pat := range pats {
		if !slices.Contains(secrets, pat) {
			t.Errorf("d0e51e6 would not find %s's PAT in what the current code wrote", scope)
		}
	}
}
