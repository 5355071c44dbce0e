package keyringtest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	secretsName     = "org.freedesktop.secrets"
	secretsPath     = dbus.ObjectPath("/org/freedesktop/secrets")
	loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
)

// callTimeout bounds the harness's own D-Bus calls.
const callTimeout = 5 * time.Second

func (s *Session) secrets() dbus.BusObject { return s.conn.Object(secretsName, secretsPath) }

// waitUnlocked waits until gnome-keyring has created and unlocked the
// login collection from the password on its stdin.
func (s *Session) waitUnlocked() {
	s.t.Helper()
	s.waitFor("the login collection to be unlocked", s.procs[len(s.procs)-1], func() (bool, error) {
		var colls []dbus.ObjectPath
		if err := s.property(s.secrets(), "org.freedesktop.Secret.Service", "Collections", &colls); err != nil {
			return false, err
		}
		if !slices.Contains(colls, loginCollection) {
			return false, fmt.Errorf("no login collection in %v", colls)
		}
		locked, err := s.Locked()
		return err == nil && !locked, err
	})
}

// Locked reports whether the login collection is locked.
func (s *Session) Locked() (bool, error) {
	var locked bool
	err := s.property(s.conn.Object(secretsName, loginCollection), "org.freedesktop.Secret.Collection", "Locked", &locked)
	return locked, err
}

// Lock locks the login collection, as a screen lock or `secret-tool lock`
// would: org.freedesktop.Secret.Service.Lock, which needs no prompt.
func (s *Session) Lock() error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	err := s.secrets().CallWithContext(ctx, "org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{loginCollection}).Store(&locked, &prompt)
	if err != nil {
		return fmt.Errorf("locking the login collection: %w", err)
	}
	if prompt != "/" {
		return fmt.Errorf("locking the login collection asked for a prompt (%s)", prompt)
	}
	return s.wantLocked(true)
}

// Unlock unlocks the login collection with its password, without the
// prompt Service.Unlock would need: gnome-keyring's
// org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface, with the
// password sent in a "plain" session (fine on a private test bus).
func (s *Session) Unlock() error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var out dbus.Variant
	var session dbus.ObjectPath
	if err := s.secrets().CallWithContext(ctx, "org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &session); err != nil {
		return fmt.Errorf("opening a Secret Service session: %w", err)
	}
	defer s.conn.Object(secretsName, session).CallWithContext(ctx, "org.freedesktop.Secret.Session.Close", 0)
	secret := struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}{session, []byte{}, []byte(s.password), "text/plain"}
	err := s.secrets().CallWithContext(ctx, "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", 0, loginCollection, secret).Err
	if err != nil {
		return fmt.Errorf("unlocking the login collection: %w", err)
	}
	return s.wantLocked(false)
}

func (s *Session) wantLocked(want bool) error {
	locked, err := s.Locked()
	if err != nil {
		return err
	}
	if locked != want {
		return fmt.Errorf("the login collection's Locked property is %v, want %v", locked, want)
	}
	return nil
}

func (s *Session) property(obj dbus.BusObject, iface, name string, into any) error {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var v dbus.Variant
	if err := obj.CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, name).Store(&v); err != nil {
		return err
	}
	return v.Store(into)
}
