package store

import (
	"strings"
	"testing"
	"time"
)

// A process stuck while holding the vault lock must not hang git forever:
// after lockTimeout the helper gets a clear error, and the vault works
// again once the lock is released.
func TestStuckLockHolderGivesClearErrorNotHang(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", randSecret(t))

	old := lockTimeout
	lockTimeout = 100 * time.Millisecond
	t.Cleanup(func() { lockTimeout = old })

	held, err := acquireLock(v.lockPath(), true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Load()
	if err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Fatalf("Load under a held lock: %v", err)
	}
	held.release()

	lockTimeout = old
	if d, err := v.Load(); err != nil || len(d.Tokens) != 1 {
		t.Fatalf("Load after release: %v, %+v", err, d)
	}
}
