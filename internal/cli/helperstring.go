package cli

import (
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/hints"
)

// serverHelper is the helper string install writes for a declared server,
// and parseServerHelper reads it back; verify and uninstall rely on the
// two agreeing.
//
// git runs a helper string that neither starts with "!" nor is an absolute
// path as the shell command "git credential-" + string + " " + action
// (gitcredentials(7), "CUSTOM HELPERS"; credential.c, credential_do, with
// use_shell). The URL is one shell word: a collection named R&D or it's
// would otherwise end the command or open a quote. It is quoted only when
// needed, so a plain URL reads as before: adopat --server https://tfs.lan/tfs
func serverHelper(s azdo.Server) string {
	return helperName + " --server " + shellQuote(s.String())
}

// parseServerHelper reads a helper string serverHelper wrote (or a user
// wrote the same way: one bare, single-quoted or backslash-escaped word).
func parseServerHelper(value string) (azdo.Server, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(value), helperName+" --server ")
	if !ok {
		return azdo.Server{}, false
	}
	word, ok := shellWord(strings.TrimLeft(rest, " \t"))
	if !ok {
		return azdo.Server{}, false
	}
	s, err := azdo.ParseServer(word)
	return s, err == nil
}

func shellSafe(c byte) bool { return hints.ShellSafe(c) }

func shellQuote(s string) string { return hints.ShellQuote(s) }

// shellWord undoes shellQuote: s must be exactly one word made of safe
// bytes, single-quoted runs and backslash-escaped bytes. Anything the shell
// would expand or split (unquoted $, `, *, spaces, double quotes) is
// refused rather than guessed at.
func shellWord(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case c == '\\' && i+1 < len(s) && s[i+1] != '\n':
			b.WriteByte(s[i+1])
			i++
		case shellSafe(c) || c >= 0x80:
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	return b.String(), s != ""
}
