package e2e_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// The machine import is for, as real ones are: git's credential-store
// holding PATs beside other hosts' passwords, clones whose remote URLs
// hold PATs (a submodule that inherited one through its relative URL, a
// pushurl, a bare mirror, a linked worktree, a visualstudio.com clone),
// and Git Credential Manager's plaintext store. One import leaves no PAT
// in any file, changes no other line or setting, every clone still
// fetches (now through adopat), and a second import changes nothing.
func TestImportEmptiesEveryPlaintextPlace(t *testing.T) {
	t.Parallel()
	const (
		libURL   = "https://dev.azure.com/fabrikam/Website/_git/lib"
		shopURL  = "https://dev.azure.com/contoso/Shop/_git/shop"
		toysURL  = "https://dev.azure.com/tailspin/Toys/_git/toys"
		gamesURL = "https://wingtip.visualstudio.com/Games/_git/games"
	)
	srv := startServer(t, adotest.Options{}, webURL, libURL, shopURL, toysURL, gamesURL)
	fab, con, tail, wing := acceptNewPAT(srv, "fabrikam"), acceptNewPAT(srv, "contoso"), acceptNewPAT(srv, "tailspin"), acceptNewPAT(srv, "wingtip")
	secrets := map[string]string{"fabrikam's PAT": fab, "contoso's PAT": con, "tailspin's PAT": tail, "wingtip's PAT": wing}
	// web has lib as a submodule by a relative URL, as Azure DevOps
	// projects write them: a clone resolves it against its own remote
	// URL, PAT and all.
	libBare, err := srv.RepoDir(libURL)
	if err != nil {
		t.Fatal(err)
	}
	// No session bus: GCM's Secret Service items on the machine running
	// the tests are not this user's (TestImportFromGCMSecretService has a
	// keyring of its own).
	u := newUser(t, srv).with("XDG_RUNTIME_DIR=" + t.TempDir())
	libHead := strings.TrimSpace(u.mustGit(libBare, "rev-parse", "main"))
	if err := srv.AddSubmodules(webURL, adotest.Submodule{Name: "lib", Path: "lib", URL: "../lib", Commit: libHead}); err != nil {
		t.Fatal(err)
	}

	// Before adopat: credential.helper=store, and PATs in URLs.
	at := func(p ...string) string { return filepath.Join(append([]string{u.home}, p...)...) }
	writeFile(t, at(".gitconfig"), "[user]\n\tname = Someone\n[credential]\n\thelper = store\n", 0o644)
	credentials := "https://alice:ghp_notazure@github.com\n" +
		"https://contoso:" + con + "@dev.azure.com\n" +
		"https://bob:hunter2@example.com:8443/x\n" +
		"https://fabrikam:" + fab + "@dev.azure.com/fabrikam/Website/_git/web\n"
	writeFile(t, at(".git-credentials"), credentials, 0o640)
	xdgCredentials := "https://x:" + wing + "@wingtip.visualstudio.com\nhttps://carol:pw@gitlab.example.org\n"
	writeFile(t, at(".config", "git", "credentials"), xdgCredentials, 0o600)
	gcmFile := at(".gcm", "store", "git", "https", "dev.azure.com", "tailspin", "jdoe.credential")
	writeFile(t, gcmFile, tail+"\nservice=https://dev.azure.com/tailspin\naccount=jdoe\n", 0o600)

	src := at("src")
	mustGitOK(t, u, "", "clone", "--quiet", "--recurse-submodules", "https://fabrikam:"+fab+"@dev.azure.com/fabrikam/Website/_git/web", filepath.Join(src, "web"))
	web := filepath.Join(src, "web")
	mustGitOK(t, u, web, "config", "remote.origin.pushurl", "https://"+fab+"@dev.azure.com/fabrikam/Website/_git/web")
	mustGitOK(t, u, "", "clone", "--quiet", "https://contoso@dev.azure.com/contoso/Shop/_git/shop", filepath.Join(src, "shop")) // through credential-store
	mustGitOK(t, u, "", "clone", "--quiet", "--mirror", "https://x:"+tail+"@dev.azure.com/tailspin/Toys/_git/toys", at("mirrors", "toys.git"))
	games := filepath.Join(src, "games")
	mustGitOK(t, u, "", "clone", "--quiet", "https://me:"+wing+"@wingtip.visualstudio.com/Games/_git/games", games)
	mustGitOK(t, u, games, "worktree", "add", "--quiet", filepath.Join(src, "games-feature"))
	webConfig := readFile(t, filepath.Join(web, ".git", "config"))
	libConfig := readFile(t, filepath.Join(web, ".git", "modules", "lib", "config"))
	if !strings.Contains(webConfig, fab) || !strings.Contains(libConfig, fab) {
		t.Fatalf("the setup did not leave the PAT in the submodule's URLs:\n%s\n%s", webConfig, libConfig)
	}

	// credential-store rewrote its file at the clone it answered (its
	// store puts the entry first, with mode 0600): the file import sees.
	if err := os.Chmod(at(".git-credentials"), 0o640); err != nil {
		t.Fatal(err)
	}
	var wantCredentials strings.Builder
	for _, line := range strings.SplitAfter(readFile(t, at(".git-credentials")), "\n") {
		if !strings.Contains(line, "dev.azure.com") && !strings.Contains(line, "visualstudio.com") {
			wantCredentials.WriteString(line)
		}
	}

	u.install()
	r := u.adopat("", "import", "--git-credentials", "--gcm", "--remove-source", "--repos", u.home)
	if r.code != 0 {
		t.Fatal(r)
	}
	t.Logf("import said:\n%s", r.stdout)
	for name, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("import printed %s", name)
		}
	}
	for _, want := range []string{"stored      contoso", "stored      fabrikam", "stored      wingtip", "stored      tailspin", "next: git-credential-adopat verify"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("import's output lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.stderr != "" {
		t.Errorf("import wrote to stderr:\n%s", r.stderr)
	}

	// No PAT in any file under HOME; every other line as it was.
	assertNotUnderHome(t, u, secrets)
	if got := readFile(t, at(".git-credentials")); got != wantCredentials.String() || !strings.Contains(got, "https://bob:hunter2@example.com:8443/x\n") {
		t.Errorf("~/.git-credentials is now %q, want %q", got, wantCredentials.String())
	}
	if fi, err := os.Stat(at(".git-credentials")); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("~/.git-credentials' mode: %v %v, want 0640 kept", fi.Mode(), err)
	}
	if got := readFile(t, at(".config", "git", "credentials")); got != "https://carol:pw@gitlab.example.org\n" {
		t.Errorf("$XDG_CONFIG_HOME/git/credentials is now %q", got)
	}
	if _, err := os.Stat(gcmFile); !os.IsNotExist(err) {
		t.Errorf("GCM's credential file is still there (--remove-source): %v", err)
	}
	wantWeb := strings.ReplaceAll(strings.ReplaceAll(webConfig, "https://fabrikam:"+fab+"@", "https://fabrikam@"), "https://"+fab+"@", "https://")
	if got := readFile(t, filepath.Join(web, ".git", "config")); got != wantWeb {
		t.Errorf("web's .git/config:\n%s\nwant only the credentials gone:\n%s", got, wantWeb)
	}
	if got, want := readFile(t, filepath.Join(web, ".git", "modules", "lib", "config")), strings.ReplaceAll(libConfig, "https://fabrikam:"+fab+"@", "https://fabrikam@"); got != want {
		t.Errorf("lib's config:\n%s\nwant:\n%s", got, want)
	}

	// Every clone fetches through adopat now; the pushurl pushes.
	for _, dir := range []string{web, filepath.Join(web, "lib"), filepath.Join(src, "shop"), at("mirrors", "toys.git"), games, filepath.Join(src, "games-feature")} {
		if r := u.git(dir, "fetch", "--quiet"); r.code != 0 {
			t.Errorf("fetch in %s after import:\n%s", dir, r)
		}
	}
	if r := u.git(web, "push", "--quiet", "origin", "HEAD:refs/heads/imported"); r.code != 0 {
		t.Errorf("push through the pushurl after import:\n%s", r)
	}
	var scopes []string
	for _, tok := range u.list() {
		scopes = append(scopes, tok.Scope)
		if tok.Status != "active" || tok.Uses == 0 {
			t.Errorf("%s after the fetches: %+v, want active and used", tok.Scope, tok)
		}
	}
	// credential-store wrote https://x:PAT@dev.azure.com for the mirror's
	// clone: the PAT is tailspin's (its URL's path says so), not org x's.
	if slices.Sort(scopes); strings.Join(scopes, " ") != "contoso fabrikam tailspin wingtip" {
		t.Errorf("tokens after import: %v", scopes)
	}

	// A second import changes nothing, to the byte and the time, and says so.
	before := snapshot(t, u.home)
	r = u.adopat("", "import", "--git-credentials", "--gcm", "--remove-source", "--repos", u.home)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to move") || strings.Contains(r.stdout, "stored ") {
		t.Errorf("second import:\n%s", r)
	}
	if after := snapshot(t, u.home); !snapshotsEqual(t, before, after) {
		t.Error("the second import changed files")
	}
}

