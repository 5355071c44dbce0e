package store

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
)

// Sentinel errors let the CLI and the git helper react to a condition
// (prompt, suggest a command, stay silent) without parsing messages. Every
// error this package returns for one of these conditions carries a message
// written for people and wraps the sentinel, so errors.Is works.
var (
	// ErrLocked: the identity is passphrase-protected, there is no valid
	// unlocked copy and no Passphrase callback to ask for it.
	ErrLocked = errors.New("vault is passphrase-protected and locked")

	// ErrWrongPassphrase: the passphrase does not decrypt the identity.
	ErrWrongPassphrase = errors.New("wrong passphrase")

	// ErrNotPassphraseProtected: Unlock or RemovePassphrase was asked of an
	// identity that has no passphrase.
	ErrNotPassphraseProtected = errors.New("identity is not passphrase-protected")

	// ErrIdentityMissing: the identity file does not exist although it is
	// needed (typically: the vault exists but its key is gone).
	ErrIdentityMissing = errors.New("identity file is missing")

	// ErrWrongIdentity: the vault was encrypted for a different key.
	ErrWrongIdentity = errors.New("vault was encrypted for another key")

	// ErrCorrupted: the vault or identity file is damaged (not age, bad
	// header, truncated, tampered with, or not valid JSON).
	ErrCorrupted = errors.New("file is corrupted")

	// ErrInsecurePermissions: a secret file is readable or writable by
	// group or others, so it is refused, as ssh does.
	ErrInsecurePermissions = errors.New("file is accessible by other users")

	// ErrNotRegularFile: one of adopat's own files is a symbolic link, FIFO,
	// device or directory, so it is neither read nor written.
	ErrNotRegularFile = errors.New("not a regular file")

	// ErrNoRuntimeDir: there is no RAM-backed per-user runtime directory, so
	// the key cannot be unlocked (kept decrypted) without landing on a disk.
	ErrNoRuntimeDir = errors.New("no RAM-backed runtime directory for the unlocked key")

	// The OS keyring backend's: each error it returns for one of these is
	// one line saying what to do, and never contains a secret.

	// ErrKeyringUnavailable: no keyring can be reached without starting
	// something (no D-Bus session bus, no Secret Service running on it, no
	// default collection) or it failed in a way that says it is gone.
	ErrKeyringUnavailable = errors.New("OS keyring is unavailable")

	// ErrKeyringLocked: the keyring is there but locked; using it would
	// show an unlock prompt, which a git helper must never wait on.
	ErrKeyringLocked = errors.New("OS keyring is locked")

	// ErrKeyringTimeout: a keyring call did not return within the timeout.
	ErrKeyringTimeout = errors.New("OS keyring did not answer in time")

	// ErrSecretMissing: the index lists a token whose keyring item is gone,
	// typically deleted in the keyring's own UI.
	ErrSecretMissing = errors.New("keyring item is missing")

	// ErrNewerFormat: a vault or index written by a newer version.
	ErrNewerFormat = errors.New("written by a newer version")

	// ErrLockTimeout: another process held a store's lock too long.
	ErrLockTimeout = errors.New("locked by another process")

	// ErrSharedItem: two tokens would be kept in one keyring item.
	ErrSharedItem = errors.New("two tokens would share one keyring item")
)

// storeError pairs a complete, human-oriented message with the sentinel and
// the underlying cause, so the message is not polluted by either one's text
// while errors.Is and errors.As still see both.
type storeError struct {
	msg  string
	errs []error
}

func (e *storeError) Error() string   { return e.msg }
func (e *storeError) Unwrap() []error { return e.errs }

// NewError is an error whose text is msg alone and that errors.Is and
// errors.As match with each of errs (a sentinel, the underlying cause);
// nil entries are dropped. The store packages build their errors with it.
func NewError(msg string, errs ...error) error {
	kept := errs[:0:0]
	for _, err := range errs {
		if err != nil {
			kept = append(kept, err)
		}
	}
	return &storeError{msg: msg, errs: kept}
}

// ErrNotFound: no token has the scope asked for. Errors for it are
// *ScopeNotFoundError.
var ErrNotFound = errors.New("no such token")

// ScopeNotFoundError says that no token in a store has Scope.
type ScopeNotFoundError struct {
	Scope string
	Where string // the store, for people: "age vault PATH", ...
}

func (e *ScopeNotFoundError) Error() string {
	return fmt.Sprintf("no token with scope %q in %s", e.Scope, e.Where)
}

func (e *ScopeNotFoundError) Is(target error) bool { return target == ErrNotFound }

// NeverReadError is what Update returns for a Stripped token fn put in
// that the Update did not hand out: storing it would store an empty PAT.
func NeverReadError(t *Token) error {
	return fmt.Errorf("cannot store the token for %s: its secret was never read (read it with Store.Secret before copying it into an Update)", t.Scope())
}

// PermissionError: a file or directory of adopat's that other users could
// read or change. It matches ErrInsecurePermissions. Its text says what is
// wrong; the command that fixes it is the CLI's to give (Owner, Mode).
type PermissionError struct {
	What string      // what the file is for people: "vault", "identity", ...
	Path string      // the file, or the directory for Dir
	Dir  bool        // Path is the directory holding adopat's files
	Mode fs.FileMode // the permission bits found
	// Owner, when set, is who owns the directory instead of User, the
	// user running adopat.
	Owner, User string
	// Others (Windows) are who else the file's or directory's DACL lets
	// in, for people, and OtherSIDs their SIDs, for the icacls command
	// that takes them out; UserSID is the user's.
	Others, OtherSIDs []string
	UserSID           string
}

