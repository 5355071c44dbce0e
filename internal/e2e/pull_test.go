package e2e_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// pullScript is install/adopat-pull in this checkout.
func pullScript(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "install", "adopat-pull")
}

// addServerCommit adds a commit on main of the bare repository serving
// repoURL, as a push by someone else would, and returns its id.
func addServerCommit(t *testing.T, srv *adotest.Server, repoURL, file, content string) string {
	t.Helper()
	dir, err := srv.RepoDir(repoURL)
	if err != nil {
		t.Fatal(err)
	}
	msg := "Update " + file + "\n"
	who := fmt.Sprintf("someone <someone@example.test> %d +0000", time.Now().Unix())
	stream := fmt.Sprintf("commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s\nfrom refs/heads/main^0\nM 100644 inline %s\ndata %d\n%s\n",
		who, who, len(msg), msg, file, len(content), content)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull}
	cmd := exec.Command("git", "--git-dir="+dir, "fast-import", "--quiet")
	cmd.Env, cmd.Stdin = env, strings.NewReader(stream)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import into %s: %v\n%s", dir, err, out)
	}
	cmd = exec.Command("git", "--git-dir="+dir, "rev-parse", "refs/heads/main")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// silentProxy listens on loopback, accepts connections and never answers:
// a proxy or server that hangs. It lets go of them when the test ends.
func silentProxy(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// readTextfile parses a Prometheus textfile into "name{labels}" -> value,
// failing on a line that is neither a comment nor a sample.
func readTextfile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	samples := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i <= 0 {
			t.Fatalf("%s: not a sample: %q", path, line)
		}
		if _, err := strconv.ParseFloat(line[i+1:], 64); err != nil {
			t.Fatalf("%s: sample value of %q: %v", path, line, err)
		}
		if _, dup := samples[line[:i]]; dup {
			t.Fatalf("%s: %s twice", path, line[:i])
		}
		samples[line[:i]] = line[i+1:]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return samples
}

// logTextfile logs a run and the textfile it left, shown on failure or -v.
func logTextfile(t *testing.T, what string, r result, path string) {
	t.Helper()
	b, _ := os.ReadFile(path)
	t.Logf("%s: %s\n%s:\n%s", what, r, path, b)
}

// pullCounts is what a run of pull should leave in the textfile for one
// repository: its success gauge and its failures counter.
type pullCounts struct{ url, success, failures string }

// wantPullCounts checks the success gauge and failures counter of each
// repository in m, the textfile after run.
func wantPullCounts(t *testing.T, run string, m map[string]string, want []pullCounts) {
	t.Helper()
	for _, c := range want {
		l := repoLabel(c.url)
		if m["adopat_pull_success"+l] != c.success || m["adopat_pull_failures_total"+l] != c.failures {
			t.Errorf("%s, %s: success %q failures %q, want %s and %s", run, c.url, m["adopat_pull_success"+l], m["adopat_pull_failures_total"+l], c.success, c.failures)
		}
	}
}

func repoLabel(url string) string {
	return `{repo="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(url) + `"}`
}

