package keyring

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// Finer reasons behind store.ErrKeyringUnavailable, for Probe.
var (
	errNoSessionBus = errors.New("no D-Bus session bus")
	errAutolaunch   = errors.New("session bus address is autolaunch:")
)

// keyringError is a store.KeyringError: what is wrong, never what to do.
func keyringError(state store.KeyringState, cause error, format string, args ...any) error {
	return &store.KeyringError{State: state, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// oneLine is err's text with every run of white space made one space.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

func timeoutError(what string, d time.Duration) error {
	return keyringError(store.KeyringTimedOut, nil, "the OS keyring did not answer within %s while %s (locked, waiting for a confirmation dialog, or stuck)", d, what)
}

// missingError says that t's item is gone.
func missingError(t *store.Token) error {
	e := &store.SecretMissingError{Token: *t}
	e.Token.StripSecrets()
	return e
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
