//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/adopat/git-credential-adopat/internal/store"
)

const (
	secretsName     = "org.freedesktop.secrets"
	secretsPath     = dbus.ObjectPath("/org/freedesktop/secrets")
	secretsService  = "org.freedesktop.Secret.Service"
	secretsColl     = "org.freedesktop.Secret.Collection"
	loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
)

// Secret Service attributes compare exactly: "Fabrikam" and "fabrikam"
// are two items, so the old one may be deleted after the new one is set.
const accountsFoldCase = false

// secretService is what the session bus says about the Secret Service.
type secretService struct {
	owner       string          // unique bus name of the running service; "" if none
	activatable bool            // the bus could start one (adopat never asks it to)
	program     string          // the owner's executable, best effort, for people
	collection  dbus.ObjectPath // what go-keyring will use; "" if none
	locked      bool
}

// inspectSecretService asks the bus, on a private connection bounded by
// ctx, everything the preflight needs. It addresses the service by the
// owner's unique name, never by org.freedesktop.secrets, so that none of
// these calls can make the bus activate a Secret Service.
func inspectSecretService(ctx context.Context) (*secretService, error) {
	conn, s, err := connectSecretService(ctx, ctx, true, nil)
	if conn != nil {
		conn.Close()
	}
	return s, err
}

// connectSecretService is inspectSecretService on a connection that
// lives until connCtx ends or it is closed, returned open (nil on an
// error); the calls are bounded by ctx. The owner's program name, only
// for messages, is asked for when program is set or there is no
// collection (the one refusal that names it). With a session, a plain
// Secret Service session is opened too (see askSecretService).
func connectSecretService(ctx, connCtx context.Context, program bool, session *dbus.ObjectPath) (*dbus.Conn, *secretService, error) {
	addr, err := sessionBusAddress()
	if err != nil {
		return nil, nil, err
	}
	conn, err := dbus.Connect(addr, dbus.WithContext(connCtx)) // connCtx's end closes it, unblocking auth
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, keyringError(store.KeyringFailed, nil, "cannot connect to the D-Bus session bus (%s): %s", addr, oneLine(err))
	}
	s, err := askSecretService(ctx, conn, program, session)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, s, nil
}

// askSecretService is inspectSecretService's calls on conn; with a
// session, it also opens a plain Secret Service session there.
func askSecretService(ctx context.Context, conn *dbus.Conn, program bool, session *dbus.ObjectPath) (*secretService, error) {
	bus := conn.BusObject()
	s := &secretService{}
	err := bus.CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, secretsName).Store(&s.owner)
	if dbusErrorName(err) == "org.freedesktop.DBus.Error.NameHasNoOwner" {
		var names []string
		_ = bus.CallWithContext(ctx, "org.freedesktop.DBus.ListActivatableNames", 0).Store(&names)
		s.owner, s.activatable = "", slices.Contains(names, secretsName)
		return s, ctx.Err()
	}
	if err != nil {
		return nil, busError(ctx, err)
	}
	named := func() {
		var pid uint32
		if bus.CallWithContext(ctx, "org.freedesktop.DBus.GetConnectionUnixProcessID", 0, s.owner).Store(&pid) == nil {
			s.program = programName(pid)
		}
	}
	if program {
		named()
	}
	svc := conn.Object(s.owner, secretsPath)
	// go-keyring's GetLoginCollection: collection/login if the service
	// lists it, else the alias "default" (read here rather than addressed).
	// The calls that do not depend on each other's answers go out together,
	// one round trip: the collections, whether collection/login (the usual
	// one) is locked and, when asked for, a session for the reads to come.
	collsCall := svc.GoWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, nil, secretsService, "Collections")
	lockedCall := conn.Object(s.owner, loginCollection).GoWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, nil, secretsColl, "Locked")
	var sessionCall *dbus.Call
	if session != nil {
		sessionCall = svc.GoWithContext(ctx, secretsService+".OpenSession", 0, nil, "plain", dbus.MakeVariant(""))
	}
	collsCall, lockedCall = <-collsCall.Done, <-lockedCall.Done
	if err := askCollection(ctx, conn, s, collsCall, lockedCall); err != nil {
		return nil, err
	}
	if s.collection == "" && !program {
		named()
	}
	if sessionCall != nil { // waited for last: the preflight's verdict comes first
		var output dbus.Variant
		if err := (<-sessionCall.Done).Store(&output, session); err != nil && s.collection != "" && !s.locked {
			return nil, busError(ctx, err)
		}
	}
	return s, nil
}

// askCollection sets s.collection and s.locked, from the answers to
// Collections and collection/login's Locked or, when there is no
// collection/login, by asking for the alias "default".
func askCollection(ctx context.Context, conn *dbus.Conn, s *secretService, collsCall, lockedCall *dbus.Call) error {
	var colls []dbus.ObjectPath
	if err := storeProperty(collsCall, &colls); err != nil {
		return busError(ctx, err)
	}
	s.collection = loginCollection
	if slices.Contains(colls, loginCollection) {
		if err := storeProperty(lockedCall, &s.locked); err != nil {
			return busError(ctx, err)
		}
		return nil
	}
	svc := conn.Object(s.owner, secretsPath)
	if err := svc.CallWithContext(ctx, secretsService+".ReadAlias", 0, "default").Store(&s.collection); err != nil {
		return busError(ctx, err)
	}
	if s.collection == "/" {
		s.collection = ""
		return nil
	}
	if err := getProperty(ctx, conn.Object(s.owner, s.collection), secretsColl, "Locked", &s.locked); err != nil {
		return busError(ctx, err)
	}
	return nil
}

