//go:build !windows

package e2e_test

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// 200 helper processes (the real binary, git's protocol) at once against
// one vault, while busy processes keep every CPU saturated: 100 store new
// credentials for a declared server, 50 erase (withdraw) seeded ones, 50
// get other seeded ones. Nothing is lost: every process exits 0 without a
// word on stderr (no lock timeout), every get gets its own credential,
// and afterwards the vault holds exactly the 100 seeded and 100 new
// entries, the erased ones withdrawn and no other.
//
// Before lock waits followed their holder (a fixed 10 s timeout), a
// writer at the end of such a queue could give up while every holder was
// healthy, and git's new PAT was lost.
func TestConcurrentHelpersUnderCPULoad(t *testing.T) {
	const (
		seeded = 100
		stores = 100
		erases = 50 // seed00..seed49; gets read seed50..seed99
		server = "https://tfs.example.test"
	)
	u := newUser(t, nil)
	v := vault.New(u.vault, vault.DefaultIdentityPath(u.vault))
	pats := map[string]string{}
	name := func(kind string, i int) string { return fmt.Sprintf("%s%02d", kind, i) }
	err := v.Update(func(d *store.Data) (bool, error) {
		for i := range seeded {
			pats[name("seed", i)] = adotest.NewPAT()
			d.Tokens = append(d.Tokens, store.Token{Protocol: "https", Host: "tfs.example.test", Username: name("seed", i), Secret: pats[name("seed", i)], Created: time.Now().UTC()})
		}
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range stores {
		pats[name("new", i)] = adotest.NewPAT()
	}
	request := func(user string) string { return "protocol=https\nhost=tfs.example.test\nusername=" + user + "\n" }

	// Saturate the CPUs for the test's duration (bounded: killed at the
	// end, and by the context whatever happens).
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	busy := make([]*exec.Cmd, 2*runtime.NumCPU())
	for i := range busy {
		busy[i] = exec.CommandContext(ctx, "sh", "-c", "while :; do :; done")
		if err := busy[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	stopBusy := sync.OnceFunc(func() {
		for _, c := range busy {
			c.Process.Kill()
			c.Wait()
		}
		cancel()
	})
	t.Cleanup(stopBusy)

	type job struct{ action, user, stdin, want string }
	var jobs []job
	for i := range stores {
		user := name("new", i)
		jobs = append(jobs, job{"store", user, request(user) + "password=" + pats[user] + "\n\n", ""})
	}
	for i := range erases {
		user := name("seed", i)
		jobs = append(jobs, job{"erase", user, request(user) + "password=" + pats[user] + "\n\n", ""})
	}
	for i := erases; i < seeded; i++ {
		user := name("seed", i)
		jobs = append(jobs, job{"get", user, request(user) + "\n", "username=" + user + "\npassword=" + pats[user] + "\n"})
	}
	start := make(chan struct{})
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(func() {
			<-start
			r, err := u.exec("", j.stdin, helperPath, "--server", server, j.action)
			if err == nil && (r.code != 0 || r.stderr != "" || r.stdout != j.want) {
				err = fmt.Errorf("%s %s: want exit 0, stdout %q and no stderr\n%s", j.action, j.user, redactMap(j.want, pats), redactMap(r.String(), pats))
			}
			errs <- err
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(began)
	stopBusy()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 5 {
				t.Error(err)
			}
		}
	}
	t.Logf("%d helper processes (%d store, %d erase, %d get) beside %d busy processes on %d CPUs: %v; %d failed",
		len(jobs), stores, erases, seeded-erases, len(busy), runtime.NumCPU(), took.Round(time.Millisecond), failed)

	d, err := vault.New(u.vault, vault.DefaultIdentityPath(u.vault)).Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Tokens) != seeded+stores {
		t.Errorf("the vault holds %d entries, want exactly %d", len(d.Tokens), seeded+stores)
	}
	withdrawn := 0
	for _, tok := range d.Tokens {
		user := tok.Username
		secret, _, err := v.Secret(tok.Scope())
		if err != nil || secret != pats[user] {
			t.Errorf("%s: wrong or missing secret (%v)", user, err)
		}
		delete(pats, user)
		wantWithdrawn := user < name("seed", erases) && user >= "seed"
		if (tok.Withdrawn != nil) != wantWithdrawn {
			t.Errorf("%s: withdrawn %v, want %v", user, tok.Withdrawn != nil, wantWithdrawn)
		}
		if tok.Withdrawn != nil {
			withdrawn++
		}
	}
	if len(pats) != 0 || withdrawn != erases {
		t.Errorf("%d credentials missing from the vault, %d withdrawn (want %d)", len(pats), withdrawn, erases)
	}
}

// redactMap hides the PATs of m in a failure message.
func redactMap(s string, m map[string]string) string {
	for user, p := range m {
		s = strings.ReplaceAll(s, p, "<pat of "+user+">")
	}
	return s
}
