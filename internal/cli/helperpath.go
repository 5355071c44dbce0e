package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// git runs a helper string that is an absolute path itself, through the
// shell; any other string as "git credential-" + string, which costs one
// more git process on every request (gitcredentials(7), "CUSTOM HELPERS";
// credential.c, credential_do). So install writes the absolute path of
// git-credential-adopat when that path will still be there for git later,
// and the plain name otherwise.

// binaryName is the program git must run; manageName is the management
// binary, which points git at the binaryName beside it.
const (
	binaryName = "git-credential-adopat"
	manageName = "git-credential-adopat-manage"
)

// helperCommand is the start of every helper string install writes (an
// absolute path as one shell word, or helperName) and, for helperName,
// the reason the path was not used.
func (a *App) helperCommand() (command, why string) {
	exe, err := a.executable()
	if err != nil {
		return helperName, fmt.Sprintf("its own path is unknown: %v", err)
	}
	path, why := stablePath(exe, a.tempRoots())
	if why != "" {
		return helperName, why
	}
	return helperValue(path), ""
}

// executable is this program's path: App.Executable, else selfPath.
func (a *App) executable() (string, error) {
	if a.Executable != nil {
		return a.Executable()
	}
	return selfPath()
}

// tempRoots are the directories whose files may vanish: App.TempRoots,
// else the system's.
func (a *App) tempRoots() []string {
	if a.TempRoots != nil {
		return a.TempRoots
	}
	roots := []string{os.TempDir()}
	if runtime.GOOS != "windows" {
		roots = append(roots, "/tmp", "/var/tmp", "/dev/shm")
	}
	return roots
}

// selfPath is the path this program was started by, when it names the
// same file as os.Executable, else os.Executable. The path as invoked
// keeps its symbolic links: a package manager's /usr/bin/x pointing into
// a versioned directory stays right across upgrades, which the resolved
// path would not (on Linux os.Executable is /proc/self/exe, resolved).
func selfPath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	invoked := invokedPath()
	if invoked == "" || invoked == exe {
		return exe, nil
	}
	fi, err1 := os.Stat(invoked)
	fe, err2 := os.Stat(exe)
	if err1 == nil && err2 == nil && os.SameFile(fi, fe) {
		return invoked, nil
	}
	return exe, nil
}

// invokedPath is os.Args[0] made absolute: as given when it holds a
// directory, else where PATH finds it; "" when neither works.
func invokedPath() string {
	if len(os.Args) == 0 || os.Args[0] == "" {
		return ""
	}
	arg0 := os.Args[0]
	if !strings.ContainsAny(arg0, string(filepath.Separator)+"/") {
		found, err := exec.LookPath(arg0)
		if err != nil {
			return ""
		}
		arg0 = found
	}
	abs, err := filepath.Abs(arg0)
	if err != nil {
		return ""
	}
	return abs
}

// stablePath is the absolute path install may give git for the program
// at exe, or why there is none: exe must be absolute, be (or, for the
// management binary, sit beside) an executable git-credential-adopat, and
// lie outside the temporary directories roots and go's build directories
// (go run and go test build there and delete the binary afterwards).
func stablePath(exe string, roots []string) (path, why string) {
	if !filepath.IsAbs(exe) {
		return "", fmt.Sprintf("its path %s is not absolute", exe)
	}
	exe = filepath.Clean(exe)
	dir, base := filepath.Split(exe)
	ext := ""
	if runtime.GOOS == "windows" {
		ext = ".exe"
	}
	switch name := strings.TrimSuffix(base, ext); {
	case sameName(name, manageName):
		exe = filepath.Join(dir, binaryName+ext)
		if _, err := os.Stat(exe); err != nil {
			return "", fmt.Sprintf("there is no %s beside %s", binaryName+ext, base)
		}
	case !sameName(name, binaryName):
		return "", fmt.Sprintf("this program is %s, not %s", exe, binaryName+ext)
	}
	if err := checkExecutable(exe); err != nil {
		return "", err.Error()
	}
	for _, part := range strings.Split(filepath.ToSlash(exe), "/") {
		if strings.HasPrefix(part, "go-build") {
			return "", fmt.Sprintf("%s is a build of go run or go test, deleted after", exe)
		}
	}
	for _, root := range roots {
		if root != "" && (within(exe, root) || within(resolved(exe), resolved(root))) {
			return "", fmt.Sprintf("%s is in the temporary directory %s", exe, root)
		}
	}
	return exe, ""
}

// sameName compares file names as the system does: Windows ignores case.
func sameName(a, b string) bool {
	return a == b || runtime.GOOS == "windows" && strings.EqualFold(a, b)
}

// checkExecutable says why git could not run the file at path.
func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist", path)
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not executable", path)
	}
	return nil
}

// within reports whether path is root or below it.
func within(path, root string) bool {
	rel, err := filepath.Rel(filepath.Clean(root), path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolved is path with its symbolic links followed, or path itself
// (macOS: /tmp is /private/tmp, $TMPDIR is under /private/var).
func resolved(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}

// helperValue is the helper string for the program at an absolute path.
// git takes a string that starts with an absolute path as a shell command
// as it stands, so a path of safe bytes is written bare (on Windows with
// forward slashes: git for Windows' shell reads a backslash as an escape).
// Any other path would not survive the shell bare, and quoted it would no
// longer start with "/": it is written as a shell command, "!" then the
// single-quoted path.
func helperValue(path string) string {
	path = filepath.ToSlash(path)
	if q := shellQuote(path); q != path {
		return "!" + q
	}
	return path
}
