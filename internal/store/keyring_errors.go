package store

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Sentinels of the OS keyring backend. Each error the backend returns for
// one of these conditions is one line saying what to do, wraps the
// sentinel, and never contains a secret.
var (
	// ErrKeyringUnavailable: no keyring can be reached without starting
	// something (no D-Bus session bus, no Secret Service running on it, no
	// default collection) or it failed in a way that says it is gone.
	ErrKeyringUnavailable = errors.New("OS keyring is unavailable")

	// ErrKeyringLocked: the keyring is there but locked; using it would
	// show an unlock prompt, which a git helper must never wait on.
	ErrKeyringLocked = errors.New("OS keyring is locked")

	// ErrKeyringTimeout: a keyring call did not return within the timeout.
	ErrKeyringTimeout = errors.New("OS keyring did not answer in time")

	// ErrSecretMissing: the index lists a token whose keyring item is gone,
	// typically deleted in the keyring's own UI.
	ErrSecretMissing = errors.New("keyring item is missing")
)

// useFileBackend ends the messages of conditions adopat cannot fix itself.
const useFileBackend = "or use --backend file"

// Finer reasons behind ErrKeyringUnavailable, for ProbeKeyring.
var (
	errNoSessionBus = errors.New("no D-Bus session bus")
	errAutolaunch   = errors.New("session bus address is autolaunch:")
)

func unavailableError(format string, args ...any) error {
	return newError(fmt.Sprintf(format, args...), ErrKeyringUnavailable)
}

// oneLine is err's text with every run of white space made one space.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func timeoutError(what string, d time.Duration) error {
	return newError(fmt.Sprintf("the OS keyring did not answer within %s while %s (locked, waiting for a confirmation dialog, or stuck); unlock it and try again, %s",
		d, what, useFileBackend), ErrKeyringTimeout)
}

// missingError names the scope and the command that stores the PAT again.
func missingError(t *Token) error {
	return newError(fmt.Sprintf("the keyring item for %s is missing (deleted outside adopat?); store it again with: %s",
		t.Scope(), addCommand(t)), ErrSecretMissing)
}

// addCommand is the `add` invocation that recreates t's scope.
func addCommand(t *Token) string {
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
	return newError(fmt.Sprintf("the OS keyring failed to %s the item for %s: %s", op, scope, msg), cause)
}
