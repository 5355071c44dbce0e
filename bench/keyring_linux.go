package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"
)

// keyringSession is a private session bus with gnome-keyring-daemon's
// Secret Service on it and the login collection unlocked, in its own HOME
// and XDG_RUNTIME_DIR: never the host's session. It is what
// internal/keyringtest does for the tests, without the bus monitor (which
// would add a copy of every message to what is timed) and without
// testing.TB.
type keyringSession struct {
	addr, home, runtime string
	procs               []*exec.Cmd
	conn                *dbus.Conn
}

const (
	secretsName     = "org.freedesktop.secrets"
	secretsPath     = dbus.ObjectPath("/org/freedesktop/secrets")
	loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	keyringWait     = 15 * time.Second
)

// startKeyring starts the session below root (short: socket paths are
// limited to 108 bytes). Close ends it.
func startKeyring(root string) (*keyringSession, error) {
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not found (apt-get install -y dbus gnome-keyring)", tool)
		}
	}
	s := &keyringSession{home: filepath.Join(root, "home"), runtime: filepath.Join(root, "run")}
	for _, dir := range []string{s.home, s.runtime} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
	}
	// session.conf without the standard service directories: nothing can
	// be activated, so a call made too early fails instead of starting a
	// second, locked gnome-keyring.
	conf := filepath.Join(root, "bus.conf")
	err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+filepath.Join(s.runtime, "bus")+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		return nil, err
	}
	bus := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	bus.Env = s.daemonEnv()
	out, err := bus.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.start(bus); err != nil {
		return nil, err
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(l)
	}()
	select {
	case s.addr = <-line:
	case <-time.After(keyringWait):
	}
	if s.addr == "" {
		s.Close()
		return nil, errors.New("dbus-daemon printed no address")
	}
	if s.conn, err = dbus.Connect(s.addr); err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting to the private bus: %w", err)
	}
	password := "adopat-bench-" + filepath.Base(root)
	gkr := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	gkr.Env = append(s.daemonEnv(), "DBUS_SESSION_BUS_ADDRESS="+s.addr)
	// No trailing newline: gnome-keyring would take it as part of the
	// password and leave the login collection locked.
	gkr.Stdin = strings.NewReader(password)
	if err := s.start(gkr); err != nil {
		s.Close()
		return nil, err
	}
	err = s.waitFor(func() error {
		var has bool
		if err := s.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has); err != nil || !has {
			return fmt.Errorf("%s has no owner (%v)", secretsName, err)
		}
		var colls []dbus.ObjectPath
		if err := s.property(secretsPath, "org.freedesktop.Secret.Service", "Collections", &colls); err != nil {
			return err
		}
		if !slices.Contains(colls, loginCollection) {
			return fmt.Errorf("no login collection in %v", colls)
		}
		var locked bool
		if err := s.property(loginCollection, "org.freedesktop.Secret.Collection", "Locked", &locked); err != nil || locked {
			return fmt.Errorf("login collection locked=%v (%v)", locked, err)
		}
		return nil
	})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("gnome-keyring did not come up: %w", err)
	}
	return s, nil
}

func (s *keyringSession) daemonEnv() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.home,
		"XDG_RUNTIME_DIR=" + s.runtime,
		"XDG_CONFIG_HOME=" + filepath.Join(s.home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(s.home, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(s.home, ".cache"),
	}
}

// Env is what a client of the session needs besides the common variables.
func (s *keyringSession) Env() []string {
	return []string{"DBUS_SESSION_BUS_ADDRESS=" + s.addr}
}

// start runs a daemon in its own process group (Close ends the group),
// killed with the harness if the harness dies.
func (s *keyringSession) start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	s.procs = append(s.procs, cmd)
	return nil
}

func (s *keyringSession) waitFor(cond func() error) error {
	deadline := time.Now().Add(keyringWait)
	for {
		err := cond()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *keyringSession) property(path dbus.ObjectPath, iface, name string, into any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var v dbus.Variant
	if err := s.conn.Object(secretsName, path).CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, iface, name).Store(&v); err != nil {
		return err
	}
	return v.Store(into)
}

// Close ends the daemons it started, newest first, by process group.
func (s *keyringSession) Close() {
	if s.conn != nil {
		s.conn.Close()
	}
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
	}
	s.procs = nil
}
