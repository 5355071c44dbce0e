package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// isolateGit points the real git at a throw-away global config.
func isolateGit(t *testing.T, ta *testApp) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	global := filepath.Join(ta.dir, "gitconfig")
	t.Setenv("HOME", ta.dir)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	return global
}

func gitConfigList(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "config", "--global", "--list").CombinedOutput()
	if err != nil && len(out) > 0 {
		t.Fatalf("git config --list: %v %s", err, out)
	}
	return string(out)
}

func TestInstallIsIdempotentAndUninstallKeepsOtherSettings(t *testing.T) {
	ta := newTestApp(t)
	global := isolateGit(t, ta)
	mine := "[user]\n\tname = Someone\n[credential]\n\thelper = cache\n[credential \"https://dev.azure.com\"]\n\tusername = me\n"
	if err := os.WriteFile(global, []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}

	ta.mustRun(t, "install", "--server", "https://tfs.example.com/tfs")
	first := gitConfigList(t)
	if code := ta.run("", "install", "--server", "https://tfs.example.com/tfs"); code != 0 {
		t.Fatalf("second install: exit %d %s", code, ta.stderr)
	}
	if again := gitConfigList(t); again != first {
		t.Errorf("install is not idempotent:\n%s\nthen\n%s", first, again)
	}
	for _, want := range []string{
		"credential.https://dev.azure.com.helper=\ncredential.https://dev.azure.com.helper=adopat\n",
		"credential.https://dev.azure.com.usehttppath=true",
		"credential.https://*.visualstudio.com.helper=\ncredential.https://*.visualstudio.com.helper=adopat\n",
		"credential.https://*.visualstudio.com.usehttppath=true",
		"credential.https://tfs.example.com/tfs.helper=adopat --server https://tfs.example.com/tfs",
		"credential.helper=cache",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("config lacks %q:\n%s", want, first)
		}
	}

	// git itself must now pick adopat alone for Azure DevOps, and the
	// user's cache helper for everything else.
	if out := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); out != "adopat" {
		t.Errorf("helpers for dev.azure.com = %q", out)
	}

	ta.mustRun(t, "uninstall", "--server", "https://tfs.example.com/tfs")
	after := gitConfigList(t)
	want := "user.name=Someone\ncredential.helper=cache\ncredential.https://dev.azure.com.username=me\n"
	if after != want {
		t.Errorf("after uninstall:\n%s\nwant:\n%s", after, want)
	}
	if code := ta.run("", "uninstall"); code != 0 {
		t.Errorf("uninstall twice: exit %d %s", code, ta.stderr)
	}
}

