package cli

import (
	"time"

	"github.com/adopat/git-credential-adopat/internal/span"
)

// The duration grammar is internal/span's, shared with the helper path.
type spanSetting = span.Setting

var (
	expirySpan  = span.Expiry
	warningSpan = span.Warning
	unlockSpan  = span.Unlock
	keyringSpan = span.KeyringTimeout
)

func parseSpan(s spanSetting, raw string) (time.Duration, error) { return span.Parse(s, raw) }
