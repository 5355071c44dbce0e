package cli

import (
	"time"

	"github.com/adopat/git-credential-adopat/internal/backends"
)

// The backend table and how a backend is chosen are internal/backends',
// shared with git's helper actions (internal/gitaction); these are the
// CLI's names for them.
type (
	backendKind = backends.Kind
	backend     = backends.Backend
	keyReport   = backends.KeyReport
)

const (
	credentialIdentity            = backends.CredentialIdentity
	credentialPassphrase          = backends.CredentialPassphrase
	keySourceCredential           = backends.KeySourceCredential
	keySourceCredentialPassphrase = backends.KeySourceCredentialPassphrase
	keySourcePassphraseFile       = backends.KeySourcePassphraseFile
	keySourceBesideVault          = backends.KeySourceBesideVault
	keySourceNone                 = backends.KeySourceNone
)

// env is the store's view of this App and the common flags o (nil for
// none).
func (a *App) env(o *options) *backends.Env {
	e := &backends.Env{Getenv: a.Getenv, Config: a.readConfig, ProbeKeyring: a.probe, Passphrase: a.passphrasePrompt}
	if o != nil {
		e.Flags = backends.Flags{Vault: o.vault, Identity: o.identity, Backend: o.backend, KeyringTimeout: o.keyringTimeout}
	}
	return e
}

func findBackend(name string) (*backendKind, bool) { return backends.Find(name) }

func backendNames() []string { return backends.Names() }

// openStore picks the backend: --backend, then ADOPAT_BACKEND, then the
// config file, then auto.
func (a *App) openStore(o *options, interactive bool) (*backend, error) {
	return a.env(o).Open(interactive)
}

// openBackend opens the backend of row k.
func (a *App) openBackend(k *backendKind, o *options, interactive bool, timeout time.Duration, reason string) (*backend, error) {
	return a.env(o).OpenKind(k, interactive, timeout, reason)
}

func (a *App) keyringTimeout(o *options, cfg map[string]string) (time.Duration, error) {
	return a.env(o).KeyringTimeout(cfg)
}

func (a *App) holding(o *options) ([]*backendKind, error) { return a.env(o).Holding() }

func (a *App) credentialPath(name string) (string, bool) { return a.env(nil).CredentialPath(name) }