// helpersFor lists the helpers git would run for a URL, after resets.
func helpersFor(t *testing.T, url string) string {
	t.Helper()
	out, err := exec.Command("git", "config", "--global", "--get-urlmatch", "credential.helper", url).Output()
	if err != nil {
		t.Fatalf("git config --get-urlmatch: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// install replaces the user's helper list and useHttpPath for Azure DevOps
// URLs; uninstall must give them back, not delete them.
func TestUninstallRestoresWhatInstallReplaced(t *testing.T) {
	ta := newTestApp(t)
	global := isolateGit(t, ta)
	mine := "[credential \"https://dev.azure.com\"]\n\thelper = manager\n\tuseHttpPath = true\n\tprovider = azure-repos\n"
	if err := os.WriteFile(global, []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		ta.mustRun(t, "install")
	}
	if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != "adopat" {
		t.Errorf("after install git asks %q for dev.azure.com", got)
	}
	ta.mustRun(t, "uninstall")
	// git cannot insert a line mid-section, so the order of the keys may
	// change; every setting and value must be back, and nothing of ours.
	got := strings.Split(gitConfigList(t), "\n")
	want := []string{"", "credential.https://dev.azure.com.helper=manager", "credential.https://dev.azure.com.provider=azure-repos", "credential.https://dev.azure.com.usehttppath=true"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		raw, _ := os.ReadFile(global)
		t.Errorf("after install and uninstall the config is\n%s\nwant the settings %q", raw, want)
	}
}

// Earlier versions wrote a declared server's key with Go's URL encoding and
// its URL unquoted in the helper string; uninstall removes that form too,
// and puts back what that install replaced.
func TestUninstallRemovesTheLegacyServerForm(t *testing.T) {
	ta := newTestApp(t)
	global := isolateGit(t, ta)
	legacy := "[credential \"https://tfs.example.com/R&D\"]\n\thelper = \n\thelper = adopat --server https://tfs.example.com/R&D\n" +
		"[adopat \"https://tfs.example.com/R&D\"]\n\thelper = manager\n\tinstalled = true\n"
	if err := os.WriteFile(global, []byte(legacy), 0o600); err != nil {
		t.Fatal(err)
	}
	ta.mustRun(t, "install", "--server", "https://tfs.example.com/R&D")
	if got := gitConfigList(t); !strings.Contains(got, "credential.https://tfs.example.com/R%26D.helper=adopat --server 'https://tfs.example.com/R&D'") {
		t.Errorf("install wrote:\n%s", got)
	}
	ta.mustRun(t, "uninstall", "--server", "https://tfs.example.com/R&D")
	if got, want := gitConfigList(t), "credential.https://tfs.example.com/R&D.helper=manager\n"; got != want {
		t.Errorf("after uninstall:\n%s\nwant:\n%s", got, want)
	}
	if strings.Count(ta.stdout.String(), "\n") != 3 {
		t.Errorf("uninstall reported:\n%s", ta.stdout)
	}
}

// appWithGlobal is a test app with git isolated and the user's own global
// config set to content; read reads that file back.
func appWithGlobal(t *testing.T, content string) (ta *testApp, read func() string) {
	t.Helper()
	ta = newTestApp(t)
	return ta, writeGlobal(t, isolateGit(t, ta), content)
}

// writeGlobal writes the user's own global git config and returns a
// function reading it back.
func writeGlobal(t *testing.T, global, content string) func() string {
	t.Helper()
	if err := os.WriteFile(global, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return func() string {
		t.Helper()
		b, err := os.ReadFile(global)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// Settings the user made by hand, adopat never installed: uninstall leaves
// every byte of them and says there was nothing to remove.
func TestUninstallNeverInstalledLeavesHandMadeSettings(t *testing.T) {
	for name, mine := range map[string]string{
		"useHttpPath false": "[credential \"https://dev.azure.com\"]\n\tuseHttpPath = false\n",
		"own reset":         "[credential \"https://dev.azure.com\"]\n\thelper = \n\thelper = manager\n\tuseHttpPath = true\n",
		"other helper":      "[credential]\n\thelper = manager\n[credential \"https://*.visualstudio.com\"]\n\thelper = manager\n",
		"empty file":        "",
	} {
		t.Run(name, func(t *testing.T) {
			ta, read := appWithGlobal(t, mine)
			ta.mustRun(t, "uninstall")
			if got := read(); got != mine {
				t.Errorf("uninstall changed the user's config:\n%q\nwant\n%q", got, mine)
			}
			if got := ta.stdout.String(); got != "nothing to remove: the global git config does not ask adopat for anything\n" || ta.stderr.Len() != 0 {
				t.Errorf("uninstall said %q, %q", got, ta.stderr)
			}
		})
	}
}

// install then uninstall gives back the user's file as it was, to the
// byte, whatever the user had for Azure DevOps; git reads the same values
// in the same order in every case. git config respells an empty value it
// rewrites ("helper =" becomes "helper = ") and appends what it cannot
// insert, so where install had to rewrite the user's own empty reset the
// file is the same to git (each key's values, in order) but not to the
// byte.
func TestInstallUninstallRoundTripIsByteIdentical(t *testing.T) {
	semantic := map[string]bool{"own reset, two helpers": true}
	for name, mine := range map[string]string{
		"empty":                  "",
		"unrelated":              "[user]\n\tname = Someone\n[credential]\n\thelper = cache\n",
		"useHttpPath false":      "[credential \"https://dev.azure.com\"]\n\tuseHttpPath = false\n",
		"own reset":              "[credential \"https://dev.azure.com\"]\n\thelper = \n\thelper = manager\n",
		"own reset unspaced":     "[credential \"https://dev.azure.com\"]\n\thelper =\n\thelper = manager\n\tuseHttpPath = false\n",
		"own reset, two helpers": "[credential \"https://dev.azure.com\"]\n\thelper =\n\thelper = manager\n\tuseHttpPath = false\n\thelper = cache\n",
		"manager":                "[credential \"https://dev.azure.com\"]\n\thelper = manager\n\tuseHttpPath = true\n",
	} {
		t.Run(name, func(t *testing.T) {
			ta, read := appWithGlobal(t, mine)
			before := gitConfigList(t)
			ta.mustRun(t, "install", "--server", "https://tfs.example.com:8443/DefaultCollection")
			if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != "adopat" {
				t.Fatalf("after install git asks %q", got)
			}
			// No --server: the declared server goes too.
			ta.mustRun(t, "uninstall")
			if got := read(); got != mine && !semantic[name] {
				t.Errorf("after install and uninstall the config is\n%q\nwant, as before,\n%q", got, mine)
			}
			if got := gitConfigList(t); !reflect.DeepEqual(configValues(got), configValues(before)) {
				t.Errorf("after install and uninstall git reads\n%s\nwant, as before,\n%s", got, before)
			}
			for _, want := range []string{"https://dev.azure.com\n", "https://*.visualstudio.com\n", "https://tfs.example.com:8443/DefaultCollection\n"} {
				if !strings.Contains(ta.stdout.String(), "git no longer asks adopat for "+want) {
					t.Errorf("uninstall did not report %q:\n%s", want, ta.stdout)
				}
			}
			if ta.stderr.Len() != 0 {
				t.Errorf("uninstall stderr: %s", ta.stderr)
			}
		})
	}
}

// The user changed a setting install made: theirs stays. A useHttpPath
// the user turned false after install is theirs, and so is a helper they
// added after adopat's.
func TestUninstallKeepsWhatTheUserChangedAfterInstall(t *testing.T) {
	ta := newTestApp(t)
	global := isolateGit(t, ta)
	ta.mustRun(t, "install")
	for _, args := range [][]string{
		{"credential.https://dev.azure.com.useHttpPath", "false"},
		{"--add", "credential.https://*.visualstudio.com.helper", "cache"},
	} {
		if out, err := exec.Command("git", append([]string{"config", "--global"}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git config %v: %v %s", args, err, out)
		}
	}
	ta.mustRun(t, "uninstall")
	got := gitConfigList(t)
	want := "credential.https://dev.azure.com.usehttppath=false\ncredential.https://*.visualstudio.com.helper=cache\n"
	if got != want {
		raw, _ := os.ReadFile(global)
		t.Errorf("after uninstall:\n%s\nwant\n%s\nfile:\n%s", got, want, raw)
	}
}

// An adopat entry uninstall did not write (here: in the environment, as
// GIT_CONFIG_COUNT sets it, and a hand-written one for another host) is
// named with the way to remove it, on stderr, and left alone.
func TestUninstallNamesAdopatEntriesItLeaves(t *testing.T) {
	ta := newTestApp(t)
	global := isolateGit(t, ta)
	mine := "[credential \"https://git.example.test\"]\n\thelper = adopat\n"
	read := writeGlobal(t, global, mine)
	t.Setenv("GIT_CONFIG_COUNT", "1")
	t.Setenv("GIT_CONFIG_KEY_0", "credential.https://tfs.example.test.helper")
	t.Setenv("GIT_CONFIG_VALUE_0", "adopat --server https://tfs.example.test")
	ta.mustRun(t, "uninstall")
	if got := read(); got != mine {
		t.Errorf("uninstall changed a hand-written entry:\n%s", got)
	}
	lines := strings.Split(strings.TrimSpace(ta.stderr.String()), "\n")
	if len(lines) != 2 ||
		!strings.Contains(lines[0], "credential.https://git.example.test.helper = adopat") ||
		!strings.Contains(lines[0], "remove it with: git config --file "+global+" --fixed-value --unset-all credential.https://git.example.test.helper adopat") ||
		!strings.Contains(lines[1], "credential.https://tfs.example.test.helper") || !strings.Contains(lines[1], "GIT_CONFIG_") {
		t.Errorf("uninstall stderr:\n%s", ta.stderr)
	}
}

// configValues is each key's values in order: what git's reading of a
// config file depends on (the order of different keys does not matter).
func configValues(list string) map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(list, "\n"), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = append(out[k], v)
		}
	}
	return out
}
