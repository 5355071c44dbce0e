package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// passphraseOptions are passphrase's own flags.
type passphraseOptions struct {
	remove bool
}

// unlockOptions are unlock's own flags.
type unlockOptions struct {
	duration string // --for
}

// passphraseCmd is `passphrase`.
func passphraseCmd() *command {
	opts := &passphraseOptions{}
	return newCommand("passphrase", vaultFlags, withOptions(opts, runPassphrase), func(fs *pflag.FlagSet) {
		fs.BoolVar(&opts.remove, "remove", false, "store the key without a passphrase again")
	})
}

// unlockCmd is `unlock`.
func unlockCmd() *command {
	opts := &unlockOptions{}
	return newCommand("unlock", vaultFlags, withOptions(opts, runUnlock), func(fs *pflag.FlagSet) {
		fs.StringVar(&opts.duration, "for", "8h", "how long the vault stays unlocked")
	})
}

// lockCmd is `lock`.
func lockCmd() *command {
	return newCommand("lock", vaultFlags, runLock, nil)
}

// runPassphrase protects the vault's key with a passphrase (age scrypt).
// The vault stays encrypted to the X25519 key, so git's `get` stays fast
// once `unlock` has put the key in the per-user runtime directory.
func runPassphrase(a *App, o *options, opts *passphraseOptions, args []string) error {
	if len(args) > 0 {
		return usagef("passphrase takes no arguments")
	}
	v, err := a.openVault(o, true)
	if err != nil {
		return err
	}
	if opts.remove {
		if err := v.RemovePassphrase(); err != nil {
			return err
		}
		printf(a.Stdout, "%s is no longer passphrase-protected; %s\n", v.IdentityPath(), keepPrivate())
		return nil
	}
	if !a.Terminal() {
		return errors.New("passphrase asks for the new passphrase twice at a terminal and never reads it from stdin; run it in an interactive shell, with nothing piped in")
	}
	p1, err := a.prompt("New passphrase: ")
	if errors.Is(err, errPromptsOff) {
		return errors.New("passphrase asks for the new passphrase at the terminal, and GIT_TERMINAL_PROMPT=0 turns prompts off; run it as: GIT_TERMINAL_PROMPT=1 git-credential-adopat passphrase")
	}
	if err != nil {
		return err
	}
	p2, err := a.prompt("Repeat passphrase: ")
	if err != nil {
		return err
	}
	switch {
	case p1 != p2:
		return errors.New("the passphrases differ; nothing changed")
	case len(p1) < 8:
		return errors.New("use a passphrase of at least 8 characters; nothing changed")
	}
	if err := v.SetPassphrase(p1); err != nil {
		return err
	}
	printf(a.Stdout, "%s is now passphrase-protected; run `git-credential-adopat unlock` before using git\n", v.IdentityPath())
	return nil
}

func runUnlock(a *App, o *options, opts *unlockOptions, args []string) error {
	if len(args) > 0 {
		return usagef("unlock takes no arguments")
	}
	ttl, err := parseSpan(unlockSpan, opts.duration)
	if err != nil {
		return usagef("%v", err)
	}
	v, err := a.openProtectedVault(o, true)
	if err != nil {
		return err
	}
	// Before the prompt: without a RAM-backed XDG_RUNTIME_DIR the key is
	// not unlocked at all, and the user should not type the passphrase
	// only to learn that.
	if err := v.CanUnlock(); err != nil {
		return err
	}
	p, err := a.prompt("Passphrase for " + v.IdentityPath() + ": ")
	if errors.Is(err, errPromptsOff) {
		return errors.New("unlock asks for the passphrase at the terminal, and GIT_TERMINAL_PROMPT=0 turns prompts off; run it as: GIT_TERMINAL_PROMPT=1 git-credential-adopat unlock")
	}
	if errors.Is(err, errNoTerminal) {
		// Not "run unlock": that is what failed.
		return errors.New("unlock asks for the passphrase at a terminal, never on stdin, and this process has none (cron, CI, ssh without -t, a service); run it from an interactive shell on this machine (ssh -t for a remote one)")
	}
	if err != nil {
		return err
	}
	if p == "" {
		return errors.New("no passphrase typed; nothing unlocked: run unlock again and type the passphrase you set with `git-credential-adopat passphrase`")
	}
	if err := v.Unlock(p, ttl); err != nil {
		return err
	}
	until := a.Now().Add(ttl)
	if ttl < 24*time.Hour {
		fmt.Fprintf(a.Stdout, "unlocked until %s\n", until.Format("15:04"))
	} else {
		fmt.Fprintf(a.Stdout, "unlocked until %s\n", until.Format("2006-01-02 15:04"))
	}
	return nil
}

func runLock(a *App, o *options, args []string) error {
	if len(args) > 0 {
		return usagef("lock takes no arguments")
	}
	v, err := a.openProtectedVault(o, false)
	if err != nil {
		return err
	}
	if err := v.Lock(); err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, "locked: git gets no answers until the next unlock")
	return nil
}

// openProtectedVault is openVault for unlock and lock, refusing a key
// without passphrase: there is nothing to unlock, and "locked" would be a
// false promise.
func (a *App) openProtectedVault(o *options, interactive bool) (*vault.Store, error) {
	v, err := a.openVault(o, interactive)
	if err != nil {
		return nil, err
	}
	protected, err := v.IsPassphraseProtected()
	if err != nil {
		return nil, err
	}
	if !protected {
		return nil, fmt.Errorf("%s has no passphrase, so there is nothing to unlock or lock; set one with: git-credential-adopat passphrase", v.IdentityPath())
	}
	return v, nil
}
