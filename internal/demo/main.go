// Command demo shows git-credential-adopat at work on a machine with only
// Go and git: it starts the in-process Azure DevOps stand-in, stores a PAT
// with the built binary, configures git with it and clones through the real
// git, then proves the PAT is nowhere it should not be. `make demo` runs it:
//
//	go run ./internal/demo -binary bin/git-credential-adopat
//
// Everything lives in one temporary directory (HOME, vault, stand-in,
// clone), removed at the end; the developer's git configuration and vault
// are never read or touched.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/syncbuf"
)

const (
	org     = "fabrikam"
	repoURL = "https://dev.azure.com/fabrikam/Website/_git/web"
	// cmdTimeout bounds every command, so a git waiting for input it can
	// never get fails the demo instead of hanging it.
	cmdTimeout = 60 * time.Second
)

func main() {
	binary := flag.String("binary", "", "the built git-credential-adopat (e.g. bin/git-credential-adopat)")
	flag.Parse()
	if *binary == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/demo -binary bin/git-credential-adopat")
		os.Exit(2)
	}
	// Ctrl-C cancels the running command; the deferred cleanup still runs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *binary, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo FAILED: %v\n", err)
		os.Exit(1)
	}
}

// demo carries what the steps share.
type demo struct {
	ctx    context.Context
	out    io.Writer
	step   int
	bin    string   // the helper, copied into the demo's own PATH directory
	env    []string // the demo user's environment
	home   string
	vault  string
	srvLog *syncbuf.Buffer // the stand-in's log, shown when something fails
}

