package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

func stdinIsTerminal() bool  { return term.IsTerminal(int(os.Stdin.Fd())) }
func stdoutIsTerminal() bool { return term.IsTerminal(int(os.Stdout.Fd())) }

// errNoTerminal: the process has no controlling terminal to ask on (cron,
// CI, ssh without -t, a service). What to do instead depends on what was
// being asked, so callers say it.
var errNoTerminal = errors.New("no terminal to ask on")

// errPromptsOff: GIT_TERMINAL_PROMPT=0 says nothing may prompt, as git
// itself honours it; it counts as no terminal (errors.Is errNoTerminal).
var errPromptsOff = promptsOffError{}

type promptsOffError struct{}

func (promptsOffError) Error() string        { return "GIT_TERMINAL_PROMPT=0 turns prompts off" }
func (promptsOffError) Is(target error) bool { return target == errNoTerminal }

// promptsOff reports whether GIT_TERMINAL_PROMPT forbids prompting. git
// reads it as a boolean: 0, false, no, off and set but empty are false.
func (a *App) promptsOff() bool {
	v, ok := a.lookupEnv("GIT_TERMINAL_PROMPT")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return true
	}
	return false
}

// noPromptWhy says why a prompt could not be shown, after err from
// prompt or ask: "there is no terminal here", or the variable that forbids
// it.
func (a *App) noPromptWhy(err error) string {
	if errors.Is(err, errPromptsOff) {
		return "GIT_TERMINAL_PROMPT=0 turns prompts off"
	}
	return "there is no terminal here"
}

// prompt reads a secret at the terminal with Prompt, unless
// GIT_TERMINAL_PROMPT=0 forbids it (errPromptsOff).
func (a *App) prompt(p string) (string, error) {
	if a.promptsOff() {
		return "", errPromptsOff
	}
	return a.Prompt(p)
}

// errPromptClosed: the user ended the prompt with Ctrl-D (Ctrl-Z at a
// Windows console), or the terminal went away, before typing a line.
var errPromptClosed = errors.New("the prompt was closed (" + eofKey + ") before anything was typed; nothing changed")

// promptTerminal asks on the controlling terminal, not on stdin/stdout:
// stdin may carry the PAT and, for git, stdout is the protocol channel.
func promptTerminal(prompt string) (string, error) {
	return atTerminal(prompt, func(tty *terminal) (string, error) {
		b, err := term.ReadPassword(int(tty.in.Fd()))
		fmt.Fprintln(tty.out)
		switch {
		case errors.Is(err, io.EOF):
			return "", errPromptClosed
		case err != nil:
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		return string(b), nil
	})
}

// terminal is where a prompt is shown (out) and its answer read (in):
// the same /dev/tty on Unix, the console's screen and input buffers on
// Windows (tty_windows.go).
type terminal struct{ in, out *os.File }

func (t *terminal) Close() {
	t.in.Close()
	if t.out != t.in {
		t.out.Close()
	}
}

// atTerminal opens the controlling terminal, shows prompt there and
// reads the answer with read.
func atTerminal(prompt string, read func(tty *terminal) (string, error)) (string, error) {
	tty, err := openTerminal()
	if err != nil {
		return "", errNoTerminal
	}
	defer tty.Close()
	printf(tty.out, "%s", prompt)
	return read(tty)
}
