package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/cli"
)

const webURL = "https://dev.azure.com/fabrikam/Website/_git/web"

// dpkgRoot is a throw-away root for dpkg --root: an empty dpkg database
// under DIR/var/lib/dpkg, and dpkg's log in DIR too, so that nothing of the
// machine's own dpkg is read or written. gitInstalled records a git
// package in it, as any machine the package is installed on has.
func dpkgRoot(t *testing.T, gitInstalled bool) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	admin := filepath.Join(root, "var", "lib", "dpkg")
	for _, d := range []string{"info", "updates", "triggers"} {
		if err := os.MkdirAll(filepath.Join(admin, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	status := ""
	if gitInstalled {
		// A stand-in for the machine's git package (the tests run the
		// machine's git): enough for dpkg to see Depends: git met.
		status = "Package: git\nStatus: install ok installed\nPriority: optional\nSection: vcs\nInstalled-Size: 1\n" +
			"Maintainer: Test <test@example.com>\nArchitecture: " + runtime.GOARCH + "\nVersion: 1:2.39.5-0+deb12u2\n" +
			"Description: the machine's git, for the test\n"
	}
	for name, content := range map[string]string{"status": status, "available": ""} {
		if err := os.WriteFile(filepath.Join(admin, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// dpkg runs dpkg on root and returns its combined output.
func dpkg(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	args = append([]string{"--root=" + root, "--log=" + filepath.Join(root, "dpkg.log"), "--force-not-root"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "dpkg", args...).CombinedOutput()
	return string(out), err
}

// nativeDeb is the release's Debian package for this machine.
func nativeDeb(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skip("the Debian packages are for linux/amd64 and linux/arm64")
	}
	requireTool(t, "dpkg")
	return filepath.Join(release(t), debName(testVersion, platform{"linux", runtime.GOARCH}))
}

// The package says what it is and needs, and holds the binaries in
// /usr/bin, the man page, the README, the copyright file and the install/
// recipes as examples, owned by root, with the release's time.
func TestDebContents(t *testing.T) {
	deb := nativeDeb(t)
	fields := map[string]string{
		"Package": "git-credential-adopat", "Version": "1.2.3~rc.1", "Architecture": runtime.GOARCH,
		"Depends": "git", "Section": "vcs", "Priority": "optional", "Maintainer": "Test <test@example.com>",
	}
	for field, want := range fields {
		out, err := exec.Command("dpkg-deb", "--field", deb, field).Output()
		if got := strings.TrimSpace(string(out)); err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", field, got, err, want)
		}
	}
	out, err := exec.Command("dpkg-deb", "--contents", deb).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb --contents: %q", line)
		}
		if f[1] != "root/root" || f[3]+" "+f[4] != testEpoch.Local().Format("2006-01-02 15:04") {
			t.Errorf("%s: owner %s, time %s %s; want root/root, %v", f[5], f[1], f[3], f[4], testEpoch.Local())
		}
		if !strings.HasSuffix(f[5], "/") {
			got = append(got, f[0]+" "+strings.Join(f[5:], " "))
		}
	}
	doc := "./usr/share/doc/git-credential-adopat/"
	want := []string{
		"-rwxr-xr-x ./usr/bin/git-credential-adopat",
		"-rwxr-xr-x ./usr/bin/git-credential-adopat-manage",
		"-rw-r--r-- " + doc + "README.md.gz",
		"-rw-r--r-- " + doc + "copyright",
		"-rw-r--r-- " + doc + "examples/adopat-pull",
		"-rw-r--r-- " + doc + "examples/cron/adopat-pull",
		"-rw-r--r-- " + doc + "examples/systemd/adopat-pull.service",
		"-rw-r--r-- " + doc + "examples/systemd/adopat-pull.timer",
		"lrwxrwxrwx ./usr/share/man/man1/git-credential-adopat-manage.1.gz -> git-credential-adopat.1.gz",
		"-rw-r--r-- ./usr/share/man/man1/git-credential-adopat.1.gz",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("contents:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Installed with dpkg into a fresh root, the package refuses to go in
// without git, goes in beside it, its files match its md5sums, the
// installed binaries answer `version` and, as git's helper, a `git
// credential fill` and a clone from the Azure DevOps stand-in; dpkg -r
// then leaves nothing behind.
func TestDebInstallsAndAnswersGit(t *testing.T) {
	deb := nativeDeb(t)

	// Depends: git is real: without git, dpkg refuses to configure it.
	bare := dpkgRoot(t, false)
	if out, err := dpkg(t, bare, "--install", deb); err == nil || !strings.Contains(out, "depends on git") {
		t.Errorf("install without git: %v\n%s\nwant a refusal naming the dependency on git", err, out)
	}

	root := dpkgRoot(t, true)
	if out, err := dpkg(t, root, "--install", deb); err != nil {
		t.Fatalf("dpkg --install: %v\n%s", err, out)
	}
	if out, err := dpkg(t, root, "--verify", "git-credential-adopat"); err != nil || out != "" {
		t.Errorf("dpkg --verify: %v\n%s", err, out)
	}
	if out, err := exec.Command("dpkg-query", "--admindir="+filepath.Join(root, "var", "lib", "dpkg"), "--show",
		"--showformat=${db:Status-Abbrev}${Version}", "git-credential-adopat").CombinedOutput(); err != nil || string(out) != "ii 1.2.3~rc.1" {
		t.Errorf("dpkg-query: %v %q, want installed", err, out)
	}
	bin := filepath.Join(root, "usr", "bin")

	// The man page is the release's.
	gz, err := os.ReadFile(filepath.Join(root, "usr", "share", "man", "man1", "git-credential-adopat.1.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := io.ReadAll(zr); string(page) != cli.ManPage(testVersion, testEpoch) {
		t.Error("the installed man page is not the release's")
	}

	srv := adotest.StartT(t)
	if err := srv.AddRepo(webURL); err != nil {
		t.Fatal(err)
	}
	pat := adotest.NewPAT()
	srv.SetPAT("fabrikam", pat)
	home := t.TempDir()
	env := adotest.IsolatedEnv(os.Environ(), bin, "DBUS_SESSION_BUS_ADDRESS", "AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN")
	env = append(env, srv.GitEnv(home)...)
	env = append(env, srv.GoClientEnv()...)
	env = append(env, "ADOPAT_BACKEND=file")
	run := func(stdin, name string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env, cmd.Dir = env, home
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if strings.Contains(stdout.String()+stderr.String(), pat) && !(name == "git" && args[1] == "fill") {
			t.Errorf("%s %v printed the PAT", name, args)
		}
		if err != nil || (stderr.Len() != 0 && name != "git") {
			t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	adopat := filepath.Join(bin, "git-credential-adopat")
	if out := run("", adopat, "version"); !strings.HasPrefix(out, "git-credential-adopat "+testVersion+"\ncommit: "+testCommit+"\n") {
		t.Errorf("version: %q", out)
	}
	run("", adopat, "install")
	run(pat+"\n", adopat, "add", "--org", "fabrikam", "--expires", "30d")
	out := run("url="+webURL+"\n\n", "git", "credential", "fill")
	if !strings.Contains(out, "\npassword="+pat+"\n") {
		t.Errorf("git credential fill got no PAT from the installed helper:\n%s", strings.ReplaceAll(out, pat, "(the PAT)"))
	}
	run("", "git", "clone", "--quiet", webURL, filepath.Join(home, "web"))
	if _, err := os.Stat(filepath.Join(home, "web", "README.md")); err != nil {
		t.Errorf("the clone has no README: %v", err)
	}
	if cfg, _ := os.ReadFile(filepath.Join(home, ".gitconfig")); bytes.Contains(cfg, []byte(pat)) || !bytes.Contains(cfg, []byte("adopat")) {
		t.Errorf("global git config: %s", cfg)
	}

	if out, err := dpkg(t, root, "--remove", "git-credential-adopat"); err != nil {
		t.Fatalf("dpkg --remove: %v\n%s", err, out)
	}
	var left []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		switch {
		case err != nil:
			return err
		case rel == "var" || rel == filepath.Join("var", "lib") || rel == "dpkg.log" || rel == ".":
		case rel == filepath.Join("var", "lib", "dpkg"):
			return fs.SkipDir
		default:
			left = append(left, rel)
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("dpkg --remove left %v", left)
	}
}
