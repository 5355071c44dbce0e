package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// The store packages say what is wrong; the CLI completes each message
// with the command that fixes it, right after the store error's own text,
// so the line reads as it always has.
func TestHintsCompleteStoreErrors(t *testing.T) {
	const v, dir, j = "/home/me/.local/share/adopat/vault.age", "/home/me/.local/share/adopat", "/home/me/.local/share/adopat/vault.age.usage"
	for _, c := range []struct {
		err  error
		want string
	}{
		{&store.PermissionError{What: "vault", Path: v, Mode: 0o644},
			"vault " + v + " is accessible by other users (mode 0644); run: chmod 600 " + v},
		{&store.PermissionError{What: "vault", Path: dir, Dir: true, Mode: 0o770},
			"vault directory " + dir + " is writable by other users (mode 0770), so they could plant or replace files adopat uses; run: chmod go-w " + dir},
		{&store.PermissionError{What: "vault", Path: dir, Dir: true, Mode: 0o700, Owner: "4242", User: "me"},
			"vault directory " + dir + " is owned by 4242, not by you (me), so its owner could plant or replace files adopat uses; if it is yours, run: chown me " + dir + " (else choose another directory)"},
		{&store.NotRegularError{What: "usage journal", Path: j, Mode: fs.ModeSymlink},
			"usage journal " + j + " is a symbolic link; adopat does not follow links for its own files: remove it (rm " + j + ")"},
		{&store.NotRegularError{What: "usage journal", Path: j, Mode: fs.ModeNamedPipe},
			"usage journal " + j + " is not a regular file but a FIFO (named pipe); adopat only uses plain files of its own there: remove it"},
		// Wrapped: the advice stays with the store error's text.
		{fmt.Errorf("reading age vault %s: %w; nothing was moved", v, &store.PermissionError{What: "vault", Path: v, Mode: 0o640}),
			"reading age vault " + v + ": vault " + v + " is accessible by other users (mode 0640); run: chmod 600 " + v + "; nothing was moved"},
		{errors.New("no advice for this one"), "no advice for this one"},
	} {
		if got := withHint(c.err); got != c.want {
			t.Errorf("withHint(%v)\n got %s\nwant %s", c.err, got, c.want)
		}
	}
}

// The keyring's item for a token is gone: the line ends with the add
// command that stores the PAT again, as it did when the keyring package
// wrote it.
func TestMissingItemHintNamesTheAddCommand(t *testing.T) {
	for tok, want := range map[*store.Token]string{
		{Org: "fabrikam"}:                                       "git-credential-adopat add --org fabrikam",
		{Org: "fabrikam", Project: "My Web"}:                    "git-credential-adopat add --org fabrikam --project 'My Web'",
		{Protocol: "https", Host: "tfs.x.io"}:                   "git-credential-adopat add --server https://tfs.x.io",
		{Protocol: "https", Host: "tfs.x.io", Username: "jdoe"}: "git-credential-adopat add --server https://tfs.x.io --username jdoe",
	} {
		err := fmt.Errorf("reading x: %w", &store.SecretMissingError{Token: *tok})
		got := withHint(err)
		if !strings.Contains(got, " is missing (deleted outside adopat?); store it again with: "+want) || strings.Contains(got, "\n") {
			t.Errorf("withHint = %q, want it to end with the command %s", got, want)
		}
	}
}

