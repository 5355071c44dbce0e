//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package keyring

import (
	"context"
	"fmt"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// ForeignItem is a Secret Service item another program keeps (Git
// Credential Manager's, for `import`): its object path, label,
// attributes and secret.
type ForeignItem struct {
	Path       string
	Label      string
	Attributes map[string]string
	Secret     string
}

const secretsItem = "org.freedesktop.Secret.Item"

// SearchForeign returns the items of every collection whose attributes
// include attrs, with their secrets, read over one connection within
// timeout. It keeps to the preflight's rules: the bus is found without
// autolaunch, the service addressed by its owner's unique name (nothing
// is activated), and nothing is unlocked: a locked item would need a
// prompt, so locked counts the matches left unread.
func SearchForeign(timeout time.Duration, attrs map[string]string) (items []ForeignItem, locked int, err error) {
	type result struct {
		items  []ForeignItem
		locked int
	}
	r, err := bounded(timeout, "searching the keyring", func() (result, error) {
		var r result
		err := withService(timeout, func(ctx context.Context, conn *dbus.Conn, owner string, session dbus.ObjectPath) error {
			var unlocked, lockedPaths []dbus.ObjectPath
			svc := conn.Object(owner, secretsPath)
			if err := svc.CallWithContext(ctx, secretsService+".SearchItems", 0, attrs).Store(&unlocked, &lockedPaths); err != nil {
				return busError(ctx, err)
			}
			r.locked = len(lockedPaths)
			if len(unlocked) == 0 {
				return nil
			}
			var secrets map[dbus.ObjectPath]ssSecret
			if err := svc.CallWithContext(ctx, secretsService+".GetSecrets", 0, unlocked, session).Store(&secrets); err != nil {
				return busError(ctx, err)
			}
			for _, p := range unlocked {
				s, ok := secrets[p]
				if !ok { // locked since the search
					r.locked++
					continue
				}
				var props map[string]dbus.Variant
				if err := conn.Object(owner, p).CallWithContext(ctx, "org.freedesktop.DBus.Properties.GetAll", 0, secretsItem).Store(&props); err != nil {
					return busError(ctx, err)
				}
				it := ForeignItem{Path: string(p), Secret: string(s.Value), Attributes: map[string]string{}}
				_ = props["Label"].Store(&it.Label)
				_ = props["Attributes"].Store(&it.Attributes)
				r.items = append(r.items, it)
			}
			return nil
		})
		return r, err
	})
	return r.items, r.locked, err
}

// DeleteForeign deletes the item at path while it still holds secret,
// the one read with SearchForeign: the program that keeps it may have
// stored another one there since, which nothing else holds. The Secret
// Service may want the user to confirm (a prompt); adopat never shows
// one, so such an item is not deleted, the prompt is dismissed, and the
// error says so.
func DeleteForeign(timeout time.Duration, path, secret string) error {
	_, err := bounded(timeout, "deleting a keyring item", func() (struct{}, error) {
		return struct{}{}, withService(timeout, func(ctx context.Context, conn *dbus.Conn, owner string, session dbus.ObjectPath) error {
			item := conn.Object(owner, dbus.ObjectPath(path))
			var held ssSecret
			if err := item.CallWithContext(ctx, secretsItem+".GetSecret", 0, session).Store(&held); err != nil {
				return busError(ctx, err)
			}
			if string(held.Value) != secret {
				return fmt.Errorf("the keyring item %s no longer holds the secret import read (it was changed meanwhile); left as it is: run import again", path)
			}
			var prompt dbus.ObjectPath
			if err := item.CallWithContext(ctx, secretsItem+".Delete", 0).Store(&prompt); err != nil {
				return busError(ctx, err)
			}
			if prompt != "/" && prompt != "" {
				_ = conn.Object(owner, prompt).CallWithContext(ctx, "org.freedesktop.Secret.Prompt.Dismiss", 0).Err
				return keyringError(store.KeyringLocked, nil, "the Secret Service wants a confirmation to delete %s, and adopat shows no prompt; delete it in your keyring app (Seahorse, KWalletManager)", path)
			}
			return nil
		})
	})
	return err
}

// withService runs fn on a connection to the running Secret Service (by
// its unique name) with a plain session open, and closes both.
func withService(timeout time.Duration, fn func(ctx context.Context, conn *dbus.Conn, owner string, session dbus.ObjectPath) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var session dbus.ObjectPath
	conn, s, err := connectSecretService(ctx, ctx, false, &session)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.owner == "" {
		return s.refusal()
	}
	if session == "" {
		var output dbus.Variant
		if err := conn.Object(s.owner, secretsPath).CallWithContext(ctx, secretsService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&output, &session); err != nil {
			return busError(ctx, err)
		}
	}
	defer conn.Object(s.owner, session).CallWithContext(ctx, "org.freedesktop.Secret.Session.Close", 0)
	return fn(ctx, conn, s.owner, session)
}
