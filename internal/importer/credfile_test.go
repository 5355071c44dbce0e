package importer

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

func TestParseCredFileReadsWhatCredentialStoreReads(t *testing.T) {
	pat := adotest.NewPAT()
	data := "https://alice:ghp_x@github.com\n" +
		"not a url\n" +
		"https://fabrikam:" + pat + "@dev.azure.com\r\n" + // edited on Windows
		"https://nopass@dev.azure.com\n" +
		"\n" +
		"https://u:pw@example.com/path" // no final newline
	lines := ParseCredFile([]byte(data))
	if len(lines) != 6 {
		t.Fatalf("%d lines", len(lines))
	}
	want := []bool{true, false, true, false, false, true}
	for i, l := range lines {
		if l.N != i+1 || l.OK != want[i] {
			t.Errorf("line %d: N %d OK %v", i+1, l.N, l.OK)
		}
	}
	if lines[2].Raw != "https://fabrikam:"+pat+"@dev.azure.com\r" || lines[2].URL.Host != "dev.azure.com" || lines[2].URL.Password != pat {
		t.Errorf("CRLF line: raw %q host %q", lines[2].Raw, lines[2].URL.Host)
	}
	found := FoundInCredFile("F", lines)
	if len(found) != 3 || found[1].Line != 3 || found[1].Secret != pat || found[1].Where() != "F line 3" {
		t.Errorf("found %+v", found)
	}
}

func TestCredFilesInGitsOrder(t *testing.T) {
	env := map[string]string{"HOME": "/h"}
	got := CredFiles(func(k string) string { return env[k] })
	if want := []string{filepath.Join("/h", ".git-credentials"), filepath.Join("/h", ".config", "git", "credentials")}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %v", got)
	}
	env["XDG_CONFIG_HOME"] = "/x"
	if got := CredFiles(func(k string) string { return env[k] }); got[1] != filepath.Join("/x", "git", "credentials") {
		t.Errorf("got %v", got)
	}
}

// The rewrite keeps every other byte, the mode, and goes through git's
// lock file; a link is followed to the file, as git's lockfile does.
func TestRemoveCredLinesKeepsEverythingElse(t *testing.T) {
	dir := t.TempDir()
	pat := adotest.NewPAT()
	azure := "https://fabrikam:" + pat + "@dev.azure.com"
	data := "https://alice:ghp_x@github.com\r\n" + azure + "\n# a comment git ignores\n" + azure + "\nhttps://u:pw@example.com/path"
	real := filepath.Join(dir, "real-credentials")
	if err := os.WriteFile(real, []byte(data), 0o640); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ".git-credentials")
	if runtime.GOOS != "windows" {
		if err := os.Symlink(real, path); err != nil {
			t.Fatal(err)
		}
	} else {
		path = real
	}
	n, err := RemoveCredLines(path, map[string]bool{azure: true})
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v", n, err)
	}
	got, _ := os.ReadFile(real)
	if want := "https://alice:ghp_x@github.com\r\n# a comment git ignores\nhttps://u:pw@example.com/path"; string(got) != want {
		t.Errorf("file now %q, want %q", got, want)
	}
	if fi, _ := os.Lstat(real); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	if fi, _ := os.Lstat(path); runtime.GOOS != "windows" && fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if _, err := os.Stat(real + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left: %v", err)
	}

	// Nothing to remove: the file is not written (same inode, same bytes).
	before, _ := os.Stat(real)
	if n, err := RemoveCredLines(path, map[string]bool{azure: true}); n != 0 || err != nil {
		t.Fatalf("second run removed %d, %v", n, err)
	}
	if after, _ := os.Stat(real); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Error("a run with nothing to remove rewrote the file")
	}
}

// A lock git holds (or left) stops the rewrite, which leaves the file and
// the lock alone and says what to do.
func TestRemoveCredLinesRespectsGitsLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".git-credentials")
	line := "https://fabrikam:" + adotest.NewPAT() + "@dev.azure.com"
	if err := os.WriteFile(path, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".lock", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := RemoveCredLines(path, map[string]bool{line: true})
	if err == nil || !strings.Contains(err.Error(), ".lock exists") {
		t.Fatalf("err %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != line+"\n" {
		t.Error("the file changed under git's lock")
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Error("git's lock was removed")
	}
}
