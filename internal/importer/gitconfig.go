package importer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// Git reads and writes one config file at a time with the git executable
// (`git config --file FILE`): git's own parser and writer, so quoting,
// continuation lines, comments and every other line of the file are
// handled exactly as git handles them, and only the value asked for
// changes. --file reads that file alone: no system, global or
// GIT_CONFIG_* settings, and no includes.
type Git struct {
	Path string // the git executable
}

// ConfigEntry is one key and value, the key as git prints it (section
// and name in lower case, a subsection as written).
type ConfigEntry struct{ Key, Value string }

// List is every entry of the config file, in file order.
func (g Git) List(file string) ([]ConfigEntry, error) {
	out, err := g.run("config", "--file", file, "--no-includes", "-z", "--list")
	if err != nil {
		return nil, err
	}
	var entries []ConfigEntry
	for _, field := range strings.Split(strings.TrimSuffix(out, "\x00"), "\x00") {
		if field == "" {
			continue
		}
		k, v, _ := strings.Cut(field, "\n")
		entries = append(entries, ConfigEntry{Key: k, Value: v})
	}
	return entries, nil
}

// ReplaceURL changes the value of key that is old, a URL with a
// credential, to new, the same URL without it, in place (git writes the
// new value on the old one's line). The old value is never on git's
// command line: the value pattern git selects the line by is the URL with
// its userinfo left out (`^https://[^/?#]*@dev\.azure\.com/...$`), so a
// secret never shows in the process list. When the pattern selects more
// than one value of the key (the same URL twice, with different
// credentials), git refuses and so does this.
func (g Git) ReplaceURL(file, key, old, new string) error {
	u, ok := ParseCredURL(old)
	if !ok || !u.HasUser {
		return fmt.Errorf("%s is not a URL with a credential", key)
	}
	pattern := "^" + regexp.QuoteMeta(u.raw[:len(u.Scheme)+3]) + "[^/?#]*@" + regexp.QuoteMeta(u.raw[u.rest:]) + "$"
	// git config adds the value when the pattern selects none, and
	// replaces whatever credential the selected one holds: so the file
	// must still hold old, once. Else the value changed since it was read
	// (the repository was read twice, someone edited it), and a second URL
	// would be added to the remote, or a PAT that was never stored removed.
	held, err := g.run("config", "--file", file, "-z", "--get-all", key, pattern)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 1, err == nil && held != old+"\x00":
		return fmt.Errorf("%s no longer holds the URL import read (it changed meanwhile); left as it is: run import again", key)
	case err != nil:
		return err
	}
	before, statErr := os.Stat(file)
	if _, err := g.run("config", "--file", file, key, new, pattern); err != nil {
		return err
	}
	// git keeps the file's mode but not its owner: root cleaning a user's
	// clone must leave the user's config the user's.
	if statErr == nil {
		keepOwnerPath(file, before)
	}
	return nil
}

// run runs git and returns its stdout; a failure carries what git said.
func (g Git) run(args ...string) (string, error) {
	cmd := exec.Command(g.Path, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return "", &gitError{fmt.Sprintf("git %s failed (exit %d): %s", args[0], exit.ExitCode(), strings.TrimSpace(errb.String())), exit}
	}
	if err != nil {
		return "", fmt.Errorf("running git: %w (is git installed and on PATH?)", err)
	}
	return out.String(), nil
}

// gitError is a git that ran and failed: what it said, and its exit
// status (errors.As finds the *exec.ExitError).
type gitError struct {
	msg  string
	exit *exec.ExitError
}

func (e *gitError) Error() string { return e.msg }
func (e *gitError) Unwrap() error { return e.exit }
