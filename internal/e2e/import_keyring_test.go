//go:build linux

package e2e_test

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

// gcmItem stores secret in s's keyring as Git Credential Manager does
// (SecretServiceCollection.AddOrUpdate through libsecret): attributes
// service=NAMESPACE:URL and account, the schema name in xdg:schema, the
// label the service. secret-tool stores with no schema, so the attribute
// is given as libsecret would add it.
func gcmItem(t *testing.T, s *keyringtest.Session, service, account, secret string, extra ...string) {
	t.Helper()
	args := append([]string{"store", "--label=" + service, "xdg:schema", "com.microsoft.GitCredentialManager", "service", service, "account", account}, extra...)
	cmd := s.Command("secret-tool", args...)
	cmd.Stdin = strings.NewReader(secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v\n%s", err, out)
	}
}

// gcmItemSecret is the secret of GCM's item for service, ok false when
// there is none.
func gcmItemSecret(t *testing.T, s *keyringtest.Session, service string) (string, bool) {
	t.Helper()
	return secretToolLookup(t, s, "xdg:schema", "com.microsoft.GitCredentialManager", "service", service)
}

// GCM's Secret Service items (its credentialStore=secretservice on Linux)
// are imported with the age vault as the store: stored, left in the
// keyring until --remove-source, then deleted there; another item (of
// another program, or GCM's for another host) is never touched, and
// nothing prompts or activates.
func TestImportFromGCMSecretService(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	srv, pat := fabrikamServer(t)
	u := onKeyringBus(installedUser(t, srv), s)
	const service = "git:https://dev.azure.com/fabrikam"
	// Another program's item with GCM's attributes but not its schema.
	// First: gnome-keyring's replace-on-store would otherwise match GCM's
	// item by these attributes.
	other := adotest.NewPAT()
	cmd := s.Command("secret-tool", "store", "--label=other", "service", service, "account", "jdoe")
	cmd.Stdin = strings.NewReader(other)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v\n%s", err, out)
	}
	gcmItem(t, s, service, "jdoe", pat)
	gcmItem(t, s, "git:https://github.com", "alice", "ghp_notazure")

	r := u.adopat("", "import", "--gcm")
	if r.code != 0 || !strings.Contains(r.stdout, "stored      fabrikam GCM Secret Service item") || !strings.Contains(r.stdout, "--remove-source deletes it") ||
		strings.Contains(r.stdout+r.stderr, pat) || strings.Contains(r.stdout, "github") {
		t.Fatalf("import --gcm:\n%s", r)
	}
	if got, ok := gcmItemSecret(t, s, service); !ok || got != pat {
		t.Error("import without --remove-source changed GCM's item")
	}
	u.mustClone(webURL) // through adopat, from the vault

	r = u.adopat("", "import", "--gcm", "--remove-source")
	if r.code != 0 || !strings.Contains(r.stdout, "already     fabrikam") || !strings.Contains(r.stdout, "deleted from Git Credential Manager") {
		t.Fatalf("import --gcm --remove-source:\n%s", r)
	}
	if _, ok := gcmItemSecret(t, s, service); ok {
		t.Error("GCM's item is still there after --remove-source")
	}
	if _, ok := gcmItemSecret(t, s, "git:https://github.com"); !ok {
		t.Error("GCM's item for another host was deleted")
	}
	cmd = s.Command("secret-tool", "search", "--all", "service", service, "account", "jdoe")
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), "secret = "+other) {
		t.Errorf("another program's item was changed: %v", err)
	}
	if r := u.adopat("", "import", "--gcm"); r.code != 0 || !strings.Contains(r.stdout, "nothing to move") {
		t.Errorf("import again:\n%s", r)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// With the keyring backend, import stores through the same Update as the
// vault: the PAT lands in its keyring item, the line leaves the file, and
// a second import reads the item back and changes nothing.
func TestImportIntoTheKeyringBackend(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	srv, pat := fabrikamServer(t)
	u := newKeyringUser(t, srv, s)
	u.install()
	writeFile(t, u.home+"/.git-credentials", "https://fabrikam:"+pat+"@dev.azure.com/fabrikam\nhttps://a:b@example.com\n", 0o600)
	if r := u.adopat("", "import", "--git-credentials"); r.code != 0 || !strings.Contains(r.stdout, "stored      fabrikam") {
		t.Fatalf("import:\n%s", r)
	}
	if got, ok := keyringSecret(t, s, "fabrikam"); !ok || got != pat {
		t.Error("the PAT is not in its keyring item")
	}
	if got := readFile(t, u.home+"/.git-credentials"); got != "https://a:b@example.com\n" {
		t.Errorf("the file is now %q", got)
	}
	u.mustClone(webURL)
	if r := u.adopat("", "import", "--git-credentials"); r.code != 0 || !strings.Contains(r.stdout, "nothing to move") {
		t.Errorf("import again:\n%s", r)
	}
	assertNoPromptNorActivation(t, s, 0, false)
}
