//go:build linux

package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/syncbuf"
)

// The Windows build, run as Windows runs it: under Wine 10 (.ci/wine),
// driven by the Linux git and a pseudo-terminal. What it checks is what
// issue 13 asked of Windows: a credential fill through the Windows binary
// answers (git's helper string `!wine …`), and a PAT added at a console
// sees its prompt.

// requireWine returns .ci/wine when its Wine root is ready. Without it the
// test is skipped, unless CI is set (.ci/run sets it up).
func requireWine(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	cache := os.Getenv("ADOPAT_WINE_CACHE")
	if cache == "" {
		cache = "/tmp/adopat-wine"
	}
	_, err = os.Stat(filepath.Join(cache, "recipe"))
	switch {
	case err == nil && os.Geteuid() == 0:
		return filepath.Join(root, ".ci", "wine")
	case os.Getenv("CI") == "":
		t.Skip("no Wine root (run .ci/wine --setup as root)")
	}
	t.Fatalf("CI is set and there is no Wine root in %s (or this is not root): .ci/run runs .ci/wine --setup", cache)
	return ""
}

var (
	windowsOnce sync.Once
	windowsDir  string
	windowsErr  error
)

// windowsHelper builds both binaries for Windows, once, into a directory
// .ci/wine can show to Wine (it binds /tmp), and returns the thin one.
func windowsHelper(t *testing.T) string {
	t.Helper()
	windowsOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			windowsErr = err
			return
		}
		windowsDir, windowsErr = os.MkdirTemp("/tmp", "adopat-e2e-windows-")
		for _, pkg := range []string{"git-credential-adopat", "git-credential-adopat-manage"} {
			if windowsErr != nil {
				return
			}
			cmd := exec.Command("go", "build", "-o", filepath.Join(windowsDir, pkg+".exe"), "./cmd/"+pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				windowsErr = fmt.Errorf("GOOS=windows go build %s: %v\n%s", pkg, err, out)
			}
		}
	})
	if windowsErr != nil {
		t.Fatal(windowsErr)
	}
	return filepath.Join(windowsDir, "git-credential-adopat.exe")
}

// winPath is how a Windows program under Wine names a Unix path: drive Z:
// is the root.
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// windowsUser is a user whose files live below a directory in /tmp (which
// .ci/wine shows to Wine at the same path), with the vault named for the
// Windows binary.
func windowsUser(t *testing.T, srv *adotest.Server) *user {
	t.Helper()
	home, err := os.MkdirTemp("/tmp", "adopat-e2e-winhome-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	// 0755, as a profile's directories are in a Wine prefix (AppData\Local
	// included): Wine gives what is created in it an Everyone entry unless
	// adopat keeps it out, and adopat must accept what it wrote there.
	if err := os.Chmod(home, 0o755); err != nil {
		t.Fatal(err)
	}
	u := newUser(t, srv)
	u.home, u.vault = home, filepath.Join(home, "vault", "vault.age")
	u.env = append(u.env, "HOME="+home, "GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"), "ADOPAT_VAULT="+winPath(u.vault))
	return u
}

// A git credential fill, and a clone from the stand-in, through the
// Windows helper: Linux git runs `!'.ci/wine' 'git-credential-adopat.exe'`,
// which answers from a vault the Windows binary wrote. The PAT is in the
// answer and nowhere else.
func TestWindowsHelperAnswersGitUnderWine(t *testing.T) {
	wine := requireWine(t)
	exe := windowsHelper(t)
	srv, pat := fabrikamServer(t)
	u := windowsUser(t, srv)

	if r := u.run("", pat, wine, exe, "add", "--org", "fabrikam", "--no-verify"); r.code != 0 {
		t.Fatal(r)
	}
	helper := "!'" + wine + "' '" + exe + "'"
	u.mustGit("", "config", "--global", "credential.https://dev.azure.com.helper", "")
	u.mustGit("", "config", "--global", "--add", "credential.https://dev.azure.com.helper", helper)
	u.mustGit("", "config", "--global", "credential.https://dev.azure.com.useHttpPath", "true")

	r := u.run("", "protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/web\n\n", "git", "credential", "fill")
	if r.code != 0 || !strings.Contains(r.stdout, "password="+pat+"\n") {
		t.Fatalf("git credential fill through the Windows helper:\n%s", r)
	}
	if strings.Contains(r.stderr, pat) {
		t.Errorf("the PAT is on stderr:\n%s", r.stderr)
	}

	dir := filepath.Join(u.home, "web")
	if r := u.git("", "clone", webURL, dir); r.code != 0 {
		t.Fatalf("clone through the Windows helper:\n%s", r)
	} else if strings.Contains(r.stderr, pat) {
		t.Errorf("the PAT is in clone's stderr")
	}
	if cfg, err := os.ReadFile(filepath.Join(dir, ".git", "config")); err != nil || strings.Contains(string(cfg), pat) {
		t.Errorf(".git/config: %v, holds the PAT: %v", err, strings.Contains(string(cfg), pat))
	}
	if got := srv.AuthAttempts("fabrikam"); got.OK == 0 {
		t.Errorf("the stand-in saw no authenticated request: %+v", got)
	}
}

