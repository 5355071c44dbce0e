package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// ask reads one visible line at the terminal: a value that is no secret.
func (a *App) ask(prompt string) (string, error) {
	if a.promptsOff() {
		return "", errPromptsOff
	}
	if a.Ask != nil {
		return a.Ask(prompt)
	}
	return a.Prompt(prompt)
}

// askTerminal asks on the controlling terminal, with echo, like
// promptTerminal. It reads byte by byte, so nothing typed after the line
// (the PAT for the next prompt) is swallowed.
func askTerminal(prompt string) (string, error) {
	return atTerminal(prompt, func(tty *terminal) (string, error) {
		var line []byte
		buf := make([]byte, 1)
		for len(line) < 256 {
			n, err := tty.in.Read(buf)
			if n == 1 && buf[0] == '\n' {
				break
			}
			if n == 1 {
				line = append(line, buf[0])
			}
			if err != nil {
				switch {
				case len(line) > 0:
				case err == io.EOF:
					fmt.Fprintln(tty.out)
					return "", errPromptClosed
				default:
					return "", fmt.Errorf("reading from the terminal: %w", err)
				}
				break
			}
		}
		return strings.TrimSpace(string(line)), nil
	})
}

// expiryPrompt is what rotate (and add, replacing an expired token) ask.
const expiryPrompt = "Expires (e.g. 30d or 2026-12-31): "

// newExpiry gets the expiry of the PAT that replaces tok, whose recorded
// expiry has passed: keeping it would leave the new PAT unsent. At a
// terminal it is asked for; otherwise the command is refused with the flag
// to add. cmd is the command as the user would rerun it, without --expires.
func (a *App) newExpiry(tok *store.Token, cmd string) (*time.Time, error) {
	if !a.Terminal() || a.promptsOff() {
		return nil, usagef("the PAT for %s expired on %s, and a new PAT has its own expiry: nothing changed; run again with it: %s --expires 30d (or the lifetime you gave the new PAT)",
			tok.Scope(), tok.Expires.Format("2006-01-02"), cmd)
	}
	printf(a.Stderr, "The PAT for %s expired on %s; when does the new one expire?\n", tok.Scope(), tok.Expires.Format("2006-01-02"))
	for tries := 0; tries < 3; tries++ {
		ans, err := a.ask(expiryPrompt)
		if err != nil {
			return nil, err
		}
		now := a.Now()
		t, err := parseExpires(ans, now, !tok.IsServer())
		switch {
		case err == nil && t != nil && t.After(now):
			return t, nil
		case err == nil:
			err = fmt.Errorf("the new PAT's expiry must be in the future")
		}
		printf(a.Stderr, "%v\n", err)
	}
	return nil, usagef("no valid expiry given; nothing changed: %s --expires 30d", cmd)
}

// expired reports whether tok's recorded expiry has passed.
func expired(tok *store.Token, now time.Time) bool {
	return tok.Expires != nil && !tok.Expires.After(now)
}

// expiryState is the expiry in force after rotate or add, and whether it
// was kept or is new: "expires 2027-02-28 (new)".
func expiryState(t *time.Time, kept bool) string {
	switch {
	case t == nil:
		return "no expiry recorded (give --expires to be warned before it lapses)"
	case kept:
		return "expires " + t.Format("2006-01-02") + " (kept)"
	}
	return "expires " + t.Format("2006-01-02") + " (new)"
}

// rotateAdvice is helper.RotateAdvice, the one wording of the command.
func rotateAdvice(tok *store.Token) string { return helper.RotateAdvice(tok) }
