package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Through the built binary and git: settings the user made by hand
// survive uninstall when adopat was never installed ("nothing to
// remove"), and survive install + uninstall, which also removes a
// declared server not named on uninstall's command line; git then asks
// the user's helper again and no entry names adopat.
func TestUninstallLeavesHandMadeSettings(t *testing.T) {
	t.Parallel()
	u := newUser(t, nil)
	mine := "[credential]\n\thelper = cache\n" +
		"[credential \"https://dev.azure.com\"]\n\thelper = \n\thelper = manager\n\tuseHttpPath = false\n"
	global := filepath.Join(u.home, ".gitconfig")
	if err := os.WriteFile(global, []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := u.mustAdopat("", "uninstall"); !strings.HasPrefix(out, "nothing to remove") {
		t.Errorf("uninstall before any install said %q", out)
	}
	if got := u.readGlobalConfig(); got != mine {
		t.Fatalf("uninstall before any install changed the config:\n%s", got)
	}

	u.install("https://tfs.example.test:8443/DefaultCollection")
	if got := strings.TrimSpace(u.mustGit("", "config", "--get-urlmatch", "credential.helper", "https://tfs.example.test:8443/DefaultCollection/P/_git/r")); !strings.HasPrefix(got, "adopat --server") {
		t.Fatalf("after install git asks %q for the server", got)
	}
	u.mustAdopat("", "uninstall")
	if got := u.readGlobalConfig(); got != mine {
		t.Errorf("after install and uninstall the config is\n%s\nwant, as before:\n%s", got, mine)
	}
	if got := u.mustGit("", "config", "--get-urlmatch", "credential.helper", webURL); strings.TrimSpace(got) != "manager" {
		t.Errorf("after uninstall git asks %q for Azure DevOps, want the user's manager", got)
	}
	if r := u.git("", "config", "--get-regexp", "adopat"); r.stdout != "" {
		t.Errorf("after uninstall git's config still names adopat:\n%s", r.stdout)
	}
}
