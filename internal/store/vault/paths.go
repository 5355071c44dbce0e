package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// DefaultIdentityPath is identity.txt next to the vault, so that a vault
// and its key move together unless the user deliberately separates them.
func DefaultIdentityPath(vaultPath string) string {
	return filepath.Join(filepath.Dir(vaultPath), "identity.txt")
}

// runtimeDir holds unlocked identity copies: $XDG_RUNTIME_DIR/adopat, and
// only if $XDG_RUNTIME_DIR is on a RAM file system. A decrypted key must
// never be written to persistent storage, where it would outlive the
// unlock period in the disk's blocks, backups and snapshots whatever
// expiry the file claims; so there is deliberately no fallback to the
// cache directory, and without a RAM-backed runtime directory unlock is
// refused.
func runtimeDir() (string, error) {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if !filepath.IsAbs(dir) {
		return "", &store.NoRuntimeDirError{}
	}
	ok, fsType, err := checkRAM(dir)
	if err != nil {
		return "", &store.NoRuntimeDirError{Dir: dir, Err: err}
	}
	if !ok {
		return "", &store.NoRuntimeDirError{Dir: dir, FSType: fsType}
	}
	return filepath.Join(dir, "adopat"), nil
}

// checkRAM is fsx.RAMBacked; store tests replace it only where the machine has
// no tmpfs to run them on.
var checkRAM = fsx.RAMBacked

// legacyUnlockedPath is where versions before the RAM-only rule put the
// unlocked key when XDG_RUNTIME_DIR was unset: the user cache directory,
// on disk. It is only ever deleted now (see Store.removeLegacyUnlocked).
func legacyUnlockedPath(absIdentity string) (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "adopat", "run", unlockedName(absIdentity)), nil
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
	return filepath.Join(dir, unlockedName(abs)), nil
}

func unlockedName(absIdentity string) string {
	sum := sha256.Sum256([]byte(absIdentity))
	return "identity-" + hex.EncodeToString(sum[:16]) + ".unlocked"
}
