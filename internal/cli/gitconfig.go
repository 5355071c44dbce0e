package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// gitConfig is the one way adopat reads and writes git's configuration:
// `git config` run on one file (install and uninstall: the global or the
// system file) or on everything git reads here (doctor and verify: every
// file, the repository's and GIT_CONFIG_* included) or in one repository
// (import, for the URLs it cleaned: gitDir), never parsed by hand.
type gitConfig struct {
	git   string // the git executable
	scope string // "--global" or "--system"; "" for everything git reads
	// gitDir, with scope "": everything git reads in that repository
	// (git --git-dir), not in the current directory's.
	gitDir string
}

// gitConfigFile is the global git config, or with system the system one.
func (a *App) gitConfigFile(system bool) gitConfig {
	if system {
		return gitConfig{git: a.Git, scope: "--system"}
	}
	return gitConfig{git: a.Git, scope: "--global"}
}

// gitConfig is the configuration as git reads it here, from every file.
func (a *App) gitConfig() gitConfig { return gitConfig{git: a.Git} }

// gitError is git config's failure: its exit status and what it said.
type gitError struct {
	code int
	msg  string
}

func (e *gitError) Error() string {
	return fmt.Sprintf("git config failed (exit %d): %s", e.code, e.msg)
}

// notFound is git config's exit status 5 ("you try to unset an option
// which does not exist"), and 1 when a key or --get-regexp finds nothing.
func notFound(err error) bool {
	var ge *gitError
	return errors.As(err, &ge) && (ge.code == 5 || ge.code == 1)
}

func isNoSuchSection(err error) bool {
	var ge *gitError
	return errors.As(err, &ge) && strings.Contains(ge.msg, "no such section")
}

// run runs `git config` with args on g's file(s) and returns its stdout.
func (g gitConfig) run(args ...string) (string, error) {
	var full []string
	if g.gitDir != "" {
		full = append(full, "--git-dir="+g.gitDir)
	}
	full = append(full, "config")
	if g.scope != "" {
		full = append(full, g.scope)
	}
	cmd := exec.Command(g.git, append(full, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), &gitError{code: exit.ExitCode(), msg: strings.TrimSpace(errb.String())}
	}
	if err != nil {
		return "", fmt.Errorf("running git: %w (is git installed and on PATH?)", err)
	}
	return out.String(), nil
}

// getAll returns every value of key, none when unset.
func (g gitConfig) getAll(key string) ([]string, error) {
	out, err := g.run("--get-all", key)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), nil
}

// configEntry is one value --get-regexp found: the key as git prints it
// (section and name lower-cased, a subsection as written), the value, and
// with getRegexpOrigin where it is set ("file:PATH", "command line:").
type configEntry struct {
	origin, key, value string
}

// getRegexp returns every value whose key matches pattern, none when no
// key does. -z: each entry is "key\nvalue\0", so neither a key nor a value
// with spaces or newlines can be misread (git-config(1), --null).
func (g gitConfig) getRegexp(pattern string) ([]configEntry, error) {
	return g.regexp(pattern, false)
}

// getRegexpOrigin is getRegexp with each value's origin.
func (g gitConfig) getRegexpOrigin(pattern string) ([]configEntry, error) {
	return g.regexp(pattern, true)
}

func (g gitConfig) regexp(pattern string, origin bool) ([]configEntry, error) {
	args := []string{"-z"}
	if origin {
		args = append(args, "--show-origin")
	}
	out, err := g.run(append(args, "--get-regexp", pattern)...)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fields := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	var entries []configEntry
	for i := 0; i < len(fields); i++ {
		var e configEntry
		if origin {
			if e.origin, i = fields[i], i+1; i == len(fields) {
				break
			}
		}
		e.key, e.value, _ = strings.Cut(fields[i], "\n")
		entries = append(entries, e)
	}
	return entries, nil
}

// getURLMatch is `git config --get-urlmatch KEY URL`: the value of KEY's
// most specific <section>.<url>.<name> match for rawURL, else KEY itself,
// as git picks it for a request to rawURL. ok is false when neither is
// set, and when there is no git (nothing of git's to follow). path
// expands a leading ~ as git does for path settings.
func (g gitConfig) getURLMatch(key, rawURL string, path bool) (value string, ok bool, err error) {
	args := []string{"--get-urlmatch", key, rawURL}
	if path {
		args = append([]string{"--path"}, args...)
	}
	out, err := g.run(args...)
	var ge *gitError
	switch {
	case errors.As(err, &ge) && ge.code == 1:
		return "", false, nil
	case errors.Is(err, exec.ErrNotFound):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("cannot read git's %s for %s: %w", key, rawURL, err)
	}
	return strings.TrimSuffix(out, "\n"), true, nil
}

// set makes value key's only value.
func (g gitConfig) set(key, value string) error {
	_, err := g.run(key, value)
	return err
}

// addAll appends each of values to key's values.
func (g gitConfig) addAll(key string, values []string) error {
	for _, v := range values {
		if _, err := g.run("--add", key, v); err != nil {
			return err
		}
	}
	return nil
}

// replaceValues replaces every value of key that matches valuePattern (a
// regular expression) with value, in the line of the first.
func (g gitConfig) replaceValues(key, value, valuePattern string) error {
	_, err := g.run("--replace-all", key, value, valuePattern)
	return err
}

// replaceAll makes values the key's values. --replace-all writes the first
// one where the key already stood, so a restored setting lands back in its
// place in the user's file rather than at the end of the section.
func (g gitConfig) replaceAll(key string, values []string) error {
	if len(values) == 0 {
		if _, err := g.run("--unset-all", key); err != nil && !notFound(err) {
			return err
		}
		return nil
	}
	if _, err := g.run("--replace-all", key, values[0]); err != nil {
		return err
	}
	return g.addAll(key, values[1:])
}

// unset removes the one value of key that matches valuePattern.
func (g gitConfig) unset(key, valuePattern string) error {
	_, err := g.run("--unset", key, valuePattern)
	return err
}

// removeSection removes a section and its keys; one already gone is fine.
func (g gitConfig) removeSection(name string) error {
	if _, err := g.run("--remove-section", name); err != nil && !isNoSuchSection(err) {
		return err
	}
	return nil
}
