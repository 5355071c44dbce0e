//go:build linux

package keyringtest

import (
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestStartServesSecrets(t *testing.T) {
	Require(t, "secret-tool")
	s := Start(t)
	store := s.Command("secret-tool", "store", "--label=harness", "service", "keyringtest", "username", "u")
	store.Stdin = strings.NewReader("s3cret")
	if out, err := store.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, out)
	}
	if got := lookup(t, s); got != "s3cret" {
		t.Fatalf("secret-tool lookup = %q, want the stored secret", got)
	}
	if s.Activated() {
		t.Error("the bus activated a second Secret Service")
	}
}

func TestLockUnlock(t *testing.T) {
	Require(t, "dbus-send")
	s := Start(t)
	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	if locked, err := s.Locked(); err != nil || !locked {
		t.Fatalf("Locked() = %v, %v after Lock", locked, err)
	}
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if locked, err := s.Locked(); err != nil || locked {
		t.Fatalf("Locked() = %v, %v after Unlock", locked, err)
	}
}

// The monitor is what lets tests assert "no prompt was ever requested".
func TestSecretCallsSeesUnlockRequests(t *testing.T) {
	Require(t, "secret-tool")
	s := Start(t)
	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	// Another process asks to unlock (and gets a prompt it cannot show).
	_, _ = s.Command("dbus-send", "--session", "--print-reply", "--dest="+secretsName, string(secretsPath),
		"org.freedesktop.Secret.Service.Unlock", "array:objpath:"+string(loginCollection)).CombinedOutput()
	calls := s.SecretCalls()
	if !slices.Contains(calls, "org.freedesktop.Secret.Service.Lock") || !slices.Contains(calls, "org.freedesktop.Secret.Service.Unlock") {
		t.Errorf("SecretCalls() = %v, want the Lock and dbus-send's Unlock", calls)
	}
}

func TestBusOnlyHasNoSecretService(t *testing.T) {
	s := BusOnly(t)
	var has bool
	if err := s.conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has); err != nil || has {
		t.Fatalf("NameHasOwner(%s) = %v, %v on a bus-only session", secretsName, has, err)
	}
	// Activation is observable: a call to the name starts the stub.
	_ = s.conn.Object(secretsName, secretsPath).Call("org.freedesktop.DBus.Peer.Ping", 0).Err
	if !s.Activated() {
		t.Error("a call to org.freedesktop.secrets did not run the activation stub")
	}
}

func TestCloseEndsEveryDaemon(t *testing.T) {
	s := Start(t)
	var pids []int
	for _, p := range s.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	root := s.root
	s.Close()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil && !zombie(pid) {
			t.Errorf("process %d survived Close", pid)
		}
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("session directory %s survived Close: %v", root, err)
	}
	if left := s.stragglers(); len(left) > 0 {
		t.Errorf("processes with the session marker survived: %s", describe(left))
	}
}

func lookup(t *testing.T, s *Session) string {
	t.Helper()
	out, err := s.Command("secret-tool", "lookup", "service", "keyringtest", "username", "u").Output()
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	return strings.TrimSpace(string(out))
}