// The recipe for servers: adopat-pull clones what is missing, fast-forwards
// what exists, fails a repository that is unknown, refused or hanging
// without ever prompting, names each failure, and keeps a textfile whose
// counters and last-success times survive from one run to the next.
func TestPullKeepsClonesUpToDate(t *testing.T) {
	t.Parallel()
	const (
		docsURL = "https://dev.azure.com/fabrikam/Website/_git/docs"
		shopURL = "https://dev.azure.com/contoso/Shop/_git/shop"
		// Not served; the quote checks the label escaping.
		unknownURL = `https://dev.azure.com/fabrikam/Website/_git/no"such`
		// Reached through a proxy that accepts and never answers.
		hangURL = "https://dev.azure.com/fabrikam/Hang/_git/hang"
		limit   = 5 // seconds, per repository
	)
	srv := startServer(t, adotest.Options{}, webURL, docsURL, shopURL)
	fab, con := adotest.NewPAT(), adotest.NewPAT()
	srv.SetPAT("fabrikam", fab)
	srv.SetPAT("contoso", con)

	// A prompt would run this askpass, which the script must disable
	// even when the caller's environment asks for prompts.
	askLog := filepath.Join(t.TempDir(), "askpass.log")
	askpass := filepath.Join(t.TempDir(), "askpass")
	if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho \"$*\" >>'"+askLog+"'\necho wrong\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	u := newUser(t, srv).with("GIT_TERMINAL_PROMPT=1", "GIT_ASKPASS="+askpass, "SSH_ASKPASS="+askpass)
	u.install()
	u.addPAT(fab, "--org", "fabrikam")
	u.addPAT(con, "--org", "contoso")
	u.mustGit("", "config", "--global", "http."+hangURL+".proxy", silentProxy(t))

	base := filepath.Join(u.home, "repos")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	// shop exists already and is behind the server.
	u.mustGit("", "clone", "--quiet", shopURL, filepath.Join(base, "contoso", "shop"))
	shopHead := addServerCommit(t, srv, shopURL, "NEWS", "shop news\n")

	list := filepath.Join(u.home, "repos.list")
	if err := os.WriteFile(list, []byte(strings.Join([]string{
		"# repositories this machine keeps",
		"",
		webURL + "  fabrikam/web",
		"  " + docsURL + "\tfabrikam/docs and notes",
		shopURL + " contoso/shop",
		unknownURL + " fabrikam/nosuch",
		hangURL + " fabrikam/hang",
	}, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(u.home, "textfile", "adopat-pull.prom")
	tokenMetrics := filepath.Join(u.home, "textfile", "adopat.prom")
	pull := func() (result, time.Duration) {
		t.Helper()
		start := time.Now()
		r := u.run(base, "", pullScript(t), "--jobs", "3", "--timeout", strconv.Itoa(limit), "--base", base,
			"--metrics", metrics, "--token-metrics", tokenMetrics, list)
		return r, time.Since(start)
	}
	head := func(dir string) string {
		t.Helper()
		return strings.TrimSpace(u.mustGit(filepath.Join(base, dir), "rev-parse", "HEAD"))
	}
	wantFailed := func(r result, failing []string, ok []string) {
		t.Helper()
		if r.code != 1 {
			t.Errorf("exit %d, want 1 (some repositories failed)\n%s", r.code, r)
		}
		for _, u := range failing {
			if !strings.Contains(r.stderr, "adopat-pull: "+u+" (") {
				t.Errorf("stderr does not name the failing %s:\n%s", u, r.stderr)
			}
		}
		for _, u := range ok {
			if strings.Contains(r.stderr, u+" ") {
				t.Errorf("stderr names %s, which was updated:\n%s", u, r.stderr)
			}
		}
		if r.stdout != "" {
			t.Errorf("stdout not empty: %q", r.stdout)
		}
	}

	// Run 1: web and docs cloned, shop fast-forwarded, two failures.
	r, took := pull()
	wantFailed(r, []string{unknownURL, hangURL}, []string{webURL, docsURL, shopURL})
	if !strings.Contains(r.stderr, fmt.Sprintf("no answer within %ds: killed", limit)) {
		t.Errorf("stderr does not say the hanging repository was killed:\n%s", r.stderr)
	}
	if took > (limit+15)*time.Second {
		t.Errorf("the run took %v; the hanging repository was not cut at %ds", took, limit)
	}
	for _, dir := range []string{"fabrikam/web", "fabrikam/docs and notes"} {
		if b, err := os.ReadFile(filepath.Join(base, dir, "README.md")); err != nil || !strings.Contains(string(b), "adotest") {
			t.Errorf("%s was not cloned: %v", dir, err)
		}
	}
	if got := head("contoso/shop"); got != shopHead {
		t.Errorf("contoso/shop is at %s, want the server's new commit %s", got, shopHead)
	}
	for _, dir := range []string{"fabrikam/nosuch", "fabrikam/hang"} {
		if _, err := os.Lstat(filepath.Join(base, dir)); err == nil {
			t.Errorf("failed clone left %s behind", dir)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(base, "*", ".*adopat-pull-clone"))
	if len(leftovers) > 0 {
		t.Errorf("temporary clones left behind: %v", leftovers)
	}

	logTextfile(t, "run 1", r, metrics)
	m1 := readTextfile(t, metrics)
	run1 := []pullCounts{
		{webURL, "1", "0"}, {docsURL, "1", "0"}, {shopURL, "1", "0"}, {unknownURL, "0", "1"}, {hangURL, "0", "1"},
	}
	wantPullCounts(t, "run 1", m1, run1)
	for _, c := range run1 {
		l := repoLabel(c.url)
		_, hasLast := m1["adopat_pull_last_success_timestamp_seconds"+l]
		if hasLast != (c.success == "1") {
			t.Errorf("run 1, %s: last success present %v, want %v", c.url, hasLast, c.success == "1")
		}
		if _, ok := m1["adopat_pull_duration_seconds"+l]; !ok {
			t.Errorf("run 1, %s: no duration", c.url)
		}
	}
	if d, _ := strconv.ParseFloat(m1["adopat_pull_duration_seconds"+repoLabel(hangURL)], 64); d < limit-1 || d > limit+15 {
		t.Errorf("the hanging repository's duration is %v s, want about %d", d, limit)
	}
	if m1["adopat_pull_failed_repositories"] != "2" {
		t.Errorf("run 1: failed repositories %q, want 2", m1["adopat_pull_failed_repositories"])
	}
	last1, _ := strconv.ParseFloat(m1["adopat_pull_last_run_timestamp_seconds"], 64)
	if now := float64(time.Now().Unix()); last1 < now-120 || last1 > now+1 {
		t.Errorf("run 1: last run timestamp %q, want about now (%v)", m1["adopat_pull_last_run_timestamp_seconds"], now)
	}
	if fi, err := os.Stat(metrics); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("textfile mode: %v %v, want 0644 for the collector", fi.Mode(), err)
	}

	// Run 2: web has a new commit; contoso's PAT was revoked, and a
	// fetch since has withdrawn it, so adopat has no answer for shop and
	// git would prompt, were prompts not off.
	webHead := addServerCommit(t, srv, webURL, "CHANGELOG", "web changes\n")
	srv.SetPAT("contoso", adotest.NewPAT())
	noPrompt := u.with("GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=")
	if r := noPrompt.git(filepath.Join(base, "contoso", "shop"), "fetch", "--quiet"); r.code == 0 {
		t.Fatalf("fetch with the revoked PAT succeeded:\n%s", r)
	}
	if tok := u.token("contoso"); tok.Status != "withdrawn" {
		t.Fatalf("contoso's token is %s, want withdrawn", tok.Status)
	}
	r, _ = pull()
	wantFailed(r, []string{unknownURL, hangURL, shopURL}, []string{webURL, docsURL})
	if b, err := os.ReadFile(askLog); err == nil {
		t.Errorf("git prompted through askpass:\n%s", b)
	}
	if got := head("fabrikam/web"); got != webHead {
		t.Errorf("fabrikam/web is at %s, want the server's new commit %s", got, webHead)
	}
	logTextfile(t, "run 2", r, metrics)
	m2 := readTextfile(t, metrics)
	wantPullCounts(t, "run 2", m2, []pullCounts{
		{webURL, "1", "0"}, {docsURL, "1", "0"}, {shopURL, "0", "1"}, {unknownURL, "0", "2"}, {hangURL, "0", "2"},
	})
	shopL, webL := repoLabel(shopURL), repoLabel(webURL)
	if m2["adopat_pull_last_success_timestamp_seconds"+shopL] != m1["adopat_pull_last_success_timestamp_seconds"+shopL] {
		t.Errorf("shop failed in run 2; its last success %q, want run 1's %q kept",
			m2["adopat_pull_last_success_timestamp_seconds"+shopL], m1["adopat_pull_last_success_timestamp_seconds"+shopL])
	}
	w1, _ := strconv.ParseFloat(m1["adopat_pull_last_success_timestamp_seconds"+webL], 64)
	w2, _ := strconv.ParseFloat(m2["adopat_pull_last_success_timestamp_seconds"+webL], 64)
	if !(w2 > w1) {
		t.Errorf("web's last success went from %v to %v, want later", w1, w2)
	}
	if _, ok := m2["adopat_pull_last_success_timestamp_seconds"+repoLabel(hangURL)]; ok {
		t.Error("the never-successful hanging repository has a last success time")
	}

	// The withdrawn token shows in the token metrics written by the run.
	tm := readTextfile(t, tokenMetrics)
	if v := tm[`adopat_token_withdrawn{scope="contoso",label=""}`]; v != "1" {
		t.Errorf("token metrics: contoso withdrawn %q, want 1\n%v", v, tm)
	}
	// The check above is live: the same git run outside the script
	// prompts through the askpass.
	u.git(filepath.Join(base, "contoso", "shop"), "fetch", "--quiet")
	if _, err := os.ReadFile(askLog); err != nil {
		t.Errorf("git outside adopat-pull did not prompt, so the no-prompt check proves nothing: %v", err)
	}
	for _, pat := range []string{fab, con} {
		for _, f := range []string{metrics, tokenMetrics} {
			if b, _ := os.ReadFile(f); strings.Contains(string(b), pat) {
				t.Errorf("a PAT appears in %s", f)
			}
		}
		if strings.Contains(r.stderr, pat) {
			t.Error("a PAT appears in adopat-pull's stderr")
		}
	}
}

// A clone whose origin is not the listed URL, and a directory in the way,
// fail by name without being touched.
func TestPullRefusesForeignDirectories(t *testing.T) {
	t.Parallel()
	const docsURL = "https://dev.azure.com/fabrikam/Website/_git/docs"
	srv := startServer(t, adotest.Options{}, webURL, docsURL)
	pat := adotest.NewPAT()
	srv.SetPAT("fabrikam", pat)
	u := newUser(t, srv)
	u.install()
	u.addPAT(pat, "--org", "fabrikam")

	base := t.TempDir()
	u.mustGit("", "clone", "--quiet", docsURL, filepath.Join(base, "web")) // the wrong repository
	if err := os.MkdirAll(filepath.Join(base, "docs", "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(u.home, "repos.list")
	if err := os.WriteFile(list, []byte(webURL+" web\n"+docsURL+" docs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := u.run("", "", pullScript(t), "-b", base, list)
	if r.code != 1 || !strings.Contains(r.stderr, `is a clone of "`+docsURL+`", not of the URL listed for it`) ||
		!strings.Contains(r.stderr, "docs exists and is not a git clone") {
		t.Errorf("want both repositories failed with the reason:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(base, "docs", "mine")); err != nil {
		t.Errorf("the directory in the way was touched: %v", err)
	}
}

// A mistake in the list stops the run before anything is done: exit 2,
// the line named, nothing cloned, no textfile.
func TestPullRefusesBadLists(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	for name, c := range map[string]struct{ list, want string }{
		"password":  {"https://fabrikam:s3cret@dev.azure.com/fabrikam/Website/_git/web web\n", "list:1: the URL holds a password"},
		"absolute":  {webURL + " /srv/web\n", `"/srv/web" is absolute`},
		"dotdot":    {"# ok\n" + webURL + " ../web\n", `list:2: "../web" must not contain . or .. segments`},
		"twice":     {webURL + " web\n" + webURL + " web/\n", `list:2: directory "web" is listed twice`},
		"no dir":    {webURL + "\n", "list:1: want \"URL DIRECTORY\""},
		"not a URL": {"web " + webURL + "\n", `"web" is not a repository URL`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			list := filepath.Join(dir, "list")
			if err := os.WriteFile(list, []byte(c.list), 0o644); err != nil {
				t.Fatal(err)
			}
			base := filepath.Join(dir, "base")
			if err := os.Mkdir(base, 0o755); err != nil {
				t.Fatal(err)
			}
			metrics := filepath.Join(dir, "pull.prom")
			r := u.run("", "", pullScript(t), "--base", base, "--metrics", metrics, list)
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("want exit 2 and %q:\n%s", c.want, r)
			}
			if strings.Contains(r.stderr, "s3cret") {
				t.Errorf("the password is echoed:\n%s", r.stderr)
			}
			if entries, _ := os.ReadDir(base); len(entries) != 0 {
				t.Errorf("the base directory was touched: %v", entries)
			}
			if _, err := os.Stat(metrics); err == nil {
				t.Error("a textfile was written for a bad list")
			}
		})
	}
	for _, args := range [][]string{{"--jobs", "0", "list"}, {"--timeout", "5m", "list"}, {"--frobnicate", "list"}, {}} {
		if r := u.run("", "", pullScript(t), args...); r.code != 2 {
			t.Errorf("adopat-pull %v: exit %d, want 2\n%s", args, r.code, r)
		}
	}
}

// install/adopat-pull passes shellcheck (POSIX sh). Under CI shellcheck
// must be installed (.ci/run does it).
func TestPullScriptShellcheck(t *testing.T) {
	t.Parallel()
	sc := requireTool(t, "shellcheck", "")
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sc, "--shell=sh", filepath.Join(root, "install", "adopat-pull"), filepath.Join(root, "install", "install.sh")).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
