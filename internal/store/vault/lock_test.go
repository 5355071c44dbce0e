package vault

import (
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// A process stuck while holding the vault lock must not hang git forever:
// after fsx.LockTimeout the helper gets a clear error, and the vault works
// again once the lock is released.
func TestStuckLockHolderGivesClearErrorNotHang(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))

	old := fsx.LockTimeout
	fsx.LockTimeout = 100 * time.Millisecond
	t.Cleanup(func() { fsx.LockTimeout = old })

	held, err := fsx.Acquire(v.lockPath(), true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Load()
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("Load under a held lock: %v", err)
	}
	held.Release()

	fsx.LockTimeout = old
	if d, err := v.Load(); err != nil || len(d.Tokens) != 1 {
		t.Fatalf("Load after release: %v, %+v", err, d)
	}
}
