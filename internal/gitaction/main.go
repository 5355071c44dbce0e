package gitaction

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/hints"
	"github.com/adopat/git-credential-adopat/internal/safetext"
)

// ManageName is the management binary: every command but get and store,
// installed beside git-credential-adopat.
const ManageName = "git-credential-adopat-manage"

// Exit codes, as the management commands document them.
const (
	exitUsage   = 1
	exitRuntime = 2
)

// Main runs git's get or store for the thin main, in this process; for
// anything else (another command, erase, which asks Azure DevOps over
// HTTPS, help, or a command line it does not read exactly as the
// management binary would) it returns handled false, and the caller hands
// the same arguments to the management binary (ExecManage).
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int, handled bool) {
	action, flags, servers, ok := parseArgs(args)
	if !ok {
		return 0, false
	}
	if action == "capability" {
		io.WriteString(stdout, helper.Capabilities) // no store to open, no input to read
		return 0, true
	}
	s := &Setup{
		Env:    &backends.Env{Getenv: os.Getenv, Flags: flags},
		Stderr: stderr, LookupEnv: os.LookupEnv, Now: time.Now, Servers: servers,
	}
	// What get reads is kept, so that a request the management binary
	// must answer (a token source to ask: helper.ErrMint) reaches it as
	// git sent it. ReadCredential bounds it (helper.MaxInput).
	rec := &recorder{r: stdin}
	h, err := s.Helper()
	if err == nil {
		err = h.Run(action, rec, stdout)
	}
	var ue *backends.UsageError
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, helper.ErrMint):
		return RunManage(args, io.MultiReader(bytes.NewReader(rec.read), stdin), stdout, stderr), true
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "git-credential-adopat %s: %s\nsee: git-credential-adopat %s --help\n", action, safetext.Escape(err.Error()), action)
		return exitUsage, true
	}
	fmt.Fprintf(stderr, "git-credential-adopat: %s\n", safetext.Escape(hints.WithHint(err)))
	return exitRuntime, true
}

// recorder is a reader that keeps what was read through it.
type recorder struct {
	r    io.Reader
	read []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.read = append(r.read, p[:n]...)
	return n, err
}

// RunManage runs the management binary with args as a child, stdin,
// stdout and stderr given, and returns its exit code: the way get hands
// over a request whose stdin it has already read (exec could not give
// the child what was read).
func RunManage(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := managePath()
	if err == nil {
		cmd := exec.Command(p, args...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
		err = cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err == nil {
			return 0
		}
	}
	fmt.Fprintf(stderr, "git-credential-adopat: cannot run %s to ask the token's source: %s; put it beside git-credential-adopat, as it comes in the release archive and the Debian package (make install and install/install.sh install both)\n", ManageName, safetext.Escape(err.Error()))
	return exitRuntime
}

// valueFlags are the common flags git may put before the action (from the
// helper string), each taking a value.
var valueFlags = map[string]bool{"server": true, "vault": true, "identity": true, "backend": true, "keyring-timeout": true}

// parseArgs reads a command line that is exactly get or store with common
// flags ("--flag value" or "--flag=value", before or after the action).
// Anything else is not ok: the management binary reads it, with its
// errors and help.
func parseArgs(args []string) (action string, f backends.Flags, servers []string, ok bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if action != "" {
				return "", f, nil, false
			}
			action = a
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !strings.HasPrefix(a, "--") || !valueFlags[name] {
			return "", f, nil, false
		}
		if !hasValue {
			if i+1 >= len(args) {
				return "", f, nil, false
			}
			i++
			value = args[i]
		}
		switch name {
		case "server":
			servers = append(servers, value)
		case "vault":
			f.Vault = value
		case "identity":
			f.Identity = value
		case "backend":
			f.Backend = value
		case "keyring-timeout":
			f.KeyringTimeout = value
		}
	}
	if action != "get" && action != "store" && action != "capability" {
		return "", f, nil, false
	}
	return action, f, servers, true
}

// managePath is the management binary: beside the running executable,
// else on PATH.
func managePath() (string, error) {
	name := ManageName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(exe), name); isFile(p) {
			return p, nil
		}
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			if p := filepath.Join(filepath.Dir(real), name); isFile(p) {
				return p, nil
			}
		}
	}
	return lookPath(name)
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// ExecManage runs the management binary with args, stdio passed through,
// and returns its exit code (on Unix it replaces this process and returns
// only when it cannot).
func ExecManage(args []string) int {
	p, err := managePath()
	if err == nil {
		var code int
		if code, err = execManage(p, args); err == nil {
			return code
		}
	}
	fmt.Fprintf(os.Stderr, "git-credential-adopat: cannot run %s: %s; put it beside git-credential-adopat, as it comes in the release archive and the Debian package (make install and install/install.sh install both)\n", ManageName, safetext.Escape(err.Error()))
	return exitRuntime
}
