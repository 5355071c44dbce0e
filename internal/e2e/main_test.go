package e2e_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// baseEnv is the environment every subprocess starts from: the test
// process's environment without anything that could reach the developer's
// git, adopat or XDG setup, and with the freshly built helper first on
// PATH (git runs `git credential-adopat`, which it finds there).
var baseEnv []string

// helperPath is the built binary. os/exec resolves a command name with the
// test process's PATH, not cmd.Env's, so the tests run it by this path.
var helperPath string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if _, err := exec.LookPath("git"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: the end-to-end tests need git on PATH:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "adopat-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	binDir := filepath.Join(tmp, "bin")
	if err := buildHelper(binDir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	baseEnv = isolatedEnv(os.Environ(), binDir)
	code := m.Run()
	removeWindowsBuild()
	return code
}

// buildHelper builds cmd/git-credential-adopat into dir, and beside it
// cmd/git-credential-adopat-manage, which it runs for every command but
// get and store; with -race when the tests themselves run with it.
func buildHelper(dir string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	name := "git-credential-adopat"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	helperPath = filepath.Join(dir, name)
	for _, pkg := range []string{"git-credential-adopat", "git-credential-adopat-manage"} {
		args := []string{"build", "-o", filepath.Join(dir, pkg+filepath.Ext(name))}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "./cmd/"+pkg)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// requireTool returns the path of tool. Without it the test is skipped,
// unless CI is set: CI must run the test, and .ci/run installs the tool
// (pkg says how, e.g. " (package systemd)").
func requireTool(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(tool + " is not installed")
		}
		t.Fatal("CI is set and " + tool + " is missing: .ci/run installs it" + pkg)
	}
	return p
}

// moduleRoot is the directory of go.mod, as the go command sees it from
// the package directory the test runs in.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := string(bytes.TrimSpace(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside the module (%q)", gomod)
	}
	return filepath.Dir(gomod), nil
}

// isolatedEnv drops the variables that would let the developer's setup
// leak in (adotest.IsolatedEnv's, and GORACE, the desktop's D-Bus session
// with its real keyring, CI tokens) and puts binDir first on PATH.
// Per-test values are appended by newUser.
func isolatedEnv(env []string, binDir string) []string {
	out := adotest.IsolatedEnv(env, binDir, "GORACE", "DBUS_SESSION_BUS_ADDRESS", "AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN",
		"GCM_PLAINTEXT_STORE_PATH", "GCM_NAMESPACE", "GCM_CREDENTIAL_STORE") // Git Credential Manager's, which import reads
	if raceEnabled {
		// A race in the helper prints a report on stderr, which every test
		// checks, and exits non-zero.
		out = append(out, "GORACE=halt_on_error=1 atexit_sleep_ms=0") // no 1 s pause at every exit
	}
	return out
}
