package backends

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/span"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// Kind is one row of the backend table: everything adopat knows
// about one kind of store. Adding a backend is one package implementing
// store.Store and one row in Table; nothing else names a backend.
type Kind struct {
	Name string // as --backend, ADOPAT_BACKEND, the config and migrate --to take it

	// Open opens the store; path is the file that stands for it (the
	// vault, the keyring's index): messages name it and the usage journal
	// lives beside it.
	Open func(e *Env, interactive bool, timeout time.Duration) (s store.Store, path string, err error)
	// Describe names the store at path for messages.
	Describe func(path string) string

	// Exists, when set, reports whether this backend already holds tokens
	// here; holds says so for the reason auto gives ("the vault already
	// holds your tokens"). store and noun name what exists and the
	// backend for the message of auto's one ambiguous case (see
	// bothHoldTokens).
	Exists      func(e *Env) (bool, error)
	Holds       string
	Store, Noun string
	// Named, when set, reports that the user named this backend's file
	// (why, for the reason), which makes it auto's choice.
	Named func(e *Env) (why string, ok bool)
	// Probe, when set, is asked by auto on a machine where no backend
	// holds tokens yet; what names the thing it looks for ("OS keyring").
	Probe func(e *Env, timeout time.Duration) (ok bool, why string)
	What  string
	// fallback: auto takes this backend when nothing holds tokens and no
	// Probe answers, and prefers it when several hold tokens, since it
	// needs no session: cron and a desktop must see the same tokens.
	Fallback bool
	// needsKeyring: the backend only works while the OS keyring answers,
	// so doctor fails when it does not (for the others it is information).
	NeedsKeyring bool
	// CheckFiles, when set, reports doctor's problems with the store's own
	// files (links, FIFOs, directories others can write); the usage
	// journal's are checked for every backend.
	CheckFiles func(s store.Store) []error
	// Key, when set, says where the store's key comes from and whether
	// git can use it (list's header, doctor's key check, key_source).
	Key func(e *Env, s store.Store) *KeyReport
}

// Table is the backend table, in the order --help and errors list them.
var Table = []*Kind{
	{
		Name: "keyring",
		Open: func(e *Env, _ bool, timeout time.Duration) (store.Store, string, error) {
			index, err := e.IndexPath()
			if err != nil {
				return nil, "", err
			}
			return keyring.New(index, keyring.Options{Timeout: timeout}), index, nil
		},
		Describe: func(path string) string { return PlatformKeyring() + ", index " + path },
		Exists: func(e *Env) (bool, error) {
			index, err := e.IndexPath()
			return err == nil && Exists(index), err
		},
		Holds: "the keyring index already lists your tokens", Store: "keyring index", Noun: "keyring",
		Probe: func(e *Env, timeout time.Duration) (bool, string) { return e.probe(timeout) },
		What:  "OS keyring", NeedsKeyring: true,
	},
	{
		Name: "file",
		Open: func(e *Env, interactive bool, _ time.Duration) (store.Store, string, error) {
			v, err := e.OpenVault(interactive)
			if err != nil {
				return nil, "", err
			}
			return v, v.Path(), nil
		},
		Describe: func(path string) string { return "age vault " + path },
		Exists: func(e *Env) (bool, error) {
			path, _, err := e.VaultPaths()
			return err == nil && Exists(path), err
		},
		Key: func(e *Env, s store.Store) *KeyReport {
			v := s.(*vault.Store)
			_, c, err := e.VaultPaths()
			if err != nil {
				return &KeyReport{Err: err}
			}
			r := ReportKey(v, c)
			if r.Err == nil {
				r.Err = v.VerifyKey()
			}
			return &r
		},
		Holds: "the vault already holds your tokens", Store: "vault", Noun: "vault",
		Named: func(e *Env) (string, bool) {
			return "a vault file was named (--vault or ADOPAT_VAULT)", e.Flags.Vault != "" || e.Getenv("ADOPAT_VAULT") != ""
		},
		Fallback:   true,
		CheckFiles: func(s store.Store) []error { return s.(*vault.Store).CheckFiles() },
	},
}

