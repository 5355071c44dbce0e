//go:build !windows

package cli

import (
	"strings"
	"testing"
)

// Most people install from a release archive or the Debian package, with
// no Makefile at hand: the advice when git-credential-adopat is not on
// PATH says what to put where, both binaries, and names make install only
// as one way to do it.
func TestInstallAdviceWithoutACheckout(t *testing.T) {
	msg := installAdvice()
	for _, want := range []string{"git-credential-adopat-manage", "a directory on PATH", "~/.local/bin"} {
		if !strings.Contains(msg, want) {
			t.Errorf("install advice %q does not name %q", msg, want)
		}
	}
}
