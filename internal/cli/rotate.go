package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// rotateOptions are rotate's own flags.
type rotateOptions struct {
	patFlags
}

// rotateCmd is `rotate`.
func rotateCmd() *command {
	opts := &rotateOptions{}
	return newCommand("rotate", serverAndStoreFlags, withOptions(opts, runRotate), func(fs *pflag.FlagSet) {
		opts.patFlags.register(fs, patFlagUsage{
			label:    "a new label (default: keep)",
			expires:  "the new PAT's expiry: 30d or 2026-12-31 (default: keep, unless it has passed)",
			scopes:   "the new PAT's scopes (default: keep)",
			noVerify: "store the new PAT without asking Azure DevOps first",
		})
	})
}

// runRotate replaces a token's PAT: the new one is read like add's, checked
// with Azure DevOps, and only then written, in one atomic update that keeps
// the label, expiry, scopes and history unless new ones are given. A new
// PAT Azure DevOps refuses leaves the old one in place. An expired token's
// date is never kept: the new PAT's expiry is asked for, or required.
func runRotate(a *App, o *options, opts *rotateOptions, args []string) error {
	if len(args) != 1 {
		return usagef("give exactly one SCOPE, as `git-credential-adopat list` shows it")
	}
	if err := opts.plainText(nil); err != nil {
		return err
	}
	b, d, err := a.loadStore(o)
	if err != nil {
		return err
	}
	i, ok := d.Find(args[0])
	if !ok {
		return scopeNotFound(args[0], b)
	}
	old := d.Tokens[i]
	if src := old.Source; src != nil {
		if !src.IsEntraToken() {
			return fmt.Errorf("the PAT for %s is read from Key Vault (%s): put the new PAT there as a new version of the secret; every machine reads it within an hour, or at once after Azure DevOps refuses the old one", old.Scope(), src.KeyVault)
		}
		return fmt.Errorf("%s gets Microsoft Entra tokens from %s, which have no PAT to rotate; to store a PAT instead run `git-credential-adopat add --org %s` (it replaces the source)", old.Scope(), src.String(), old.Org)
	}
	expires, err := parseExpires(opts.expires, a.Now(), !old.IsServer())
	if err != nil {
		return usagef("%v", err)
	}
	if expires != nil && !expires.After(a.Now()) {
		return usagef("--expires %s: %s is in the past; a new PAT has a future expiry", opts.expires, expires.Format("2006-01-02"))
	}
	if expires == nil && expired(&old, a.Now()) {
		if expires, err = a.newExpiry(&old, "git-credential-adopat rotate "+shellQuote(old.Scope())); err != nil {
			return err
		}
	}
	pat, err := a.readPAT(&old)
	if err != nil {
		return err
	}
	a.warnNotPAT(&old, pat)
	verified, owner := "not verified (--no-verify)", ""
	if !opts.noVerify {
		servers, err := a.declaredServers(o)
		if err != nil {
			return err
		}
		v := a.verifyOne(verifyEndpoint(&old, servers), old.Scope(), pat, false)
		switch {
		case v.Error != "":
			return fmt.Errorf("could not check the new PAT for %s (%s); nothing changed; retry, or use --no-verify to store it unchecked", old.Scope(), v.Error)
		case !v.Valid:
			return fmt.Errorf("Azure DevOps did not accept the new PAT for %s: %s; the old token stays in place", old.Scope(), v.Reason)
		}
		verified, owner = "verified as "+v.Identity, v.Identity
	}
	var after *store.Token
	same := false // the PAT given is the one already stored: nothing to revoke
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		i, ok := d.Find(old.Scope())
		if !ok {
			return false, fmt.Errorf("the token for %s was removed meanwhile; add the new PAT with `git-credential-adopat add`", old.Scope())
		}
		t := &d.Tokens[i]
		same = t.Secret == pat
		t.Secret, t.Created, t.Withdrawn, t.Owner = pat, a.Now().UTC(), nil, owner
		if expires != nil {
			t.Expires = expires
		}
		if opts.scopes != nil {
			t.Scopes = opts.scopes
		}
		if opts.label != "" {
			t.Label = opts.label
		}
		c := *t
		after = &c
		return true, nil
	})
	if err != nil {
		return err
	}
	if same {
		// Rotating with the same PAT records a new expiry, scopes or label
		// (rotate's own note below suggests it); telling the user to revoke
		// "the old PAT" would have them revoke the one now in use.
		printf(a.Stdout, "updated %s: the PAT given is the one already stored, so it stays in use (do not revoke it); %s; %s\n", old.Scope(), verified, expiryState(after.Expires, expires == nil))
	} else {
		printf(a.Stdout, "rotated %s: %s; %s; now revoke the old PAT in Azure DevOps (User settings, Personal access tokens)\n", old.Scope(), verified, expiryState(after.Expires, expires == nil))
	}
	if expires == nil && after.Expires != nil && after.Expires.Sub(a.Now()) <= 7*24*time.Hour {
		printf(a.Stderr, "note: the kept expiry is in %s; if the new PAT lasts longer, record it: git-credential-adopat rotate %s --expires DATE with the same PAT\n", plural(helper.DaysLeft(*after.Expires, a.Now()), "day"), shellQuote(old.Scope()))
	}
	return nil
}
