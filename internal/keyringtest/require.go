package keyringtest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// Tools the harness runs.
var harnessTools = []string{"dbus-daemon", "gnome-keyring-daemon"}

// Require skips the test when the harness cannot run here, unless the
// environment variable CI is set: CI must run the Secret Service tests,
// so there a missing tool fails the test instead. extra names further
// tools the test runs itself (e.g. "secret-tool"). Off Linux the harness
// does not exist and the test is always skipped.
func Require(t testing.TB, extra ...string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skipf("the Secret Service test harness runs on Linux only (this is %s)", runtime.GOOS)
	}
	var missing []string
	for _, tool := range append(append([]string{}, harnessTools...), extra...) {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("%s not found on PATH (apt-get install -y dbus gnome-keyring libsecret-tools)", strings.Join(missing, ", "))
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set, so the real Secret Service tests must run, but %s", msg)
	}
	t.Skip(msg)
}
