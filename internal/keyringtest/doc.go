// Package keyringtest runs a real Secret Service for tests: a private
// dbus-daemon and gnome-keyring-daemon in a temporary HOME and
// XDG_RUNTIME_DIR, with the login collection created and unlocked, ended
// with everything they started when the test ends.
//
// It exists so that the keyring backend is tested against the real thing
// (locking, missing items, no service on the bus) rather than a fake, in
// the store tests and in end-to-end tests that run the binary (pass
// Session.Env to the child, or use Session.Command).
//
// Pitfalls it takes care of: gnome-keyring-daemon reads the login password
// from stdin and leaves the collection locked if it ends with a newline;
// a client calling before org.freedesktop.secrets has an owner makes the
// bus auto-activate a second daemon that outlives the session (the private
// bus here has no activatable service but a stub that records it was
// started, see Session.Activated); and daemons must be ended by process
// group, with a check that none survived.
//
// godbus caches one shared session-bus connection per process
// (dbus.SessionBus, which go-keyring uses), so a test process should talk
// to one Session at a time: start the next one after the previous one is
// closed.
//
// The harness needs Linux, dbus-daemon and gnome-keyring-daemon (Debian:
// apt-get install -y dbus gnome-keyring; secret-tool is in
// libsecret-tools). See Require for when it skips.
package keyringtest