func run(ctx context.Context, binary string, out io.Writer) (err error) {
	d := &demo{ctx: ctx, out: out, srvLog: &syncbuf.Buffer{}}
	if _, err := exec.LookPath("git"); err != nil {
		return fmt.Errorf("git is not on PATH: %v", err)
	}
	src, err := filepath.Abs(binary)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(src); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("-binary %s: not a built binary (run `make build` first): %v", binary, err)
	}

	tmp, err := os.MkdirTemp("", "adopat-demo-")
	if err != nil {
		return err
	}
	defer func() {
		if rmErr := os.RemoveAll(tmp); rmErr != nil && err == nil {
			err = fmt.Errorf("cleanup: %v", rmErr)
		}
		if err == nil {
			fmt.Fprintf(out, "\nCleaned up: stand-in stopped, %s removed.\n", tmp)
		}
	}()

	// git runs the helper as `git credential-adopat`, found on PATH under
	// that exact name, so the binary goes into a PATH directory of its own.
	binDir := filepath.Join(tmp, "bin")
	d.bin = filepath.Join(binDir, "git-credential-adopat")
	if runtime.GOOS == "windows" {
		d.bin += ".exe"
	}
	if err := copyFile(src, d.bin); err != nil {
		return err
	}
	// The management binary (add, install, ...) is built beside it and
	// goes beside it, where git-credential-adopat finds it.
	manage := strings.TrimSuffix(filepath.Base(src), ".exe") + "-manage"
	if runtime.GOOS == "windows" {
		manage += ".exe"
	}
	if err := copyFile(filepath.Join(filepath.Dir(src), manage), filepath.Join(binDir, "git-credential-adopat-manage"+filepath.Ext(d.bin))); err != nil {
		return fmt.Errorf("the management binary beside %s (run `make build` first): %v", binary, err)
	}
	version, err := d.quiet("", d.bin, "version")
	if err != nil {
		return err
	}
	gitVersion, err := d.quiet("", "git", "version")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "git-credential-adopat demo\n  binary: %s (%s)\n  git:    %s\n  all files below %s\n",
		src, strings.TrimSpace(version), strings.TrimSpace(gitVersion), tmp)

	// 1. The stand-in.
	d.begin("Start the local Azure DevOps stand-in")
	srv, err := adotest.Start(adotest.Options{Dir: filepath.Join(tmp, "server"), Log: d.srvLog})
	if err != nil {
		return d.fail(err)
	}
	defer srv.Close()
	d.say("HTTPS for dev.azure.com and *.visualstudio.com, reached through the proxy %s", srv.ProxyURL)
	d.say("certificate from a throw-away CA: %s", srv.CAFile)

	// 2. The repository.
	d.begin("Create the repository " + repoURL)
	if err := srv.AddRepo(repoURL); err != nil {
		return d.fail(err)
	}

	// 3. The PAT, known to the server.
	d.begin("Create a PAT for the organisation " + org + " on the server")
	pat := adotest.NewPAT()
	srv.SetPAT(org, pat)
	d.say("PAT %s (%d random characters; only ever shown masked)", mask(pat), len(pat))

	// 4. A user with nothing configured.
	d.begin("Make a fresh HOME and vault")
	d.home = filepath.Join(tmp, "home")
	d.vault = filepath.Join(d.home, ".local", "share", "adopat", "vault.age")
	if err := os.MkdirAll(d.home, 0o700); err != nil {
		return d.fail(err)
	}
	// GoClientEnv: the helper's own questions to Azure DevOps go to the stand-in too.
	d.env = append(append(adotest.IsolatedEnv(os.Environ(), binDir), srv.GitEnv(d.home)...), srv.GoClientEnv()...)
	d.env = append(d.env, "ADOPAT_VAULT="+d.vault)
	d.say("HOME=%s", d.home)
	d.say("ADOPAT_VAULT=%s", d.vault)
	d.say("git reads only HOME/.gitconfig (GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM=1); terminal prompts are off")

	// 5. add: the PAT on stdin.
	d.begin("Store the PAT (on stdin, never on the command line)")
	if _, err := d.show(pat+"\n", "<PAT on stdin>", d.bin, "add", "--org", org, "--expires", "30d", "--scopes", "vso.code"); err != nil {
		return d.fail(err)
	}

	// 6. install.
	d.begin("Tell git to ask adopat for Azure DevOps URLs")
	if _, err := d.show("", "", d.bin, "install"); err != nil {
		return d.fail(err)
	}
	if _, err := d.show("", "", "git", "config", "--global", "--get-regexp", `^credential\.`); err != nil {
		return d.fail(err)
	}

	// 7. list.
	d.begin("List the stored tokens (never their secrets)")
	if _, err := d.show("", "", d.bin, "list"); err != nil {
		return d.fail(err)
	}

	// 8. clone.
	d.begin("Clone with the real git")
	clone := filepath.Join(d.home, "web")
	if _, err := d.show("", "", "git", "clone", repoURL, "web"); err != nil {
		return d.fail(err)
	}
	if _, err := d.show("", "", "git", "-C", "web", "log", "--oneline"); err != nil {
		return d.fail(err)
	}
	if _, err := os.Stat(filepath.Join(clone, "README.md")); err != nil {
		return d.fail(fmt.Errorf("the clone has no README.md: %v", err))
	}

	// The proof.
	fmt.Fprintf(out, "\nProof that the PAT %s is nowhere it should not be\n", mask(pat))
	return d.prove(srv, pat, clone)
}

