// Package backends chooses and opens the token store: the backend table
// (which backends exist and how auto picks one), where adopat's files are,
// the config file, and where the age vault's key comes from. Both the
// management commands (internal/cli) and git's helper actions
// (internal/gitaction) use it, so the rules exist once; it links neither
// net/http nor the command line machinery.
package backends

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
)

// Env is what choosing and opening a store reads: the environment, the
// common flags and the config file.
type Env struct {
	// Getenv reads the environment (never the process's directly, so tests
	// can inject it).
	Getenv func(string) string
	Flags  Flags
	// Config returns the config file's settings; nil reads the file once
	// (ReadConfigFile at ConfigPath).
	Config func() (map[string]string, error)
	// ProbeKeyring asks whether an OS keyring answers here; nil is
	// keyring.Probe.
	ProbeKeyring func(timeout time.Duration) (ok bool, reason string)
	// Passphrase, when set, is the passphrase prompt an interactive
	// command gives a vault whose key is identity; git's helper actions
	// never prompt.
	Passphrase func(identity string) func() (string, error)

	config     map[string]string
	configErr  error
	configRead bool
}

// Flags are the common flags that choose and reach the store.
type Flags struct {
	Vault, Identity, Backend, KeyringTimeout string
}

// UsageError marks a mistake on the command line or in a setting (exit 1).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef is a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Sprintf(format, args...)}
}

// ReadConfig is the config file's settings.
func (e *Env) ReadConfig() (map[string]string, error) {
	if e.Config != nil {
		return e.Config()
	}
	if !e.configRead {
		e.configRead = true
		path, err := e.ConfigPath()
		if err == nil {
			e.config, e.configErr = ReadConfigFile(path)
		} else {
			e.configErr = err
		}
	}
	return e.config, e.configErr
}

func (e *Env) probe(timeout time.Duration) (bool, string) {
	if e.ProbeKeyring == nil {
		return keyring.Probe(timeout)
	}
	return e.ProbeKeyring(timeout)
}

// ConfigKeys are the settings the config file may hold; each has a flag
// and an environment variable that win over it.
var ConfigKeys = map[string]string{
	"backend":         "--backend, ADOPAT_BACKEND",
	"keyring-timeout": "--keyring-timeout, ADOPAT_KEYRING_TIMEOUT",
	"expiry-warning":  "ADOPAT_EXPIRY_WARNING",
}

// MaxConfigSize caps the config file: a few lines of settings.
const MaxConfigSize = 1 << 20

// ReadConfigFile reads "key = value" lines; '#' starts a comment. A
// missing file is an empty config. Unknown keys are errors, so a typo does
// not silently leave a setting at its default.
func ReadConfigFile(path string) (map[string]string, error) {
	// Like adopat's other files, the config is never read through a
	// symbolic link nor opened if it is a FIFO (which would hang git).
	raw, err := fsx.ReadOwn("config", path, MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	cfg := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if _, known := ConfigKeys[key]; !ok || !known {
			return nil, fmt.Errorf("config %s line %d: want one of %s as \"key = value\"", path, n, strings.Join(slices.Sorted(maps.Keys(ConfigKeys)), ", "))
		}
		cfg[key] = value
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read config %s: %w", path, err)
	}
	return cfg, nil
}

// Where adopat's files are by default, resolved here and only here, from
// the Env's environment, never the process's: the XDG base directories
// when set to an absolute path (the spec says relative values are
// ignored), else the usual directories below the home directory. The
// store packages take their paths as arguments.

// HomeDir is os.UserHomeDir read through Getenv: $HOME, %USERPROFILE% on
// Windows, $home on Plan 9.
func (e *Env) HomeDir() (string, error) {
	env, name := "HOME", "$HOME"
	switch runtime.GOOS {
	case "windows":
		env, name = "USERPROFILE", "%userprofile%"
	case "plan9":
		env, name = "home", "$home"
	}
	if v := e.Getenv(env); v != "" {
		return v, nil
	}
	return "", errors.New(name + " is not defined")
}

// xdgDir is the directory the XDG variable env names when it is absolute,
// else home joined with fallback (".local", "share" for XDG_DATA_HOME).
func (e *Env) xdgDir(env string, fallback ...string) (string, error) {
	if dir := e.Getenv(env); filepath.IsAbs(dir) {
		return dir, nil
	}
	home, err := e.HomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{home}, fallback...)...), nil
}

// DefaultVaultPath is $XDG_DATA_HOME/adopat/vault.age, else
// ~/.local/share/adopat/vault.age.
func (e *Env) DefaultVaultPath() (string, error) {
	dir, err := e.xdgDir("XDG_DATA_HOME", ".local", "share")
	if err != nil {
		return "", fmt.Errorf("cannot locate the vault: %w (set XDG_DATA_HOME, ADOPAT_VAULT or --vault)", err)
	}
	return filepath.Join(dir, "adopat", "vault.age"), nil
}

// DefaultIndexPath is $XDG_CONFIG_HOME/adopat/keyring-index.json, else
// ~/.config/adopat/keyring-index.json.
func (e *Env) DefaultIndexPath() (string, error) {
	dir, err := e.xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot locate the keyring index: %w (set XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(dir, "adopat", "keyring-index.json"), nil
}

// IndexPath is $ADOPAT_KEYRING_INDEX, else DefaultIndexPath.
func (e *Env) IndexPath() (string, error) {
	if p := e.Getenv("ADOPAT_KEYRING_INDEX"); p != "" {
		return p, nil
	}
	return e.DefaultIndexPath()
}

// ConfigPath is $ADOPAT_CONFIG, else $XDG_CONFIG_HOME/adopat/config, else
// ~/.config/adopat/config.
func (e *Env) ConfigPath() (string, error) {
	if p := e.Getenv("ADOPAT_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := e.xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot find the config directory: %w (set XDG_CONFIG_HOME or HOME)", err)
	}
	return filepath.Join(dir, "adopat", "config"), nil
}

// FirstNonEmpty is the first of values that is not "".
func FirstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
