package cli

import (
	"slices"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/backends"
)

// registerBackend adds row k to the backend table for the rest of test
// t: adding a backend is one package and one row, and the CLI must need
// nothing else to use it.
func registerBackend(t *testing.T, k *backendKind) {
	t.Helper()
	saved := slices.Clone(backends.Table)
	backends.Table = append(backends.Table, k)
	t.Cleanup(func() { backends.Table = saved })
}