func getProperty(ctx context.Context, obj dbus.BusObject, iface, name string, into any) error {
	var v dbus.Variant
	if err := obj.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, name).Store(&v); err != nil {
		return err
	}
	return v.Store(into)
}

// storeProperty stores the answer of a Properties.Get call.
func storeProperty(c *dbus.Call, into any) error {
	var v dbus.Variant
	if err := c.Store(&v); err != nil {
		return err
	}
	return v.Store(into)
}

// platformPreflight refuses, before go-keyring is called, every state in
// which go-keyring would spawn, activate or prompt: no bus (godbus would
// run dbus-launch), no running Secret Service (the call would activate
// one), no default collection (go-keyring's Unlock of the alias fails or
// prompts) and a locked collection (go-keyring calls Service.Unlock and
// then waits forever for the prompt's Completed signal).
//
// Decision on activation: adopat does not start a Secret Service that is
// merely activatable. An activated gnome-keyring has no login password, so
// its login collection is locked or missing and every use would end at a
// prompt anyway, and the daemon would outlive the git operation. Desktop
// sessions start their keyring at login, which is when it owns the name.
//
// With a conn, the connection stays open in it for the operation's reads.
func platformPreflight(ctx context.Context, c *secretConn) error {
	if c != nil {
		return c.open(ctx)
	}
	s, err := inspectSecretService(ctx)
	if err != nil {
		return err
	}
	return s.refusal()
}

// refusal is the preflight's verdict on s: nil when items can be used
// with no spawn, activation or prompt.
func (s *secretService) refusal() error {
	switch {
	case s.owner == "" && s.activatable:
		return keyringError(store.KeyringNotStarted, nil, "no Secret Service is running on the D-Bus session bus (org.freedesktop.secrets could be activated, but adopat does not start services)")
	case s.owner == "":
		return keyringError(store.KeyringNoService, nil, "no Secret Service (keyring daemon such as gnome-keyring or KWallet) on the D-Bus session bus")
	case s.collection == "":
		return keyringError(store.KeyringNoCollection, nil, "the Secret Service%s has no login or default keyring", s.named())
	case s.locked:
		return keyringError(store.KeyringCollectionLocked, nil, "the keyring %s is locked", s.collection)
	}
	return nil
}

func (s *secretService) named() string {
	if s.program == "" {
		return ""
	}
	return " (" + s.program + ")"
}

// Probe reports whether the OS keyring can serve as the default
// backend: here, whether a Secret Service owns org.freedesktop.secrets on a
// session bus found without autolaunch and answers. It spawns nothing,
// activates nothing and returns within timeout. A locked collection still
// counts as available (the user can unlock it); the reason says so.
func Probe(timeout time.Duration) (ok bool, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := bounded(timeout, "probing the Secret Service", func() (*secretService, error) { return inspectSecretService(ctx) })
	switch {
	case errors.Is(err, errNoSessionBus):
		return false, "no D-Bus session bus"
	case errors.Is(err, errAutolaunch):
		return false, "the D-Bus session bus address is autolaunch: (adopat never starts a bus)"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, store.ErrKeyringTimeout):
		return false, fmt.Sprintf("the D-Bus session bus or Secret Service did not answer within %s", timeout)
	case err != nil:
		return false, "the D-Bus session bus or Secret Service failed: " + oneLine(err)
	case s.owner == "" && s.activatable:
		return false, "no Secret Service running on the session bus (one is activatable, but adopat does not start it)"
	case s.owner == "":
		return false, "no Secret Service on the session bus"
	case s.collection == "":
		return true, "Secret Service" + s.named() + " on the session bus, but it has no default keyring"
	case s.locked:
		return true, "Secret Service" + s.named() + " on the session bus (keyring locked)"
	}
	return true, "Secret Service" + s.named() + " on the session bus"
}

// classifyPlatform recognises the D-Bus errors that mean locked or gone.
func classifyPlatform(err error) error {
	switch name := dbusErrorName(err); {
	case name == "org.freedesktop.Secret.Error.IsLocked",
		strings.HasPrefix(err.Error(), "failed to unlock correct collection"): // go-keyring's Unlock, prompt dismissed
		return keyringError(store.KeyringLocked, err, "the keyring is locked")
	case name == "org.freedesktop.DBus.Error.ServiceUnknown", name == "org.freedesktop.DBus.Error.NameHasNoOwner",
		name == "org.freedesktop.DBus.Error.Disconnected", errors.Is(err, dbus.ErrClosed):
		return keyringError(store.KeyringGone, nil, "the Secret Service went away (%s)", oneLine(err))
	}
	return nil
}

func dbusErrorName(err error) string {
	var de dbus.Error
	if errors.As(err, &de) {
		return de.Name
	}
	var dp *dbus.Error
	if errors.As(err, &dp) {
		return dp.Name
	}
	return ""
}

// busError turns a failed preflight call into a timeout or unavailable.
func busError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return keyringError(store.KeyringFailed, nil, "the Secret Service on the D-Bus session bus does not answer as expected (%s)", oneLine(err))
}

// programName is the base name of a process's executable, from /proc
// where there is one; "" elsewhere.
func programName(pid uint32) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(b) == 0 {
		return ""
	}
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return filepath.Base(string(b))
}
