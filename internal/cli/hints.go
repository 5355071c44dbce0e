package cli

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// hint is what to run to fix the condition err reports, for the typed
// errors of the store packages: they say what is wrong, and the CLI says
// what to do about it. "" when there is no such advice.
func hint(err error) string {
	var perm *store.PermissionError
	var irregular *store.NotRegularError
	switch {
	case errors.As(err, &perm) && perm.Owner != "":
		return "if it is yours, run: chown " + perm.User + " " + perm.Path + " (else choose another directory)"
	case errors.As(err, &perm) && perm.Dir:
		return "run: chmod go-w " + perm.Path
	case errors.As(err, &perm):
		return "run: chmod 600 " + perm.Path
	case errors.As(err, &irregular) && irregular.Mode&fs.ModeSymlink != 0:
		return "remove it (rm " + irregular.Path + ")"
	case errors.As(err, &irregular):
		return "remove it"
	}
	return ""
}

// withHint is err's text with the hint put right after the text of the
// store error it is for, where the message of that error ended before
// the advice moved here: "vault V is accessible by other users (mode
// 0644); run: chmod 600 V", "journal J is a symbolic link; adopat does
// not follow links for its own files: remove it (rm J)".
func withHint(err error) string {
	msg, h := err.Error(), hint(err)
	if h == "" {
		return msg
	}
	var inner error
	sep := "; "
	var perm *store.PermissionError
	var irregular *store.NotRegularError
	if errors.As(err, &irregular) {
		inner, sep = irregular, ": "
	} else if errors.As(err, &perm) {
		inner = perm
	}
	if at := strings.Index(msg, inner.Error()); at >= 0 {
		end := at + len(inner.Error())
		return msg[:end] + sep + h + msg[end:]
	}
	return msg + "; " + h
}
