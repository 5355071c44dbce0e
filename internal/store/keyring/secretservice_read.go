//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"context"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// secretConn is one operation's connection to the Secret Service. The
// preflight opens it, with a plain session (OpenSession goes out with the
// preflight's collection queries), and leaves it open; get reads items
// over it with SearchItems on the collection and GetSecrets per item: one
// connection and, for a `get`, seven calls in five round trips where
// go-keyring's Get after the preflight took two connections and thirteen
// calls. The items are go-keyring's (attributes "service" and
// "username" in the collection it uses), which still writes them.
//
// It never calls Unlock or Prompt: the preflight refused a locked
// collection, and a locked item is an error. Every call is addressed to
// the owner's unique name (no activation) and bounded by the timeout.
// The operation closes it (itemOps.close), which also ends the session.
type secretConn struct {
	timeout time.Duration

	mu         sync.Mutex         // the preflight's goroutine may be abandoned by a timeout
	conn       *dbus.Conn         // nil until the preflight succeeds
	cancel     context.CancelFunc // ends conn's context
	owner      string
	collection dbus.ObjectPath
	session    dbus.ObjectPath // "" until the first get
	closed     bool
}

func newSecretConn(timeout time.Duration) *secretConn { return &secretConn{timeout: timeout} }

// ssSecret is the Secret Service's Secret struct, (oayays).
type ssSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// open is the preflight, keeping the connection when it passes.
func (c *secretConn) open(ctx context.Context) error {
	connCtx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel) // the preflight's timeout closes the connection
	var session dbus.ObjectPath
	conn, s, err := connectSecretService(ctx, connCtx, false, &session)
	if !stop() && err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = s.refusal()
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		cancel()
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.conn != nil { // the operation ended, or a preflight ran already
		conn.Close()
		cancel()
		return nil
	}
	c.conn, c.cancel, c.owner, c.collection, c.session = conn, cancel, s.owner, s.collection, session
	return nil
}

// get reads the item of (service, account) as go-keyring's Get does
// (the first match), errItemNotFound when there is none. done is false
// when there is no connection to read over (the preflight did not run
// here), and go-keyring reads instead.
func (c *secretConn) get(service, account string) (secret string, done bool, err error) {
	if c == nil {
		return "", false, nil
	}
	c.mu.Lock()
	conn, owner, collection, session, closed := c.conn, c.owner, c.collection, c.session, c.closed
	c.mu.Unlock()
	if conn == nil {
		if closed {
			return "", true, dbus.ErrClosed
		}
		return "", false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	svc := conn.Object(owner, secretsPath)
	if session == "" {
		var output dbus.Variant
		if err := svc.CallWithContext(ctx, secretsService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&output, &session); err != nil {
			return "", true, c.callError(ctx, "opening a Secret Service session", err)
		}
		c.mu.Lock()
		c.session = session
		c.mu.Unlock()
	}
	var items []dbus.ObjectPath
	attrs := map[string]string{"username": account, "service": service}
	if err := conn.Object(owner, collection).CallWithContext(ctx, secretsColl+".SearchItems", 0, attrs).Store(&items); err != nil {
		return "", true, c.callError(ctx, "searching the keyring", err)
	}
	if len(items) == 0 {
		return "", true, errItemNotFound
	}
	var secrets map[dbus.ObjectPath]ssSecret
	if err := svc.CallWithContext(ctx, secretsService+".GetSecrets", 0, items[:1], session).Store(&secrets); err != nil {
		return "", true, c.callError(ctx, "reading a keyring item", err)
	}
	s, ok := secrets[items[0]]
	if !ok { // GetSecrets leaves locked items out
		return "", true, keyringError(store.KeyringLocked, nil, "the keyring item %s is locked", items[0])
	}
	return string(s.Value), true, nil
}

// callError is a timeout if ctx ran out, else err for classify.
func (c *secretConn) callError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return timeoutError(what, c.timeout)
	}
	return err
}

func (c *secretConn) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	conn, cancel := c.conn, c.cancel
	c.conn, c.cancel, c.closed = nil, nil, true
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
		cancel()
	}
}
