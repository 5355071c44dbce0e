package azdo

import (
	"strings"
)

// NonCanonical says why a request path cannot be trusted to be the path on
// the wire, or "" when it can.
//
// git percent-decodes the URL's path before it asks a helper
// (credential_from_url() in git's credential.c runs url_decode on it),
// while curl sends the path as written and removes literal "." and ".."
// segments itself (RFC 3986 section 5.2.4). So a path the helper sees
// with "." or ".." segments came from %2e%2e (or %2F..%2F) on the wire:
// the server resolves a different path than the one the helper would
// answer for. Empty segments ("a//b", a leading "/") and backslashes are
// the same kind of disagreement (servers and proxies fold them
// differently), and a control character has no place in a URL at all.
// A single trailing slash is harmless: git strips it before asking.
func NonCanonical(path string) string {
	if path == "" {
		return ""
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c < 0x20 || c == 0x7f:
			return "the path has a control character"
		case c == '\\':
			return "the path has a backslash"
		}
	}
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	for _, s := range segs {
		switch s {
		case "":
			return "the path has an empty segment (//)"
		case ".", "..":
			return "the path has a \"" + s + "\" segment (from %2e or %2F in the URL)"
		}
	}
	return ""
}

// EqualFold compares organisation, project and host names the way Azure
// DevOps and DNS do: ASCII letters case-insensitively, everything else
// exactly. strings.EqualFold would also fold U+017F LATIN SMALL LETTER
// LONG S to "s" and U+212A KELVIN SIGN to "k", letting a look-alike name
// select another project's token.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
