package cli

import (
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// importApp is a test App for import: git isolated, and no session bus,
// so that no test reaches the developer's keyring and GCM's items there.
func importApp(t *testing.T) *testApp {
	t.Helper()
	ta := newTestApp(t)
	isolateGit(t, ta)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	return ta
}

// repoWithRemote makes a repository at dir whose origin URL is url.
func repoWithRemote(t *testing.T, dir, url string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", dir}, {"-C", dir, "config", "remote.origin.url", url}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

func TestImportUsageErrors(t *testing.T) {
	ta := importApp(t)
	file := filepath.Join(ta.dir, "creds")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		say  string
	}{
		{[]string{"--keep", "--remove-source"}, "give one of them"},
		{[]string{ta.dir}, "give --repos"},
		{[]string{"--repos", file}, "give --git-credentials"},
		{[]string{"--repos"}, "needs at least one directory"},
		{[]string{"--git-credentials", filepath.Join(ta.dir, "none")}, "does not exist"},
		{[]string{"--org", "not an org"}, "not an Azure DevOps organisation"},
		{[]string{"--repos", ta.dir, "--depth", "-1"}, "--depth -1"},
		{[]string{"--repos=" + file}, "give --git-credentials"},
		{[]string{"--git-credentials=" + ta.dir}, "give --repos"},
	} {
		if code := ta.run("", append([]string{"import"}, c.args...)...); code != ExitUsage || !strings.Contains(ta.stderr.String(), c.say) {
			t.Errorf("import %v: exit %d, stderr %q, want it to say %q", c.args, code, ta.stderr, c.say)
		}
	}
}

// Every git import runs sees no secret on its command line: the value
// pattern that selects the line to rewrite leaves the userinfo out.
func TestImportNeverPutsASecretOnGitsCommandLine(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the argv log is a shell script")
	}
	ta := importApp(t)
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	log := filepath.Join(ta.dir, "argv.log")
	shim := filepath.Join(ta.dir, "git-shim")
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + log + "'\nexec '" + realGit + "' \"$@\"\n"
	if err := os.WriteFile(shim, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	ta.Git = shim
	pat, other := adotest.NewPAT(), adotest.NewPAT()
	repo := filepath.Join(ta.dir, "src", "web")
	repoWithRemote(t, repo, "https://fabrikam:"+pat+"@dev.azure.com/fabrikam/Website/_git/web")
	if out, err := exec.Command("git", "-C", repo, "config", "--add", "remote.origin.pushurl", "https://"+other+"@dev.azure.com/fabrikam/Website/_git/web").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	creds := filepath.Join(ta.dir, "creds")
	if err := os.WriteFile(creds, []byte("https://fabrikam:"+other+"@dev.azure.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	code := ta.run("", "import", "--git-credentials", creds, "--repos", filepath.Join(ta.dir, "src"), "--replace")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stderr)
	}
	argv, err := os.ReadFile(log)
	if err != nil || !strings.Contains(string(argv), "config --file") {
		t.Fatalf("the shim saw no git config: %v %s", err, argv)
	}
	for _, s := range []string{pat, other} {
		if strings.Contains(string(argv), s) {
			t.Errorf("a PAT was on git's command line:\n%s", argv)
		}
		if strings.Contains(ta.stdout.String()+ta.stderr.String(), s) {
			t.Errorf("a PAT was printed:\n%s%s", ta.stdout, ta.stderr)
		}
	}
	// The file's PAT won for fabrikam (it serves every repository) and
	// left the pushurl too; the URL's different one was left, and says why.
	config, _ := os.ReadFile(filepath.Join(repo, ".git", "config"))
	if strings.Contains(string(config), other) || !strings.Contains(string(config), pat) {
		t.Errorf(".git/config:\n%s", config)
	}
	if !strings.Contains(ta.stdout.String(), "left        fabrikam "+repo+" remote.origin.url: a different PAT") {
		t.Errorf("output:\n%s", ta.stdout)
	}
}

// A declared server's PAT is stored host-wide with the URL's user name,
// which the cleaned URL keeps: it is part of the token's key.
func TestImportDeclaredServer(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	repo := filepath.Join(ta.dir, "src", "tfs")
	repoWithRemote(t, repo, "https://jdoe:"+pat+"@tfs.example.com/tfs/Coll/P/_git/r")
	if code := ta.run("", "import", "--repos="+repo, "--server", "https://tfs.example.com/tfs"); code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stderr)
	}
	if !strings.Contains(ta.stdout.String(), "stored      https://jdoe@tfs.example.com") {
		t.Errorf("output:\n%s", ta.stdout)
	}
	out, _ := exec.Command("git", "-C", repo, "config", "remote.origin.url").Output()
	if string(out) != "https://jdoe@tfs.example.com/tfs/Coll/P/_git/r\n" {
		t.Errorf("URL now %q", out)
	}
	// git was never told to ask adopat here: import says so.
	if !strings.Contains(ta.stderr.String(), "git does not ask adopat") || !strings.Contains(ta.stderr.String(), "git-credential-adopat install") {
		t.Errorf("stderr:\n%s", ta.stderr)
	}
	if tok := listJSON(t, ta).Tokens; len(tok) != 1 || tok[0].Scope != "https://jdoe@tfs.example.com" {
		t.Errorf("tokens %+v", tok)
	}
}

