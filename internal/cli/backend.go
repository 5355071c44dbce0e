package cli

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// backendKind is one row of the backend table: everything the CLI knows
// about one kind of store. Adding a backend is one package implementing
// store.Store and one row in backends; nothing else names a backend.
type backendKind struct {
	name string // as --backend, ADOPAT_BACKEND, the config and migrate --to take it

	// open opens the store; path is the file that stands for it (the
	// vault, the keyring's index): messages name it and the usage journal
	// lives beside it.
	open func(a *App, o *options, interactive bool, timeout time.Duration) (s store.Store, path string, err error)
	// describe names the store at path for messages.
	describe func(path string) string

	// exists, when set, reports whether this backend already holds tokens
	// here; holds says so for the reason auto gives ("the vault already
	// holds your tokens"). store and noun name what exists and the
	// backend for the message of auto's one ambiguous case (see
	// bothHoldTokens).
	exists      func(a *App, o *options) (bool, error)
	holds       string
	store, noun string
	// named, when set, reports that the user named this backend's file
	// (why, for the reason), which makes it auto's choice.
	named func(a *App, o *options) (why string, ok bool)
	// probe, when set, is asked by auto on a machine where no backend
	// holds tokens yet; what names the thing it looks for ("OS keyring").
	probe func(a *App, timeout time.Duration) (ok bool, why string)
	what  string
	// fallback: auto takes this backend when nothing holds tokens and no
	// probe answers, and prefers it when several hold tokens, since it
	// needs no session: cron and a desktop must see the same tokens.
	fallback bool
	// needsKeyring: the backend only works while the OS keyring answers,
	// so doctor fails when it does not (for the others it is information).
	needsKeyring bool
	// checkFiles, when set, reports doctor's problems with the store's own
	// files (links, FIFOs, directories others can write); the usage
	// journal's are checked for every backend.
	checkFiles func(s store.Store) []error
	// key, when set, says where the store's key comes from and whether
	// git can use it (list's header, doctor's key check, key_source).
	key func(a *App, o *options, s store.Store) *keyReport
}

// backends is the backend table, in the order --help and errors list them.
var backends = []*backendKind{
	{
		name: "keyring",
		open: func(a *App, _ *options, _ bool, timeout time.Duration) (store.Store, string, error) {
			index, err := a.indexPath()
			if err != nil {
				return nil, "", err
			}
			return keyring.New(index, keyring.Options{Timeout: timeout}), index, nil
		},
		describe: func(path string) string { return platformKeyring() + ", index " + path },
		exists: func(a *App, _ *options) (bool, error) {
			index, err := a.indexPath()
			return err == nil && exists(index), err
		},
		holds: "the keyring index already lists your tokens", store: "keyring index", noun: "keyring",
		probe: func(a *App, timeout time.Duration) (bool, string) { return a.probe(timeout) },
		what:  "OS keyring", needsKeyring: true,
	},
	{
		name: "file",
		open: func(a *App, o *options, interactive bool, _ time.Duration) (store.Store, string, error) {
			v, err := a.openVault(o, interactive)
			if err != nil {
				return nil, "", err
			}
			return v, v.Path(), nil
		},
		describe: func(path string) string { return "age vault " + path },
		exists: func(a *App, o *options) (bool, error) {
			path, _, err := a.paths(o)
			return err == nil && exists(path), err
		},
		key: func(a *App, o *options, s store.Store) *keyReport {
			v := s.(*vault.Store)
			_, c, err := a.paths(o)
			if err != nil {
				return &keyReport{err: err}
			}
			r := reportKey(v, c)
			if r.err == nil {
				r.err = v.VerifyKey()
			}
			return &r
		},
		holds: "the vault already holds your tokens", store: "vault", noun: "vault",
		named: func(a *App, o *options) (string, bool) {
			return "a vault file was named (--vault or ADOPAT_VAULT)", o.vault != "" || a.Getenv("ADOPAT_VAULT") != ""
		},
		fallback:   true,
		checkFiles: func(s store.Store) []error { return s.(*vault.Store).CheckFiles() },
	},
}

// findBackend is the row named name.
func findBackend(name string) (*backendKind, bool) {
	i := slices.IndexFunc(backends, func(k *backendKind) bool { return k.name == name })
	if i < 0 {
		return nil, false
	}
	return backends[i], true
}

// backendNames is the table's names, in its order.
func backendNames() []string {
	var names []string
	for _, k := range backends {
		names = append(names, k.name)
	}
	return names
}

