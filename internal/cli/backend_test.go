package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// fakeProbe makes the OS keyring look present or absent without D-Bus.
func fakeProbe(t *testing.T, ok bool) {
	old := probe
	probe = func(time.Duration) (bool, string) {
		if ok {
			return true, "a fake Secret Service"
		}
		return false, "no fake Secret Service"
	}
	t.Cleanup(func() { probe = old })
}

// autoApp is a test app with no vault named, so auto choice applies.
func autoApp(t *testing.T) *testApp {
	ta := newTestApp(t)
	delete(ta.env, "ADOPAT_VAULT")
	ta.env["XDG_DATA_HOME"] = filepath.Join(ta.dir, "data")
	ta.env["XDG_CONFIG_HOME"] = filepath.Join(ta.dir, "config")
	ta.env["ADOPAT_KEYRING_INDEX"] = filepath.Join(ta.dir, "config", "adopat", "keyring-index.json")
	t.Setenv("XDG_DATA_HOME", ta.env["XDG_DATA_HOME"]) // vault.DefaultPath reads the process env
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
			fakeProbe(t, c.keyring)
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
