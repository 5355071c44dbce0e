package keyring

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// useFileBackend ends the messages of conditions adopat cannot fix itself.
const useFileBackend = "or use --backend file"

// Finer reasons behind store.ErrKeyringUnavailable, for Probe.
var (
	errNoSessionBus = errors.New("no D-Bus session bus")
	errAutolaunch   = errors.New("session bus address is autolaunch:")
)

func unavailableError(format string, args ...any) error {
	return store.NewError(fmt.Sprintf(format, args...), store.ErrKeyringUnavailable)
}

// oneLine is err's text with every run of white space made one space.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func timeoutError(what string, d time.Duration) error {
	return store.NewError(fmt.Sprintf("the OS keyring did not answer within %s while %s (locked, waiting for a confirmation dialog, or stuck); unlock it and try again, %s",
		d, what, useFileBackend), store.ErrKeyringTimeout)
}

// missingError names the scope and the command that stores the PAT again.
func missingError(t *store.Token) error {
	return store.NewError(fmt.Sprintf("the keyring item for %s is missing (deleted outside adopat?); store it again with: %s",
		t.Scope(), addCommand(t)), store.ErrSecretMissing)
}

// addCommand is the `add` invocation that recreates t's scope.
func addCommand(t *store.Token) string {
	args := []string{"git-credential-adopat", "add"}
	if !t.IsServer() {
		args = append(args, "--org", shellQuote(t.Org))
		if t.Project != "" {
			args = append(args, "--project", shellQuote(t.Project))
		}
		return strings.Join(args, " ")
	}
	args = append(args, "--server", shellQuote(t.Protocol+"://"+t.Host))
	if t.Username != "" {
		args = append(args, "--username", shellQuote(t.Username))
	}
	return strings.Join(args, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9._/:@%+=,-]+$`)

func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// keyringFailure wraps an error of the underlying keyring library that no
// platform rule classified. The library's text is kept (it is the only
// clue) on one line, with any secret being written redacted: no keyring
// API is known to echo one, but a message is no place to find out.
func keyringFailure(op, scope string, err error, secrets ...string) error {
	msg := oneLine(err)
	cause := err
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg, cause = strings.ReplaceAll(msg, s, "[redacted]"), nil // nor via Unwrap
		}
	}
	return store.NewError(fmt.Sprintf("the OS keyring failed to %s the item for %s: %s", op, scope, msg), cause)
}
