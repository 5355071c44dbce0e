// Package storetest holds what the store packages' tests share: an
// isolated environment for TestMain, unique secrets, and checks on errors
// and files; the cli and e2e tests use it too to protect a vault key with
// a passphrase. It is imported by tests only.
package storetest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// Main runs a store package's tests, m, never touching the real user's
// files: HOME and XDG_CACHE_HOME, XDG_CONFIG_HOME, XDG_DATA_HOME point
// into a fresh temporary home (the default paths and the legacy
// unlocked-key cleanup look there), and XDG_RUNTIME_DIR at a fresh
// directory, in /dev/shm (tmpfs on Linux) where that exists, since the
// unlocked key is only ever written to RAM. setup, when not nil, runs
// before the tests with the runtime directory. Main returns the exit code.
func Main(m *testing.M, setup func(runtimeDir string)) int {
	// /dev/shm is a tmpfs on Linux; on Windows "/dev/shm" is no absolute
	// path (under Wine it would even be the host's /dev/shm).
	rt, err := "", errors.New("no /dev/shm")
	if runtime.GOOS != "windows" {
		rt, err = os.MkdirTemp("/dev/shm", "adopat-store-runtime-")
	}
	if err != nil {
		rt, err = os.MkdirTemp("", "adopat-store-runtime-")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(rt)
	home, err := os.MkdirTemp("", "adopat-store-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(home)
	for k, v := range map[string]string{"XDG_RUNTIME_DIR": rt, "HOME": home, "XDG_CACHE_HOME": home + "/.cache",
		"XDG_CONFIG_HOME": home + "/.config", "XDG_DATA_HOME": home + "/.local/share"} {
		os.Setenv(k, v)
	}
	if setup != nil {
		setup(rt)
	}
	return m.Run()
}

// RandSecret returns a secret unique to this run, so a leak cannot be
// masked by a constant that happens to be absent.
func RandSecret(t testing.TB) string {
	t.Helper()
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "pat" + hex.EncodeToString(b)
}

// AddToken stores a cloud token for org in s, as `store` would.
func AddToken(s store.Store, org, secret string) error {
	return s.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, store.Token{Org: org, Username: "pat", Secret: secret, Created: time.Now().UTC()})
		return true, nil
	})
}

// MustAdd is AddToken, failing the test if it fails.
func MustAdd(t testing.TB, s store.Store, org, secret string) {
	t.Helper()
	if err := AddToken(s, org, secret); err != nil {
		t.Fatalf("storing a token: %v", err)
	}
}

// ReadFile returns the content of path.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// AssertNoLeak fails if a secret shows up in plaintext in a file or message.
func AssertNoLeak(t testing.TB, what string, content []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(content, []byte(s)) {
			t.Errorf("%s contains a secret in plaintext", what)
		}
	}
}

// WantErr checks that err matches target and its message names what the
// user needs (file paths, remedies).
func WantErr(t testing.TB, err, target error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", target)
	}
	if target != nil && !errors.Is(err, target) {
		t.Errorf("error %q does not match %v", err, target)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// SkipOnWindows skips a test of what Windows does not have (Unix modes).
func SkipOnWindows(t testing.TB, why string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip(why)
	}
}

// WriteFuzzFile puts raw where the file readers expect a private file.
func WriteFuzzFile(t *testing.T, dir string, raw []byte) string {
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// OutsideFile is a file outside the directory under test that a planted
// link points to; the tests check that it is never written.
func OutsideFile(t testing.TB) (path string, content []byte) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "precious")
	content = []byte("not adopat's\n")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

// WantPermission checks that err carries a *store.PermissionError for
// path (a directory when dir): the facts the CLI builds its chmod or chown
// advice from. It returns the error for further checks.
func WantPermission(t testing.TB, err error, path string, dir bool) *store.PermissionError {
	t.Helper()
	var pe *store.PermissionError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *store.PermissionError", err)
	}
	if pe.Path != path || pe.Dir != dir {
		t.Errorf("PermissionError for %s (directory: %v), want %s (directory: %v)", pe.Path, pe.Dir, path, dir)
	}
	return pe
}

// WantNotRegular checks that err carries a *store.NotRegularError for
// path with kind ("a symbolic link", "a FIFO (named pipe)", ...): the
// facts the CLI builds its "remove it" advice from.
func WantNotRegular(t testing.TB, err error, path, kind string) {
	t.Helper()
	var nr *store.NotRegularError
	if !errors.As(err, &nr) {
		t.Fatalf("error %v is not a *store.NotRegularError", err)
	}
	if nr.Path != path || nr.Kind() != kind {
		t.Errorf("NotRegularError for %s, %s; want %s, %s", nr.Path, nr.Kind(), path, kind)
	}
}

// ProtectIdentity encrypts the identity file at path with pass, as
// `passphrase` does but with a low scrypt cost so tests stay fast (the
// helper accepts any cost up to age's maximum).
func ProtectIdentity(t testing.TB, path, pass string) {
	t.Helper()
	text := ReadFile(t, path)
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(10)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err == nil {
		_, err = w.Write(text)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// WantKeyringState fails unless err is a *store.KeyringError in state:
// the CLI's advice for the state is what the user reads after its text.
func WantKeyringState(t testing.TB, err error, state store.KeyringState) {
	t.Helper()
	var ke *store.KeyringError
	if !errors.As(err, &ke) || ke.State != state {
		t.Errorf("error %v is not a KeyringError in state %d", err, state)
	}
}

// WantMissing fails unless err is a *store.SecretMissingError for scope,
// carrying the token's metadata alone (the CLI builds the add command
// from it).
func WantMissing(t testing.TB, err error, scope string) {
	t.Helper()
	var me *store.SecretMissingError
	switch {
	case !errors.As(err, &me):
		t.Errorf("error %v is not a SecretMissingError", err)
	case me.Token.Scope() != scope:
		t.Errorf("SecretMissingError for %s, want %s", me.Token.Scope(), scope)
	case me.Token.Secret != "" || me.Token.OAuthRefreshToken != "":
		t.Errorf("SecretMissingError for %s carries a secret", scope)
	}
}

// HelperCommand runs this test binary again, running no test, with env
// added to its environment: the package's TestMain reads from env which
// helper to be.
func HelperCommand(env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// StartHelper starts HelperCommand(env...), its stderr on the test's,
// kills it at cleanup, and returns it with the first line it writes to
// stdout (or why there is none).
func StartHelper(t *testing.T, env ...string) (cmd *exec.Cmd, line string, err error) {
	t.Helper()
	cmd = HelperCommand(env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err = bufio.NewReader(out).ReadString('\n')
	return cmd, line, err
}
