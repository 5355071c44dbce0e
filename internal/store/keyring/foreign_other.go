//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keyring

import (
	"runtime"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// ForeignItem is a Secret Service item another program keeps; there is
// no Secret Service here.
type ForeignItem struct {
	Path       string
	Label      string
	Attributes map[string]string
	Secret     string
}

// SearchForeign: the Secret Service exists on Linux and the BSDs only.
func SearchForeign(time.Duration, map[string]string) ([]ForeignItem, int, error) {
	return nil, 0, keyringError(store.KeyringUnsupported, nil, "there is no Secret Service on %s", runtime.GOOS)
}

// DeleteForeign: see SearchForeign.
func DeleteForeign(time.Duration, string, string) error {
	return keyringError(store.KeyringUnsupported, nil, "there is no Secret Service on %s", runtime.GOOS)
}
