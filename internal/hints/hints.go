// Package hints says what to run or do about the store's typed errors:
// the store packages say what is wrong, and adopat's commands (the
// management commands and git's helper actions alike) add what to do.
package hints

import (
	"errors"
	"io/fs"
	"runtime"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// advice is what to run or do to fix the condition err reports, for the
// typed errors of the store packages: they say what is wrong, and the CLI
// says what to do about it. about is the store error the advice is for
// (err or one it wraps), sep what joins the advice to its text; h is ""
// when there is no such advice.
func advice(err error) (about error, sep, h string) {
	var perm *store.PermissionError
	var irregular *store.NotRegularError
	var kr *store.KeyringError
	var missing *store.SecretMissingError
	var noRuntime *store.NoRuntimeDirError
	switch {
	case errors.As(err, &perm) && perm.UserSID != "" && perm.Owner != "":
		return perm, "; ", "if it is yours, run: takeown /f " + winQuote(perm.Path) + " (else choose another directory)"
	case errors.As(err, &perm) && perm.UserSID != "":
		return perm, "; ", "run: " + ICACLSCommand(perm)
	case errors.As(err, &perm) && perm.Owner != "":
		return perm, "; ", "if it is yours, run: chown " + perm.User + " " + perm.Path + " (else choose another directory)"
	case errors.As(err, &perm) && perm.Dir:
		return perm, "; ", "run: chmod go-w " + perm.Path
	case errors.As(err, &perm):
		return perm, "; ", "run: chmod 600 " + perm.Path
	case errors.As(err, &irregular) && irregular.Mode&fs.ModeSymlink != 0:
		return irregular, ": ", "remove it (rm " + irregular.Path + ")"
	case errors.As(err, &irregular):
		return irregular, ": ", "remove it"
	case errors.As(err, &kr):
		return kr, "; ", KeyringAdvice[kr.State]
	case errors.As(err, &missing):
		return missing, "; ", "store it again with: " + AddCommand(&missing.Token)
	case errors.As(err, &noRuntime) && runtime.GOOS == "windows":
		return noRuntime, "; ", noRuntimeAdviceWindows
	case errors.As(err, &noRuntime):
		return noRuntime, "; ", noRuntimeAdvice
	case errors.Is(err, store.ErrLocked):
		return store.ErrLocked, "; ", "run: git-credential-adopat unlock"
	case errors.Is(err, store.ErrNewerFormat):
		return err, "; ", "upgrade git-credential-adopat"
	case errors.Is(err, store.ErrLockTimeout):
		return err, "; ", "if no git or git-credential-adopat process is stuck, try again"
	case errors.Is(err, store.ErrSharedItem):
		return err, "; ", "remove one of them with git-credential-adopat remove"
	case errors.Is(err, store.ErrNotPassphraseProtected):
		return err, " ", "(set one with: git-credential-adopat passphrase)"
	}
	return nil, "", ""
}

// useFileBackend ends the advice for a keyring adopat cannot use.
const useFileBackend = "or use --backend file"

// KeyringAdvice is what to do about each state of the OS keyring.
var KeyringAdvice = map[store.KeyringState]string{
	store.KeyringFailed:           useFileBackend,
	store.KeyringUnsupported:      "use --backend file",
	store.KeyringAutolaunch:       "run inside a desktop session, " + useFileBackend,
	store.KeyringNoBus:            "log in to a desktop session, " + useFileBackend,
	store.KeyringNotStarted:       "log in to a desktop session or start your keyring (e.g. gnome-keyring-daemon --start --components=secrets), " + useFileBackend,
	store.KeyringNoService:        "start one, " + useFileBackend,
	store.KeyringNoCollection:     "create one (e.g. in Seahorse), " + useFileBackend,
	store.KeyringCollectionLocked: "unlock it (log in to the desktop, or open Seahorse / your keyring manager) and try again, " + useFileBackend,
	store.KeyringLocked:           "unlock it and try again, " + useFileBackend,
	store.KeyringGone:             "start your keyring again, " + useFileBackend,
	store.KeyringTimedOut:         "unlock it and try again, " + useFileBackend,
}

// ICACLSCommand is the Windows command that makes perm's file (or
// directory) private to the user: no inherited entries (/inheritance:r),
// full control for the user alone (/grant:r, inherited by what a directory
// holds: (OI)(CI)), and the explicit entries of the others named removed.
// SIDs, not names, so that it works in every language of Windows
// ("Administrators" is "Administratoren" in German).
func ICACLSCommand(perm *store.PermissionError) string {
	grant := "(F)"
	if perm.Dir {
		grant = "(OI)(CI)(F)"
	}
	cmd := "icacls " + winQuote(perm.Path) + " /inheritance:r /grant:r *" + perm.UserSID + ":" + grant
	var remove []string
	for _, sid := range perm.OtherSIDs {
		if strings.HasPrefix(sid, "S-") {
			remove = append(remove, "*"+sid)
		}
	}
	if len(remove) > 0 {
		cmd += " /remove " + strings.Join(remove, " ")
	}
	return cmd
}

// winQuote puts a path in double quotes for cmd and PowerShell alike
// (a Windows file name cannot contain a double quote).
func winQuote(path string) string { return `"` + path + `"` }

// noRuntimeAdvice says what to do instead when there is no RAM-backed
// runtime directory for the unlocked key.
const noRuntimeAdvice = "log in through a session that provides one (systemd-logind sets XDG_RUNTIME_DIR=/run/user/UID, a tmpfs), " +
	"or keep tokens in the OS keyring (git-credential-adopat migrate --to keyring), " +
	"or drop the passphrase (git-credential-adopat passphrase --remove) and rely on the identity file's 0600 mode"

// noRuntimeAdviceWindows: Windows has no RAM file system, so unlock
// cannot work there at all.
const noRuntimeAdviceWindows = "keep tokens in Windows Credential Manager (git-credential-adopat migrate --to keyring), " +
	"or give the passphrase in a file (ADOPAT_PASSPHRASE_FILE), " +
	"or drop the passphrase (git-credential-adopat passphrase --remove) and rely on the identity file being private to you"

// WithHint is err's text with the advice put right after the text of the
// store error it is for, where the message of that error ended before
// the advice moved here: "vault V is accessible by other users (mode
// 0644); run: chmod 600 V", "journal J is a symbolic link; adopat does
// not follow links for its own files: remove it (rm J)".
func WithHint(err error) string {
	msg := err.Error()
	about, sep, h := advice(err)
	if h == "" {
		return msg
	}
	if at := strings.Index(msg, about.Error()); at >= 0 {
		end := at + len(about.Error())
		return msg[:end] + sep + h + msg[end:]
	}
	return msg + "; " + h
}

// AddCommand is the add command for tok's scope, as the user would rerun it.
func AddCommand(tok *store.Token) string {
	cmd := "git-credential-adopat add"
	switch {
	case tok.IsServer():
		cmd += " --server " + ShellQuote(tok.Protocol+"://"+tok.Host)
		if tok.Username != "" && tok.Username != helper.DefaultUsername {
			cmd += " --username " + ShellQuote(tok.Username)
		}
	default:
		cmd += " --org " + ShellQuote(tok.Org)
		if tok.Project != "" {
			cmd += " --project " + ShellQuote(tok.Project)
		}
	}
	return cmd
}

// ShellSafe are the bytes that need no quoting anywhere in a POSIX shell
// word (no globbing, expansion, quoting, tilde or comment meaning).
func ShellSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./:%+,=@", c) >= 0
}

// ShellQuote makes s one POSIX shell word that the shell gives back
// unchanged: in single quotes nothing is special but the quote itself,
// which becomes close-quote, backslash-quote, open-quote (as git's own
// sq_quote_buf writes it).
func ShellQuote(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		safe = ShellSafe(s[i])
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
