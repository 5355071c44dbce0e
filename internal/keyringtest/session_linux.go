package keyringtest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// startTimeout bounds each wait of the harness for its daemons.
const startTimeout = 15 * time.Second

// markerVar is set in the environment of everything the harness starts;
// Close finds stragglers by it, including services the bus activated.
const markerVar = "ADOPAT_KEYRINGTEST_SESSION"

// Session is a private session bus, with or without a gnome-keyring
// Secret Service on it.
type Session struct {
	Addr       string // the bus address, as DBUS_SESSION_BUS_ADDRESS
	Home       string // HOME of the daemons and of Env
	RuntimeDir string // XDG_RUNTIME_DIR

	t          reporter
	root       string
	password   string
	procs      []*proc
	conn       *dbus.Conn // the harness's own connection, for Lock/Unlock
	cancelConn context.CancelFunc
	monitor    *monitor
	closeOnce  sync.Once
}

// Start runs a session bus with gnome-keyring-daemon's Secret Service on
// it and returns once org.freedesktop.secrets has an owner and the login
// collection exists and is unlocked. The session ends with the test.
func Start(t testing.TB) *Session {
	t.Helper()
	s := newSession(t)
	s.startUnlockedKeyring("adopat-test-")
	return s
}

// BusOnly runs a session bus with no Secret Service running on it. The
// name org.freedesktop.secrets is activatable there, by a stub that only
// records that the bus started it (Activated) and exits: the headless host
// with gnome-keyring installed but not running, made observable.
func BusOnly(t testing.TB) *Session {
	t.Helper()
	return newSession(t)
}

func newSession(t testing.TB) *Session {
	t.Helper()
	Require(t)
	// Not t.TempDir: its long names overflow the 108-byte limit of the
	// socket paths below.
	root, err := os.MkdirTemp("", "akt-")
	if err != nil {
		t.Fatal(err)
	}
	s := newSessionAt(t, root)
	t.Cleanup(s.Close)
	s.startBus()
	s.startMonitor()
	return s
}

// newSessionAt lays out a session's directories and bus configuration
// below root; startBus then runs the bus.
func newSessionAt(r reporter, root string) *Session {
	s := &Session{t: r, root: root, Home: filepath.Join(root, "home"), RuntimeDir: filepath.Join(root, "run")}
	for _, dir := range []string{s.Home, s.RuntimeDir, filepath.Join(root, "services")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			r.Fatal(err)
		}
	}
	s.writeBusConfig()
	return s
}

// Env is the environment a client of this session needs.
func (s *Session) Env() []string {
	return []string{
		"DBUS_SESSION_BUS_ADDRESS=" + s.Addr,
		"HOME=" + s.Home,
		"XDG_RUNTIME_DIR=" + s.RuntimeDir,
		"XDG_CONFIG_HOME=" + filepath.Join(s.Home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(s.Home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(s.Home, ".cache"),
	}
}

// Setenv points this process at the session with t.Setenv (so the test
// cannot be parallel), for code under test that reads the environment.
func (s *Session) Setenv(t testing.TB) {
	t.Helper()
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// Command prepares a client command in the session's environment. Close
// kills it if it is still running then.
func (s *Session) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = append(append(os.Environ(), s.Env()...), markerVar+"="+s.root)
	return cmd
}

// Activated reports whether anything made the bus try to start a Secret
// Service (the stub ran).
func (s *Session) Activated() bool {
	_, err := os.Stat(filepath.Join(s.root, "activated"))
	return err == nil
}

// baseEnv is the daemons' environment: only what they need, so nothing
// from the outer session (its bus address above all) leaks in.
func (s *Session) baseEnv() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.Home,
		"XDG_RUNTIME_DIR=" + s.RuntimeDir,
		"XDG_CONFIG_HOME=" + filepath.Join(s.Home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(s.Home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(s.Home, ".cache"),
		markerVar + "=" + s.root,
	}
}

// writeBusConfig is session.conf without the standard service
// directories: the only activatable service is the recording stub.
func (s *Session) writeBusConfig() {
	stub := filepath.Join(s.root, "activate-stub")
	files := map[string]string{
		filepath.Join(s.root, "bus.conf"): `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=` + filepath.Join(s.RuntimeDir, "bus") + `</listen>
  <auth>EXTERNAL</auth>
  <servicedir>` + filepath.Join(s.root, "services") + `</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
		filepath.Join(s.root, "services", "org.freedesktop.secrets.service"): "[D-BUS Service]\nName=org.freedesktop.secrets\nExec=" + stub + "\n",
		stub: "#!/bin/sh\n: > '" + filepath.Join(s.root, "activated") + "'\nexit 1\n",
	}
	for path, content := range files {
		if err := os.WriteFile(path, []byte(content), 0o700); err != nil {
			s.t.Fatal(err)
		}
	}
}

func (s *Session) startBus() {
	cmd := exec.Command("dbus-daemon", "--config-file="+filepath.Join(s.root, "bus.conf"), "--nofork", "--print-address=1")
	cmd.Env = s.baseEnv()
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	p := s.start(cmd)
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(l)
	}()
	select {
	case s.Addr = <-line:
	case <-time.After(startTimeout):
	}
	if s.Addr == "" {
		s.t.Fatalf("dbus-daemon printed no address: %s", p.output())
	}
	// The context is the connection's lifetime in godbus; it is cancelled
	// early only to unblock a connect that hangs.
	ctx, cancel := context.WithCancel(context.Background())
	s.cancelConn = cancel
	timer := time.AfterFunc(startTimeout, cancel)
	conn, err := dbus.Connect(s.Addr, dbus.WithContext(ctx))
	if !timer.Stop() || err != nil {
		s.t.Fatalf("cannot connect to the test bus %s: %v", s.Addr, err)
	}
	s.conn = conn
}

// startUnlockedKeyring runs gnome-keyring on the bus with a login
// password of prefix and the session's name, and waits until the login
// collection is there and unlocked.
func (s *Session) startUnlockedKeyring(prefix string) {
	s.t.Helper()
	s.password = prefix + filepath.Base(s.root)
	s.startKeyring()
	s.waitUnlocked()
}

func (s *Session) startKeyring() {
	cmd := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	cmd.Env = append(s.baseEnv(), "DBUS_SESSION_BUS_ADDRESS="+s.Addr)
	// No trailing newline: gnome-keyring would take it as part of the
	// password, and the login collection it unlocks would stay locked.
	cmd.Stdin = strings.NewReader(s.password)
	p := s.start(cmd)
	// Wait for the owner before anyone calls: a call to the name before
	// would make the bus activate a second service.
	s.waitFor("org.freedesktop.secrets to get an owner", p, func() (bool, error) {
		var has bool
		err := s.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has)
		return has, err
	})
}

// waitFor polls cond until it holds, failing the test if the deadline
// passes or p exits first.
func (s *Session) waitFor(what string, p *proc, cond func() (bool, error)) {
	s.t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		ok, err := cond()
		switch {
		case ok:
			return
		case p.exited():
			s.t.Fatalf("waiting for %s: %s exited: %s", what, p.name, p.output())
		case time.Now().After(deadline):
			s.t.Fatalf("waiting for %s: gave up after %s (last error: %v); %s said: %s", what, startTimeout, err, p.name, p.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
