package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
)

// Where adopat's files are by default, resolved here and only here, from
// the App's environment (a.Getenv), never the process's: the XDG base
// directories when set to an absolute path (the spec says relative values
// are ignored), else the usual directories below the home directory. The
// defaults are those of vault.DefaultPath and keyring.DefaultIndexPath.

// homeDir is os.UserHomeDir read through a.Getenv: $HOME, %USERPROFILE% on
// Windows, $home on Plan 9.
func (a *App) homeDir() (string, error) {
	env, name := "HOME", "$HOME"
	switch runtime.GOOS {
	case "windows":
		env, name = "USERPROFILE", "%userprofile%"
	case "plan9":
		env, name = "home", "$home"
	}
	if v := a.Getenv(env); v != "" {
		return v, nil
	}
	return "", errors.New(name + " is not defined")
}

// xdgDir is the directory the XDG variable env names when it is absolute,
// else home joined with fallback (".local", "share" for XDG_DATA_HOME).
func (a *App) xdgDir(env string, fallback ...string) (string, error) {
	if dir := a.Getenv(env); filepath.IsAbs(dir) {
		return dir, nil
	}
	home, err := a.homeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{home}, fallback...)...), nil
}

// defaultVaultPath is $XDG_DATA_HOME/adopat/vault.age, else
// ~/.local/share/adopat/vault.age.
func (a *App) defaultVaultPath() (string, error) {
	dir, err := a.xdgDir("XDG_DATA_HOME", ".local", "share")
	if err != nil {
		return "", fmt.Errorf("cannot locate the vault: %w (set XDG_DATA_HOME, ADOPAT_VAULT or --vault)", err)
	}
	return filepath.Join(dir, "adopat", "vault.age"), nil
}

// defaultIndexPath is $XDG_CONFIG_HOME/adopat/keyring-index.json, else
// ~/.config/adopat/keyring-index.json.
func (a *App) defaultIndexPath() (string, error) {
	dir, err := a.xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot locate the keyring index: %w (set XDG_CONFIG_HOME)", err)
	}
	return filepath.Join(dir, "adopat", "keyring-index.json"), nil
}

// configPath is $ADOPAT_CONFIG, else $XDG_CONFIG_HOME/adopat/config, else
// ~/.config/adopat/config.
func (a *App) configPath() (string, error) {
	if p := a.Getenv("ADOPAT_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := a.xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot find the config directory: %w (set XDG_CONFIG_HOME or HOME)", err)
	}
	return filepath.Join(dir, "adopat", "config"), nil
}
