package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// readConfig reads the config file (backends.ReadConfigFile) once per
// run: get asks for it twice.
func (a *App) readConfig() (map[string]string, error) {
	if a.config != nil {
		return a.config, nil
	}
	path, err := a.configPath()
	if err != nil {
		return nil, err
	}
	cfg, err := backends.ReadConfigFile(path)
	a.config = cfg
	return cfg, err
}

// setConfig writes one key, keeping the file's other lines and comments.
func (a *App) setConfig(key, value string) (string, error) {
	path, err := a.configPath()
	if err != nil {
		return "", err
	}
	old, err := fsx.ReadOwn("config", path, backends.MaxConfigSize)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	var out []string
	replaced := false
	for _, line := range strings.Split(strings.TrimRight(string(old), "\n"), "\n") {
		k, _, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == key && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			line, replaced = key+" = "+value, true
		}
		if line != "" || len(out) > 0 {
			out = append(out, line)
		}
	}
	if !replaced {
		out = append(out, key+" = "+value)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("cannot create %s: %w", filepath.Dir(path), err)
	}
	// Replaced atomically, never written through a link planted there.
	if err := fsx.WriteOwn("config", path, []byte(strings.Join(out, "\n")+"\n")); err != nil {
		return "", err
	}
	a.config = nil
	return path, nil
}