// backend is the store a command uses, and why it was chosen: `list` and
// `doctor` show both, since tokens "missing" are most often tokens in the
// other backend.
type backend struct {
	Name   string // the row's name: "file", "keyring"
	Path   string // the vault file, or the keyring's metadata index
	Reason string
	Store  store.Store
	kind   *backendKind
	// ambiguous: auto chose among several backends holding tokens, so the
	// others' tokens are not used (doctor fails).
	ambiguous bool
}

// describe names the backend and its file for messages.
func (b *backend) describe() string { return b.kind.describe(b.Path) }

// key says where the store's key comes from; nil for a backend without
// one (the keyring).
func (b *backend) key(a *App, o *options) *keyReport {
	if b.kind.key == nil {
		return nil
	}
	return b.kind.key(a, o, b.Store)
}

// openBackend opens the backend of row k.
func (a *App) openBackend(k *backendKind, o *options, interactive bool, timeout time.Duration, reason string) (*backend, error) {
	s, path, err := k.open(a, o, interactive, timeout)
	if err != nil {
		return nil, err
	}
	return &backend{Name: k.name, Path: path, Reason: reason, Store: s, kind: k}, nil
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
	if choice == "auto" {
		return a.autoBackend(o, interactive, timeout)
	}
	if k, ok := findBackend(choice); ok {
		return a.openBackend(k, o, interactive, timeout, "set by "+from)
	}
	return nil, usagef("backend %q (from %s): want %s or auto", choice, from, strings.Join(backendNames(), ", "))
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

func (a *App) indexPath() (string, error) {
	if p := a.Getenv("ADOPAT_KEYRING_INDEX"); p != "" {
		return p, nil
	}
	return a.defaultIndexPath()
}

// autoOrder is the table with the fallback rows first: auto asks them
// first and prefers them when several backends hold tokens.
func autoOrder() []*backendKind {
	out := slices.Clone(backends)
	slices.SortStableFunc(out, func(x, y *backendKind) int {
		switch {
		case x.fallback == y.fallback:
			return 0
		case x.fallback:
			return -1
		}
		return 1
	})
	return out
}

// holding lists the rows that already hold tokens here, fallback rows
// first.
func (a *App) holding(o *options) ([]*backendKind, error) {
	var out []*backendKind
	for _, k := range autoOrder() {
		if k.exists == nil {
			continue
		}
		ok, err := k.exists(a, o)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, k)
		}
	}
	return out, nil
}

// autoBackend keeps using whichever backend already holds tokens, so that a
// Secret Service appearing later does not hide a vault's tokens; with
// neither, it takes the OS keyring where one answers, else the age vault.
func (a *App) autoBackend(o *options, interactive bool, timeout time.Duration) (*backend, error) {
	for _, k := range autoOrder() {
		if k.named == nil {
			continue
		}
		if why, ok := k.named(a, o); ok {
			return a.openBackend(k, o, interactive, timeout, "auto: "+why)
		}
	}
	holders, err := a.holding(o)
	if err != nil {
		return nil, err
	}
	switch {
	case len(holders) > 1:
		// Decided by the files alone, never by whether this session has a
		// D-Bus: cron and a desktop must see the same tokens.
		b, err := a.openBackend(holders[0], o, interactive, timeout, "auto: "+bothHoldTokens(holders[0], holders[1]))
		if b != nil {
			b.ambiguous = true
		}
		return b, err
	case len(holders) == 1:
		return a.openBackend(holders[0], o, interactive, timeout, "auto: "+holders[0].holds)
	}
	var whyNot []string
	for _, k := range backends {
		if k.probe == nil {
			continue
		}
		ok, why := k.probe(a, timeout)
		if ok {
			return a.openBackend(k, o, interactive, timeout, "auto: "+why)
		}
		whyNot = append(whyNot, "no "+k.what+" here ("+why+")")
	}
	for _, k := range backends {
		if k.fallback {
			return a.openBackend(k, o, interactive, timeout, "auto: "+strings.Join(whyNot, ", "))
		}
	}
	return nil, errors.New("no backend answers here; set --backend")
}

// bothHoldTokens explains the one ambiguous case of auto: used holds
// tokens, and so does other.
func bothHoldTokens(used, other *backendKind) string {
	return "both a " + used.store + " and a " + other.store + " exist, so the " + used.noun + " is used and the " + other.noun +
		"'s tokens are not; move them into one with `migrate --to " + used.name + "` (or `--to " + other.name + "`), or set --backend"
}

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