// Find is the row named name.
func Find(name string) (*Kind, bool) {
	i := slices.IndexFunc(Table, func(k *Kind) bool { return k.Name == name })
	if i < 0 {
		return nil, false
	}
	return Table[i], true
}

// Names is the table's names, in its order.
func Names() []string {
	var names []string
	for _, k := range Table {
		names = append(names, k.Name)
	}
	return names
}

// Backend is the store a command uses, and why it was chosen: `list` and
// `doctor` show both, since tokens "missing" are most often tokens in the
// other backend.
type Backend struct {
	Name   string // the row's name: "file", "keyring"
	Path   string // the vault file, or the keyring's metadata index
	Reason string
	Store  store.Store
	Kind   *Kind
	// Ambiguous: auto chose among several backends holding tokens, so the
	// others' tokens are not used (doctor fails).
	Ambiguous bool
}

// Describe names the backend and its file for messages.
func (b *Backend) Describe() string { return b.Kind.Describe(b.Path) }

// Key says where the store's key comes from; nil for a backend without
// one (the keyring).
func (b *Backend) Key(e *Env) *KeyReport {
	if b.Kind.Key == nil {
		return nil
	}
	return b.Kind.Key(e, b.Store)
}

// OpenKind opens the backend of row k.
func (e *Env) OpenKind(k *Kind, interactive bool, timeout time.Duration, reason string) (*Backend, error) {
	s, path, err := k.Open(e, interactive, timeout)
	if err != nil {
		return nil, err
	}
	return &Backend{Name: k.Name, Path: path, Reason: reason, Store: s, Kind: k}, nil
}

// Open picks the backend: --backend, then ADOPAT_BACKEND, then the
// config file, then auto.
func (e *Env) Open(interactive bool) (*Backend, error) {
	cfg, err := e.ReadConfig()
	if err != nil {
		return nil, err
	}
	choice, from := "auto", ""
	for _, c := range [][2]string{{e.Flags.Backend, "--backend"}, {e.Getenv("ADOPAT_BACKEND"), "ADOPAT_BACKEND"}, {cfg["backend"], "the config file"}} {
		if c[0] != "" {
			choice, from = c[0], c[1]
			break
		}
	}
	timeout, err := e.KeyringTimeout(cfg)
	if err != nil {
		return nil, err
	}
	if choice == "auto" {
		return e.auto(interactive, timeout)
	}
	if k, ok := Find(choice); ok {
		return e.OpenKind(k, interactive, timeout, "set by "+from)
	}
	return nil, Usagef("backend %q (from %s): want %s or auto", choice, from, strings.Join(Names(), ", "))
}

// KeyringTimeout is --keyring-timeout, else ADOPAT_KEYRING_TIMEOUT, else
// the config's keyring-timeout, else keyring.DefaultTimeout.
func (e *Env) KeyringTimeout(cfg map[string]string) (time.Duration, error) {
	raw := FirstNonEmpty(e.Flags.KeyringTimeout, e.Getenv("ADOPAT_KEYRING_TIMEOUT"), cfg["keyring-timeout"])
	if raw == "" {
		return keyring.DefaultTimeout, nil
	}
	d, err := span.Parse(span.KeyringTimeout, raw)
	if err != nil {
		return 0, Usagef("%v (--keyring-timeout, ADOPAT_KEYRING_TIMEOUT or keyring-timeout in the config)", err)
	}
	return d, nil
}

// AutoOrder is the table with the fallback rows first: auto asks them
// first and prefers them when several backends hold tokens.
func AutoOrder() []*Kind {
	out := slices.Clone(Table)
	slices.SortStableFunc(out, func(x, y *Kind) int {
		switch {
		case x.Fallback == y.Fallback:
			return 0
		case x.Fallback:
			return -1
		}
		return 1
	})
	return out
}

