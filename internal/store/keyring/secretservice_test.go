//go:build linux

package keyring

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
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

// These tests run against a real gnome-keyring on a private bus (see
// internal/keyringtest). They point the process environment at it with
// t.Setenv, so none of them is parallel.

func startSecretService(t *testing.T) (*keyringtest.Session, *Store) {
	t.Helper()
	keyringtest.Require(t, "secret-tool")
	s := keyringtest.Start(t)
	s.Setenv(t)
	return s, New(filepath.Join(t.TempDir(), "adopat", "keyring-index.json"), Options{})
}

func secretTool(t *testing.T, s *keyringtest.Session, args ...string) (string, error) {
	t.Helper()
	out, err := s.Command("secret-tool", args...).CombinedOutput()
	return string(out), err
}

func TestSecretServiceRoundTrip(t *testing.T) {
	s, k := startSecretService(t)
	a, b, c, r := storetest.RandSecret(t), storetest.RandSecret(t), storetest.RandSecret(t), storetest.RandSecret(t)
	srv := store.Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe", Secret: c, OAuthRefreshToken: r}
	addTo(t, k, cloudToken("fabrikam", a), store.Token{Org: "fabrikam", Project: "Website", Secret: b}, srv)

	out, err := secretTool(t, s, "search", "--all", "service", DefaultService)
	if err != nil {
		t.Fatalf("secret-tool search: %v: %s", err, out)
	}
	for _, account := range []string{"fabrikam", "fabrikam/Website", srv.Scope(), srv.Scope() + " (oauth_refresh_token)"} {
		if !strings.Contains(out, "attribute.username = "+account+"\n") {
			t.Errorf("secret-tool search does not show an item with account %q:\n%s", account, out)
		}
	}
	for scope, want := range map[string]string{"fabrikam": a, "fabrikam/Website": b, srv.Scope(): c} {
		if tok, err := revealed(t, k, scope); err != nil || tok.Secret != want {
			t.Errorf("Secret(%s): %v", scope, err)
		}
	}
	if tok, _ := revealed(t, k, srv.Scope()); tok.OAuthRefreshToken != r {
		t.Error("the OAuth refresh token did not round-trip")
	}
	storetest.AssertNoLeak(t, "index", storetest.ReadFile(t, k.Path()), a, b, c, r)

	withdraw(t, k, "fabrikam") // git's erase: the PAT stays
	if out, err := secretTool(t, s, "lookup", "service", DefaultService, "username", "fabrikam"); err != nil || out != a {
		t.Errorf("after a withdraw the item is %v (err %v), want the PAT kept", out != a, err)
	}
	removeScope(t, k, "fabrikam/Website")
	if _, err := keyring.Get(DefaultService, "fabrikam/Website"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("after remove, the item is still there (Get: %v)", err)
	}
	if strings.Contains(string(storetest.ReadFile(t, k.Path())), "Website") {
		t.Error("after remove, the index still lists the token")
	}
	if ok, reason := Probe(5 * time.Second); !ok || !strings.Contains(reason, "gnome-keyring") {
		t.Errorf("Probe = %v, %q; want true naming gnome-keyring", ok, reason)
	}
	if s.Activated() {
		t.Error("something made the bus activate a Secret Service")
	}
	noPrompt(t, s)
}

// noPrompt fails if anything asked the Secret Service for a prompt, or
// to unlock a collection that was locked: on a desktop, either would
// open a dialog and go-keyring would wait for it forever.
func noPrompt(t *testing.T, s *keyringtest.Session) {
	t.Helper()
	for _, c := range s.SecretCalls() {
		if strings.HasPrefix(c, "org.freedesktop.Secret.Prompt.") {
			t.Errorf("a Secret Service prompt was requested (%s)", c)
		}
	}
}

