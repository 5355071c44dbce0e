//go:build linux

package keyring

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/adopat/git-credential-adopat/internal/keyringtest"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// indexWithToken writes an index listing one token (through a fake
// keyring) and returns a real Store over it.
func indexWithToken(t *testing.T, org string) *Store {
	t.Helper()
	fake, _ := newFakeKeyringStore(t)
	addTo(t, fake, cloudToken(org, storetest.RandSecret(t)))
	return New(fake.Path(), Options{Timeout: 5 * time.Second})
}

func TestSecretServiceNotRunning(t *testing.T) {
	s := keyringtest.BusOnly(t)
	s.Setenv(t)
	k := indexWithToken(t, "fabrikam")
	before := storetest.ReadFile(t, k.Path())

	d, err := k.Load()
	if err != nil || len(d.Tokens) != 1 {
		t.Fatalf("Load (list) must work without a keyring: %v", err)
	}
	_, _, err = k.Secret(d.Tokens[0].Scope())
	storetest.WantErr(t, err, store.ErrKeyringUnavailable, "no Secret Service is running")
	storetest.WantKeyringState(t, err, store.KeyringNotStarted) // the CLI adds: ..., or use --backend file
	err = k.Update(func(d *store.Data) (bool, error) {
		d.Tokens = append(d.Tokens, cloudToken("contoso", storetest.RandSecret(t)))
		return true, nil
	})
	storetest.WantErr(t, err, store.ErrKeyringUnavailable)
	if string(storetest.ReadFile(t, k.Path())) != string(before) {
		t.Error("a failed Update changed the index")
	}
	if ok, reason := Probe(5 * time.Second); ok || !strings.Contains(reason, "no Secret Service") {
		t.Errorf("Probe = %v, %q; want false, no Secret Service", ok, reason)
	}
	if s.Activated() {
		t.Error("adopat made the bus activate a Secret Service")
	}
	if calls := s.SecretCalls(); len(calls) > 0 {
		t.Errorf("Secret Service calls on a bus without one: %v", calls)
	}
}

// noBus leaves the process with no session bus to find: no address, an
// empty runtime directory, and a dbus-launch on PATH that records being
// run. It returns that record's path.
func noBus(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Logf("note: /run/user/%d/bus exists; XDG_RUNTIME_DIR overrides it for adopat", os.Getuid())
	}
	bin := t.TempDir()
	record := filepath.Join(bin, "dbus-launch.ran")
	script := "#!/bin/sh\necho \"$$\" >> '" + record + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	os.Unsetenv("DBUS_SESSION_BUS_ADDRESS") // restored by t.Setenv's cleanup
	return record
}

func TestSecretServiceNoBusSpawnsNothing(t *testing.T) {
	keyringtest.Require(t)
	k := indexWithToken(t, "fabrikam")
	record := noBus(t)
	before := busProcesses(t)

	_, err := revealed(t, k, "fabrikam")
	storetest.WantErr(t, err, store.ErrKeyringUnavailable, "no D-Bus session bus")
	storetest.WantKeyringState(t, err, store.KeyringNoBus) // the CLI adds: log in to a desktop session, or use --backend file
	err = k.Update(func(d *store.Data) (bool, error) { return true, nil })
	storetest.WantErr(t, err, store.ErrKeyringUnavailable, "no D-Bus session bus")
	if ok, reason := Probe(5 * time.Second); ok || reason != "no D-Bus session bus" {
		t.Errorf("Probe = %v, %q; want false, no D-Bus session bus", ok, reason)
	}

	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "autolaunch:")
	_, err = revealed(t, k, "fabrikam")
	storetest.WantErr(t, err, store.ErrKeyringUnavailable, "autolaunch:", "never starts one")
	if ok, reason := Probe(5 * time.Second); ok || !strings.Contains(reason, "autolaunch") {
		t.Errorf("Probe with autolaunch: = %v, %q", ok, reason)
	}

	if _, err := os.Stat(record); err == nil {
		t.Error("dbus-launch was run")
	}
	if after := busProcesses(t); !slices.Equal(before, after) {
		t.Errorf("D-Bus processes before %v, after %v: something was spawned", before, after)
	}
}

// The guard is what stops the spawn: go-keyring alone, in the same
// setting, runs dbus-launch (godbus's autolaunch). This keeps the test
// above honest about what it would catch.
func TestGoKeyringAloneWouldAutolaunch(t *testing.T) {
	keyringtest.Require(t)
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skipf("godbus finds /run/user/%d/bus here and would not autolaunch", os.Getuid())
	}
	record := noBus(t)
	_, _ = keyring.Get(DefaultService, "fabrikam")
	if _, err := os.Stat(record); err != nil {
		t.Error("go-keyring did not try dbus-launch; the no-spawn test above proves less than it claims")
	}
}

func TestSecretServiceFoundInRuntimeDir(t *testing.T) {
	s, k := startSecretService(t)
	os.Unsetenv("DBUS_SESSION_BUS_ADDRESS") // restored by Setenv's cleanup; XDG_RUNTIME_DIR/bus remains
	secret := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", secret))
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != secret {
		t.Fatalf("through $XDG_RUNTIME_DIR/bus: %v", err)
	}
	if got, want := os.Getenv("DBUS_SESSION_BUS_ADDRESS"), "unix:path="+filepath.Join(s.RuntimeDir, "bus"); got != want {
		t.Errorf("DBUS_SESSION_BUS_ADDRESS = %q, want %q (set for godbus)", got, want)
	}
}

// busProcesses lists the PIDs of running dbus-daemon and dbus-launch
// processes, from /proc.
func busProcesses(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if name := strings.TrimSpace(string(comm)); err == nil && (name == "dbus-daemon" || name == "dbus-launch") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// A bus that accepts connections and never answers (a stuck daemon) costs
// one timeout, not a hang.
func TestSecretServiceSilentBusTimesOut(t *testing.T) {
	dir, err := os.MkdirTemp("", "adopat-silent-") // short: socket paths are limited
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := net.Listen("unix", filepath.Join(dir, "bus"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn // read nothing, answer nothing
		for {
			c, err := l.Accept()
			if err != nil {
				for _, c := range held {
					c.Close()
				}
				return
			}
			held = append(held, c)
		}
	}()
	k := indexWithToken(t, "fabrikam")
	k.timeout = 300 * time.Millisecond
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(dir, "bus"))

	var revealErr error
	var ok bool
	var reason string
	within(t, func() {
		_, revealErr = reveal(k, "fabrikam")
		ok, reason = Probe(300 * time.Millisecond)
	})
	storetest.WantErr(t, revealErr, store.ErrKeyringTimeout, "did not answer within 300ms")
	storetest.WantKeyringState(t, revealErr, store.KeyringTimedOut)
	if ok || !strings.Contains(reason, "did not answer within 300ms") {
		t.Errorf("Probe = %v, %q; want false, did not answer", ok, reason)
	}
}