// --dry-run lists what would move and changes nothing; --keep stores and
// leaves the places; a rerun after --keep moves nothing.
func TestImportDryRunAndKeep(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := newUser(t, srv)
	line := "https://fabrikam:" + pat + "@dev.azure.com\n"
	writeFile(t, filepath.Join(u.home, ".git-credentials"), line, 0o600)
	clone := filepath.Join(u.home, "web")
	mustGitOK(t, u, "", "clone", "--quiet", "https://x:"+pat+"@dev.azure.com/fabrikam/Website/_git/web", clone)
	// The form Azure DevOps' documentation gives, the PAT as the user name.
	mustGitOK(t, u, clone, "remote", "set-url", "origin", "https://"+pat+"@dev.azure.com/fabrikam/Website/_git/web")
	u.install()

	before := snapshot(t, u.home)
	r := u.adopat("", "import", "--git-credentials", "--repos", u.home, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "would store fabrikam") || !strings.Contains(r.stdout, "the URL would become https://dev.azure.com/fabrikam/Website/_git/web") ||
		!strings.Contains(r.stdout, "nothing was changed") || strings.Contains(r.stdout+r.stderr, pat) {
		t.Errorf("dry run:\n%s", r)
	}
	if !snapshotsEqual(t, before, snapshot(t, u.home)) {
		t.Error("--dry-run changed files")
	}

	r = u.adopat("", "import", "--git-credentials", "--repos", u.home, "--keep")
	if r.code != 0 || !strings.Contains(r.stdout, "left there (--keep)") {
		t.Errorf("--keep:\n%s", r)
	}
	if got := readFile(t, filepath.Join(u.home, ".git-credentials")); got != line {
		t.Errorf("--keep changed the file: %q", got)
	}
	if u.token("fabrikam").Status != "active" {
		t.Error("--keep did not store the PAT")
	}
	vault := u.readVault()
	r = u.adopat("", "import", "--git-credentials", "--repos", u.home, "--keep")
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to move: every Azure DevOps PAT") {
		t.Errorf("import after --keep:\n%s", r)
	}
	if !bytes.Equal(vault, u.readVault()) {
		t.Error("a rerun rewrote the vault")
	}
}

