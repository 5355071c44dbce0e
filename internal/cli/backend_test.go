package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/memstore"
)

// fakeProbe makes the OS keyring look present or absent without D-Bus.
func fakeProbe(ta *testApp, ok bool) {
	ta.ProbeKeyring = func(time.Duration) (bool, string) {
		if ok {
			return true, "a fake Secret Service"
		}
		return false, "no fake Secret Service"
	}
}

// autoApp is a test app with no vault named, so auto choice applies.
func autoApp(t *testing.T) *testApp {
	ta := newTestApp(t)
	delete(ta.env, "ADOPAT_VAULT")
	ta.env["XDG_DATA_HOME"] = filepath.Join(ta.dir, "data")
	ta.env["XDG_CONFIG_HOME"] = filepath.Join(ta.dir, "config")
	ta.env["ADOPAT_KEYRING_INDEX"] = filepath.Join(ta.dir, "config", "adopat", "keyring-index.json")
	return ta
}

func listJSON(t *testing.T, ta *testApp, args ...string) listing {
	t.Helper()
	if code := ta.run("", append([]string{"list", "--json"}, args...)...); code != 0 {
		t.Fatalf("list --json: exit %d %s", code, ta.stderr)
	}
	var l listing
	if err := json.Unmarshal(ta.stdout.Bytes(), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func TestBackendChoiceSaysWhichAndWhy(t *testing.T) {
	cases := []struct {
		name       string
		keyring    bool
		setup      func(ta *testApp)
		args       []string
		backend    string
		reasonPart string
	}{
		{"auto without keyring", false, nil, nil, "file", "no OS keyring here"},
		{"auto with keyring", true, nil, nil, "keyring", "a fake Secret Service"},
		{"existing vault wins over a new keyring", true, func(ta *testApp) {
			ta.env["ADOPAT_BACKEND"] = "file"
			if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
				t.Fatalf("add: %s", ta.stderr)
			}
			delete(ta.env, "ADOPAT_BACKEND")
		}, nil, "file", "the vault already holds your tokens"},
		{"vault and keyring index both exist: the vault, whatever the session has", true, func(ta *testApp) {
			ta.env["ADOPAT_BACKEND"] = "file"
			if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam"); code != 0 {
				t.Fatalf("add: %s", ta.stderr)
			}
			delete(ta.env, "ADOPAT_BACKEND")
			index := ta.env["ADOPAT_KEYRING_INDEX"]
			if err := os.MkdirAll(filepath.Dir(index), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(index, []byte(`{"version":1,"tokens":[]}`), 0o600); err != nil {
				t.Fatal(err)
			}
		}, nil, "file", "both a vault and a keyring index exist"},
		{"flag", true, nil, []string{"--backend", "file"}, "file", "set by --backend"},
		{"environment", true, func(ta *testApp) { ta.env["ADOPAT_BACKEND"] = "file" }, nil, "file", "set by ADOPAT_BACKEND"},
		{"config file", true, func(ta *testApp) {
			if _, err := ta.setConfig("backend", "file"); err != nil {
				t.Fatal(err)
			}
		}, nil, "file", "set by the config file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ta := autoApp(t)
			fakeProbe(ta, c.keyring)
			if c.setup != nil {
				c.setup(ta)
			}
			l := listJSON(t, ta, c.args...)
			if l.Backend != c.backend || !strings.Contains(l.Reason, c.reasonPart) {
				t.Errorf("backend %q (%s), want %q (%s)", l.Backend, l.Reason, c.backend, c.reasonPart)
			}
		})
	}
}

func TestBadBackendSettingsAreUsageErrors(t *testing.T) {
	ta := autoApp(t)
	if code := ta.run("", "list", "--backend", "vault"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "want keyring, file or auto") {
		t.Errorf("--backend vault: exit %d %q", code, ta.stderr)
	}
	if code := ta.run("", "list", "--keyring-timeout", "soon"); code != ExitUsage {
		t.Errorf("--keyring-timeout soon: exit %d %q", code, ta.stderr)
	}
	path, _ := ta.configPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("# mine\nbackedn = file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := ta.run("", "list"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "line 2") {
		t.Errorf("config typo: exit %d %q", code, ta.stderr)
	}
}

func TestSetConfigKeepsOtherLines(t *testing.T) {
	ta := autoApp(t)
	path, _ := ta.configPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("# my notes\nkeyring-timeout = 5s\nbackend = keyring\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ta.setConfig("backend", "file"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "# my notes\nkeyring-timeout = 5s\nbackend = file\n" {
		t.Errorf("config now %q", got)
	}
}

// memoryBackend is the row of the in-memory store, one store for the
// whole test: every command of it sees what the others left.
func memoryBackend(t *testing.T, dir string) (*backendKind, *memstore.Store) {
	mem := memstore.New("test")
	return &backendKind{
		Name: "memory",
		Open: func(*backends.Env, bool, time.Duration) (store.Store, string, error) {
			return mem, filepath.Join(dir, "memory"), nil
		},
		Describe: func(string) string { return mem.Where() },
		Exists: func(*backends.Env) (bool, error) {
			d, err := mem.Load()
			return err == nil && len(d.Tokens) > 0, err
		},
		Holds: "the memory store holds your tokens", Store: "memory store", Noun: "memory store",
	}, mem
}

