package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeBinary writes an executable git-credential-adopat into dir (made
// below ta.dir) that answers every get with the password "scripted", and
// makes ta's install see it as the running program, outside any temporary
// directory.
func fakeBinary(t *testing.T, ta *testApp, dir string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in binary is a shell script")
	}
	dir = filepath.Join(ta.dir, dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, binaryName)
	script := "#!/bin/sh\ncat >/dev/null\ntest \"$1\" = get || exit 0\nprintf 'username=scripted\\npassword=scripted\\n'\n"
	if err := os.WriteFile(path, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	ta.Executable = func() (string, error) { return path, nil }
	ta.TempRoots = []string{filepath.Join(ta.dir, "no-such-temp")}
	return path
}

// gitFill runs git credential fill for rawURL's parts, git prompting
// nobody, and returns the password git got.
func gitFill(t *testing.T, host, path string) string {
	t.Helper()
	cmd := exec.Command("git", "credential", "fill")
	cmd.Stdin = strings.NewReader("protocol=https\nhost=" + host + "\npath=" + path + "\n\n")
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git credential fill for %s/%s: %v\n%s", host, path, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "password="); ok {
			return v
		}
	}
	return ""
}

// install writes the binary's absolute path; git runs it (the stand-in
// answers); install is idempotent and uninstall gives back the file.
func TestInstallWritesTheAbsolutePath(t *testing.T) {
	mine := "[user]\n\tname = Someone\n[credential]\n\thelper = cache\n"
	ta, read := appWithGlobal(t, mine)
	bin := fakeBinary(t, ta, "bin")

	ta.mustRun(t, "install", "--server", "https://tfs.example.com/R&D")
	if !strings.Contains(ta.stdout.String(), "git runs it as "+bin+"\n") || ta.stderr.Len() != 0 {
		t.Errorf("install said %q, %q", ta.stdout, ta.stderr)
	}
	first := gitConfigList(t)
	for _, want := range []string{
		"credential.https://dev.azure.com.helper=\ncredential.https://dev.azure.com.helper=" + bin + "\n",
		"credential.https://*.visualstudio.com.helper=\ncredential.https://*.visualstudio.com.helper=" + bin + "\n",
		"credential.https://tfs.example.com/R%26D.helper=" + bin + " --server 'https://tfs.example.com/R&D'\n",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("config lacks %q:\n%s", want, first)
		}
	}
	if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != bin {
		t.Errorf("helpers for dev.azure.com = %q", got)
	}
	if got := gitFill(t, "dev.azure.com", "fabrikam/x/_git/y"); got != "scripted" {
		t.Errorf("git did not run %s: password %q", bin, got)
	}
	if code := ta.run("", "install", "--server", "https://tfs.example.com/R&D"); code != 0 {
		t.Fatalf("second install: exit %d %s", code, ta.stderr)
	}
	if again := gitConfigList(t); again != first {
		t.Errorf("install is not idempotent:\n%s\nthen\n%s", first, again)
	}
	// doctor, verify and uninstall read the server back from that form.
	if got := ta.gitDeclaredServers(); len(got) != 1 || got[0].String() != "https://tfs.example.com/R&D" {
		t.Errorf("declared servers: %+v", got)
	}
	ta.mustRun(t, "uninstall")
	if got := read(); got != mine {
		t.Errorf("after install and uninstall:\n%s\nwant\n%s", got, mine)
	}
	if ta.stderr.Len() != 0 || strings.Count(ta.stdout.String(), "git no longer asks adopat for") != 3 {
		t.Errorf("uninstall said %q, %q", ta.stdout, ta.stderr)
	}
}

// A path the shell would read is written as a shell command ("!" and the
// quoted path), which git runs as it is: the stand-in answers.
func TestInstallQuotesAPathTheShellReads(t *testing.T) {
	ta := newTestApp(t)
	isolateGit(t, ta)
	bin := fakeBinary(t, ta, "my tools/it's $HOME; `x`")
	ta.mustRun(t, "install")
	want := "!" + shellQuote(bin)
	if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != want {
		t.Errorf("helper = %q, want %q", got, want)
	}
	if got := gitFill(t, "fabrikam.visualstudio.com", "x/_git/y"); got != "scripted" {
		t.Errorf("git did not run %q: password %q", bin, got)
	}
	if code := ta.run("", "uninstall"); code != 0 || gitConfigList(t) != "" {
		t.Errorf("uninstall: exit %d %s, config left:\n%s", code, ta.stderr, gitConfigList(t))
	}
}

