package keyring

import (
	"context"
	"time"
)

// The Keychain's account attribute is treated as case-insensitive: when in
// doubt, an item whose name differs only in case is never deleted after
// its replacement was written (it may be the same item).
const accountsFoldCase = true

// platformPreflight has nothing to check: go-keyring runs /usr/bin/security,
// which needs no bus. A locked Keychain shows its own dialog; the timeout
// around every call is what keeps git from waiting on it (the security
// process is left to the dialog).
func platformPreflight(context.Context, *secretConn) error { return nil }

// Probe: every macOS user has a login Keychain.
func Probe(time.Duration) (ok bool, reason string) { return true, "macOS Keychain" }

func classifyPlatform(error) error { return nil }
