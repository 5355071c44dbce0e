//go:build linux

package e2e_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// oneLineWithin runs get, as git would, and checks it gave no answer,
// exit 2 (as for a locked vault), exactly one line naming want, and took
// less than a second.
func (u *user) oneLineWithin(what string, want ...string) {
	u.t.Helper()
	start := time.Now()
	r := u.adopat(getRequest, "get")
	took := time.Since(start)
	if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 {
		u.t.Errorf("%s: want no answer, exit 2 and one line:\n%s", what, r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			u.t.Errorf("%s: the line does not say %q:\n%s", what, w, r.stderr)
		}
	}
	limit := time.Second
	if raceEnabled {
		limit = 3 * time.Second // the race detector's start-up
	}
	if took > limit {
		u.t.Errorf("%s: get took %v", what, took)
	}
}

// credentials is a $CREDENTIALS_DIRECTORY as systemd makes it for a unit
// with LoadCredential=: a directory holding each credential in a file,
// mode 0400.
func credentials(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "credentials")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o400); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// keySource reads list --json's key_source.
func (u *user) keySource() string {
	u.t.Helper()
	var l struct {
		KeySource string `json:"key_source"`
	}
	if err := json.Unmarshal([]byte(u.mustAdopat("", "list", "--json")), &l); err != nil {
		u.t.Fatal(err)
	}
	return l.KeySource
}

// A service with LoadCredential=adopat.identity:... : add from a pipe
// encrypts the vault to the credential and writes no key beside the
// vault; get answers; list and doctor name the source. Without the
// credential, get gives no answer and one line, at once.
func TestSystemdCredentialIdentity(t *testing.T) {
	t.Parallel()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	creds := credentials(t, map[string]string{"adopat.identity": "# sealed with systemd-creds\n" + id.String() + "\n"})
	plain := newUser(t, nil).with("ADOPAT_BACKEND=file")
	u := plain.with("CREDENTIALS_DIRECTORY=" + creds)
	pat := adotest.NewPAT()
	u.addPAT(pat, "--org", "fabrikam")
	entries, _ := os.ReadDir(filepath.Dir(u.vault))
	for _, e := range entries {
		if e.Name() == "identity.txt" || strings.Contains(e.Name(), "identity") {
			t.Errorf("a key file was written beside the vault: %s", e.Name())
		}
	}
	u.mustGet("with the credential", pat)
	if head := strings.SplitN(u.mustAdopat("", "list"), "\n", 2)[0]; !strings.Contains(head, "key: systemd credential adopat.identity ("+filepath.Join(creds, "adopat.identity")+")") {
		t.Errorf("list's header does not name the credential: %q", head)
	}
	if s := u.keySource(); s != "systemd-credential" {
		t.Errorf("key_source %q", s)
	}
	if r := u.adopat("", "doctor"); !strings.Contains(r.stdout, "ok    key: systemd credential adopat.identity") {
		t.Errorf("doctor does not name the credential:\n%s", r)
	}

	plain.oneLineWithin("without the credential", "identity", "is missing")
}

// A service with the identity beside the vault passphrase-protected and
// LoadCredential=adopat.passphrase:...: get answers without any prompt
// and leaves no unlocked key; a wrong passphrase gives one line at once.
func TestSystemdCredentialPassphrase(t *testing.T) {
	t.Parallel()
	u, pat := lockedFabrikamUser(t)
	run := t.TempDir()
	u = u.with("XDG_RUNTIME_DIR=" + run)
	u.with("CREDENTIALS_DIRECTORY="+credentials(t, map[string]string{"adopat.passphrase": testPassphrase + "\n"})).mustGet("passphrase credential", pat)
	if entries, _ := os.ReadDir(run); len(entries) != 0 {
		t.Errorf("the passphrase credential left files in the runtime directory: %v", entries)
	}
	if id, _ := os.ReadFile(filepath.Join(filepath.Dir(u.vault), "identity.txt")); !strings.HasPrefix(string(id), "age-encryption.org/v1") {
		t.Error("the identity is no longer passphrase-protected")
	}
	wrong := u.with("CREDENTIALS_DIRECTORY=" + credentials(t, map[string]string{"adopat.passphrase": "not it\n"}))
	wrong.oneLineWithin("wrong passphrase credential", "the passphrase in systemd credential adopat.passphrase", "does not open identity")
	u.oneLineWithin("no passphrase source", "locked", "unlock")
}

// ADOPAT_PASSPHRASE_FILE, for setups without systemd: its first line
// opens the identity; a file others can read is refused, like a key.
func TestPassphraseFile(t *testing.T) {
	t.Parallel()
	u, pat := lockedFabrikamUser(t)
	file := filepath.Join(t.TempDir(), "passphrase")
	if err := os.WriteFile(file, []byte(testPassphrase+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withFile := u.with("ADOPAT_PASSPHRASE_FILE=" + file)
	withFile.mustGet("passphrase file", pat)
	if s := withFile.keySource(); s != "passphrase-file" {
		t.Errorf("key_source %q", s)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	withFile.oneLineWithin("group-readable passphrase file", file, "chmod 600")
	if err := os.WriteFile(file, []byte("wrong\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		t.Fatal(err)
	}
	withFile.oneLineWithin("wrong passphrase file", "the passphrase in ADOPAT_PASSPHRASE_FILE", "does not open identity")
}

// doctor --json through the binary: a stable document, exit 2 when a
// check fails, the key source named.
func TestDoctorJSON(t *testing.T) {
	t.Parallel()
	u := installedUser(t, nil).with("ADOPAT_BACKEND=file")
	u.addPAT(adotest.NewPAT(), "--org", "fabrikam", "--expires", "30d", "--scopes", "vso.code")
	var rep struct {
		OK     bool `json:"ok"`
		Checks []struct {
			Name, Status, Message, Detail, Scope string
		} `json:"checks"`
		Backend   string         `json:"backend"`
		Store     string         `json:"store"`
		KeySource string         `json:"key_source"`
		Tokens    map[string]int `json:"tokens"`
	}
	decode := func(r result) {
		t.Helper()
		rep.Checks = nil
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("doctor --json: %v\n%s", err, r)
		}
	}
	r := u.adopat("", "doctor", "--json")
	decode(r)
	if r.code != 0 || !rep.OK || rep.Backend != "file" || rep.Store != u.vault || rep.KeySource != "identity-beside-vault" || rep.Tokens["total"] != 1 || rep.Tokens["active"] != 1 {
		t.Errorf("doctor --json on a healthy setup:\n%s", r)
	}
	if r := u.adopat(adotest.NewPAT()+"\n", "add", "--org", "contoso", "--expires", "2025-01-01", "--scopes", "vso.code", "--no-verify"); r.code != 0 {
		t.Fatal(r)
	}
	r = u.adopat("", "doctor", "--json")
	decode(r)
	found := false
	for _, c := range rep.Checks {
		found = found || (c.Name == "token_expired" && c.Status == "fail" && c.Scope == "contoso")
	}
	if r.code != 2 || rep.OK || !found || rep.Tokens["expired"] != 1 {
		t.Errorf("doctor --json with an expired token: exit %d, ok %v, token_expired found %v:\n%s", r.code, rep.OK, found, r.stdout)
	}
}
