package cli

import (
	"errors"
	"fmt"
	"io/fs"
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