// Where the path would not last or could not run, install writes the plain
// name, and says why in one line.
func TestInstallFallsBackToThePlainName(t *testing.T) {
	ta := newTestApp(t)
	isolateGit(t, ta)
	bin := fakeBinary(t, ta, "bin")
	other := filepath.Join(ta.dir, "bin", "adopat")
	if err := os.WriteFile(other, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	notExec := filepath.Join(ta.dir, "noexec", binaryName)
	if err := os.MkdirAll(filepath.Dir(notExec), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	goBuild := filepath.Join(ta.dir, "go-build1234", "b001", "exe", binaryName)
	if err := os.MkdirAll(filepath.Dir(goBuild), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goBuild, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, exe string
		roots     []string
		why       string
	}{
		{"relative", "bin/" + binaryName, nil, "is not absolute"},
		{"missing", filepath.Join(ta.dir, "gone", binaryName), nil, "does not exist"},
		{"not executable", notExec, nil, "is not executable"},
		{"another name", other, nil, "not git-credential-adopat"},
		{"go run", goBuild, nil, "go run or go test"},
		{"temporary", bin, []string{ta.dir}, "in the temporary directory " + ta.dir},
		{"manage without its sibling", filepath.Join(ta.dir, "gone", manageName), nil, "there is no git-credential-adopat beside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta.Executable = func() (string, error) { return tc.exe, nil }
			ta.TempRoots = append([]string{filepath.Join(ta.dir, "no-such-temp")}, tc.roots...)
			ta.mustRun(t, "install")
			if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != helperName {
				t.Errorf("helper = %q, want the plain name", got)
			}
			lines := strings.Split(strings.TrimSpace(ta.stdout.String()), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "git runs it as `git credential-adopat`, found on PATH, not by its absolute path: ") || !strings.Contains(last, tc.why) {
				t.Errorf("install's last line %q does not say %q", last, tc.why)
			}
		})
	}
	// The system's own: a path in $TMPDIR, /tmp or /var/tmp never lasts.
	ta.TempRoots = nil
	ta.Executable = func() (string, error) { return bin, nil }
	if cmd, why := ta.helperCommand(); cmd != helperName || !strings.Contains(why, "temporary directory") {
		t.Errorf("a binary in %s: %q, %q", bin, cmd, why)
	}
}

// The management binary points git at the slim helper beside it.
func TestInstallPointsTheManageBinaryAtItsSibling(t *testing.T) {
	ta := newTestApp(t)
	isolateGit(t, ta)
	bin := fakeBinary(t, ta, "bin")
	manage := filepath.Join(filepath.Dir(bin), manageName)
	if err := os.WriteFile(manage, []byte("#!/bin/sh\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	ta.Executable = func() (string, error) { return manage, nil }
	ta.mustRun(t, "install")
	if got := helpersFor(t, "https://dev.azure.com/fabrikam/x/_git/y"); got != bin {
		t.Errorf("helper = %q, want %q", got, bin)
	}
}

// A config the previous version wrote (testdata: its install run on the
// .before file, the plain name adopat everywhere): install puts the path
// in each of its lines, and uninstall gives back the user's file to the
// byte; so does uninstall straight after the upgrade.
func TestUpgradeFromThePlainNameOfThePreviousVersion(t *testing.T) {
	fixture := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "install", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	previous, before := fixture("previous-version.gitconfig"), fixture("previous-version.before.gitconfig")
	for _, reinstall := range []bool{true, false} {
		t.Run(map[bool]string{true: "install then uninstall", false: "uninstall"}[reinstall], func(t *testing.T) {
			ta, read := appWithGlobal(t, previous)
			bin := fakeBinary(t, ta, "bin")
			if reinstall {
				ta.mustRun(t, "install", "--server", "https://tfs.example.com/R&D")
				want := strings.ReplaceAll(previous, "\thelper = adopat", "\thelper = "+bin)
				if got := read(); got != want {
					t.Errorf("install over the previous version's config:\n%s\nwant each adopat replaced in its line:\n%s", got, want)
				}
				if got := gitFill(t, "dev.azure.com", "fabrikam/x/_git/y"); got != "scripted" {
					t.Errorf("git did not run %s: password %q", bin, got)
				}
			}
			ta.mustRun(t, "uninstall")
			if got := read(); got != before {
				t.Errorf("after uninstall:\n%s\nwant the user's file before the previous version's install:\n%s", got, before)
			}
			if ta.stderr.Len() != 0 {
				t.Errorf("uninstall stderr: %s", ta.stderr)
			}
		})
	}
}

// The binary moved: install from the new place replaces the old path in
// its line, and uninstall from anywhere removes whichever path is there.
func TestInstallAndUninstallFollowAMovedBinary(t *testing.T) {
	mine := "[credential \"https://dev.azure.com\"]\n\thelper = manager\n"
	ta, read := appWithGlobal(t, mine)
	old := fakeBinary(t, ta, "v1")
	ta.mustRun(t, "install", "--server", "https://tfs.example.com/tfs")
	installed := read()
	moved := fakeBinary(t, ta, "v2")
	if code := ta.run("", "install", "--server", "https://tfs.example.com/tfs"); code != 0 {
		t.Fatalf("install again: exit %d %s", code, ta.stderr)
	}
	if got, want := read(), strings.ReplaceAll(installed, old, moved); got != want {
		t.Errorf("install from the new place:\n%s\nwant the path replaced in its lines:\n%s", got, want)
	}
	// uninstall by a third copy, which would write the plain name.
	ta.Executable = func() (string, error) { return "relative/" + binaryName, nil }
	ta.mustRun(t, "uninstall")
	if got := read(); got != mine {
		t.Errorf("after uninstall:\n%s\nwant\n%s", got, mine)
	}
}
