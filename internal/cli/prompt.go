package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

func stdinIsTerminal() bool  { return term.IsTerminal(int(os.Stdin.Fd())) }
func stdoutIsTerminal() bool { return term.IsTerminal(int(os.Stdout.Fd())) }

// errNoTerminal: the process has no controlling terminal to ask on (cron,
// CI, ssh without -t, a service). What to do instead depends on what was
// being asked, so callers say it.
var errNoTerminal = errors.New("no terminal to ask on")

// errPromptClosed: the user ended the prompt with Ctrl-D (or the terminal
// went away) before typing a line.
var errPromptClosed = errors.New("the prompt was closed (Ctrl-D) before anything was typed; nothing changed")

// promptTerminal asks on the controlling terminal, not on stdin/stdout:
// stdin may carry the PAT and, for git, stdout is the protocol channel.
func promptTerminal(prompt string) (string, error) {
	tty, err := openTerminal()
	if err != nil {
		return "", errNoTerminal
	}
	defer tty.Close()
	printf(tty, "%s", prompt)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	switch {
	case errors.Is(err, io.EOF):
		return "", errPromptClosed
	case err != nil:
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return string(b), nil
}