// What to do about the keyring, the locked vault and a runtime directory
// that is no place for an unlocked key: the lines read as they did when
// the store packages wrote the advice.
func TestHintsCompleteKeyringAndVaultErrors(t *testing.T) {
	const orFile = "or use --backend file"
	keyring := func(s store.KeyringState, msg string) error {
		return &store.KeyringError{State: s, Msg: msg}
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{keyring(store.KeyringTimedOut, "the OS keyring did not answer within 3s while reading the item for fabrikam (locked, waiting for a confirmation dialog, or stuck)"),
			"the OS keyring did not answer within 3s while reading the item for fabrikam (locked, waiting for a confirmation dialog, or stuck); unlock it and try again, " + orFile},
		{keyring(store.KeyringCollectionLocked, "the keyring /c/login is locked"),
			"the keyring /c/login is locked; unlock it (log in to the desktop, or open Seahorse / your keyring manager) and try again, " + orFile},
		{keyring(store.KeyringLocked, "the keyring is locked"), "the keyring is locked; unlock it and try again, " + orFile},
		{keyring(store.KeyringNotStarted, "no Secret Service is running"),
			"no Secret Service is running; log in to a desktop session or start your keyring (e.g. gnome-keyring-daemon --start --components=secrets), " + orFile},
		{keyring(store.KeyringNoService, "no Secret Service"), "no Secret Service; start one, " + orFile},
		{keyring(store.KeyringNoCollection, "no default keyring"), "no default keyring; create one (e.g. in Seahorse), " + orFile},
		{keyring(store.KeyringNoBus, "no D-Bus session bus"), "no D-Bus session bus; log in to a desktop session, " + orFile},
		{keyring(store.KeyringAutolaunch, "autolaunch"), "autolaunch; run inside a desktop session, " + orFile},
		{keyring(store.KeyringGone, "the Secret Service went away (x)"), "the Secret Service went away (x); start your keyring again, " + orFile},
		{keyring(store.KeyringFailed, "cannot connect"), "cannot connect; " + orFile},
		{keyring(store.KeyringUnsupported, "there is no OS keyring adopat can use on plan9"), "there is no OS keyring adopat can use on plan9; use --backend file"},
		// Wrapped, as migrate wraps it: the advice stays with the keyring's text.
		{fmt.Errorf("writing x (the source is untouched): %w", keyring(store.KeyringLocked, "the keyring is locked")),
			"writing x (the source is untouched): the keyring is locked; unlock it and try again, " + orFile},
		{fmt.Errorf("reading age vault V: %w", store.ErrLocked),
			"reading age vault V: vault is passphrase-protected and locked; run: git-credential-adopat unlock"},
		{&store.NoRuntimeDirError{Dir: "/var/tmp/x", FSType: "ext4"},
			"XDG_RUNTIME_DIR /var/tmp/x is not RAM-backed (ext4, not tmpfs or ramfs), and the unlocked key must never be written to disk; log in through a session that provides one (systemd-logind sets XDG_RUNTIME_DIR=/run/user/UID, a tmpfs), " +
				"or keep tokens in the OS keyring (git-credential-adopat migrate --to keyring), or drop the passphrase (git-credential-adopat passphrase --remove) and rely on the identity file's 0600 mode"},
		{store.NewError("vault V has format version 2 but this git-credential-adopat reads only version 1", store.ErrNewerFormat),
			"vault V has format version 2 but this git-credential-adopat reads only version 1; upgrade git-credential-adopat"},
		{store.NewError("V.lock has been locked by another process for 10s", store.ErrLockTimeout),
			"V.lock has been locked by another process for 10s; if no git or git-credential-adopat process is stuck, try again"},
		{store.NewError(`the tokens for a and b would share the keyring item "x"`, store.ErrSharedItem),
			`the tokens for a and b would share the keyring item "x"; remove one of them with git-credential-adopat remove`},
		{store.NewError("identity I is not passphrase-protected; there is nothing to unlock or remove", store.ErrNotPassphraseProtected),
			"identity I is not passphrase-protected; there is nothing to unlock or remove (set one with: git-credential-adopat passphrase)"},
		{&store.NoRuntimeDirError{},
			"XDG_RUNTIME_DIR is not set (or not an absolute path), so there is no RAM-backed place to keep the unlocked key; log in through a session that provides one"},
	} {
		var nr *store.NoRuntimeDirError
		if errors.As(c.err, &nr) && runtime.GOOS == "windows" {
			continue // Windows has its own words: TestWindowsMessagesNameWindowsThings
		}
		if got := withHint(c.err); !strings.HasPrefix(got, c.want) || (!strings.HasSuffix(c.want, "provides one") && got != c.want) {
			t.Errorf("withHint(%v)\n got %s\nwant %s", c.err, got, c.want)
		}
	}
	for s := store.KeyringFailed; s <= store.KeyringTimedOut; s++ {
		if keyringAdvice[s] == "" {
			t.Errorf("no advice for keyring state %d", s)
		}
	}
}