func TestSecretServiceLocked(t *testing.T) {
	s, k := startSecretService(t)
	secret := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", secret))
	if err := s.Lock(); err != nil {
		t.Fatal(err)
	}
	mark := len(s.SecretCalls())
	var revealErr, updateErr error
	var ok bool
	var reason string
	within(t, func() {
		_, revealErr = reveal(k, "fabrikam")
		updateErr = k.Update(func(d *store.Data) (bool, error) { return true, nil })
		ok, reason = Probe(5 * time.Second)
	})
	storetest.WantErr(t, revealErr, store.ErrKeyringLocked, "is locked")
	storetest.WantKeyringState(t, revealErr, store.KeyringCollectionLocked) // the CLI adds: unlock it (...) and try again, or use --backend file
	storetest.AssertNoLeak(t, "error", []byte(revealErr.Error()), secret)
	storetest.WantErr(t, updateErr, store.ErrKeyringLocked)
	if !ok || !strings.Contains(reason, "locked") {
		t.Errorf("Probe = %v, %q; want true, saying it is locked", ok, reason)
	}
	if locked, err := s.Locked(); err != nil || !locked {
		t.Errorf("the collection is no longer locked (%v, %v): something unlocked it", locked, err)
	}
	// go-keyring calls Service.Unlock before every use; on a locked
	// collection that is the prompt the preflight exists to prevent.
	if calls := s.SecretCalls()[mark:]; slices.Contains(calls, "org.freedesktop.Secret.Service.Unlock") {
		t.Errorf("an unlock was requested while the collection was locked: %v", calls)
	}
	noPrompt(t, s)
	if err := s.Unlock(); err != nil {
		t.Fatal(err)
	}
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != secret {
		t.Errorf("after unlocking: %v", err)
	}
}

func TestSecretServiceItemDeletedBehindOurBack(t *testing.T) {
	s, k := startSecretService(t)
	secrets := map[string]string{"fabrikam": storetest.RandSecret(t), "contoso": storetest.RandSecret(t), "tailspin": storetest.RandSecret(t)}
	addTo(t, k, cloudToken("fabrikam", secrets["fabrikam"]), cloudToken("contoso", secrets["contoso"]), cloudToken("tailspin", secrets["tailspin"]))
	if out, err := secretTool(t, s, "clear", "service", DefaultService, "username", "fabrikam"); err != nil {
		t.Fatalf("secret-tool clear: %v: %s", err, out)
	}
	if err := keyring.Delete(DefaultService, "contoso"); err != nil {
		t.Fatal(err)
	}

	d, err := k.Load()
	if err != nil || len(d.Tokens) != 3 {
		t.Fatalf("Load after the deletions: %d tokens, %v", len(d.Tokens), err)
	}
	for _, org := range []string{"fabrikam", "contoso"} {
		_, err := revealed(t, k, org)
		storetest.WantErr(t, err, store.ErrSecretMissing, "the keyring item for "+org+" is missing")
		storetest.WantMissing(t, err, org) // the CLI adds: store it again with: git-credential-adopat add --org ORG
		storetest.AssertNoLeak(t, "error", []byte(err.Error()), secrets[org])
	}
	if tok, err := revealed(t, k, "tailspin"); err != nil || tok.Secret != secrets["tailspin"] {
		t.Errorf("the remaining token does not reveal: %v", err)
	}

	withdraw(t, k, "tailspin") // an Update with two unreadable tokens
	if d, err := k.Load(); err != nil || len(d.Tokens) != 3 {
		t.Fatalf("the index lost tokens: %v", err)
	}
	// secret-tool search exits 1, silent, when nothing matches; any other
	// failure (no bus, no daemon) must not pass for "not there".
	if out, err := secretTool(t, s, "search", "--all", "service", DefaultService, "username", "fabrikam"); strings.Contains(out, "fabrikam") {
		t.Errorf("an Update recreated the deleted item:\n%s", out)
	} else if exit := (*exec.ExitError)(nil); err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1 || out != "") {
		t.Fatalf("secret-tool search: %v: %s", err, out)
	}
	if out, err := secretTool(t, s, "search", "--all", "service", DefaultService, "username", "tailspin"); err != nil || !strings.Contains(out, "attribute.username = tailspin") {
		t.Errorf("secret-tool search does not find the remaining item (so cannot vouch for the deleted one's absence): %v: %s", err, out)
	}
	fresh := storetest.RandSecret(t)
	addTo(t, k, cloudToken("fabrikam", fresh))
	if tok, err := revealed(t, k, "fabrikam"); err != nil || tok.Secret != fresh {
		t.Errorf("after storing again: %v", err)
	}
}

func TestSecretServiceUnchangedUpdateWritesNothing(t *testing.T) {
	startSecretService(t)
	api := &countingAPI{inner: osKeyring{}}
	k := New(filepath.Join(t.TempDir(), "keyring-index.json"), Options{api: api})
	addTo(t, k, cloudToken("fabrikam", storetest.RandSecret(t)))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(k.Path(), old, old); err != nil {
		t.Fatal(err)
	}
	api.sets = 0
	if err := k.Update(func(*store.Data) (bool, error) { return true, nil }); err != nil {
		t.Fatal(err)
	}
	if api.sets != 0 {
		t.Errorf("an unchanged Update made %d keyring writes", api.sets)
	}
	if fi, err := os.Stat(k.Path()); err != nil || !fi.ModTime().Equal(old) {
		t.Error("an unchanged Update rewrote the index")
	}
}

