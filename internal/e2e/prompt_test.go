//go:build linux

package e2e_test

import (
	"strings"
	"testing"
)

// GIT_TERMINAL_PROMPT=0 turns adopat's prompts off as it does git's, even
// with a terminal at hand: a locked vault's passphrase for list, and
// unlock itself, are refused at once with what to do, never asked.
func TestGitTerminalPromptZeroNeverPromptsAtATerminal(t *testing.T) {
	t.Parallel()
	u, _ := lockedFabrikamUser(t)
	u = u.with("XDG_RUNTIME_DIR="+shmDir(t), "GIT_TERMINAL_PROMPT=0")
	if r := u.adopatOnTTYEnv("correct horse battery\n", "list"); r.code != 2 || !strings.Contains(r.stderr, "GIT_TERMINAL_PROMPT=0 turns prompts off") {
		t.Errorf("list of a locked vault at a terminal:\n%s", r)
	}
	if r := u.adopatOnTTYEnv("correct horse battery\n", "unlock"); r.code != 2 || !strings.Contains(r.stderr, "GIT_TERMINAL_PROMPT=1 git-credential-adopat unlock") {
		t.Errorf("unlock at a terminal:\n%s", r)
	}
	if r := u.adopatOnTTY("correct horse battery\n", "list"); r.code != 0 {
		t.Errorf("list at a terminal, prompts on:\n%s", r)
	}
}
