package keyring

import (
	"context"
	"time"
)

// Credential Manager target names ("service:account" in go-keyring's
// wincred provider) are case-insensitive: writing "fabrikam" replaces
// "Fabrikam", so the old name must not be deleted afterwards.
const accountsFoldCase = true

// platformPreflight has nothing to check: the Credential Manager is an API
// of the logged-on session with no unlock prompt.
func platformPreflight(context.Context, *secretConn) error { return nil }

// Probe: every Windows session has a Credential Manager.
func Probe(time.Duration) (ok bool, reason string) {
	return true, "Windows Credential Manager"
}

func classifyPlatform(error) error { return nil }
