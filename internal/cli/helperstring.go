package cli

import (
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/hints"
)

// serverHelper is the helper string install writes for a declared server,
// after command (helperCommand: the plain name or the absolute path of
// the binary), and parseServerHelper reads it back; verify and uninstall
// rely on the two agreeing.
//
// git runs a helper string that neither starts with "!" nor is an absolute
// path as the shell command "git credential-" + string + " " + action,
// and an absolute path as it stands + " " + action (gitcredentials(7),
// "CUSTOM HELPERS"; credential.c, credential_do, with use_shell). The URL
// is one shell word: a collection named R&D or it's would otherwise end
// the command or open a quote. It is quoted only when needed, so a plain
// URL reads as before: adopat --server https://tfs.lan/tfs
func serverHelper(command string, s azdo.Server) string {
	return command + " " + serverArgs(s)
}

// serverArgs are the helper's arguments for a declared server.
func serverArgs(s azdo.Server) string { return "--server " + shellQuote(s.String()) }

// parseServerHelper reads a helper string serverHelper wrote (or a user
// wrote the same way: one bare, single-quoted or backslash-escaped word),
// whatever its command.
func parseServerHelper(value string) (azdo.Server, bool) {
	_, args, ok := parseHelper(value)
	if !ok {
		return azdo.Server{}, false
	}
	rest, ok := strings.CutPrefix(args, "--server ")
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

// parseHelper splits a helper string install wrote, in any version and
// from any place, into its command and its arguments (trimmed): path is
// "" for the plain name (helperName), else the absolute path of a
// git-credential-adopat as the shell reads it, from either form
// helperValue writes: bare, or "!" and a quoted path.
func parseHelper(value string) (path, args string, ok bool) {
	v := strings.TrimSpace(value)
	if rest, found := strings.CutPrefix(v, helperName); found && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
		return "", strings.TrimSpace(rest), true
	}
	bang := strings.HasPrefix(v, "!")
	if bang {
		v = v[1:]
	}
	word, n, ok := shellWordPrefix(v)
	// Bare, git must see the path as written: it tests the raw string for
	// an absolute path before the shell unquotes anything.
	if !ok || !bang && v[:n] != word || !helperAbs(word) {
		return "", "", false
	}
	name := word[strings.LastIndexAny(word, `/\`)+1:]
	if !strings.EqualFold(strings.TrimSuffix(strings.ToLower(name), ".exe"), binaryName) {
		return "", "", false
	}
	return word, strings.TrimSpace(v[n:]), true
}

// helperAbs is git's is_absolute_path for a helper string: a leading
// slash, or (git for Windows) a drive letter, a colon and a slash.
func helperAbs(p string) bool {
	return strings.HasPrefix(p, "/") ||
		len(p) > 2 && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && p[1] == ':' && (p[2] == '/' || p[2] == '\\')
}

func shellSafe(c byte) bool { return hints.ShellSafe(c) }

func shellQuote(s string) string { return hints.ShellQuote(s) }

// shellWord undoes shellQuote: s must be exactly one word made of safe
// bytes, single-quoted runs and backslash-escaped bytes. Anything the shell
// would expand or split (unquoted $, `, *, spaces, double quotes) is
// refused rather than guessed at.
func shellWord(s string) (string, bool) {
	word, n, ok := shellWordPrefix(s)
	return word, ok && n == len(s)
}

// shellWordPrefix reads the one word s starts with, as shellWord does,
// up to an unquoted space or tab: the word and the bytes it took.
func shellWordPrefix(s string) (string, int, bool) {
	var b strings.Builder
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			return b.String(), i, i > 0
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return "", 0, false
			}
			b.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case c == '\\' && i+1 < len(s) && s[i+1] != '\n':
			b.WriteByte(s[i+1])
			i++
		case shellSafe(c) || c >= 0x80:
			b.WriteByte(c)
		default:
			return "", 0, false
		}
	}
	return b.String(), i, i > 0
}
