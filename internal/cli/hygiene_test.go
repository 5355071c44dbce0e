package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/safetext"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// hostile are values someone else could have put where adopat prints
// from: a vault or journal they wrote, a repository path git was given, a
// server's answer. Each would rewrite or forge terminal output if printed
// raw: a screen clear and colour, a right-to-left override (Trojan
// Source), a forged line, a carriage return over the line.
var hostile = map[string]string{
	"escape":   "\x1b[2J\x1b[31mowned",
	"bidi":     "gpj.\u202eexe",
	"newline":  "ok\nFAKE-LINE: all tokens valid",
	"return":   "x\rFAKE-OVERWRITE",
	"isolates": "a\u2066b\u2069c\u200b",
}

// assertNoRaw fails when out holds a character safetext.Escape escapes.
func assertNoRaw(t *testing.T, what, out string) {
	t.Helper()
	for _, raw := range []string{"\x1b", "\u202e", "\r", "\u2066", "\u2069", "\u200b", "\nFAKE-LINE"} {
		if strings.Contains(out, raw) {
			t.Errorf("%s printed the raw %q:\n%s", what, raw, out)
		}
	}
}

// hostileVault stores a token through add, then writes hostile values into
// the vault and the usage journal directly, as a tampering user could.
func hostileVault(t *testing.T, ta *testApp, value string) {
	t.Helper()
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--expires", "3d", "--scopes", "vso.code_write", "--no-verify"); code != 0 {
		t.Fatalf("add: %s", ta.stderr)
	}
	vaultPath := ta.env["ADOPAT_VAULT"]
	v := vault.New(vaultPath, vault.DefaultIdentityPath(vaultPath))
	err := v.Update(func(d *store.Data) (bool, error) {
		d.Tokens[0].Label, d.Tokens[0].Username, d.Tokens[0].Owner = value, value, "Mallory "+value
		d.Tokens = append(d.Tokens,
			store.Token{Protocol: "https", Host: "tfs" + value, Username: value, Secret: adotest.NewPAT(), Created: fixedNow},
			store.Token{Org: "org" + value, Secret: adotest.NewPAT(), Created: fixedNow})
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := journal.New(vaultPath).Record(store.Use{At: fixedNow, Scope: "fabrikam", Path: "dev.azure.com/fabrikam/" + value}); err != nil {
		t.Fatal(err)
	}
}

func TestHumanOutputEscapesHostileText(t *testing.T) {
	for name, value := range hostile {
		t.Run(name, func(t *testing.T) {
			ta := newTestApp(t)
			srv := useStandIn(t, ta)
			srv.SetIdentity("fabrikam", "Mallory "+value, "")
			hostileVault(t, ta, value)
			for _, args := range [][]string{{"list"}, {"audit"}, {"audit", "fabrikam"}, {"doctor"}, {"verify"}, {"remove", "nobody" + value}, {"rotate", "nobody" + value}} {
				ta.run("", args...)
				assertNoRaw(t, strings.Join(args, " ")+" stdout", ta.stdout.String())
				assertNoRaw(t, strings.Join(args, " ")+" stderr", ta.stderr.String())
			}
			// The escaped form is what a person sees: still readable.
			ta.run("", "list")
			if !strings.Contains(ta.stdout.String(), safetext.Escape(value)) {
				t.Errorf("list dropped the label instead of escaping it:\n%s", ta.stdout)
			}

			// JSON stays exact: encoding/json escapes, and a script reads
			// back the very value stored.
			l := listJSON(t, ta)
			if len(l.Tokens) != 3 || l.Tokens[0].Label != value || l.Tokens[0].Username != value ||
				len(l.Tokens[0].Repos) != 1 || l.Tokens[0].Repos[0].Path != "dev.azure.com/fabrikam/"+value ||
				l.Tokens[1].Server != "https://tfs"+value {
				t.Errorf("list --json did not round-trip %q: %+v", value, l.Tokens)
			}
			ta.run("", "verify", "--json")
			var results []verification
			if err := json.Unmarshal(ta.stdout.Bytes(), &results); err != nil || len(results) != 3 || results[2].Scope != "org"+value {
				t.Errorf("verify --json did not round-trip the scope %q: %v %s", value, err, ta.stdout)
			}
		})
	}
}

// An error naming a file (here a vault in a directory with a hostile name)
// reaches stderr as one escaped line.
func TestErrorMessagesEscapeHostilePaths(t *testing.T) {
	for name, value := range hostile {
		t.Run(name, func(t *testing.T) {
			ta := newTestApp(t)
			dir := filepath.Join(ta.dir, "d"+value)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Skipf("the file system refuses the name: %v", err)
			}
			vault := filepath.Join(dir, "vault.age")
			if err := os.WriteFile(vault, []byte("not an age file\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			ta.env["ADOPAT_VAULT"] = vault
			for _, args := range [][]string{{"list"}, {"audit"}, {"doctor"}, {"verify"}, {"metrics"}} {
				code := ta.run("", args...)
				if code == 0 {
					t.Errorf("%v with a damaged vault: exit 0", args)
				}
				assertNoRaw(t, strings.Join(args, " ")+" stderr", ta.stderr.String())
				assertNoRaw(t, strings.Join(args, " ")+" stdout", ta.stdout.String())
				if args[0] != "doctor" && strings.Count(ta.stderr.String(), "\n") != 1 {
					t.Errorf("%v: want one line on stderr, got:\n%s", args, ta.stderr)
				}
			}
		})
	}
}
