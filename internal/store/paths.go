package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// DefaultVaultPath is $XDG_DATA_HOME/adopat/vault.age, falling back to
// ~/.local/share/adopat/vault.age. The XDG base directory spec says relative
// values must be ignored, so they are.
func DefaultVaultPath() (string, error) {
	if dir := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "adopat", "vault.age"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot locate the vault: %w (set XDG_DATA_HOME, ADOPAT_VAULT or --vault)", err)
	}
	return filepath.Join(home, ".local", "share", "adopat", "vault.age"), nil
}

// DefaultIdentityPath is identity.txt next to the vault, so that a vault
// and its key move together unless the user deliberately separates them.
func DefaultIdentityPath(vaultPath string) string {
	return filepath.Join(filepath.Dir(vaultPath), "identity.txt")
}

// runtimeDir holds unlocked identity copies. $XDG_RUNTIME_DIR is per-user,
// private and usually a tmpfs cleared at logout, which is the best place for
// a decrypted key; without it the per-user cache directory is used.
func runtimeDir() (string, error) {
	if dir := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "adopat"), nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cannot locate a directory for the unlocked identity: %w (set XDG_RUNTIME_DIR)", err)
	}
	return filepath.Join(cache, "adopat", "run"), nil
}

// unlockedPath names the unlocked copy after a hash of the absolute identity
// path, so several vaults (identities) can be unlocked side by side without
// the file name revealing where they live.
func unlockedPath(identityPath string) (string, error) {
	dir, err := runtimeDir()
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(identityPath)
	if err != nil {
		return "", fmt.Errorf("cannot resolve identity path %s: %w", identityPath, err)
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "identity-"+hex.EncodeToString(sum[:16])+".unlocked"), nil
}
