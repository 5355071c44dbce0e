package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/memstore"
)

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
	if code := ta.run("", "migrate", "--to", "hyperspace"); code != ExitUsage || !strings.Contains(ta.stderr.String(), "migrate --to keyring|file|memory") {
		t.Errorf("migrate --to hyperspace: exit %d %s", code, ta.stderr)
	}
}