// countingAPI counts the writes of a real keyring.
type countingAPI struct {
	inner secretAPI
	sets  int // read after Update returned
}

func (c *countingAPI) preflight(ctx context.Context) error { return c.inner.preflight(ctx) }
func (c *countingAPI) get(s, a string) (string, error)     { return c.inner.get(s, a) }
func (c *countingAPI) del(s, a string) error               { return c.inner.del(s, a) }
func (c *countingAPI) set(s, a, v string) error {
	c.sets++
	return c.inner.set(s, a, v)
}

// Secret Service not running: a bus with no service on it.

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

// A Secret reads both items of a token over the preflight's connection:
// one OpenSession, a SearchItems on the collection and a GetSecrets per
// item, no Unlock (go-keyring's Get calls it twice per item), no prompt.
func TestSecretServiceReadPath(t *testing.T) {
	s, k := startSecretService(t)
	pat, refresh := storetest.RandSecret(t), storetest.RandSecret(t)
	srv := store.Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe", Secret: pat, OAuthRefreshToken: refresh}
	addTo(t, k, srv)
	if _, err := k.Load(); err != nil {
		t.Fatal(err)
	}
	mark := len(s.SecretCalls())
	if p, r, err := k.Secret(srv.Scope()); err != nil || p != pat || r != refresh {
		t.Fatalf("Secret: %v (pat ok %v, refresh ok %v)", err, p == pat, r == refresh)
	}
	count := map[string]int{}
	for _, c := range s.SecretCalls()[mark:] {
		count[c]++
	}
	want := map[string]int{
		"org.freedesktop.Secret.Service.OpenSession":    1,
		"org.freedesktop.Secret.Collection.SearchItems": 2,
		"org.freedesktop.Secret.Service.GetSecrets":     2,
		"org.freedesktop.Secret.Service.Unlock":         0,
		"org.freedesktop.Secret.Item.GetSecret":         0,
	}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("%s called %d times, want %d (all calls: %v)", c, count[c], n, count)
		}
	}
	noPrompt(t, s)

	// An item another program wrote with go-keyring's attributes reads too.
	other := storetest.RandSecret(t)
	cmd := s.Command("secret-tool", "store", "--label=x", "service", DefaultService, "username", "contoso")
	cmd.Stdin = strings.NewReader(other)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, out)
	}
	api := osKeyring{conn: newSecretConn(5 * time.Second)}
	defer api.close()
	if err := api.preflight(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, err := api.get(DefaultService, "contoso"); err != nil || got != other {
		t.Errorf("get of secret-tool's item: %v (ok %v)", err, got == other)
	}
	if _, err := api.get(DefaultService, "nobody"); !errors.Is(err, errItemNotFound) {
		t.Errorf("get of a missing item: %v, want errItemNotFound", err)
	}
}

// Another program's item changed after SearchForeign read it: its new
// secret is in no store, so DeleteForeign leaves it.
func TestDeleteForeignOnlyWhatWasRead(t *testing.T) {
	s, _ := startSecretService(t)
	old, newer := storetest.RandSecret(t), storetest.RandSecret(t)
	put := func(secret string) {
		cmd := s.Command("secret-tool", "store", "--label=gcm", "xdg:schema", "com.example.Other", "service", "x")
		cmd.Stdin = strings.NewReader(secret)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("secret-tool store: %v\n%s", err, out)
		}
	}
	attrs := map[string]string{"xdg:schema": "com.example.Other"}
	put(old)
	items, _, err := SearchForeign(DefaultTimeout, attrs)
	if err != nil || len(items) != 1 || items[0].Secret != old {
		t.Fatalf("SearchForeign: %+v %v", items, err)
	}
	put(newer) // gnome-keyring replaces the item with the same attributes
	err = DeleteForeign(DefaultTimeout, items[0].Path, old)
	if err == nil {
		t.Fatal("an item holding another secret than the one read was deleted")
	}
	if strings.Contains(err.Error(), old) || strings.Contains(err.Error(), newer) {
		t.Errorf("the error names a secret: %v", err)
	}
	if items, _, err := SearchForeign(DefaultTimeout, attrs); err != nil || len(items) != 1 || items[0].Secret != newer {
		t.Fatalf("after DeleteForeign: %+v %v", items, err)
	}
	if err := DeleteForeign(DefaultTimeout, items[0].Path, newer); err != nil {
		t.Fatalf("DeleteForeign with the secret held: %v", err)
	}
	if items, _, err := SearchForeign(DefaultTimeout, attrs); err != nil || len(items) != 0 {
		t.Errorf("not deleted: %+v %v", items, err)
	}
}
