package keyringtest

import (
	"context"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

// monitor records the Secret Service method calls on the session's bus
// (org.freedesktop.DBus.Monitoring.BecomeMonitor), so a test can assert
// that code never asked for an unlock or a prompt: with no prompter here,
// gnome-keyring fails such a request at once, so only the request itself
// shows that a desktop session would have waited on a dialog.
type monitor struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	calls []string // "interface.member"
	seen  chan struct{}
}

const syncPath = dbus.ObjectPath("/keyringtest/sync")

var monitorRules = []string{
	"type='method_call',interface='org.freedesktop.Secret.Service'",
	"type='method_call',interface='org.freedesktop.Secret.Collection'",
	"type='method_call',interface='org.freedesktop.Secret.Item'",
	"type='method_call',interface='org.freedesktop.Secret.Prompt'",
	"type='method_call',path='" + string(syncPath) + "'",
}

func (s *Session) startMonitor() {
	conn, err := dbus.Connect(s.Addr)
	if err != nil {
		s.t.Fatalf("monitor: %v", err)
	}
	m := &monitor{conn: conn, seen: make(chan struct{}, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.Monitoring.BecomeMonitor", 0, monitorRules, uint32(0)).Err; err != nil {
		conn.Close()
		s.t.Fatalf("monitor: BecomeMonitor: %v", err)
	}
	// Only now: eavesdropping diverts every message, the reply above too.
	// Nothing uses the bus yet, so nothing is missed in between.
	ch := make(chan *dbus.Message, 64)
	conn.Eavesdrop(ch)
	go m.run(ch)
	s.monitor = m
}

func (m *monitor) run(ch chan *dbus.Message) {
	for msg := range ch {
		if msg.Type != dbus.TypeMethodCall {
			continue // e.g. NameLost, sent to every new monitor
		}
		path, _ := msg.Headers[dbus.FieldPath].Value().(dbus.ObjectPath)
		iface, _ := msg.Headers[dbus.FieldInterface].Value().(string)
		member, _ := msg.Headers[dbus.FieldMember].Value().(string)
		if path == syncPath {
			select {
			case m.seen <- struct{}{}:
			default:
			}
			continue
		}
		m.mu.Lock()
		m.calls = append(m.calls, iface+"."+member)
		m.mu.Unlock()
	}
}

// SecretCalls returns the Secret Service method calls ("interface.member",
// e.g. "org.freedesktop.Secret.Service.Unlock") made on the bus so far.
// It first waits until the monitor has caught up with every call made
// before it was called.
func (s *Session) SecretCalls() []string {
	s.t.Helper()
	if s.monitor == nil {
		return nil
	}
	select { // drop a stale marker
	case <-s.monitor.seen:
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	// The bus orders messages; the monitor sees this ping after every
	// call sent before it. Its reply (an error: nobody serves the path)
	// does not matter.
	_ = s.conn.Object("org.freedesktop.DBus", syncPath).CallWithContext(ctx, "org.freedesktop.DBus.Peer.Ping", 0).Err
	select {
	case <-s.monitor.seen:
	case <-time.After(callTimeout):
		s.t.Errorf("keyringtest: the bus monitor did not catch up within %s", callTimeout)
	}
	s.monitor.mu.Lock()
	defer s.monitor.mu.Unlock()
	return append([]string(nil), s.monitor.calls...)
}
