package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// migrateOptions are migrate's own flags.
type migrateOptions struct {
	to string
}

// migrateCmd is `migrate`.
func migrateCmd() *command {
	opts := &migrateOptions{}
	return newCommand("migrate", []string{"vault", "identity", "keyring-timeout"}, withOptions(opts, runMigrate), func(fs *pflag.FlagSet) {
		fs.StringVar(&opts.to, "to", "", "the destination backend: keyring or file")
	})
}

// runMigrate moves every token and its metadata to the other backend. The
// source is cleared only after the destination was read back and every
// token verified, so an interrupted or failed migration loses nothing: at
// worst the tokens are in both places.
func runMigrate(a *App, o *options, opts *migrateOptions, args []string) error {
	to, ok := findBackend(opts.to)
	switch {
	case len(args) > 0:
		return usagef("migrate takes no arguments (%s): say where to with --to %s", strings.Join(args, " "), strings.Join(backendNames(), "|"))
	case opts.to == "":
		return usagef("say where to: migrate --to %s", strings.Join(backendNames(), "|"))
	case !ok:
		return usagef("--to %s: no such backend; give --to %s", opts.to, strings.Join(backendNames(), "|"))
	}
	cfg, err := a.readConfig()
	if err != nil {
		return err
	}
	timeout, err := a.keyringTimeout(o, cfg)
	if err != nil {
		return err
	}
	from, err := a.migrateSource(o, to)
	if err != nil {
		return err
	}
	src, err := a.openBackend(from, o, true, timeout, "migrate")
	if err != nil {
		return err
	}
	dst, err := a.openBackend(to, o, true, timeout, "migrate")
	if err != nil {
		return err
	}

	// Uses recorded since the last list belong to the tokens that move.
	if err := journal.New(src.Path).Fold(src.Store); err != nil {
		return fmt.Errorf("folding the usage journal of %s: %w; nothing was moved", src.Describe(), err)
	}
	tokens, err := revealAll(src.Store)
	if err != nil {
		return fmt.Errorf("reading %s: %w; nothing was moved", src.Describe(), err)
	}
	if err := dst.Store.Update(func(d *store.Data) (bool, error) { return mergeInto(d, tokens) }); err != nil {
		return fmt.Errorf("writing %s (the source is untouched): %w", dst.Describe(), err)
	}
	if err := verifyCopied(dst.Store, tokens); err != nil {
		return fmt.Errorf("%s: %w; the source %s is untouched", dst.Describe(), err, src.Describe())
	}
	err = src.Store.Update(func(d *store.Data) (bool, error) {
		changed := false
		for _, t := range tokens {
			changed = d.Remove(t.Scope()) || changed
		}
		return changed, nil
	})
	if err != nil {
		return fmt.Errorf("the tokens are in %s, but clearing %s failed: %w", dst.Describe(), src.Describe(), err)
	}
	path, err := a.setConfig("backend", opts.to)
	if err != nil {
		return fmt.Errorf("migrated, but %w; pass --backend %s until it is fixed", err, opts.to)
	}
	printf(a.Stdout, "moved %d tokens from %s to %s, verified; %s now says backend = %s\n",
		len(tokens), src.Describe(), dst.Describe(), path, opts.to)
	return nil
}

// migrateSource is the backend migrate --to moves from: the one in use.
// When that is already to (auto took the vault although a keyring index
// lists tokens too, or the config names to), it is the other backend
// holding tokens here, else the only other backend that can.
func (a *App) migrateSource(o *options, to *backendKind) (*backendKind, error) {
	current, err := a.currentBackend(o)
	if err != nil {
		return nil, err
	}
	if current != to {
		return current, nil
	}
	holders, err := a.holding(o)
	if err != nil {
		return nil, err
	}
	others := slices.DeleteFunc(holders, func(k *backendKind) bool { return k == to })
	if len(others) == 0 {
		others = slices.DeleteFunc(slices.Clone(backends.Table), func(k *backendKind) bool { return k == to || k.Exists == nil })
	}
	if len(others) != 1 {
		return nil, usagef("%s is the backend in use and no other one holds tokens here; nothing to migrate", to.Name)
	}
	return others[0], nil
}

// currentBackend is the row openStore chooses; its store is set up, not
// read.
func (a *App) currentBackend(o *options) (*backendKind, error) {
	b, err := a.openStore(o, true)
	if err != nil {
		return nil, err
	}
	return b.Kind, nil
}

// revealAll loads every token with its secrets.
func revealAll(s store.Store) ([]store.Token, error) {
	d, err := s.Load()
	if err != nil {
		return nil, err
	}
	for i := range d.Tokens {
		pat, refresh, err := s.Secret(d.Tokens[i].Scope())
		if err != nil {
			return nil, err
		}
		d.Tokens[i].SetSecrets(pat, refresh)
	}
	return d.Tokens, nil
}

// mergeInto adds the migrated tokens; a token already there with the same
// scope must be identical, else the migration stops before writing.
func mergeInto(d *store.Data, tokens []store.Token) (bool, error) {
	changed := false
	for _, t := range tokens {
		i, ok := d.Find(t.Scope())
		switch {
		case !ok:
			d.Put(t)
			changed = true
		case !sameToken(&d.Tokens[i], &t):
			return false, fmt.Errorf("it already holds a different token for %s; remove one of them first", t.Scope())
		}
	}
	return changed, nil
}

// verifyCopied reads the destination back and checks every token.
func verifyCopied(s store.Store, want []store.Token) error {
	got, err := revealAll(s)
	if err != nil {
		return fmt.Errorf("reading back: %w", err)
	}
	have := store.Data{Tokens: got}
	for i := range want {
		j, ok := have.Find(want[i].Scope())
		if !ok || !sameToken(&got[j], &want[i]) {
			return fmt.Errorf("verification failed for %s", want[i].Scope())
		}
	}
	return nil
}

// sameToken compares secrets and every piece of metadata.
func sameToken(a, b *store.Token) bool {
	return a.SameScope(b) && a.Secret == b.Secret && a.OAuthRefreshToken == b.OAuthRefreshToken &&
		a.Label == b.Label && a.Owner == b.Owner && slices.Equal(a.Scopes, b.Scopes) && a.Created.Equal(b.Created) &&
		store.SameTime(a.Expires, b.Expires) && store.SameTime(a.LastUsed, b.LastUsed) && store.SameTime(a.Withdrawn, b.Withdrawn)
}
