//go:build !darwin && !windows && !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keyring

import (
	"context"
	"runtime"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

const accountsFoldCase = false

// platformPreflight: go-keyring has no provider here (its fallback returns
// ErrUnsupportedPlatform), so say so before any call.
func platformPreflight(context.Context, *secretConn) error {
	return keyringError(store.KeyringUnsupported, nil, "there is no OS keyring adopat can use on %s", runtime.GOOS)
}

func Probe(time.Duration) (ok bool, reason string) {
	return false, "no supported OS keyring on " + runtime.GOOS
}

func classifyPlatform(error) error { return nil }
