// Package safetext makes text that came from outside (URLs git was given,
// names in a vault, server messages) safe to print on a terminal for a
// person: control characters could move the cursor or rewrite earlier
// lines, and bidi and other format characters (Trojan Source,
// CVE-2021-42574) could make a line read differently from what it holds.
//
// Only human output goes through here. JSON output is already escaped by
// encoding/json and must stay exact.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every character that is not plainly visible
// replaced by a Go-style escape: \n, \t, \x1b, \u202e. Invalid UTF-8 bytes
// become \xNN. Printable text, including non-ASCII letters, is kept as is.
// A backslash is left alone: escaping it would make ordinary Windows paths
// unreadable, and the escapes are for reading, not for parsing back.
func Escape(s string) string {
	if clean(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafe(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// clean reports whether s needs no escaping, the common case, so Escape
// costs no allocation then.
func clean(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r) {
			return false
		}
	}
	return true
}

// unsafe reports whether r must not reach a terminal as is: C0 and C1
// controls, DEL, format characters (Cf: bidi embeddings, overrides and
// isolates, zero-width joiners, BOM), line and paragraph separators, and
// unassigned or private-use code points, which a terminal may draw as
// anything.
func unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) ||
		unicode.In(r, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) ||
		!unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
}