// A PAT that differs from the one stored for its scope stays where it is,
// and says so; --replace stores it instead and cleans the place.
func TestImportLeavesADifferentPATUnlessReplace(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam")
	old := adotest.NewPAT()
	writeFile(t, filepath.Join(u.home, ".git-credentials"), "https://fabrikam:"+old+"@dev.azure.com\n", 0o600)

	r := u.adopat("", "import", "--git-credentials")
	if r.code != 0 || !strings.Contains(r.stdout, "left        fabrikam") || !strings.Contains(r.stdout, "--replace") {
		t.Errorf("import of a different PAT:\n%s", r)
	}
	if !strings.Contains(readFile(t, filepath.Join(u.home, ".git-credentials")), old) {
		t.Error("the different PAT was removed from its file")
	}
	if got := u.fillPassword(webURL); got != pat {
		t.Error("the stored PAT was replaced without --replace")
	}
	r = u.adopat("", "import", "--git-credentials", "--replace")
	if r.code != 0 || !strings.Contains(r.stdout, "replacing the PAT stored before") {
		t.Errorf("--replace:\n%s", r)
	}
	if got := u.fillPassword(webURL); got != old {
		t.Error("--replace did not store the file's PAT")
	}
	if got := readFile(t, filepath.Join(u.home, ".git-credentials")); got != "" {
		t.Errorf("--replace left %q", got)
	}
}

