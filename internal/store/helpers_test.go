package store

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// helperEnv selects a helper mode when the test binary is re-executed as a
// separate process (see TestMain and concurrency_test.go).
const helperEnv = "ADOPAT_STORE_TEST_HELPER"

func TestMain(m *testing.M) {
	// A low scrypt cost keeps passphrase tests fast; production keeps age's.
	scryptWorkFactor = 10
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	// Never let a test touch the real runtime directory. The unlocked key
	// is only written to RAM, so the tests' runtime directory is on tmpfs.
	rt, err := ramTempDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("XDG_RUNTIME_DIR", rt)
	// Nor the real home: the legacy unlocked-key cleanup looks in the
	// user cache directory, and the default paths below HOME and XDG_*.
	home, err := os.MkdirTemp("", "adopat-store-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for k, v := range map[string]string{"HOME": home, "XDG_CACHE_HOME": home + "/.cache",
		"XDG_CONFIG_HOME": home + "/.config", "XDG_DATA_HOME": home + "/.local/share"} {
		os.Setenv(k, v)
	}
	code := m.Run()
	os.RemoveAll(rt)
	os.RemoveAll(home)
	os.Exit(code)
}

// ramTempDir makes a temporary directory on a RAM file system: in
// /dev/shm (tmpfs on Linux) where that exists. Elsewhere (macOS, BSDs
// without a tmpfs) it falls back to the usual temp dir and makes checkRAM
// accept only that directory, so the unlock tests still run.
func ramTempDir() (string, error) {
	if dir, err := os.MkdirTemp("/dev/shm", "adopat-store-runtime-"); err == nil {
		if ok, _, _ := ramBacked(dir); ok {
			return dir, nil
		}
		os.Remove(dir)
	}
	dir, err := os.MkdirTemp("", "adopat-store-runtime-")
	if err != nil {
		return "", err
	}
	real := checkRAM
	checkRAM = func(d string) (bool, string, error) {
		if d == dir {
			return true, "test stand-in", nil
		}
		return real(d)
	}
	return dir, nil
}

// runHelper is the body of a re-executed test binary.
func runHelper(mode string) int {
	switch mode {
	case "add-token":
		v := NewVault(os.Getenv("ADOPAT_TEST_VAULT"), os.Getenv("ADOPAT_TEST_IDENTITY"))
		if err := addToken(v, os.Getenv("ADOPAT_TEST_ORG"), os.Getenv("ADOPAT_TEST_SECRET")); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
	return 2
}

// randSecret returns a secret unique to this run, so a leak cannot be
// masked by a constant that happens to be absent.
func randSecret(t testing.TB) string {
	t.Helper()
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "pat" + hex.EncodeToString(b)
}

// newTestVault returns a Vault two directory levels below a fresh temp dir,
// so that directory creation is exercised too.
func newTestVault(t testing.TB) *Vault {
	t.Helper()
	p := filepath.Join(t.TempDir(), "data", "adopat", "vault.age")
	return NewVault(p, DefaultIdentityPath(p))
}

// addToken stores a cloud token for org, as `store` would.
func addToken(v *Vault, org, secret string) error {
	return v.Update(func(d *Data) (bool, error) {
		d.Tokens = append(d.Tokens, Token{Org: org, Username: "pat", Secret: secret, Created: time.Now().UTC()})
		return true, nil
	})
}

func mustAdd(t testing.TB, v *Vault, org, secret string) {
	t.Helper()
	if err := addToken(v, org, secret); err != nil {
		t.Fatalf("storing a token: %v", err)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertNoLeak fails if a secret shows up in plaintext in a file or message.
func assertNoLeak(t testing.TB, what string, content []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(content, []byte(s)) {
			t.Errorf("%s contains a secret in plaintext", what)
		}
	}
}

// wantErr checks that err matches target and its message names what the
// user needs (file paths, remedies).
func wantErr(t testing.TB, err, target error, parts ...string) {
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

func skipOnWindows(t testing.TB, why string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip(why)
	}
}

// tokenSecrets maps org to secret for the tokens in d, loaded from s.
func tokenSecrets(t testing.TB, s Store, d *Data) map[string]string {
	t.Helper()
	m := make(map[string]string, len(d.Tokens))
	for _, tok := range d.Tokens {
		secret, _, err := s.Secret(tok.Scope())
		if err != nil {
			t.Errorf("reading the secret of %s: %v", tok.Scope(), err)
		}
		m[tok.Org] = secret
	}
	return m
}