// A PAT in the URL of an Azure DevOps Server nobody declared is not
// import's to take (it cannot tell the host from any other), but it is
// named, with the install --server that declares it, never silently left.
func TestImportNamesAnUndeclaredServersURL(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	repoWithRemote(t, filepath.Join(ta.dir, "src", "app"), "https://jdoe:"+pat+"@tfs.example.com:8443/tfs/DefaultCollection/Proj/_git/app")
	repoWithRemote(t, filepath.Join(ta.dir, "src", "gh"), "https://alice:ghp_x@github.com/alice/x.git")
	ta.mustRun(t, "import", "--repos", filepath.Join(ta.dir, "src"))
	errText := ta.stderr.String()
	if !strings.Contains(errText, "install --server https://tfs.example.com:8443") || strings.Contains(errText, "github") ||
		strings.Contains(ta.stdout.String()+errText, pat) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", ta.stdout, errText)
	}
}

// Overlapping DIRs find a repository twice: it is read and cleaned once,
// and its remote keeps one URL (git config adds a value its pattern does
// not select).
func TestImportOverlappingDirs(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	src := filepath.Join(ta.dir, "src")
	repo := filepath.Join(src, "shop")
	repoWithRemote(t, repo, "https://x:"+pat+"@dev.azure.com/contoso/Shop/_git/shop")
	ta.mustRun(t, "import", "--repos", src, repo, src)
	if n := strings.Count(ta.stdout.String(), "remote.origin.url"); n != 1 {
		t.Errorf("the URL is reported %d times:\n%s", n, ta.stdout)
	}
	out, err := exec.Command("git", "-C", repo, "config", "--get-all", "remote.origin.url").Output()
	if err != nil || string(out) != "https://dev.azure.com/contoso/Shop/_git/shop\n" {
		t.Errorf("remote.origin.url now %q (%v)", out, err)
	}
}

// .gitmodules is the repository's history: a PAT there is reported with
// what to do, never printed and never rewritten; the same goes for a
// url.<base>.insteadOf section holding one.
func TestImportReportsWhatItDoesNotRewrite(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	repo := filepath.Join(ta.dir, "src", "web")
	repoWithRemote(t, repo, "https://dev.azure.com/fabrikam/Website/_git/web")
	modules := "[submodule \"lib\"]\n\tpath = lib\n\turl = https://" + pat + "@dev.azure.com/fabrikam/Website/_git/lib\n"
	if err := os.WriteFile(filepath.Join(repo, ".gitmodules"), []byte(modules), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "-C", repo, "config", "url.https://x:"+pat+"@dev.azure.com/.insteadOf", "https://dev.azure.com/").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	global := adotest.NewPAT()
	if out, err := exec.Command("git", "config", "--global", "url.https://"+global+"@dev.azure.com/.insteadOf", "https://dev.azure.com/").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	config, _ := os.ReadFile(filepath.Join(repo, ".git", "config"))
	if code := ta.run("", "import", "--repos", repo, "--git-credentials"); code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stderr)
	}
	out := ta.stdout.String()
	if strings.Contains(out+ta.stderr.String(), pat) || strings.Contains(out+ta.stderr.String(), global) {
		t.Fatalf("a PAT was printed:\n%s", out)
	}
	if !strings.Contains(out, filepath.Join(ta.dir, "gitconfig")+" url.https://***@dev.azure.com/.insteadof") {
		t.Errorf("the global insteadOf is not reported:\n%s", out)
	}
	if !strings.Contains(out, "exposed") || !strings.Contains(out, ".gitmodules submodule.lib.url (https://***@dev.azure.com/fabrikam/Website/_git/lib)") ||
		!strings.Contains(out, "revoke the PAT") || !strings.Contains(out, "url.https://x:***@dev.azure.com/.insteadof") {
		t.Errorf("output:\n%s", out)
	}
	if got, _ := os.ReadFile(filepath.Join(repo, ".gitmodules")); string(got) != modules {
		t.Error(".gitmodules was changed")
	}
	if got, _ := os.ReadFile(filepath.Join(repo, ".git", "config")); string(got) != string(config) {
		t.Error(".git/config was changed")
	}
}

