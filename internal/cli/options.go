package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/gitaction"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// options are the common flags: where the token store is and how it is
// reached (vault, identity, backend, keyring-timeout) and the declared
// servers. Which of them a command takes is its command.common; its own
// flags are in its own options (addOptions in add.go, ...).
type options struct {
	vault          string
	identity       string
	servers        []string
	backend        string
	keyringTimeout string
}

// valueFlags are the common flags that take a separate value, so that
// `git-credential-adopat --server URL get` finds "get" as the command.
var valueFlags = map[string]bool{"--server": true, "--vault": true, "--identity": true, "--backend": true, "--keyring-timeout": true}

// commonFlagNames are the common flags, given before or after the command
// word.
var commonFlagNames = map[string]bool{"vault": true, "identity": true, "server": true, "backend": true, "keyring-timeout": true}

// The common flags commands take (command.common). git passes the helper
// string's own flags (--server, --backend...) before get, store and erase,
// so those take them all.
var (
	// storeFlags choose and reach the token store.
	storeFlags = []string{"vault", "identity", "backend", "keyring-timeout"}
	// serverAndStoreFlags are storeFlags and --server.
	serverAndStoreFlags = append([]string{"server"}, storeFlags...)
	// vaultFlags name the age vault and its key.
	vaultFlags = []string{"vault", "identity"}
	// allCommonFlags are every common flag, in the order they are
	// registered.
	allCommonFlags = []string{"vault", "identity", "server", "backend", "keyring-timeout"}
)

// register registers the common flags named in take.
func (o *options) register(fs *pflag.FlagSet, take []string) {
	if slices.Contains(take, "vault") {
		fs.StringVar(&o.vault, "vault", "", "vault file (default $ADOPAT_VAULT, else $XDG_DATA_HOME/adopat/vault.age)")
	}
	if slices.Contains(take, "identity") {
		fs.StringVar(&o.identity, "identity", "", "age identity file (default $ADOPAT_IDENTITY, else identity.txt beside the vault)")
	}
	if slices.Contains(take, "server") {
		fs.StringArrayVar(&o.servers, "server", nil, "an Azure DevOps Server URL, e.g. https://tfs.example.com (repeatable)")
	}
	if slices.Contains(take, "backend") {
		fs.StringVar(&o.backend, "backend", "", "where tokens live: keyring, file or auto (default $ADOPAT_BACKEND, the config file, else auto)")
	}
	if slices.Contains(take, "keyring-timeout") {
		fs.StringVar(&o.keyringTimeout, "keyring-timeout", "", "give up on an unanswered OS keyring after this long (default "+keyring.DefaultTimeout.String()+")")
	}
}

// splitCommand finds the command word: the first argument that is neither
// a flag nor the value of a common flag given as "--flag value".
func splitCommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			if valueFlags[a] {
				i++
			}
			continue
		}
		rest := append(append([]string{}, args[:i]...), args[i+1:]...)
		return a, rest
	}
	return "", args
}

// parseServers validates the --server values (gitaction.ParseServers).
func (o *options) parseServers() ([]azdo.Server, error) { return gitaction.ParseServers(o.servers) }

// openVault returns the vault for this command. People at a terminal are
// asked for the passphrase when the vault is protected and locked and no
// key source opens it; git's helper actions never prompt (stdin is git's
// protocol channel), nor does anything with GIT_TERMINAL_PROMPT=0.
func (a *App) openVault(o *options, interactive bool) (*vault.Store, error) {
	return a.env(o).OpenVault(interactive)
}

// passphrasePrompt asks for the passphrase of identity at the terminal.
func (a *App) passphrasePrompt(identity string) func() (string, error) {
	return func() (string, error) {
		p, err := a.prompt("Passphrase for " + identity + ": ")
		if errors.Is(err, errNoTerminal) {
			// Not "pipe it on stdin": a passphrase is never read there.
			return "", fmt.Errorf("the key is passphrase-protected and locked, and the passphrase cannot be asked for: %s; "+
				"run `git-credential-adopat unlock` at a terminal on this machine first, then run this again "+
				"(or, for unattended use, give the passphrase as the systemd credential %s or in ADOPAT_PASSPHRASE_FILE)", a.noPromptWhy(err), credentialPassphrase)
		}
		return p, err
	}
}

func firstNonEmpty(values ...string) string { return backends.FirstNonEmpty(values...) }
