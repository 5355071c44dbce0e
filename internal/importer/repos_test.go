package importer

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// isolatedGit runs the real git with a throw-away HOME and global config.
func isolatedGit(t *testing.T) func(dir string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		// The Windows build's tests run under Wine (make test-windows),
		// where there is no Windows git: only there may this skip in CI.
		if os.Getenv("CI") != "" && runtime.GOOS != "windows" {
			t.Fatal("git not found, and CI is set")
		}
		t.Skip("git not installed")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	return func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.test", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

func TestFindReposLayouts(t *testing.T) {
	git := isolatedGit(t)
	root := t.TempDir()
	outside := t.TempDir()
	at := func(p ...string) string { return filepath.Join(append([]string{root}, p...)...) }
	git(root, "init", "-q", "a")
	git(at("a"), "commit", "-q", "--allow-empty", "-m", "x")
	git(at("a"), "worktree", "add", "-q", at("wt"))     // shares a's git directory
	git(root, "init", "-q", at("a", "nested"))          // a repository inside a working tree
	git(root, "init", "-q", "--bare", at("mirror.git")) // bare
	if err := os.MkdirAll(at("a", ".git", "modules", "group"), 0o755); err != nil {
		t.Fatal(err)
	}
	git(root, "init", "-q", "--separate-git-dir", at("a", ".git", "modules", "lib"), at("a", "lib")) // an absorbed submodule
	git(root, "init", "-q", "--bare", at("a", ".git", "modules", "group", "gone"))                   // a submodule with no working tree
	git(root, "init", "-q", at("deep", "1", "2", "3"))                                               // below --depth 2
	git(outside, "init", "-q", "o")
	git(filepath.Join(outside, "o"), "commit", "-q", "--allow-empty", "-m", "x")
	git(filepath.Join(outside, "o"), "worktree", "add", "-q", at("foreign-wt")) // its git directory is outside root
	if runtime.GOOS != "windows" {
		if err := os.Symlink(filepath.Join(outside, "o"), at("link")); err != nil {
			t.Fatal(err)
		}
	}

	repos, skipped, err := FindRepos(root, 2)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(root)
	var got []string
	for _, r := range repos {
		rel, _ := filepath.Rel(real, r.GitDir)
		got = append(got, filepath.ToSlash(rel))
	}
	slices.Sort(got)
	want := []string{"a/.git", "a/.git/modules/group/gone", "a/.git/modules/lib", "a/nested/.git", "mirror.git"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("git directories found:\n%v\nwant\n%v", got, want)
	}
	var why []string
	for _, s := range skipped {
		why = append(why, s.Path+": "+s.Why)
	}
	text := strings.Join(why, "\n")
	if !strings.Contains(text, "foreign-wt: its git directory") || !strings.Contains(text, "outside the directory searched") {
		t.Errorf("the worktree of a repository outside root is not reported:\n%s", text)
	}
	if runtime.GOOS != "windows" && !strings.Contains(text, "link: is a symbolic link to the repository") {
		t.Errorf("the link to a repository outside root is not reported:\n%s", text)
	}
	if !strings.Contains(text, "not searched (--depth)") {
		t.Errorf("the depth limit is not reported:\n%s", text)
	}
	for _, r := range repos {
		if strings.HasPrefix(r.GitDir, outside) {
			t.Errorf("followed out of root to %s", r.GitDir)
		}
	}
}

// git config adds a value when its pattern selects none: ReplaceURL
// changes only the very value import read, so a URL already cleaned (the
// repository read twice) gets no second url line, and a URL whose
// credential changed meanwhile keeps it (that PAT was never stored).
func TestReplaceURLChangesOnlyTheValueRead(t *testing.T) {
	git := isolatedGit(t)
	dir := t.TempDir()
	git(dir, "init", "-q", "repo")
	config := filepath.Join(dir, "repo", ".git", "config")
	pat, other := adotest.NewPAT(), adotest.NewPAT()
	read := "https://x:" + pat + "@dev.azure.com/fabrikam/Web/_git/web"
	clean := "https://dev.azure.com/fabrikam/Web/_git/web"
	g := Git{Path: "git"}
	for _, now := range []string{clean, "https://x:" + other + "@dev.azure.com/fabrikam/Web/_git/web"} {
		git(dir, "-C", "repo", "config", "remote.origin.url", now)
		before, _ := os.ReadFile(config)
		if err := g.ReplaceURL(config, "remote.origin.url", read, clean); err == nil || !strings.Contains(err.Error(), "no longer holds") {
			t.Errorf("ReplaceURL with %s there: %v", now, err)
		}
		if after, _ := os.ReadFile(config); string(after) != string(before) {
			t.Errorf("the config changed:\n%s", after)
		}
	}
	git(dir, "-C", "repo", "config", "remote.origin.url", read)
	if err := g.ReplaceURL(config, "remote.origin.url", read, clean); err != nil {
		t.Fatal(err)
	}
	entries, err := g.List(config)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, e := range entries {
		if e.Key == "remote.origin.url" {
			urls = append(urls, e.Value)
		}
	}
	if strings.Join(urls, " ") != clean {
		t.Errorf("remote.origin.url: %q", urls)
	}
}

// A repository whose config is a symbolic link (to another user's clone,
// say, when root cleans a home directory) is not taken: git config would
// read and rewrite the file the link leads to, outside the directory
// searched.
func TestFindReposConfigLink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	git := isolatedGit(t)
	root, outside := t.TempDir(), t.TempDir()
	git(root, "init", "-q", "w") // a working tree's .git directory
	git(root, "init", "-q", "--bare", "b.git")
	git(outside, "init", "-q", "o")
	target := filepath.Join(outside, "o", ".git", "config")
	for _, cfg := range []string{filepath.Join(root, "w", ".git", "config"), filepath.Join(root, "b.git", "config")} {
		if err := os.Remove(cfg); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, cfg); err != nil {
			t.Fatal(err)
		}
	}
	repos, skipped, err := FindRepos(root, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != 0 {
		t.Errorf("repositories whose config is a link were taken: %+v", repos)
	}
	var why []string
	for _, s := range skipped {
		why = append(why, s.Path+": "+s.Why)
	}
	if !slices.ContainsFunc(why, func(s string) bool {
		return strings.Contains(s, filepath.Join("w")) && strings.Contains(s, "symbolic link")
	}) {
		t.Errorf("the working tree's linked config is not reported: %q", why)
	}
}
