//go:build linux

package e2e_test

// migrate between the age vault and the keyring: every token and its
// metadata and uses move, and a migration that cannot complete leaves the
// source as it was (see keyring_test.go for how these tests run).

import (
	"slices"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// migrate --to keyring moves three tokens (organisation, project, declared
// server; with labels, expiries, scopes, one withdrawn) with every piece of
// metadata, empties the vault and records the backend in the config file;
// clones keep working. migrate --to file brings back exactly the same,
// and leaves no item in the keyring.
func TestKeyringMigrateBothWaysLosesNothing(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	const (
		server  = "https://tfs.example.test"
		tfsURL  = server + "/tfs/DefaultCollection/Website/_git/web"
		shopURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	)
	srv := startServer(t, adotest.Options{ExtraHosts: []string{"tfs.example.test"}}, webURL, shopURL, tfsURL)
	pats := map[string]string{"fabrikam": adotest.NewPAT(), "contoso/Shop": adotest.NewPAT(), "https://jdoe@tfs.example.test": adotest.NewPAT()}
	srv.SetPAT("fabrikam", pats["fabrikam"])
	srv.SetHostPAT("tfs.example.test", pats["https://jdoe@tfs.example.test"])

	// A file-backend user (auto: ADOPAT_VAULT is set) whose keyring runs.
	u := onKeyringBus(newUser(t, srv), s)
	u.install(server)
	u.addPAT(pats["fabrikam"], "--org", "fabrikam", "--label", "laptop", "--expires", "90d", "--scopes", "vso.code")
	u.addPAT(pats["contoso/Shop"], "--org", "contoso", "--project", "Shop", "--label", "shop, read-only", "--scopes", "vso.code,vso.packaging", "--no-verify") // withdrawn below
	u.addPAT(pats["https://jdoe@tfs.example.test"], "--server", server, "--username", "jdoe", "--label", "on-prem", "--expires", "2099-06-30", "--scopes", "vso.code_write")
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	// git's erase withdraws the project token (as after a 401).
	u.run("", "url="+shopURL+"\n\n", "git", "credential", "reject")
	if tok := u.token("contoso/Shop"); tok.Status != "withdrawn" {
		t.Fatalf("git credential reject left %+v, want withdrawn", tok)
	}
	before := u.listing()
	if before.Backend != "file" || len(before.Tokens) != 3 {
		t.Fatalf("before migrate: backend %q, %d tokens; want the vault's 3", before.Backend, len(before.Tokens))
	}

	out := u.mustAdopat("", "migrate", "--to", "keyring")
	if !strings.Contains(out, "moved 3 tokens") || !strings.Contains(out, "verified") {
		t.Errorf("migrate --to keyring says %q, want 3 tokens moved and verified", out)
	}
	in := u.listing()
	if in.Backend != "keyring" || !strings.Contains(in.Reason, "config file") {
		t.Errorf("after migrate --to keyring: backend %q, reason %q; want keyring, set by the config file", in.Backend, in.Reason)
	}
	assertSameTokens(t, "after migrate --to keyring", before, in)
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = keyring") {
		t.Errorf("the config file says:\n%s\nwant backend = keyring", cfg)
	}
	if vault := u.listing("--backend", "file"); len(vault.Tokens) != 0 {
		t.Errorf("the vault still lists %d tokens after migrate --to keyring", len(vault.Tokens))
	}
	if got, want := keyringAccounts(t, s), sortedAccounts(pats); !slices.Equal(got, want) {
		t.Errorf("secret-tool search finds items for %q, want %q", got, want)
	}
	for account, pat := range pats {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("keyring item %s: found %v, holds the PAT: %v", account, ok, got == pat)
		}
	}
	assertNotUnderHome(t, u.user, pats)
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	if cred, r, ok := u.fill(shopURL); ok {
		t.Errorf("the withdrawn token answers git after migrate (username %q)\n%s", cred["username"], r)
	}
	before = u.listing() // the clones count as uses

	out = u.mustAdopat("", "migrate", "--to", "file")
	if !strings.Contains(out, "moved 3 tokens") {
		t.Errorf("migrate --to file says %q, want 3 tokens moved", out)
	}
	back := u.listing()
	if back.Backend != "file" || back.Store != u.vault {
		t.Errorf("after migrate --to file: backend %q, store %q; want the vault %s", back.Backend, back.Store, u.vault)
	}
	assertSameTokens(t, "after migrate --to file", before, back)
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = file") {
		t.Errorf("the config file says:\n%s\nwant backend = file", cfg)
	}
	if got := keyringAccounts(t, s); len(got) != 0 {
		t.Errorf("after migrate --to file the keyring still holds items for %q", got)
	}
	if idx := u.listing("--backend", "keyring"); len(idx.Tokens) != 0 {
		t.Errorf("the keyring index still lists %d tokens after migrate --to file", len(idx.Tokens))
	}
	u.mustClone(webURL)
	u.mustClone(tfsURL)
	assertAuth(t, "fabrikam", srv.AuthAttempts("fabrikam"), false)
	assertAuth(t, "tfs.example.test", srv.HostAuthAttempts("tfs.example.test"), false)
	assertNoPromptNorActivation(t, s, 0, false)
}

