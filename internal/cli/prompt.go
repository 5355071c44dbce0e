package cli

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"
)

func stdinIsTerminal() bool  { return term.IsTerminal(int(os.Stdin.Fd())) }
func stdoutIsTerminal() bool { return term.IsTerminal(int(os.Stdout.Fd())) }

// promptTerminal asks on the controlling terminal, not on stdin/stdout:
// stdin may carry the PAT and, for git, stdout is the protocol channel.
func promptTerminal(prompt string) (string, error) {
	tty, err := openTerminal()
	if err != nil {
		return "", errors.New("no terminal to ask on; pipe the PAT on stdin, or run `git-credential-adopat unlock` in a terminal first")
	}
	defer tty.Close()
	printf(tty, "%s", prompt)
	b, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return string(b), nil
}