// add stores what it is given, but says so when it looks like no PAT.
func TestAddWarnsWhenInputIsNotAPAT(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run("hunter2\n", "add", "--org", "fabrikam", "--no-verify"); code != 0 || !strings.Contains(ta.stderr.String(), "does not look like an Azure DevOps PAT") || strings.Contains(ta.stderr.String(), "hunter2") {
		t.Errorf("exit %d, stderr %q", code, ta.stderr)
	}
	current := strings.Repeat("a1B2", 19) + "AZDO" + "abcd"
	for _, pat := range []string{adotest.NewPAT(), current} {
		if code := ta.run(pat+"\n", "add", "--org", "fabrikam", "--no-verify"); code != 0 || ta.stderr.Len() != 0 {
			t.Errorf("a PAT: exit %d, stderr %q", code, ta.stderr)
		}
	}
	// A server's PAT may have another shape: no warning.
	if code := ta.run("hunter2\n", "add", "--server", "https://tfs.example.com", "--no-verify"); code != 0 || strings.Contains(ta.stderr.String(), "does not look like") {
		t.Errorf("server: exit %d, stderr %q", code, ta.stderr)
	}
}

// A rerun that finds only what it leaves (a GCM entry kept without
// --remove-source, a password that is no PAT) writes nothing at all: not
// the vault, not even its lock file, which a write lock rewrites.
func TestImportRerunWritesNoStoreFile(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	gcm := filepath.Join(ta.dir, "gcm")
	ta.env["GCM_PLAINTEXT_STORE_PATH"] = gcm
	file := filepath.Join(gcm, "git", "https", "dev.azure.com", "fabrikam", "jdoe.credential")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(pat+"\nservice=https://dev.azure.com/fabrikam\naccount=jdoe\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(ta.dir, "creds")
	if err := os.WriteFile(creds, []byte("https://x:hunter2@dev.azure.com/contoso\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ta.mustRun(t, "import", "--gcm", "--git-credentials", creds)
	data := filepath.Dir(ta.env["ADOPAT_VAULT"])
	before := dirState(t, data)
	ta.mustRun(t, "import", "--gcm", "--git-credentials", creds)
	if !strings.Contains(ta.stdout.String(), "nothing moved") {
		t.Errorf("second import:\n%s", ta.stdout)
	}
	if after := dirState(t, data); after != before {
		t.Errorf("the second import wrote in %s:\nbefore:\n%s\nafter:\n%s", data, before, after)
	}
}

// dirState is each file in dir with its size, modification time and a
// hash of its content, one a line.
func dirState(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		fmt.Fprintf(&b, "%s %d %s %x\n", e.Name(), fi.Size(), fi.ModTime().Format(time.RFC3339Nano), sha256.Sum256(data))
	}
	return b.String()
}

// git's credential-store keeps whatever user name was typed at its
// prompt: https://jdoe:PAT@dev.azure.com for a clone of
// https://dev.azure.com/fabrikam/.... Taken for the organisation, the PAT
// would be stored for "jdoe", its line removed, and fabrikam's clones
// would stop fetching: it is left, naming the organisations the clones
// do, until --org says whose it is.
func TestImportDoesNotTakeAPromptsUserNameForTheOrganisation(t *testing.T) {
	ta := importApp(t)
	pat := adotest.NewPAT()
	repoWithRemote(t, filepath.Join(ta.dir, "src", "web"), "https://dev.azure.com/fabrikam/Website/_git/web")
	creds := filepath.Join(ta.dir, "creds")
	line := "https://jdoe:" + pat + "@dev.azure.com\n"
	if err := os.WriteFile(creds, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	ta.mustRun(t, "import", "--git-credentials", creds, "--repos", filepath.Join(ta.dir, "src"))
	if out := ta.stdout.String(); !strings.Contains(out, "left ") || !strings.Contains(out, `user name "jdoe"`) ||
		!strings.Contains(out, "the repositories searched name fabrikam") || strings.Contains(out, pat) {
		t.Errorf("output:\n%s", out)
	}
	if got, _ := os.ReadFile(creds); string(got) != line {
		t.Errorf("the line was taken: %q", got)
	}
	if tok := listJSON(t, ta).Tokens; len(tok) != 0 {
		t.Errorf("tokens %+v, want none", tok)
	}
	ta.mustRun(t, "import", "--git-credentials", creds, "--org", "fabrikam")
	if !strings.Contains(ta.stdout.String(), "stored      fabrikam") {
		t.Errorf("with --org:\n%s", ta.stdout)
	}
	if got, _ := os.ReadFile(creds); string(got) != "" {
		t.Errorf("the line is still there: %q", got)
	}
}

// A secret in neither PAT format but shaped like a generated token (here
// 52 hex digits) is taken beside an Azure DevOps URL, and its line says to
// check it; a password and another service's token are left.
func TestImportTakesATokenShapedSecretAndSaysToVerifyIt(t *testing.T) {
	ta := importApp(t)
	hex := strings.Repeat("0123456789abcdef", 4)[:52]
	creds := filepath.Join(ta.dir, "creds")
	content := "https://fabrikam:" + hex + "@dev.azure.com/fabrikam\n" +
		"https://contoso:hunter2hunter2@dev.azure.com/contoso\n" +
		"https://tailspin:ghp_0123456789abcdefABCDEF0123456789abcd@dev.azure.com/tailspin\n"
	if err := os.WriteFile(creds, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ta.mustRun(t, "import", "--git-credentials", creds)
	out := ta.stdout.String()
	if !strings.Contains(out, "stored      fabrikam") || !strings.Contains(out, "check it with verify") {
		t.Errorf("the token-shaped secret:\n%s", out)
	}
	left := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "left ") {
			left++
		}
	}
	if left != 2 || strings.Contains(out, hex) {
		t.Errorf("want the password and the GitHub token left, no secret printed:\n%s", out)
	}
	got, _ := os.ReadFile(creds)
	if strings.Contains(string(got), hex) || !strings.Contains(string(got), "hunter2hunter2") || !strings.Contains(string(got), "ghp_") {
		t.Errorf("credentials file after import:\n%s", got)
	}
}

// gitAsksAdopat reads git's configuration as git reads it for the URL:
// in a repository, its own config too (a cleaned URL's repository may
// set another helper or no useHttpPath); without one, git's global view.
func TestImportGitAsksAdopat(t *testing.T) {
	ta := importApp(t)
	r := &importRun{a: ta.App}
	url := "https://dev.azure.com/fabrikam/_git/x"
	if r.gitAsksAdopat("", url) {
		t.Error("no helper is configured, but git asks adopat")
	}
	for _, kv := range [][2]string{{"credential.https://dev.azure.com.helper", helperName}, {"credential.https://dev.azure.com.useHttpPath", "true"}} {
		if out, err := exec.Command("git", "config", "--global", kv[0], kv[1]).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
	}
	repo := filepath.Join(ta.dir, "src", "web")
	repoWithRemote(t, repo, "https://dev.azure.com/fabrikam/Website/_git/web")
	gitDir := filepath.Join(repo, ".git")
	if !r.gitAsksAdopat("", url) || !r.gitAsksAdopat(gitDir, url) {
		t.Error("git asks adopat with a path for dev.azure.com, but gitAsksAdopat says no")
	}
	if out, err := exec.Command("git", "-C", repo, "config", "credential.https://dev.azure.com.useHttpPath", "false").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if r.gitAsksAdopat(gitDir, url) {
		t.Error("the repository sends no path, but gitAsksAdopat says git asks adopat there")
	}
	if !r.gitAsksAdopat("", url) {
		t.Error("the repository's setting was read without its git directory")
	}
}
