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

// adopatFile is the default path of adopat's file name: in the directory
// the XDG variable env names when it is absolute (on every platform: a
// deliberate setting wins); else on Windows in %LOCALAPPDATA%\adopat
// (windowsFile); else in home joined with unixDir (".local", "share" for
// XDG_DATA_HOME) and "adopat".
func (e *Env) adopatFile(env, name string, unixDir ...string) (string, error) {
	if dir := e.Getenv(env); filepath.IsAbs(dir) {
		return filepath.Join(dir, "adopat", name), nil
	}
	home, err := e.HomeDir()
	if err != nil {
		return "", err
	}
	unix := filepath.Join(append(append([]string{home}, unixDir...), "adopat", name)...)
	if runtime.GOOS != "windows" {
		return unix, nil
	}
	return e.windowsFile(name, unix), nil
}

// windowsFile is %LOCALAPPDATA%\adopat\name, where Windows programs keep
// data that belongs to this machine (Microsoft's "Roaming User Profiles":
// %APPDATA% is copied to the domain's file server at every log-off). None of
// adopat's files may roam: the vault's key would leave the machine, a vault
// written on two machines would be overwritten by the last log-off, and the
// keyring index names Credential Manager items, which go-keyring writes
// with CRED_PERSIST_LOCAL_MACHINE and which stay on this machine.
//
// Versions before this one used the Unix places below %USERPROFILE%
// (legacy: .local\share\adopat\vault.age, .config\adopat\config, ...).
// Such a file is used where it is, as long as the new place has no file of
// that name: nothing is moved behind the user's back (a vault, its key and
// its journal move together, and a file another process has open cannot be
// renamed on Windows). Without LOCALAPPDATA (a stripped service
// environment) the legacy place is used.
func (e *Env) windowsFile(name, legacy string) string {
	local := e.Getenv("LOCALAPPDATA")
	if !filepath.IsAbs(local) {
		return legacy
	}
	p := filepath.Join(local, "adopat", name)
	if Exists(p) || !Exists(legacy) {
		return p
	}
	return legacy
}

// DefaultVaultPath is $XDG_DATA_HOME/adopat/vault.age, else
// %LOCALAPPDATA%\adopat\vault.age on Windows, else
// ~/.local/share/adopat/vault.age.
func (e *Env) DefaultVaultPath() (string, error) {
	p, err := e.adopatFile("XDG_DATA_HOME", "vault.age", ".local", "share")
	if err != nil {
		return "", fmt.Errorf("cannot locate the vault: %w (set XDG_DATA_HOME, ADOPAT_VAULT or --vault)", err)
	}
	return p, nil
}

// DefaultIndexPath is $XDG_CONFIG_HOME/adopat/keyring-index.json, else
// %LOCALAPPDATA%\adopat\keyring-index.json on Windows, else
// ~/.config/adopat/keyring-index.json.
func (e *Env) DefaultIndexPath() (string, error) {
	p, err := e.adopatFile("XDG_CONFIG_HOME", "keyring-index.json", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot locate the keyring index: %w (set XDG_CONFIG_HOME)", err)
	}
	return p, nil
}

// IndexPath is $ADOPAT_KEYRING_INDEX, else DefaultIndexPath.
func (e *Env) IndexPath() (string, error) {
	if p := e.Getenv("ADOPAT_KEYRING_INDEX"); p != "" {
		return p, nil
	}
	return e.DefaultIndexPath()
}

// ConfigPath is $ADOPAT_CONFIG, else $XDG_CONFIG_HOME/adopat/config, else
// %LOCALAPPDATA%\adopat\config on Windows, else ~/.config/adopat/config.
func (e *Env) ConfigPath() (string, error) {
	if p := e.Getenv("ADOPAT_CONFIG"); p != "" {
		return p, nil
	}
	p, err := e.adopatFile("XDG_CONFIG_HOME", "config", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot find the config directory: %w (set XDG_CONFIG_HOME or HOME)", err)
	}
	return p, nil
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
