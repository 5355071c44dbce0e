package cli

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// backend is the store a command uses, and why it was chosen: `list` and
// `doctor` show both, since tokens "missing" are most often tokens in the
// other backend.
type backend struct {
	Name   string // "file" or "keyring"
	Path   string // the vault file, or the keyring's metadata index
	Reason string
	Store  store.Store
	Vault  *vault.Store // set for the file backend
}

// describe names the backend and its file for messages.
func (b *backend) describe() string {
	if b.Name == "keyring" {
		return platformKeyring() + ", index " + b.Path
	}
	return "age vault " + b.Path
}

// openStore picks the backend: --backend, then ADOPAT_BACKEND, then the
// config file, then auto.
func (a *App) openStore(o *options, interactive bool) (*backend, error) {
	cfg, err := a.readConfig()
	if err != nil {
		return nil, err
	}
	choice, from := "auto", ""
	for _, c := range [][2]string{{o.backend, "--backend"}, {a.Getenv("ADOPAT_BACKEND"), "ADOPAT_BACKEND"}, {cfg["backend"], "the config file"}} {
		if c[0] != "" {
			choice, from = c[0], c[1]
			break
		}
	}
	timeout, err := a.keyringTimeout(o, cfg)
	if err != nil {
		return nil, err
	}
	switch choice {
	case "file":
		return a.fileBackend(o, interactive, "set by "+from)
	case "keyring":
		return a.keyringBackend(timeout, "set by "+from)
	case "auto":
		return a.autoBackend(o, interactive, timeout)
	}
	return nil, usagef("backend %q (from %s): want keyring, file or auto", choice, from)
}

func (a *App) keyringTimeout(o *options, cfg map[string]string) (time.Duration, error) {
	raw := firstNonEmpty(o.keyringTimeout, a.Getenv("ADOPAT_KEYRING_TIMEOUT"), cfg["keyring-timeout"])
	if raw == "" {
		return keyring.DefaultTimeout, nil
	}
	d, err := parseSpan(keyringSpan, raw)
	if err != nil {
		return 0, usagef("%v (--keyring-timeout, ADOPAT_KEYRING_TIMEOUT or keyring-timeout in the config)", err)
	}
	return d, nil
}

func (a *App) fileBackend(o *options, interactive bool, reason string) (*backend, error) {
	v, err := a.openVault(o, interactive)
	if err != nil {
		return nil, err
	}
	return &backend{Name: "file", Path: v.Path(), Reason: reason, Store: v, Vault: v}, nil
}

func (a *App) keyringBackend(timeout time.Duration, reason string) (*backend, error) {
	index, err := a.indexPath()
	if err != nil {
		return nil, err
	}
	k := keyring.New(index, keyring.Options{Timeout: timeout})
	return &backend{Name: "keyring", Path: index, Reason: reason, Store: k}, nil
}

func (a *App) indexPath() (string, error) {
	if p := a.Getenv("ADOPAT_KEYRING_INDEX"); p != "" {
		return p, nil
	}
	return a.defaultIndexPath()
}

// autoBackend keeps using whichever backend already holds tokens, so that a
// Secret Service appearing later does not hide a vault's tokens; with
// neither, it takes the OS keyring where one answers, else the age vault.
func (a *App) autoBackend(o *options, interactive bool, timeout time.Duration) (*backend, error) {
	if o.vault != "" || a.Getenv("ADOPAT_VAULT") != "" {
		return a.fileBackend(o, interactive, "auto: a vault file was named (--vault or ADOPAT_VAULT)")
	}
	vault, _, err := a.paths(o)
	if err != nil {
		return nil, err
	}
	index, err := a.indexPath()
	if err != nil {
		return nil, err
	}
	hasVault, hasIndex := exists(vault), exists(index)
	switch {
	case hasVault && hasIndex:
		// Decided by the files alone, never by whether this session has a
		// D-Bus: cron and a desktop must see the same tokens.
		return a.fileBackend(o, interactive, "auto: "+bothBackends)
	case hasVault:
		return a.fileBackend(o, interactive, "auto: the vault already holds your tokens")
	case hasIndex:
		return a.keyringBackend(timeout, "auto: the keyring index already lists your tokens")
	}
	ok, why := a.probe(timeout)
	if ok {
		return a.keyringBackend(timeout, "auto: "+why)
	}
	return a.fileBackend(o, interactive, "auto: no OS keyring here ("+why+")")
}

// bothBackends explains the one ambiguous case of auto.
const bothBackends = "both a vault and a keyring index exist, so the vault is used and the keyring's tokens are not; move them into one with `migrate --to file` (or `--to keyring`), or set --backend"

// platformKeyring names the keyring a desktop user has on this OS.
func platformKeyring() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	}
	return "Secret Service (GNOME Keyring, KWallet)"
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}