// Holding lists the rows that already hold tokens here, fallback rows
// first.
func (e *Env) Holding() ([]*Kind, error) {
	var out []*Kind
	for _, k := range AutoOrder() {
		if k.Exists == nil {
			continue
		}
		ok, err := k.Exists(e)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// auto keeps using whichever backend already holds tokens, so that a
// Secret Service appearing later does not hide a vault's tokens; with
// neither, it takes the OS keyring where one answers, else the age vault.
func (e *Env) auto(interactive bool, timeout time.Duration) (*Backend, error) {
	for _, k := range AutoOrder() {
		if k.Named == nil {
			continue
		}
		if why, ok := k.Named(e); ok {
			return e.OpenKind(k, interactive, timeout, "auto: "+why)
		}
	}
	holders, err := e.Holding()
	if err != nil {
		return nil, err
	}
	switch {
	case len(holders) > 1:
		// Decided by the files alone, never by whether this session has a
		// D-Bus: cron and a desktop must see the same tokens.
		b, err := e.OpenKind(holders[0], interactive, timeout, "auto: "+bothHoldTokens(holders[0], holders[1]))
		if b != nil {
			b.Ambiguous = true
		}
		return b, err
	case len(holders) == 1:
		return e.OpenKind(holders[0], interactive, timeout, "auto: "+holders[0].Holds)
	}
	var whyNot []string
	for _, k := range Table {
		if k.Probe == nil {
			continue
		}
		ok, why := k.Probe(e, timeout)
		if ok {
			return e.OpenKind(k, interactive, timeout, "auto: "+why)
		}
		whyNot = append(whyNot, "no "+k.What+" here ("+why+")")
	}
	for _, k := range Table {
		if k.Fallback {
			return e.OpenKind(k, interactive, timeout, "auto: "+strings.Join(whyNot, ", "))
		}
	}
	return nil, errors.New("no backend answers here; set --backend")
}

// bothHoldTokens explains the one ambiguous case of auto: used holds
// tokens, and so does other.
func bothHoldTokens(used, other *Kind) string {
	return "both a " + used.Store + " and a " + other.Store + " exist, so the " + used.Noun + " is used and the " + other.Noun +
		"'s tokens are not; move them into one with `migrate --to " + used.Name + "` (or `--to " + other.Name + "`), or set --backend"
}

// PlatformKeyring names the keyring a desktop user has on this OS.
func PlatformKeyring() string {
	switch runtime.GOOS {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	}
	return "Secret Service (GNOME Keyring, KWallet)"
}

// Exists reports whether something is at path (a link counts).
func Exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// VaultPaths resolves the vault file (flag, then environment, then the
// XDG default) and where its key comes from (ChooseKey, keysource.go).
func (e *Env) VaultPaths() (vaultPath string, key KeyChoice, err error) {
	vaultPath = FirstNonEmpty(e.Flags.Vault, e.Getenv("ADOPAT_VAULT"))
	if vaultPath == "" {
		if vaultPath, err = e.DefaultVaultPath(); err != nil {
			return "", KeyChoice{}, err
		}
	}
	return vaultPath, e.ChooseKey(vaultPath), nil
}

// OpenVault returns the vault. An interactive command's vault asks for
// the passphrase (Env.Passphrase) when the key is protected and locked and
// no key source opens it; git's helper actions never prompt (stdin is
// git's protocol channel).
func (e *Env) OpenVault(interactive bool) (*vault.Store, error) {
	vaultPath, key, err := e.VaultPaths()
	if err != nil {
		return nil, err
	}
	v := vault.New(vaultPath, key.Identity)
	v.SetKeyOptions(key.Key)
	if interactive && e.Passphrase != nil {
		v.Passphrase = e.Passphrase(key.Identity)
	}
	return v, nil
}