// A backend is one package and one row of the table: with the memory
// row registered, add, list, get, audit, restore, remove and migrate work
// on it without the CLI naming it anywhere.
func TestMemoryBackendIsOneTableRow(t *testing.T) {
	ta := autoApp(t)
	fakeProbe(ta, false)
	row, mem := memoryBackend(t, ta.dir)
	registerBackend(t, row)

	if code := ta.run("", "list", "--backend", "vault"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "want keyring, file, memory or auto") {
		t.Errorf("--backend vault: exit %d %q, want the table's names", code, ta.stderr)
	}
	if _, err := ta.setConfig("backend", "memory"); err != nil {
		t.Fatal(err)
	}
	pat := adotest.NewPAT()
	if code := ta.run(pat+"\n", "add", "--org", "fabrikam", "--label", "laptop", "--no-verify"); code != 0 {
		t.Fatalf("add: exit %d %s", code, ta.stderr)
	}
	if !strings.Contains(ta.stdout.String(), " in memory store test; not verified (--no-verify)") {
		t.Errorf("add said %q", ta.stdout)
	}
	if got, _, err := mem.Secret("fabrikam"); err != nil || got != pat {
		t.Fatalf("the memory store holds %q, %v", got, err)
	}
	l := listJSON(t, ta)
	if l.Backend != "memory" || l.Reason != "set by the config file" || len(l.Tokens) != 1 || l.Tokens[0].Label != "laptop" {
		t.Fatalf("list: %+v", l)
	}
	req := "protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/site\n\n"
	if code := ta.run(req, "get"); code != 0 || !strings.Contains(ta.stdout.String(), "password="+pat+"\n") {
		t.Fatalf("get: exit %d %q %s", code, ta.stdout, ta.stderr)
	}
	if code := ta.run("", "audit", "fabrikam"); code != 0 || !strings.Contains(ta.stdout.String(), "fabrikam/Website/_git/site") {
		t.Errorf("audit: exit %d %q %s", code, ta.stdout, ta.stderr)
	}
	if code := ta.run("", "restore", "fabrikam"); code != ExitRuntime || !strings.Contains(ta.stderr.String(), "not withdrawn") {
		t.Errorf("restore of an active token: exit %d %s", code, ta.stderr)
	}
	if code := ta.run("", "remove", "contoso"); code != ExitUsage || !strings.Contains(ta.stderr.String(), `no token with scope "contoso" in memory store test`) {
		t.Errorf("remove contoso: exit %d %s", code, ta.stderr)
	}

	ta.run("", "doctor") // fails on this machine's git setup; the store's lines are what counts
	for _, want := range []string{"ok    backend: memory store test (set by the config file)", "info  OS keyring: not available", "ok    files:", "ok    1 token"} {
		if !strings.Contains(ta.stdout.String(), want) {
			t.Errorf("doctor does not say %q:\n%s", want, ta.stdout)
		}
	}

	// To the vault and back: the source is the backend in use.
	if code := ta.run("", "migrate", "--to", "file"); code != 0 || !strings.Contains(ta.stdout.String(), "moved 1 tokens from memory store test to age vault") {
		t.Fatalf("migrate --to file: exit %d %q %s", code, ta.stdout, ta.stderr)
	}
	if d, _ := mem.Load(); len(d.Tokens) != 0 {
		t.Errorf("the memory store still holds %d tokens", len(d.Tokens))
	}
	if l := listJSON(t, ta); l.Backend != "file" || len(l.Tokens) != 1 || l.Tokens[0].Label != "laptop" || l.Tokens[0].Uses != 1 {
		t.Errorf("after migrate --to file: %+v", l)
	}
	if code := ta.run("", "migrate", "--to", "memory"); code != 0 || !strings.Contains(ta.stdout.String(), "moved 1 tokens from age vault") {
		t.Fatalf("migrate --to memory: exit %d %q %s", code, ta.stdout, ta.stderr)
	}
	if got, _, err := mem.Secret("fabrikam"); err != nil || got != pat {
		t.Errorf("after migrate --to memory the memory store holds %q, %v", got, err)
	}
	if code := ta.run("", "remove", "fabrikam"); code != 0 {
		t.Errorf("remove: exit %d %s", code, ta.stderr)
	}
	if d, _ := mem.Load(); len(d.Tokens) != 0 {
		t.Errorf("remove left %d tokens in the memory store", len(d.Tokens))
	}
	// The message names what was wrong: an unknown backend is not a
	// missing --to.
	if code := ta.run("", "migrate", "--to", "hyperspace"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "--to hyperspace: no such backend; give --to keyring|file|memory") {
		t.Errorf("migrate --to hyperspace: exit %d %s", code, ta.stderr)
	}
	if code := ta.run("", "migrate"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "say where to: migrate --to keyring|file|memory") {
		t.Errorf("migrate without --to: exit %d %s", code, ta.stderr)
	}
	if code := ta.run("", "migrate", "keyring"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "migrate takes no arguments (keyring): say where to with --to") {
		t.Errorf("migrate keyring: exit %d %s", code, ta.stderr)
	}
}
