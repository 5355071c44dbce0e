package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// removeOptions are remove's own flags.
type removeOptions struct {
	yes bool
}

// removeCmd is `remove`.
func removeCmd() *command {
	opts := &removeOptions{}
	return newCommand("remove", storeFlags, withOptions(opts, runRemove), func(fs *pflag.FlagSet) {
		fs.BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation at a terminal")
	})
}

// restoreCmd is `restore`.
func restoreCmd() *command {
	return newCommand("restore", storeFlags, runRestore, nil)
}

// scopeNotFound is the usage error for a SCOPE argument no token has
// (store.Data.Find compares scopes as `list` shows them).
func scopeNotFound(scope string, b *backend) error {
	return usagef("%v; see `git-credential-adopat list`", scopeNotFoundError(b, scope))
}

// optionalScopeTokens is d's tokens, or only the one named by the optional
// SCOPE argument (args holds at most one), as `audit` and `verify` take it.
func optionalScopeTokens(d *store.Data, b *backend, args []string) ([]store.Token, error) {
	if len(args) == 0 {
		return d.Tokens, nil
	}
	i, ok := d.Find(args[0])
	if !ok {
		return nil, scopeNotFound(args[0], b)
	}
	return d.Tokens[i : i+1], nil
}

// scopeNotFoundError is the store's error for a scope no token in b has.
func scopeNotFoundError(b *backend, scope string) *store.ScopeNotFoundError {
	return &store.ScopeNotFoundError{Scope: scope, Where: b.Describe()}
}

// editScope runs edit on the token named by the single SCOPE argument.
func (a *App) editScope(o *options, args []string, edit func(d *store.Data, i int) error) (string, error) {
	return a.confirmEditScope(o, args, nil, edit)
}

// confirmEditScope is editScope with a question first: confirm sees the
// token as it is before the write lock is taken (a prompt never keeps
// other processes waiting), and nothing is written unless it returns nil.
func (a *App) confirmEditScope(o *options, args []string, confirm func(t *store.Token) error, edit func(d *store.Data, i int) error) (string, error) {
	if len(args) != 1 {
		return "", usagef("give exactly one SCOPE, as `git-credential-adopat list` shows it")
	}
	// Look before taking the write lock, so that a mistyped scope creates
	// no file and says so as a usage error.
	b, d, err := a.loadStore(o)
	if err != nil {
		return "", err
	}
	i, ok := d.Find(args[0])
	if !ok {
		return "", scopeNotFound(args[0], b)
	}
	if confirm != nil {
		if err := confirm(&d.Tokens[i]); err != nil {
			return "", err
		}
	}
	var scope string
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		i, ok := d.Find(args[0])
		if !ok {
			return false, fmt.Errorf("%w; see `git-credential-adopat list`", scopeNotFoundError(b, args[0]))
		}
		scope = d.Tokens[i].Scope()
		return true, edit(d, i)
	})
	return scope, err
}

// errKept: the user answered no to remove's question.
var errKept = errors.New("kept")

// runRemove deletes a token. At a terminal it asks first (--yes skips the
// question); without one, as in a script, it removes as it always has:
// there is nobody to ask, and scripts running `remove SCOPE` must keep
// working.
func runRemove(a *App, o *options, opts *removeOptions, args []string) error {
	var confirm func(t *store.Token) error
	kept := args
	if a.Terminal() && !opts.yes {
		confirm = func(t *store.Token) error { kept = []string{t.Scope()}; return a.confirmRemove(t) }
	}
	scope, err := a.confirmEditScope(o, args, confirm, func(d *store.Data, i int) error {
		d.Remove(d.Tokens[i].Scope())
		return nil
	})
	if errors.Is(err, errKept) {
		printf(a.Stdout, "kept %s: nothing removed\n", kept[0])
		return nil
	}
	if err == nil {
		printf(a.Stdout, "removed %s (revoke the PAT in Azure DevOps too if it is no longer needed)\n", scope)
	}
	return err
}

// confirmRemove asks at the terminal whether to remove t; only y or yes
// removes.
func (a *App) confirmRemove(t *store.Token) error {
	var about []string
	if t.Label != "" {
		about = append(about, fmt.Sprintf("label %q", t.Label))
	}
	if t.Expires != nil {
		about = append(about, "expires "+t.Expires.Local().Format("2006-01-02"))
	}
	if t.LastUsed != nil {
		about = append(about, "last used "+t.LastUsed.Local().Format("2006-01-02"))
	} else {
		about = append(about, "never used")
	}
	q := fmt.Sprintf("Remove the token for %s (%s)? This cannot be undone. [y/N] ", t.Scope(), strings.Join(about, ", "))
	answer, err := a.ask(q) // the terminal prompt escapes what it shows
	switch {
	case errors.Is(err, errNoTerminal):
		return fmt.Errorf("remove asks for confirmation at a terminal, and it cannot ask: %s; nothing removed: pass --yes to remove without asking", a.noPromptWhy(err))
	case err != nil:
		return err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return nil
	}
	return errKept
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