// The uses `get` records (list's LAST USED and USES) travel with the
// tokens too, including those recorded since the last `list`: a clone
// right before each migrate is counted after it.
func TestKeyringMigrateKeepsUsesRecordedSinceLastList(t *testing.T) {
	s := startKeyring(t)
	srv, pat := fabrikamServer(t)
	u := onKeyringBus(newUser(t, srv), s)
	u.install()
	u.addPAT(pat, "--org", "fabrikam")

	u.mustClone(webURL) // from the vault, not listed yet
	u.mustAdopat("", "migrate", "--to", "keyring")
	if got := u.uses("fabrikam"); got != 1 {
		t.Errorf("after migrate --to keyring fabrikam shows %d uses, want the clone's 1", got)
	}
	u.mustClone(webURL) // from the keyring, not listed yet
	u.mustAdopat("", "migrate", "--to", "file")
	if got := u.uses("fabrikam"); got != 2 {
		t.Errorf("after migrate --to file fabrikam shows %d uses, want the two clones' 2", got)
	}
}

// A migration the keyring cannot complete, because it is locked, fails
// saying the source is untouched, and it is: every token where it was,
// nothing half-written to the destination, the config file unchanged. Both
// directions; once unlocked, the migration to the keyring goes through.
func TestKeyringMigrateThatCannotCompleteKeepsSource(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	u := onKeyringBus(newUser(t, nil), s)
	pats := map[string]string{"fabrikam": adotest.NewPAT(), "contoso/Shop": adotest.NewPAT()}
	u.addPAT(pats["fabrikam"], "--org", "fabrikam", "--label", "laptop")
	u.addPAT(pats["contoso/Shop"], "--org", "contoso", "--project", "Shop", "--scopes", "vso.code")
	before := u.listing()

	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	r := u.adopat("", "migrate", "--to", "keyring")
	if r.code == 0 {
		t.Fatalf("migrate --to keyring with the keyring locked succeeded:\n%s", r)
	}
	assertOneAdopatLine(t, "migrate --to keyring, keyring locked", r.stderr, "locked", "untouched")
	assertSameTokens(t, "the vault after the failed migrate --to keyring", before, u.listing())
	if pathExists(u.adopatConfig()) {
		t.Errorf("a failed migrate wrote the config file:\n%s", u.readAdopatConfig())
	}
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if got := keyringAccounts(t, s); len(got) != 0 {
		t.Errorf("the failed migrate left keyring items for %q", got)
	}
	if idx := u.listing("--backend", "keyring"); len(idx.Tokens) != 0 {
		t.Errorf("the failed migrate left %d tokens in the keyring index", len(idx.Tokens))
	}

	u.mustAdopat("", "migrate", "--to", "keyring")
	in := u.listing()
	assertSameTokens(t, "after migrate --to keyring", before, in)

	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	r = u.adopat("", "migrate", "--to", "file")
	if r.code == 0 {
		t.Fatalf("migrate --to file with the keyring locked succeeded:\n%s", r)
	}
	assertOneAdopatLine(t, "migrate --to file, keyring locked", r.stderr, "reading", "locked")
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	assertSameTokens(t, "the keyring after the failed migrate --to file", before, u.listing())
	if vault := u.listing("--backend", "file"); len(vault.Tokens) != 0 {
		t.Errorf("the failed migrate --to file wrote %d tokens to the vault", len(vault.Tokens))
	}
	for account, pat := range pats {
		if got, ok := keyringSecret(t, s, account); !ok || got != pat {
			t.Errorf("keyring item %s after the failed migrate: found %v, holds the PAT: %v", account, ok, got == pat)
		}
	}
	if cfg := u.readAdopatConfig(); !strings.Contains(cfg, "backend = keyring") {
		t.Errorf("the failed migrate --to file changed the config file:\n%s", cfg)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}
