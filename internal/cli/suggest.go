package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/pflag"
)

// Unknown command words: typo or a future git action?
//
// gitcredentials(7) asks a helper to ignore, silently, an action it does
// not know, so that git can add actions later. That rule is for what git
// may send. A provisioning script running `git-credential-adopat instal`
// without a terminal must not pass as if it had installed something, so
// a word that git would never send is a usage error (exit 1) even without a
// terminal:
//
//   - A word close to one of our command names (the helper actions get,
//     store and erase included) is a typo: within Damerau-Levenshtein
//     distance 2 of a name of five or more letters, 1 of a shorter one
//     ("gte", "stor", "eraze", "lsit", "instal", "verfy"); or a prefix of
//     at least three letters of one or more names ("inst", "ver" for
//     verify or version); or a Unix habit ("ls", "rm"). git's actions are
//     the three it has always sent; an action added later would be a new
//     word (git-credential(1)'s own verbs are fill, approve, reject and
//     capability), and a new word that happens to be this close to one of
//     ours ("revoke" is two edits from "remove", "set" one from "get") is
//     the price of catching typos: it gets the usage error until adopat
//     learns it. Short names get distance 1 only so that "fill", "exit" or
//     "info" are not mistaken for "list", "edit" or "init" ones.
//   - A word git could not send as an action: git's actions are lowercase
//     ASCII words, so anything else (a URL left over from a misspelt
//     `--sever URL` in the helper string, a path, an upper-case word) is
//     someone else's mistake.
//
// Everything else, a lowercase word far from all our names, keeps git's
// rule: exit 0, no output, stdin not read.

// commandAliases are words people type out of habit for our commands.
var commandAliases = map[string]string{"ls": "list", "rm": "remove"}

// gitActionWord is what an action from git looks like.
var gitActionWord = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// commandSuggestions returns the command names word is most likely a typo
// of, best first; none when word is not close to any.
func commandSuggestions(word string) []string {
	names := append(commandNames(), "help")
	if alias, ok := commandAliases[strings.ToLower(word)]; ok {
		return []string{alias}
	}
	return closest(word, names, 3)
}

// flagSuggestions returns the long flags of fs that name (without dashes)
// is most likely a typo of.
func flagSuggestions(fs *pflag.FlagSet, name string) []string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	out := closest(name, names, 3)
	for i := range out {
		out[i] = "--" + out[i]
	}
	return out
}

// closest returns the candidates word is a typo of, nearest first (ties
// in candidates' order); else those of which word is a prefix of at least
// prefixLen letters ("ver": verify and version).
func closest(word string, candidates []string, prefixLen int) []string {
	w := strings.ToLower(word)
	best, typos, prefixes := -1, []string(nil), []string(nil)
	for _, c := range candidates {
		if d := editDistance(w, c); d <= typoDistance(c) {
			switch {
			case best < 0 || d < best:
				best, typos = d, []string{c}
			case d == best:
				typos = append(typos, c)
			}
		} else if len(w) >= prefixLen && strings.HasPrefix(c, w) {
			prefixes = append(prefixes, c)
		}
	}
	if typos != nil {
		return typos
	}
	return prefixes
}

// typoDistance is how many edits still count as a typo of name.
func typoDistance(name string) int {
	if len(name) <= 4 {
		return 1
	}
	return 2
}

// editDistance is the Damerau-Levenshtein distance (optimal string
// alignment: insertions, deletions, substitutions and transpositions of
// adjacent bytes). Command and flag names are ASCII.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// didYouMean formats suggestions as `; did you mean "a" or "b"?`.
func didYouMean(suggestions []string, quote bool) string {
	if len(suggestions) == 0 {
		return ""
	}
	q := make([]string, len(suggestions))
	for i, s := range suggestions {
		q[i] = s
		if quote {
			q[i] = fmt.Sprintf("%q", s)
		}
	}
	return "; did you mean " + strings.Join(q, " or ") + "?"
}

// flagError rewrites pflag's parse errors for people: "unknown flag
// --jsn; did you mean --json?", and says when a flag of ours does not
// apply to this command.
func flagError(fs *pflag.FlagSet, cmd string, err error) error {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return err
	}
	name := ne.GetSpecifiedName()
	if ne.GetSpecifiedShortnames() != "" {
		return fmt.Errorf("unknown flag -%s", name)
	}
	if commonFlagNames[name] {
		return fmt.Errorf("--%s does not apply to %s", name, cmd)
	}
	return fmt.Errorf("unknown flag --%s%s", name, didYouMean(flagSuggestions(fs, name), false))
}
