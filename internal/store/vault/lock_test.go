package vault

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// A process stuck while holding the vault lock must not hang git forever:
// a writer waits for a live holder up to fsx.LockCeiling, then gets a clear
// error naming the holder, and the vault works again once the lock is
// released. Readers (git's get) do not wait at all where they need no
// lock.
func TestStuckLockHolderGivesClearErrorNotHang(t *testing.T) {
	v := newTestVault(t)
	mustAdd(t, v, "fabrikam", storetest.RandSecret(t))

	oldStall, oldCeiling := fsx.LockStall, fsx.LockCeiling
	fsx.LockStall, fsx.LockCeiling = 50*time.Millisecond, 500*time.Millisecond
	t.Cleanup(func() { fsx.LockStall, fsx.LockCeiling = oldStall, oldCeiling })

	held, err := fsx.Acquire(v.lockPath(), true)
	if err != nil {
		t.Fatal(err)
	}
	if !fsx.ReadersNeedLock {
		if d, err := v.Load(); err != nil || len(d.Tokens) != 1 {
			t.Errorf("Load under a held lock: %v; a reader needs no lock here", err)
		}
	}
	start := time.Now()
	err = addToken(v, "contoso", storetest.RandSecret(t))
	held.Release()
	// On Windows the holder's record cannot be read while its range is
	// locked (fsx/lock_windows.go): the holder is unknown, so the writer
	// gives up once the lock shows no progress for LockStall.
	holder, ceiling := "locked by process "+strconv.Itoa(os.Getpid()), fsx.LockCeiling
	if runtime.GOOS == "windows" {
		holder, ceiling = "locked by another process", fsx.LockStall
	}
	if !errors.Is(err, store.ErrLockTimeout) || !strings.Contains(err.Error(), holder) {
		t.Fatalf("Update under a held lock: %v", err)
	}
	if waited := time.Since(start); waited < ceiling {
		t.Errorf("gave up on a live holder after %v, before %v", waited, ceiling)
	}

	fsx.LockStall, fsx.LockCeiling = oldStall, oldCeiling
	mustAdd(t, v, "contoso", storetest.RandSecret(t))
	if d, err := v.Load(); err != nil || len(d.Tokens) != 2 {
		t.Fatalf("Load after release: %v, %+v", err, d)
	}
}
