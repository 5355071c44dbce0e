package adotest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startWithWeb starts a server holding webURL, whose organisation accepts
// the PAT it returns.
func startWithWeb(t *testing.T) (*Server, string) {
	t.Helper()
	return startWithRepos(t, webURL)
}

// startWithRepos starts a server holding the repositories at urls, of
// fabrikam, which accepts the PAT it returns.
func startWithRepos(t *testing.T, urls ...string) (*Server, string) {
	t.Helper()
	s := StartT(t)
	pat := NewPAT()
	s.SetPAT("fabrikam", pat)
	mustAddRepos(t, s, urls...)
	return s, pat
}

// mustAddRepos adds the repositories at urls, failing the test if one is
// refused.
func mustAddRepos(t *testing.T, s *Server, urls ...string) {
	t.Helper()
	for _, u := range urls {
		if err := s.AddRepo(u); err != nil {
			t.Fatal(err)
		}
	}
}

// gitClient is an isolated git user whose credential helper, a shell
// script, answers every "get" with one fixed PAT.
type gitClient struct {
	t    *testing.T
	home string
	env  []string
}

func newGitClient(t *testing.T, s *Server, pat string) *gitClient {
	t.Helper()
	home := t.TempDir()
	helper := filepath.Join(home, "helper.sh")
	script := "#!/bin/sh\n" +
		"cat >/dev/null # git's request is irrelevant here\n" +
		"test \"$1\" = get || exit 0\n" +
		"echo username=x\n" +
		"echo password=" + pat + "\n"
	if err := os.WriteFile(helper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "[credential]\n\thelper = " + helper + "\n[user]\n\tname = Test\n\temail = test@example.test\n"
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return &gitClient{t: t, home: home, env: append(os.Environ(), s.GitEnv(home)...)}
}

// git runs git in dir (home when empty) and returns its combined output.
func (c *gitClient) git(dir string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Env = c.env
	cmd.Dir = c.home
	if dir != "" {
		cmd.Dir = dir
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// clone clones repoURL into a fresh directory below home and returns it.
func (c *gitClient) clone(repoURL string) (string, string, error) {
	c.t.Helper()
	dst, err := os.MkdirTemp(c.home, "clone-")
	if err != nil {
		c.t.Fatal(err)
	}
	out, err := c.git("", "clone", "--quiet", repoURL, dst)
	return dst, out, err
}

// mustClone clones repoURL and checks the fixture README arrived.
func (c *gitClient) mustClone(repoURL string) string {
	c.t.Helper()
	dst, out, err := c.clone(repoURL)
	if err != nil {
		c.t.Fatalf("git clone %s: %v\n%s", repoURL, err, out)
	}
	readme, err := os.ReadFile(filepath.Join(dst, "README.md"))
	if err != nil || !strings.Contains(string(readme), "adotest") {
		c.t.Fatalf("clone of %s has no fixture README: %v %q", repoURL, err, readme)
	}
	return dst
}

// assertNoSecret fails if any recorded request line or host holds a PAT.
func assertNoSecret(t *testing.T, s *Server, pats ...string) {
	t.Helper()
	for _, r := range s.Requests() {
		for _, p := range pats {
			if strings.Contains(r.Line, p) || strings.Contains(r.Host, p) {
				t.Errorf("PAT leaked into request log: %q", r.Line)
			}
		}
	}
}

// assertLine fails unless some request line equals want.
func assertLine(t *testing.T, s *Server, want string) {
	t.Helper()
	for _, l := range s.RequestLines() {
		if l == want {
			return
		}
	}
	t.Errorf("request line %q not seen; got:\n%s", want, strings.Join(s.RequestLines(), "\n"))
}

// statusSeen reports whether some request was answered with code.
func statusSeen(s *Server, code int) bool {
	for _, r := range s.Requests() {
		if r.Status == code {
			return true
		}
	}
	return false
}
