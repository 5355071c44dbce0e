package e2e_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// Collections whose names break a naive helper string (the shell sees &,
// ', ") or config key (git matches the key against a URL it percent-
// encodes itself): install --server must make git pick adopat for their
// repositories, hand it exactly the declared URL, and verify must find
// the collection again in git's config.
func TestDeclaredCollectionsWithAwkwardNames(t *testing.T) {
	t.Parallel()
	const host = "tfs.example.test"
	collections := []string{"My Collection", "R&D", `it's "quoted"`, "100%", "Zürich", "C# $(id) `x` ;*"}
	declared := func(c string) string { return (&url.URL{Scheme: "https", Host: host, Path: "/" + c}).String() }
	repoURL := func(c string) string { return declared(c) + "/Website/_git/web" }
	var repos []string
	for _, c := range collections {
		repos = append(repos, repoURL(c))
	}
	srv := startServer(t, adotest.Options{ExtraHosts: []string{host}}, repos...)
	pat := adotest.NewPAT()
	srv.SetHostPAT(host, pat)
	srv.SetHostIdentity(host, "Jane Doe", "jdoe@example.test")

	for _, c := range collections {
		t.Run(c, func(t *testing.T) {
			u := newUser(t, srv).with(srv.GoClientEnv()...) // verify is a Go client: HTTPS_PROXY, SSL_CERT_FILE
			u.install(declared(c))
			u.addPAT(pat, "--server", declared(c), "--username", "jdoe")

			if got := u.fillPassword(repoURL(c)); got != pat {
				t.Fatalf("git credential fill %s: not the PAT", repoURL(c))
			}
			u.mustClone(repoURL(c))

			// git selects the helper by the collection: another one on the
			// same host is not ours.
			if cred, r, ok := u.fill("https://" + host + "/Other/Website/_git/web"); ok {
				t.Errorf("fill outside the declared collection answered %q\n%s", cred["username"], r)
			}
			// The collection's URL comes back from git's config: verify
			// asks its connectionData.
			out := u.mustAdopat("", "verify", "--json")
			var results []struct {
				Valid bool   `json:"valid"`
				URL   string `json:"url"`
			}
			if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 1 || !results[0].Valid ||
				results[0].URL != declared(c)+"/_apis/connectionData" {
				t.Errorf("verify: %v %s, want the declared collection %s", err, out, declared(c))
			}

			u.mustAdopat("", "uninstall", "--server", declared(c))
			if cfg, err := os.ReadFile(filepath.Join(u.home, ".gitconfig")); err == nil && strings.TrimSpace(string(cfg)) != "" {
				t.Errorf("uninstall left:\n%s", cfg)
			}
		})
	}
}

// install --server refuses what is not a plain server URL, says why,
// exits 1 and writes nothing to git's config.
func TestInstallRefusesBadServerURLs(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	for _, raw := range []string{
		"ftp://tfs.example.test", "https://user@tfs.example.test", "https://tfs.example.test/?q",
		"https://tfs.example.test/#f", "https://", "dev.azure.com", "https://dev.azure.com/fabrikam",
		"https://tfs.example.test/100%", "https://tfs.example.test/a/../b",
	} {
		// A good URL first: nothing of it may be written either.
		r := u.adopat("", "install", "--server", "https://ok.example.test", "--server", raw)
		if r.code != 1 || !strings.Contains(r.stderr, "--server") || !strings.Contains(r.stderr, "see: git-credential-adopat install --help") {
			t.Errorf("install --server %q:\n%s", raw, r)
		}
		if _, err := os.Stat(filepath.Join(u.home, ".gitconfig")); !os.IsNotExist(err) {
			t.Fatalf("install --server %q wrote the git config (%v)", raw, err)
		}
	}
}
