//go:build unix

package importer

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// root cleaning another user's files leaves them that user's: the
// credentials file rewritten through git's lock file, and a repository's
// config rewritten by git config.
func TestRewritesKeepTheOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give files to another user")
	}
	git := isolatedGit(t)
	const uid, gid = 12345, 23456
	dir := t.TempDir()
	pat := adotest.NewPAT()
	creds := filepath.Join(dir, ".git-credentials")
	line := "https://fabrikam:" + pat + "@dev.azure.com"
	if err := os.WriteFile(creds, []byte(line+"\nhttps://a:b@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	git(dir, "init", "-q", "repo")
	config := filepath.Join(dir, "repo", ".git", "config")
	url := "https://" + pat + "@dev.azure.com/fabrikam/Web/_git/web"
	git(dir, "-C", "repo", "config", "remote.origin.url", url)
	for _, p := range []string{creds, config} {
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := RemoveCredLines(creds, map[string]bool{line: true}); err != nil {
		t.Fatal(err)
	}
	if err := (Git{Path: "git"}).ReplaceURL(config, "remote.origin.url", url, "https://dev.azure.com/fabrikam/Web/_git/web"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{creds, config} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
			t.Errorf("%s is now owned by %d:%d, want %d:%d", p, st.Uid, st.Gid, uid, gid)
		}
	}
}
