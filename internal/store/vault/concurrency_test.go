package vault

import (
	"fmt"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

const concurrentWriters = 50

// checkAllPresent asserts that every writer's token survived and the vault
// still decrypts with a fresh Store value.
func checkAllPresent(t *testing.T, v *Store, want map[string]string) {
	t.Helper()
	fresh := New(v.Path(), v.IdentityPath())
	d, err := fresh.Load()
	if err != nil {
		t.Fatalf("vault does not load after concurrent updates: %v", err)
	}
	got := tokenSecrets(t, fresh, d)
	if len(d.Tokens) != len(want) {
		t.Errorf("vault holds %d tokens, want %d: updates were lost", len(d.Tokens), len(want))
	}
	for org, secret := range want {
		if got[org] != secret {
			t.Errorf("token for %s missing or wrong", org)
		}
	}
	storetest.AssertNoLeak(t, "vault file", storetest.ReadFile(t, v.Path()), mapValues(want)...)
}

func mapValues(m map[string]string) []string {
	var s []string
	for _, v := range m {
		s = append(s, v)
	}
	return s
}

// TestConcurrentProcesses runs separate processes (this test binary
// re-executed in helper mode), all starting from nothing, so they also race
// to create the identity. Only the file lock can keep them consistent.
func TestConcurrentProcesses(t *testing.T) {
	v := newTestVault(t)
	want := map[string]string{}
	cmds := make([]*exec.Cmd, concurrentWriters)
	outs := make([]*lockedBuffer, concurrentWriters)
	for i := range cmds {
		org, secret := fmt.Sprintf("org%02d", i), storetest.RandSecret(t)
		want[org] = secret
		cmd := storetest.HelperCommand(helperEnv+"=add-token",
			"ADOPAT_TEST_VAULT="+v.Path(), "ADOPAT_TEST_IDENTITY="+v.IdentityPath(),
			"ADOPAT_TEST_ORG="+org, "ADOPAT_TEST_SECRET="+secret)
		outs[i] = &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting writer %d: %v", i, err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer %d failed: %v: %s", i, err, outs[i].String())
		}
	}
	checkAllPresent(t, v, want)
}

// TestConcurrentGoroutines does the same within one process with separate
// Store values (separate lock file descriptors), while readers load
// continuously and must always see a complete, decryptable vault.
func TestConcurrentGoroutines(t *testing.T) {
	v := newTestVault(t)
	want := map[string]string{}
	var wg sync.WaitGroup
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			r := New(v.Path(), v.IdentityPath())
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				d, err := r.Load()
				if err != nil {
					t.Errorf("concurrent Load: %v", err)
					return
				}
				if len(d.Tokens) < last {
					t.Errorf("a reader saw the vault shrink from %d to %d tokens", last, len(d.Tokens))
				}
				last = len(d.Tokens)
				time.Sleep(time.Millisecond) // like real readers: not a tight loop that starves writers
			}
		})
	}
	for i := range concurrentWriters {
		org, secret := fmt.Sprintf("org%02d", i), storetest.RandSecret(t)
		want[org] = secret
		wg.Go(func() {
			if err := addToken(New(v.Path(), v.IdentityPath()), org, secret); err != nil {
				t.Errorf("writer %s: %v", org, err)
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	checkAllPresent(t, v, want)
}

// lockedBuffer collects a child's output; exec copies stdout and stderr
// from separate goroutines when they are not *os.File.
type lockedBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