func mustGitOK(t *testing.T, u *user, dir string, args ...string) {
	t.Helper()
	if r := u.git(dir, args...); r.code != 0 {
		t.Fatal(r)
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileState is what a rerun must not change: content, mode, time.
type fileState struct {
	data    string
	mode    fs.FileMode
	modTime time.Time
}

// snapshot records every file and directory under root.
func snapshot(t *testing.T, root string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fileState{mode: fi.Mode(), modTime: fi.ModTime()}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			st.data = string(b)
		}
		out[path] = st
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func snapshotsEqual(t *testing.T, before, after map[string]fileState) bool {
	t.Helper()
	same := true
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			t.Errorf("%s disappeared", p)
			same = false
		case a.data != b.data || a.mode != b.mode || !a.modTime.Equal(b.modTime):
			t.Errorf("%s changed", p)
			same = false
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s appeared", p)
			same = false
		}
	}
	return same
}

// doctor looks at the remote URLs of the repositories git ran adopat in
// (the usage journal records where): a PAT in a pushurl there is a
// warning naming the repository and the import that moves it, with the
// secret hidden; after that import, the check is ok.
func TestDoctorReportsCredentialsInRemoteURLsOfUsedRepositories(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := installedUser(t, srv)
	u.addPAT(pat, "--org", "fabrikam")
	clone := u.mustClone(webURL)
	mustGitOK(t, u, clone, "fetch", "--quiet") // git runs adopat in the clone: recorded
	mustGitOK(t, u, clone, "config", "remote.origin.pushurl", "https://me:"+pat+"@dev.azure.com/fabrikam/Website/_git/web")

	checks := func() []doctorCheck {
		t.Helper()
		r := u.adopat("", "doctor", "--json")
		var rep struct {
			Checks []doctorCheck `json:"checks"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("doctor --json: %v\n%s", err, r)
		}
		if strings.Contains(r.stdout+r.stderr, pat) {
			t.Fatal("doctor printed the PAT")
		}
		var out []doctorCheck
		for _, c := range rep.Checks {
			if c.Name == "remote_credential" {
				out = append(out, c)
			}
		}
		return out
	}
	got := checks()
	if len(got) != 1 || got[0].Status != "warn" || got[0].Detail != clone || !strings.Contains(got[0].Message, "remote.origin.pushurl") ||
		!strings.Contains(got[0].Message, "https://me:***@dev.azure.com/fabrikam/Website/_git/web") || !strings.Contains(got[0].Message, "import --repos") {
		t.Errorf("remote_credential checks: %+v", got)
	}
	if r := u.adopat("", "import", "--repos", clone); r.code != 0 {
		t.Fatal(r)
	}
	if got := checks(); len(got) != 1 || got[0].Status != "ok" {
		t.Errorf("after import: %+v", got)
	}
}

// doctorCheck is one check of doctor --json.
type doctorCheck struct {
	Name, Status, Message, Detail string
}
