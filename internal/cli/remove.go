package cli

import (
	"fmt"
	"slices"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// findScope returns the index of the token named by scope as `list` shows
// it; cloud scopes compare case-insensitively like Azure DevOps names.
func findScope(d *store.Data, scope string) int {
	return slices.IndexFunc(d.Tokens, func(t store.Token) bool { return t.HasScope(scope) })
}

// editScope runs edit on the token named by the single SCOPE argument.
func (a *App) editScope(o *options, args []string, edit func(d *store.Data, i int) error) (string, error) {
	if len(args) != 1 {
		return "", usagef("give exactly one SCOPE, as `git-credential-adopat list` shows it")
	}
	// Look before taking the write lock, so that a mistyped scope creates
	// no file and says so as a usage error.
	b, d, err := a.loadStore(o)
	if err != nil {
		return "", err
	}
	if findScope(d, args[0]) < 0 {
		return "", usagef("no token with scope %q in %s; see `git-credential-adopat list`", args[0], b.describe())
	}
	var scope string
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		i := findScope(d, args[0])
		if i < 0 {
			return false, fmt.Errorf("no token with scope %q in %s; see `git-credential-adopat list`", args[0], b.describe())
		}
		scope = d.Tokens[i].Scope()
		return true, edit(d, i)
	})
	return scope, err
}

func runRemove(a *App, o *options, args []string) error {
	scope, err := a.editScope(o, args, func(d *store.Data, i int) error {
		d.Tokens = append(d.Tokens[:i], d.Tokens[i+1:]...)
		return nil
	})
	if err == nil {
		printf(a.Stdout, "removed %s (revoke the PAT in Azure DevOps too if it is no longer needed)\n", scope)
	}
	return err
}

func runRestore(a *App, o *options, args []string) error {
	scope, err := a.editScope(o, args, func(d *store.Data, i int) error {
		if d.Tokens[i].Withdrawn == nil {
			return fmt.Errorf("the token for %s is not withdrawn; nothing to restore", d.Tokens[i].Scope())
		}
		d.Tokens[i].Withdrawn = nil
		return nil
	})
	if err == nil {
		printf(a.Stdout, "restored %s: git will be answered with it again\n", scope)
	}
	return err
}
