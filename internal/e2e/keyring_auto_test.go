//go:build linux

package e2e_test

// auto, with nothing stored yet: the keyring where a Secret Service runs,
// else the age vault, with the reason given (see keyring_test.go for how
// these tests run).

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

// auto, with nothing stored yet and no vault named: a running Secret
// Service makes it the keyring, and `list`, `doctor` and `add` say so.
func TestKeyringAutoChoosesRunningSecretService(t *testing.T) {
	s := startKeyring(t, "secret-tool")
	pat := adotest.NewPAT()
	u := onKeyringBus(newUser(t, nil), s).withoutEnv("ADOPAT_VAULT")

	l := u.listing()
	if l.Backend != "keyring" || !strings.Contains(l.Reason, "auto") || !strings.Contains(l.Reason, "Secret Service") {
		t.Errorf("list --json before any add: backend %q, reason %q; want keyring, auto, naming the Secret Service", l.Backend, l.Reason)
	}
	if pathExists(u.keyringIndex()) {
		t.Errorf("list created the keyring index %s", u.keyringIndex())
	}
	if r := u.adopat("", "doctor"); !strings.Contains(r.stdout, "backend: Secret Service") || !strings.Contains(r.stdout, "auto: Secret Service") {
		t.Errorf("doctor does not say the keyring was chosen because a Secret Service runs:\n%s", r)
	}

	u.addPAT(pat, "--org", "fabrikam")
	if got, ok := keyringSecret(t, s, "fabrikam"); !ok || got != pat {
		t.Errorf("after add under auto the keyring item is found: %v, holds the PAT: %v", ok, got == pat)
	}
	if vault := filepath.Join(u.home, ".local", "share", "adopat", "vault.age"); pathExists(vault) {
		t.Errorf("add under auto also created the vault %s", vault)
	}
	if l := u.listing(); l.Backend != "keyring" || !strings.Contains(l.Reason, "auto") || len(l.Tokens) != 1 {
		t.Errorf("list --json after add: backend %q, reason %q, %d tokens; want keyring (auto) with the token", l.Backend, l.Reason, len(l.Tokens))
	}
	assertNoPromptNorActivation(t, s, 0, false)
}

// auto on a session bus without a Secret Service (one merely activatable):
// the age vault, with the reason given, and nothing activated.
func TestKeyringAutoFallsBackToFileWithoutSecretService(t *testing.T) {
	s := keyringtest.BusOnly(t)
	u := onKeyringBus(newUser(t, nil), s).withoutEnv("ADOPAT_VAULT")

	l := u.listing()
	if l.Backend != "file" || !strings.Contains(l.Reason, "auto") || !strings.Contains(l.Reason, "no Secret Service") {
		t.Errorf("list --json: backend %q, reason %q; want file, auto, because no Secret Service runs", l.Backend, l.Reason)
	}
	u.addPAT(adotest.NewPAT(), "--org", "fabrikam")
	if l := u.listing(); l.Backend != "file" || !pathExists(l.Store) || len(l.Tokens) != 1 {
		t.Errorf("list --json after add: backend %q, store %q (exists: %v), %d tokens; want the token in the vault",
			l.Backend, l.Store, pathExists(l.Store), len(l.Tokens))
	}
	if pathExists(u.keyringIndex()) {
		t.Errorf("the file backend created the keyring index %s", u.keyringIndex())
	}
	if s.Activated() {
		t.Error("choosing the backend made the bus activate a Secret Service")
	}
	if calls := s.SecretCalls(); len(calls) > 0 {
		t.Errorf("Secret Service calls on a bus without one: %v", calls)
	}
}
