package e2e_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Through the built binary and git: install run from a temporary
// directory (as here) writes the plain name and says why. The absolute
// form install writes from a lasting place, a path the shell reads
// included ("!" and the quoted path), is what git runs with the helper not
// on PATH; doctor names it, and fails once the binary is gone; uninstall
// removes it.
func TestAbsoluteHelperPath(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX shell quoting")
	}
	srv, pat := fabrikamServer(t)
	u := newUser(t, srv)
	mine := "[credential]\n\thelper = cache\n"
	if err := os.WriteFile(filepath.Join(u.home, ".gitconfig"), []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}

	out := u.mustAdopat("", "install")
	if !strings.Contains(out, "git runs it as `git credential-adopat`, found on PATH, not by its absolute path: "+helperPath+" is in the temporary directory") {
		t.Errorf("install from a temporary directory said:\n%s", out)
	}

	// A copy in a directory whose name the shell reads, and the form
	// install writes for it.
	bin := filepath.Join(u.home, "my tools", "it's", "git-credential-adopat")
	b, err := os.ReadFile(helperPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o700); err != nil {
		t.Fatal(err)
	}
	value := "!'" + strings.ReplaceAll(bin, "'", `'\''`) + "'"
	for _, url := range []string{"https://dev.azure.com", "https://*.visualstudio.com"} {
		u.mustGit("", "config", "--global", "--replace-all", "credential."+url+".helper", value, "^adopat$")
	}
	// git finds no git-credential-adopat on PATH now.
	path := ""
	for _, kv := range u.env {
		if p, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = p
		}
	}
	_, rest, _ := strings.Cut(path, string(os.PathListSeparator))
	noPath := u.with("PATH=" + rest)

	u.addPAT(pat, "--org", "fabrikam")
	if got := noPath.fillPassword(webURL); got != pat {
		t.Errorf("git through %s: not the stored PAT", value)
	}

	doctor := func() map[string][]string {
		t.Helper()
		var rep struct {
			Checks []struct{ Name, Status, Message, Detail string } `json:"checks"`
		}
		r := noPath.adopat("", "doctor", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("doctor --json: %v\n%s", err, r)
		}
		got := map[string][]string{}
		for _, c := range rep.Checks {
			if c.Name == "helper_path" || c.Name == "path" {
				got[c.Name] = append(got[c.Name], c.Status+" "+c.Message)
			}
		}
		return got
	}
	if got := doctor(); len(got["helper_path"]) != 1 || got["helper_path"][0] != "ok git runs adopat as "+bin || len(got["path"]) != 1 || !strings.HasPrefix(got["path"][0], "info ") {
		t.Errorf("doctor with the helper at %s:\n%q", bin, got)
	}
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	got := doctor()
	if len(got["helper_path"]) != 2 {
		t.Fatalf("doctor with %s gone:\n%q", bin, got)
	}
	for _, line := range got["helper_path"] {
		if !strings.HasPrefix(line, "fail ") || !strings.Contains(line, bin+" does not exist") || !strings.Contains(line, "run `git-credential-adopat install`") {
			t.Errorf("doctor with %s gone: %s", bin, line)
		}
	}

	u.mustAdopat("", "uninstall")
	if got := u.readGlobalConfig(); got != mine {
		t.Errorf("after uninstall the config is\n%s\nwant, as before:\n%s", got, mine)
	}
}
