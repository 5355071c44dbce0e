package cli

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/importer"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// checkRemoteCredentials reports each remote or submodule URL that holds
// a credential in the repositories git ran adopat in (the directories the
// usage journal recorded, folded or not). A PAT there answers git before
// any helper is asked, so adopat never sees it; it is one `git remote -v`
// in a screen share away from a leak, which Azure DevOps answers by
// revoking the PAT. Each is a warning naming the repository, the key and
// the URL with the secret hidden, and the import that moves it.
func (a *App) checkRemoteCredentials(o *options, b *backend, data *store.Data, d *doctor) {
	dirs := journalDirs(b, data)
	if len(dirs) == 0 {
		return
	}
	servers, _ := a.declaredServers(o)
	git := importer.Git{Path: a.Git}
	clean, warned := 0, false
	for _, dir := range dirs {
		gitDir, ok := a.commonGitDir(dir)
		if !ok {
			continue // moved or deleted since, or where a clone was started
		}
		entries, err := git.List(filepath.Join(gitDir, "config"))
		if err != nil {
			continue
		}
		founds := importer.FoundInRepo(&importer.Repo{Dir: dir, GitDir: gitDir}, entries)
		if len(founds) == 0 {
			clean++
			continue
		}
		for _, f := range founds {
			fix := "take it out with `git config " + f.Key + " URL-WITHOUT-IT` (in that repository)"
			if importer.AzureURL(f.URL, servers) {
				fix = "run `git-credential-adopat import --repos " + shellQuote(dir) + "`"
			}
			d.add("remote_credential", statusWarn, dir, "", "%s: %s holds a credential (%s), which anyone who sees the config or `git remote -v` can read; %s", dir, f.Key, f.URL.Redacted(), fix)
			warned = true
		}
	}
	if !warned && clean > 0 {
		what := fmt.Sprintf("%d repositories", clean)
		if clean == 1 {
			what = "the repository"
		}
		d.add("remote_credential", statusOK, "", "", "no credential in the remote URLs of %s git ran adopat in", what)
	}
}

// journalDirs are the directories git ran adopat in, from the tokens'
// folded history (data; nil when the store could not be read) and the
// journal's pending uses, sorted, each once.
func journalDirs(b *backend, data *store.Data) []string {
	var dirs []string
	if data != nil {
		for _, t := range data.Tokens {
			for _, r := range t.Repos {
				dirs = append(dirs, r.Dirs...)
			}
		}
	}
	if uses, err := journal.New(b.Path).Pending(); err == nil {
		for _, u := range uses {
			if u.Dir != "" {
				dirs = append(dirs, u.Dir)
			}
		}
	}
	slices.Sort(dirs)
	return slices.Compact(dirs)
}

// commonGitDir is the git directory holding the config of the repository
// at dir (git rev-parse --git-common-dir: a linked worktree's main one),
// ok false when dir is no repository (any more).
func (a *App) commonGitDir(dir string) (string, bool) {
	if !filepath.IsAbs(dir) {
		return "", false
	}
	out, err := exec.Command(a.Git, "-C", dir, "rev-parse", "--git-common-dir").Output()
	if err != nil {
		return "", false
	}
	gitDir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(gitDir) {
		gitDir = filepath.Join(dir, gitDir)
	}
	return gitDir, true
}
