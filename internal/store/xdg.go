package store

import (
	"os"
	"path/filepath"
)

// XDGPath is name in adopat's directory under the XDG base directory that
// the variable env names (XDG_DATA_HOME, XDG_CONFIG_HOME), or under
// fallback in the home directory (e.g. .local/share) when env is unset or
// relative: the XDG base directory spec says relative values must be
// ignored. The error is os.UserHomeDir's.
func XDGPath(env, fallback, name string) (string, error) {
	if dir := os.Getenv(env); filepath.IsAbs(dir) {
		return filepath.Join(dir, "adopat", name), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, fallback, "adopat", name), nil
}