// prove checks, and prints, where the PAT is not.
func (d *demo) prove(srv *adotest.Server, pat, clone string) error {
	basic := base64.StdEncoding.EncodeToString([]byte("adopat:" + pat))
	leaks := func(b []byte) bool {
		return bytes.Contains(b, []byte(pat)) || bytes.Contains(b, []byte(basic))
	}
	var failures []string
	check := func(ok bool, format string, args ...any) {
		mark := "ok  "
		if !ok {
			mark = "FAIL"
			failures = append(failures, fmt.Sprintf(format, args...))
		}
		fmt.Fprintf(d.out, "  [%s] %s\n", mark, fmt.Sprintf(format, args...))
	}

	remote, err := d.quiet(clone, "git", "remote", "get-url", "origin")
	if err != nil {
		return err
	}
	remote = strings.TrimSpace(remote)
	check(remote == repoURL && !strings.Contains(remote, "@"),
		"remote URL is %s: no user, no PAT", remote)

	config, err := os.ReadFile(filepath.Join(clone, ".git", "config"))
	if err != nil {
		return err
	}
	check(!leaks(config), ".git/config (%d bytes) does not contain the PAT (searched for %s)", len(config), mask(pat))
	fmt.Fprintf(d.out, "         %s\n", strings.ReplaceAll(strings.TrimSpace(string(config)), "\n", "\n         "))

	global, err := os.ReadFile(filepath.Join(d.home, ".gitconfig"))
	if err != nil {
		return err
	}
	check(!leaks(global), "the global git config does not contain the PAT")

	reqs := srv.Requests()
	var lines []string
	leaked := 0
	for _, r := range reqs {
		if leaks([]byte(r.Line + " " + r.Host)) {
			leaked++
		}
		lines = append(lines, fmt.Sprintf("%d %s", r.Status, r.Line))
	}
	st := srv.AuthAttempts(org)
	check(len(reqs) > 0 && leaked == 0 && st.OK > 0 && st.Failed == 0,
		"the server saw %d requests, none with the PAT in its request line or host; "+
			"%d without credentials (answered 401, after which git asked adopat), %d with the right PAT, %d with a wrong one",
		len(reqs), st.Anonymous, st.OK, st.Failed)
	for _, l := range lines {
		fmt.Fprintf(d.out, "         %s\n", l)
	}

	vault, err := os.ReadFile(d.vault)
	if err != nil {
		return err
	}
	header, _, _ := bytes.Cut(vault, []byte("\n"))
	check(!leaks(vault) && string(header) == "age-encryption.org/v1",
		"the vault (%d bytes) is age-encrypted (first line %q) and does not contain the PAT", len(vault), header)

	if len(failures) > 0 {
		return fmt.Errorf("%d proof(s) failed: %s", len(failures), strings.Join(failures, "; "))
	}
	fmt.Fprintln(d.out, "\nThe PAT went from stdin into the encrypted vault and from there only to git, on request.")
	return nil
}

// begin prints the heading of the next numbered step.
func (d *demo) begin(title string) {
	d.step++
	fmt.Fprintf(d.out, "\n%d. %s\n", d.step, title)
}

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "   "+format+"\n", args...)
}

// fail names the step that failed and adds the stand-in's log.
func (d *demo) fail(err error) error {
	if log := strings.TrimSpace(d.srvLog.String()); log != "" {
		err = fmt.Errorf("%w\nstand-in log:\n%s", err, log)
	}
	return fmt.Errorf("step %d: %w", d.step, err)
}

// show prints a command as a user would type it, runs it, and prints its
// output indented. stdinNote describes stdin for the printed line.
func (d *demo) show(stdin, stdinNote, name string, args ...string) (string, error) {
	shown := append([]string{filepath.Base(name)}, args...)
	if name == d.bin {
		shown[0] = "git-credential-adopat"
	}
	line := "$ " + strings.Join(quoteAll(shown), " ")
	if stdinNote != "" {
		line += "   " + stdinNote
	}
	fmt.Fprintf(d.out, "   %s\n", line)
	output, err := d.exec("", stdin, name, args...)
	if text := strings.TrimRight(output, "\n"); text != "" {
		fmt.Fprintf(d.out, "     %s\n", strings.ReplaceAll(text, "\n", "\n     "))
	}
	return output, err
}

// quiet runs a command without printing it.
func (d *demo) quiet(dir, name string, args ...string) (string, error) {
	return d.exec(dir, "", name, args...)
}

// exec runs one command in the demo user's environment and returns its
// combined output; a non-zero exit is an error carrying that output.
func (d *demo) exec(dir, stdin, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(d.ctx, cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = d.env
	cmd.Dir = dir
	if dir == "" {
		cmd.Dir = d.home
	}
	cmd.Stdin = strings.NewReader(stdin)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	what := filepath.Base(name) + " " + strings.Join(args, " ")
	switch {
	case d.ctx.Err() != nil:
		return string(out), fmt.Errorf("%s: interrupted", what)
	case ctx.Err() != nil:
		return string(out), fmt.Errorf("%s: no answer within %v\n%s", what, cmdTimeout, out)
	case err != nil:
		return string(out), fmt.Errorf("%s: %v\n%s", what, err, out)
	}
	return string(out), nil
}

// mask shows the first four characters of a secret.
func mask(s string) string {
	if len(s) <= 4 {
		return "…"
	}
	return s[:4] + "…"
}

func quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'\\$*?[]^|&;<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
