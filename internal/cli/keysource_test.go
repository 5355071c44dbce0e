package cli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// credentialsDir makes a $CREDENTIALS_DIRECTORY for ta holding a fresh
// age identity as adopat.identity, mode 0400 as systemd writes it.
func credentialsDir(t *testing.T, ta *testApp) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "credentials")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, credentialIdentity), []byte(id.String()+"\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	ta.env["CREDENTIALS_DIRECTORY"] = dir
	return dir
}

// The key sources, in their order, as list and list --json name them.
func TestKeySourceOrder(t *testing.T) {
	ta := newTestApp(t)
	vaultPath := ta.env["ADOPAT_VAULT"]
	beside := vault.DefaultIdentityPath(vaultPath)
	want := func(source, line string) {
		t.Helper()
		if l := listJSON(t, ta); l.KeySource != source {
			t.Errorf("key_source %q, want %q", l.KeySource, source)
		}
		if code := ta.run("", "list"); code != 0 || !strings.Contains(strings.SplitN(ta.stdout.String(), "\n", 2)[0], "; key: "+line) {
			t.Errorf("list header, want key: %s:\n%s%s", line, ta.stdout, ta.stderr)
		}
	}
	want(keySourceNone, "none yet; the first add creates identity "+beside)

	// The systemd credential is the key: no identity.txt beside the vault.
	creds := credentialsDir(t, ta)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	if _, err := os.Lstat(beside); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("add with the credential wrote %s (%v)", beside, err)
	}
	want(keySourceCredential, "systemd credential adopat.identity ("+filepath.Join(creds, credentialIdentity)+")")
	if l := listJSON(t, ta); l.KeyFile != filepath.Join(creds, credentialIdentity) {
		t.Errorf("key_file %q", l.KeyFile)
	}

	// --identity and ADOPAT_IDENTITY come first; doctor says the credential is not used.
	other := filepath.Join(t.TempDir(), "other.txt")
	ta.env["ADOPAT_IDENTITY"] = other
	if code := ta.run("", "list"); code == 0 {
		t.Errorf("list with ADOPAT_IDENTITY naming no key read a vault encrypted to the credential")
	}
	ta.run("", "doctor")
	if !strings.Contains(ta.stdout.String(), "warn  key source not used: systemd credential adopat.identity") {
		t.Errorf("doctor does not say the credential is not used:\n%s", ta.stdout)
	}
	delete(ta.env, "ADOPAT_IDENTITY")

	// A passphrase file beside a plain key is not used either.
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte("x\n"), 0o600)
	ta.env["ADOPAT_PASSPHRASE_FILE"] = pass
	ta.run("", "doctor")
	if !strings.Contains(ta.stdout.String(), "key source not used: ADOPAT_PASSPHRASE_FILE ("+pass+"): the key is the credential") {
		t.Errorf("doctor:\n%s", ta.stdout)
	}
}

// A protected identity with its passphrase in ADOPAT_PASSPHRASE_FILE or
// the credential adopat.passphrase: read without any prompt, named in
// list; a wrong passphrase is an error naming the file.
func TestPassphraseSourcesNeverPrompt(t *testing.T) {
	ta := newTestApp(t)
	ta.Prompt = func(string) (string, error) { t.Fatal("prompted"); return "", nil }
	ta.Terminal = func() bool { return true }
	pat := adotest.NewPAT()
	ta.Stdin = strings.NewReader(pat)
	ta.Terminal = func() bool { return false }
	if code := ta.run(pat, "add", "--org", "fabrikam"); code != 0 {
		t.Fatal(ta.stderr)
	}
	ta.Terminal = func() bool { return true }
	const secret = "correct horse battery"
	storetest.ProtectIdentity(t, vault.DefaultIdentityPath(ta.env["ADOPAT_VAULT"]), secret)

	passFile := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(passFile, []byte(secret+"\n"), 0o600)
	ta.env["ADOPAT_PASSPHRASE_FILE"] = passFile
	if l := listJSON(t, ta); l.KeySource != keySourcePassphraseFile || len(l.Tokens) != 1 {
		t.Errorf("list --json with ADOPAT_PASSPHRASE_FILE: %+v", l)
	}

	creds := filepath.Join(t.TempDir(), "creds")
	os.Mkdir(creds, 0o700)
	os.WriteFile(filepath.Join(creds, credentialPassphrase), []byte("wrong\n"), 0o400)
	ta.env["CREDENTIALS_DIRECTORY"] = creds
	if code := ta.run("", "list"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "the passphrase in systemd credential adopat.passphrase") {
		t.Errorf("list with a wrong passphrase credential: exit %d %s", code, ta.stderr)
	}
	os.WriteFile(filepath.Join(creds, credentialPassphrase), []byte(secret), 0o400)
	if l := listJSON(t, ta); l.KeySource != keySourceCredentialPassphrase {
		t.Errorf("key_source %q", l.KeySource)
	}
}

// GIT_TERMINAL_PROMPT=0 turns every prompt off, even at a terminal: the
// passphrase of a locked vault, the PAT, remove's question.
func TestGitTerminalPromptZeroNeverPrompts(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
		t.Fatal(ta.stderr)
	}
	ta.Terminal = func() bool { return true }
	ta.Prompt = func(string) (string, error) { t.Error("prompted despite GIT_TERMINAL_PROMPT=0"); return "", nil }
	ta.Ask = ta.Prompt
	ta.env["GIT_TERMINAL_PROMPT"] = "0"
	if code := ta.run("", "add", "--org", "contoso"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "pipe the PAT on stdin") {
		t.Errorf("add at a terminal: exit %d %s", code, ta.stderr)
	}
	if code := ta.run("", "remove", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "GIT_TERMINAL_PROMPT=0 turns prompts off; nothing removed: pass --yes") {
		t.Errorf("remove at a terminal: exit %d %s", code, ta.stderr)
	}
	storetest.ProtectIdentity(t, vault.DefaultIdentityPath(ta.env["ADOPAT_VAULT"]), "correct horse battery")
	if code := ta.run("", "list"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "cannot be asked for: GIT_TERMINAL_PROMPT=0 turns prompts off") {
		t.Errorf("list of a locked vault: exit %d %s", code, ta.stderr)
	}
	if rt, ok := ramDir(t); ok {
		t.Setenv("XDG_RUNTIME_DIR", rt) // the vault package reads it from the process
		if code := ta.run("", "unlock"); code == 0 || !strings.Contains(ta.stderr.String(), "GIT_TERMINAL_PROMPT=0 turns prompts off") {
			t.Errorf("unlock: exit %d %s", code, ta.stderr)
		}
	}
}

// ramDir is a private directory on /dev/shm (a tmpfs) to stand in for a
// RAM-backed XDG_RUNTIME_DIR; false where there is none, and on Windows,
// which has none.
func ramDir(t *testing.T) (string, bool) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return "", false
	}
	dir, err := os.MkdirTemp("/dev/shm", "adopat-cli-run-")
	if err != nil {
		t.Logf("no /dev/shm for a RAM-backed XDG_RUNTIME_DIR: %v", err)
		return "", false
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir, true
}
