package azdo

import (
	"errors"
	"net"
	"strings"
	"unicode"
)

// plainHost reports whether name (without port or brackets) is a DNS name
// of ASCII letters, digits, hyphens, underscores and dots, or an IP
// literal. git and curl look names up as given; a non-ASCII name or one
// with control or format characters would reach the git config and the
// helper's command line as something other than what the user read.
func plainHost(name string) bool {
	if net.ParseIP(name) != nil {
		return true
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.', r == '_':
		default:
			return false
		}
	}
	return strings.Trim(name, ".") != ""
}

// checkPrefix refuses path prefixes git would read differently: git's URL
// matching removes "." and ".." segments and collapses nothing else
// (urlmatch.c, url_normalize), so "/a/../b" would be declared as one
// collection and matched as another. Control characters cannot stand in a
// git config key or a helper's command line.
func checkPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	for _, seg := range strings.Split(prefix, "/") {
		switch seg {
		case "":
			return errors.New("the path has an empty segment (//); give the collection's URL as Azure DevOps shows it")
		case ".", "..":
			return errors.New(`the path has a "." or ".." segment; give the collection's URL as Azure DevOps shows it`)
		}
	}
	if strings.IndexFunc(prefix, unicode.IsControl) >= 0 {
		return errors.New("the path contains a control character")
	}
	return nil
}
