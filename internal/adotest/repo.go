package adotest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// AddRepo creates a bare repository with one commit (a README) and serves
// it at repoURL and at every other URL form Azure DevOps accepts for it.
func (s *Server) AddRepo(repoURL string) error {
	o, forms, err := s.parseRepoURL(repoURL)
	if err != nil {
		return err
	}
	// Serialised so numbering and the duplicate check cannot race; repos
	// are added at setup time, so the lost parallelism does not matter.
	s.addMu.Lock()
	defer s.addMu.Unlock()
	for _, f := range forms {
		if r := s.routeAt(o, f); r != nil {
			return fmt.Errorf("adotest: %s%s is already served by %s", o, f, r.url)
		}
	}
	s.repoCount++
	rel := repoDirName(s.repoCount, forms[0])
	dir := filepath.Join(s.reposDir, rel)
	if err := s.initBareRepo(dir, repoURL); err != nil {
		return err
	}
	r := &repo{url: repoURL, dir: dir, rel: rel}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range forms {
		s.routes = append(s.routes, route{origin: o, prefix: f, repo: r})
	}
	return nil
}

// routeAt returns the repository registered at exactly prefix p of o.
// (lookup would also match a parent prefix, which is not a duplicate.)
func (s *Server) routeAt(o origin, p string) *repo {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rt := range s.routes {
		if rt.origin == o && strings.EqualFold(rt.prefix, p) {
			return rt.repo
		}
	}
	return nil
}

// RepoDir returns the bare repository serving repoURL, so a test can
// inspect what a push delivered.
func (s *Server) RepoDir(repoURL string) (string, error) {
	o, forms, err := s.parseRepoURL(repoURL)
	if err != nil {
		return "", err
	}
	r := s.routeAt(o, forms[0])
	if r == nil {
		return "", fmt.Errorf("adotest: no repository at %s", repoURL)
	}
	return r.dir, nil
}

// commitTime is fixed so a repository's commit id depends only on its URL,
// which keeps runs reproducible.
const commitTime = "1700000000 +0000"

// initBareRepo creates dir as a bare repository whose main branch holds one
// commit with a README naming repoURL. fast-import builds the commit in a
// single process without needing a work tree.
func (s *Server) initBareRepo(dir, repoURL string) error {
	if err := s.git("", "init", "--quiet", "--bare", "--initial-branch=main", dir); err != nil {
		return err
	}
	readme := fmt.Sprintf("# %s\n\nServed by the adotest stand-in at %s\n", filepath.Base(repoURL), repoURL)
	msg := "Initial commit\n"
	who := "adotest <adotest@example.test> " + commitTime
	stream := fmt.Sprintf("commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s\nM 100644 inline README.md\ndata %d\n%s\n",
		who, who, len(msg), msg, len(readme), readme)
	return s.git(stream, "--git-dir="+dir, "fast-import", "--quiet")
}

// git runs git for repository setup with an isolated environment, so the
// developer's or CI's configuration (templates, hooks, init.defaultBranch,
// signing) cannot leak into the fixtures.
func (s *Server) git(stdin string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Env = s.isolatedGitEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("adotest: git %s: %v: %s", strings.Join(args, " "), err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}

// isolatedGitEnv is the server side's git environment: only PATH survives
// from the caller.
func (s *Server) isolatedGitEnv() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + os.DevNull,
		"GIT_AUTHOR_NAME=adotest",
		"GIT_AUTHOR_EMAIL=adotest@example.test",
		"GIT_COMMITTER_NAME=adotest",
		"GIT_COMMITTER_EMAIL=adotest@example.test",
	}
}
