package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// configKeys are the settings the config file may hold; each has a flag and
// an environment variable that win over it.
var configKeys = map[string]string{
	"backend":         "--backend, ADOPAT_BACKEND",
	"keyring-timeout": "--keyring-timeout, ADOPAT_KEYRING_TIMEOUT",
	"expiry-warning":  "ADOPAT_EXPIRY_WARNING",
}

// maxConfigSize caps the config file: a few lines of settings.
const maxConfigSize = 1 << 20

// readConfig reads "key = value" lines; '#' starts a comment. A missing
// file is an empty config. Unknown keys are errors, so a typo does not
// silently leave a setting at its default.
func (a *App) readConfig() (map[string]string, error) {
	if a.config != nil {
		return a.config, nil // read once per run: get asks for it twice
	}
	cfg, err := a.parseConfig()
	a.config = cfg
	return cfg, err
}

func (a *App) parseConfig() (map[string]string, error) {
	path, err := a.configPath()
	if err != nil {
		return nil, err
	}
	// Like adopat's other files, the config is never read through a
	// symbolic link nor opened if it is a FIFO (which would hang git).
	raw, err := fsx.ReadOwn("config", path, maxConfigSize)
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
		if _, known := configKeys[key]; !ok || !known {
			return nil, fmt.Errorf("config %s line %d: want one of %s as \"key = value\"", path, n, strings.Join(slices.Sorted(maps.Keys(configKeys)), ", "))
		}
		cfg[key] = value
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read config %s: %w", path, err)
	}
	return cfg, nil
}

// setConfig writes one key, keeping the file's other lines and comments.
func (a *App) setConfig(key, value string) (string, error) {
	path, err := a.configPath()
	if err != nil {
		return "", err
	}
	old, err := fsx.ReadOwn("config", path, maxConfigSize)
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
