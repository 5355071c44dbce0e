package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user's existing global helper (a decoy that logs every call) keeps
// serving other hosts after install, but is never run for Azure DevOps
// URLs: not for a get adopat answers, not for one it cannot answer, not
// for git's store after a clone. install is idempotent, and uninstall gives
// Azure DevOps back to the decoy, leaving the config as it was.
func TestInstallResetsOtherHelpersOnlyForAzureDevOps(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)

	u := newUser(t, srv)
	log := filepath.Join(u.home, "decoy.log")
	decoy := filepath.Join(u.home, "decoy-helper")
	script := "#!/bin/sh\n" +
		"echo \"$1\" >>'" + log + "'\n" +
		"cat >/dev/null\n" +
		"test \"$1\" = get || exit 0\n" +
		"echo username=decoy\n" +
		"echo password=decoy\n"
	if err := os.WriteFile(decoy, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	u.mustGit("", "config", "--global", "credential.helper", decoy)
	decoyCalls := func() string {
		b, err := os.ReadFile(log)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(string(b)), " ")
	}

	// Before install the decoy answers Azure DevOps too: the setup works.
	if got := u.fillPassword(webURL); got != "decoy" || decoyCalls() != "get" {
		t.Fatalf("before install: fill gave %q, decoy calls %q; the decoy is not in effect", got, decoyCalls())
	}
	if err := os.Remove(log); err != nil {
		t.Fatal(err)
	}

	userConfig := u.readGlobalConfig()
	u.install()
	installed := u.readGlobalConfig()
	u.install()
	if again := u.readGlobalConfig(); again != installed {
		t.Errorf("a second install changed the config:\n%s\nwant, as after the first:\n%s", again, installed)
	}
	u.addPAT(pat, "--org", "fabrikam")
	for _, rawURL := range []string{webURL, "https://fabrikam.visualstudio.com/Website/_git/web"} {
		if got := u.fillPassword(rawURL); got != pat {
			t.Errorf("fill %s after install: not the stored PAT (decoy: %v)", rawURL, got == "decoy")
		}
	}
	if cred, r, ok := u.fill("https://dev.azure.com/contoso/Shop/_git/shop"); ok {
		t.Errorf("fill for an organisation without a token answered %q, want nothing\n%s", cred["password"], r)
	}
	u.mustClone(webURL)
	if calls := decoyCalls(); calls != "" {
		t.Errorf("the decoy ran for Azure DevOps URLs after install: %q", calls)
	}

	if got := u.fillPassword("https://git.example.test/team/repo.git"); got != "decoy" {
		t.Errorf("fill for another host after install gave %q, want the decoy's answer", got)
	}
	if calls := decoyCalls(); calls != "get" {
		t.Errorf("decoy calls for another host: %q, want one get", calls)
	}

	u.mustAdopat("", "uninstall")
	if got := u.fillPassword(webURL); got != "decoy" {
		t.Errorf("after uninstall, fill for Azure DevOps gave %q, want the decoy back", got)
	}
	if got := u.readGlobalConfig(); got != userConfig {
		t.Errorf("after uninstall the global config is\n%s\nwant the user's own, as before install:\n%s", got, userConfig)
	}
}

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