func (e *PermissionError) Error() string {
	switch {
	case e.Owner != "":
		return fmt.Sprintf("%s directory %s is owned by %s, not by you (%s), so its owner could plant or replace files adopat uses", e.What, e.Path, e.Owner, e.User)
	case e.Dir && len(e.Others) > 0:
		return fmt.Sprintf("%s directory %s lets %s add or replace files in it, so they could plant or replace files adopat uses", e.What, e.Path, strings.Join(e.Others, ", "))
	case len(e.Others) > 0:
		return fmt.Sprintf("%s %s is accessible by %s, not only by you", e.What, e.Path, strings.Join(e.Others, ", "))
	case e.Dir:
		return fmt.Sprintf("%s directory %s is writable by other users (mode %04o), so they could plant or replace files adopat uses", e.What, e.Path, e.Mode)
	}
	return fmt.Sprintf("%s %s is accessible by other users (mode %04o)", e.What, e.Path, e.Mode)
}

func (e *PermissionError) Is(target error) bool { return target == ErrInsecurePermissions }

// NotRegularError: one of adopat's own files is a symbolic link, FIFO,
// socket, device or directory, so it is neither opened nor replaced. It
// matches ErrNotRegularFile.
type NotRegularError struct {
	What string      // what the file is for people
	Path string      // the file
	Mode fs.FileMode // its type bits, as Lstat gives them
}

// Kind names what is there instead of a file: "a symbolic link", ...
func (e *NotRegularError) Kind() string {
	switch m := e.Mode; {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "something else"
}

func (e *NotRegularError) Error() string {
	if e.Mode&fs.ModeSymlink != 0 {
		return fmt.Sprintf("%s %s is a symbolic link; adopat does not follow links for its own files", e.What, e.Path)
	}
	return fmt.Sprintf("%s %s is not a regular file but %s; adopat only uses plain files of its own there", e.What, e.Path, e.Kind())
}

func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegularFile }

// KeyringState is what is wrong with the OS keyring, for a KeyringError:
// the CLI says what to do about each.
type KeyringState int

const (
	// KeyringFailed: unusable for a reason no step in the keyring fixes
	// (the bus refused the connection, the service answered nonsense).
	KeyringFailed KeyringState = iota
	// KeyringUnsupported: there is no OS keyring adopat can use here.
	KeyringUnsupported
	// KeyringAutolaunch: the session bus address would start a bus.
	KeyringAutolaunch
	// KeyringNoBus: there is no session bus.
	KeyringNoBus
	// KeyringNotStarted: no Secret Service runs, one could be activated.
	KeyringNotStarted
	// KeyringNoService: no Secret Service on the bus.
	KeyringNoService
	// KeyringNoCollection: the service has no login or default keyring.
	KeyringNoCollection
	// KeyringCollectionLocked: the keyring's collection is locked, found
	// before any call.
	KeyringCollectionLocked
	// KeyringLocked: a call found the keyring locked.
	KeyringLocked
	// KeyringGone: the service went away during the call.
	KeyringGone
	// KeyringTimedOut: a call did not return in time.
	KeyringTimedOut
)

// KeyringError: the OS keyring cannot serve now. Its text says what is
// wrong; what to do is the CLI's to say (State). It matches
// ErrKeyringLocked, ErrKeyringTimeout or ErrKeyringUnavailable, as State
// says, and Err.
type KeyringError struct {
	State KeyringState
	Msg   string
	Err   error // the cause, when there is one
}

func (e *KeyringError) Error() string { return e.Msg }
func (e *KeyringError) Unwrap() error { return e.Err }

func (e *KeyringError) Is(target error) bool {
	switch e.State {
	case KeyringLocked, KeyringCollectionLocked:
		return target == ErrKeyringLocked
	case KeyringTimedOut:
		return target == ErrKeyringTimeout
	}
	return target == ErrKeyringUnavailable
}

// SecretMissingError: the keyring item of Token is gone, typically deleted
// in the keyring's own UI. It matches ErrSecretMissing.
type SecretMissingError struct {
	Token Token // the token's metadata, Stripped
}

func (e *SecretMissingError) Error() string {
	return fmt.Sprintf("the keyring item for %s is missing (deleted outside adopat?)", e.Token.Scope())
}

func (e *SecretMissingError) Is(target error) bool { return target == ErrSecretMissing }

// NoRuntimeDirError: XDG_RUNTIME_DIR (Dir; "" when unset or relative)
// cannot hold the unlocked key: it is not RAM-backed (FSType names what it
// is) or could not be checked (Err). It matches ErrNoRuntimeDir and Err.
type NoRuntimeDirError struct {
	Dir, FSType string
	Err         error
}

func (e *NoRuntimeDirError) Error() string {
	switch {
	case e.Dir == "" && runtime.GOOS == "windows":
		return "unlock is not available on Windows: it has no RAM-backed directory to keep the unlocked key in, and the key must never be written to disk"
	case e.Dir == "":
		return "XDG_RUNTIME_DIR is not set (or not an absolute path), so there is no RAM-backed place to keep the unlocked key"
	case e.Err != nil:
		return fmt.Sprintf("cannot check XDG_RUNTIME_DIR %s: %v", e.Dir, e.Err)
	}
	return fmt.Sprintf("XDG_RUNTIME_DIR %s is not RAM-backed (%s, not tmpfs or ramfs), and the unlocked key must never be written to disk", e.Dir, e.FSType)
}

func (e *NoRuntimeDirError) Unwrap() error { return e.Err }

func (e *NoRuntimeDirError) Is(target error) bool { return target == ErrNoRuntimeDir }