// add at a console: the Windows binary, under Wine on a pseudo-terminal,
// shows its prompt (on CONOUT$, not CONIN$ where it never appeared), reads
// the PAT with echo off, and stores it where the Linux build reads it.
func TestWindowsAddPromptsAtAConsole(t *testing.T) {
	wine := requireWine(t)
	exe := windowsHelper(t)
	u := windowsUser(t, nil).with("GIT_TERMINAL_PROMPT=1")
	pat := adotest.NewPAT()

	screen, code := u.onConsole(t, wine, "PAT for contoso", pat+"\r", filepath.Join(filepath.Dir(exe), "git-credential-adopat-manage.exe"), "add", "--org", "contoso", "--no-verify")
	if code != 0 {
		t.Fatalf("add at a console: exit %d\n%s", code, screen)
	}
	if !strings.Contains(screen, "PAT for contoso (create one at https://dev.azure.com/contoso/_usersSettings/tokens; input hidden):") {
		t.Errorf("no prompt on the console:\n%s", screen)
	}
	if strings.Contains(screen, pat) {
		t.Errorf("the PAT was echoed:\n%s", screen)
	}
	// The Linux build reads the vault the Windows build wrote. Wine maps
	// the owner-only DACLs the Windows build gave the vault, its key and
	// their directory to mode 0770 (the group as the owner), which the
	// Linux build rightly refuses; no real user shares them between the two.
	err := filepath.WalkDir(filepath.Dir(u.vault), func(p string, d os.DirEntry, err error) error {
		if err == nil {
			err = os.Chmod(p, map[bool]os.FileMode{true: 0o700, false: 0o600}[d.IsDir()])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	linux := u.with("ADOPAT_VAULT=" + u.vault)
	r := linux.adopat("protocol=https\nhost=dev.azure.com\npath=contoso/p/_git/r\n\n", "get")
	if r.code != 0 || !strings.Contains(r.stdout, "password="+pat+"\n") {
		t.Errorf("get from the vault the Windows build wrote:\n%s", r)
	}
}

// onConsole runs name args on a new pseudo-terminal, as a session's
// controlling terminal, waits until prompt shows on its screen, types
// typed, and returns what the screen showed and the exit code.
func (u *user) onConsole(t *testing.T, name, prompt, typed string, args ...string) (string, int) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	// Wide enough that the prompt is on one line of the screen.
	if err := unix.IoctlSetWinsize(fd, unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 250}); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Dir = append(u.env, "TERM=xterm"), u.home
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	cmd.WaitDelay = 5 * time.Second
	var screen syncbuf.Buffer
	read := make(chan struct{})
	go func() { io.Copy(&screen, master); close(read) }()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	// Type only once the prompt is there: a console reads what was typed
	// before it turned echo off with echo on.
	for !strings.Contains(screen.String(), prompt) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := master.WriteString(typed); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	code := 0
	switch {
	case ctx.Err() != nil:
		t.Fatalf("no end within %v; the screen:\n%s", cmdTimeout, screen.String())
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	master.Close()
	<-read
	return screen.String(), code
}

// removeWindowsBuild removes the Windows build, which lives in /tmp, where
// .ci/wine shows it to Wine, not in the run's own directory: without it
// every run leaves 20 MB behind.
func removeWindowsBuild() {
	if windowsDir != "" {
		os.RemoveAll(windowsDir)
	}
}
