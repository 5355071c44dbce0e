package keyring

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// secretAPI is the part of an OS keyring the keyring Store uses: one
// secret per (service, account). osKeyring is the real one; tests
// substitute a fake to count and fail calls.
type secretAPI interface {
	// preflight fails, touching no item, when using the keyring now could
	// spawn a process, activate a service or wait on an unlock prompt.
	preflight(ctx context.Context) error
	get(service, account string) (string, error) // errItemNotFound if absent
	set(service, account, secret string) error
	del(service, account string) error // errItemNotFound if absent
}

var errItemNotFound = errors.New("keyring item not found")

// osKeyring is go-keyring behind the platform's preflight: the Secret
// Service over D-Bus on Linux and the BSDs, the Keychain (through
// /usr/bin/security) on macOS, the Credential Manager on Windows.
//
// With a conn (one per operation, see Store.ops), the Secret Service
// preflight keeps its D-Bus connection open and get reads items over it
// itself (secretservice_read.go) instead of through go-keyring, which
// opens a connection of its own and makes twice the calls. Without one
// (the zero osKeyring), and on the other platforms, every call is
// go-keyring's.
type osKeyring struct{ conn *secretConn }

func (o osKeyring) preflight(ctx context.Context) error { return platformPreflight(ctx, o.conn) }

func (o osKeyring) get(service, account string) (string, error) {
	if s, done, err := o.conn.get(service, account); done {
		return s, err
	}
	s, err := keyring.Get(service, account)
	return s, notFound(err)
}

// close ends the operation's connection, if it has one.
func (o osKeyring) close() { o.conn.close() }

func (osKeyring) set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

func (osKeyring) del(service, account string) error {
	return notFound(keyring.Delete(service, account))
}

func notFound(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return errItemNotFound
	}
	return err
}

// itemOps runs the keyring calls of one operation (one Secret, one
// Update): the preflight runs once, before the first call, and every call,
// preflight included, is bounded by the timeout. go-keyring has no
// timeouts and waits forever on a Secret Service prompt (handlePrompt
// blocks on the Completed signal), on a Keychain dialog or on a bus that
// does not answer; a timed-out call's goroutine is abandoned, which is fine
// for a process that exits right after reporting the error.
type itemOps struct {
	api     secretAPI
	service string
	timeout time.Duration
	ready   bool
}

// ops starts an operation; its caller closes it when done.
func (k *Store) ops() *itemOps {
	api := k.api
	if o, ok := api.(osKeyring); ok && o.conn == nil {
		api = osKeyring{conn: newSecretConn(k.timeout)}
	}
	return &itemOps{api: api, service: k.service, timeout: k.timeout}
}

// close releases what the operation holds open (the Secret Service
// connection of an osKeyring).
func (o *itemOps) close() {
	if c, ok := o.api.(interface{ close() }); ok {
		c.close()
	}
}

func (o *itemOps) check() error {
	if o.ready {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	_, err := bounded(o.timeout, "checking the keyring", func() (struct{}, error) {
		return struct{}{}, o.api.preflight(ctx)
	})
	if errors.Is(err, context.DeadlineExceeded) {
		err = timeoutError("checking the keyring", o.timeout)
	}
	o.ready = err == nil
	return err
}

// get returns the secret of account, store.ErrSecretMissing (naming tok's scope)
// when there is no such item.
func (o *itemOps) get(tok *store.Token, account string) (string, error) {
	if err := o.check(); err != nil {
		return "", err
	}
	s, err := bounded(o.timeout, "reading the item for "+tok.Scope(), func() (string, error) {
		return o.api.get(o.service, account)
	})
	switch {
	case errors.Is(err, errItemNotFound):
		return "", missingError(tok)
	case err != nil:
		return "", classify("read", tok.Scope(), err)
	}
	return s, nil
}

func (o *itemOps) set(scope, account, secret string) error {
	if err := o.check(); err != nil {
		return err
	}
	_, err := bounded(o.timeout, "writing the item for "+scope, func() (struct{}, error) {
		return struct{}{}, o.api.set(o.service, account, secret)
	})
	if err != nil {
		return classify("write", scope, err, secret)
	}
	return nil
}

// del deletes account; an item already gone is what was wanted.
func (o *itemOps) del(scope, account string) error {
	if err := o.check(); err != nil {
		return err
	}
	_, err := bounded(o.timeout, "deleting the item for "+scope, func() (struct{}, error) {
		return struct{}{}, o.api.del(o.service, account)
	})
	if err != nil && !errors.Is(err, errItemNotFound) {
		return classify("delete", scope, err)
	}
	return nil
}

// bounded runs f aside and gives up after timeout. The channel is
// buffered so an abandoned f can still finish and be collected. A panic in
// the keyring library (go-keyring type-asserts D-Bus replies without
// checking) becomes an error rather than a crash.
func bounded[T any](timeout time.Duration, what string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("the keyring library failed while %s: %v", what, r)}
			}
		}()
		v, err := f()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		var zero T
		return zero, timeoutError(what, timeout)
	}
}

// classify turns a keyring library error into one of ours: the platform's
// rules first (D-Bus error names), else a generic one-line failure.
func classify(op, scope string, err error, secrets ...string) error {
	for _, own := range []error{store.ErrKeyringUnavailable, store.ErrKeyringLocked, store.ErrKeyringTimeout, store.ErrSecretMissing} {
		if errors.Is(err, own) {
			return err // already ours (a timeout, a fake's)
		}
	}
	if e := classifyPlatform(err); e != nil {
		return e
	}
	return keyringFailure(op, scope, err, secrets...)
}
