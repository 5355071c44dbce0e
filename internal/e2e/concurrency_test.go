package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// 40 helper processes store distinct credentials for one declared server
// while 40 others read them, all at once, starting from no vault and no
// key. Every store survives, no reader sees a wrong or broken answer, and
// the vault decrypts afterwards with all 40 entries.
func TestConcurrentStoreAndGet(t *testing.T) {
	t.Parallel()
	const (
		n      = 40
		server = "https://tfs.example.test"
	)
	u := newUser(t, nil)
	pats := make([]string, n)
	for i := range pats {
		pats[i] = adotest.NewPAT()
	}
	username := func(i int) string { return fmt.Sprintf("user%02d", i) }
	request := func(i int) string {
		return "protocol=https\nhost=tfs.example.test\nusername=" + username(i) + "\n"
	}
	answer := func(i int) string {
		return "username=" + username(i) + "\npassword=" + pats[i] + "\n"
	}

	start := make(chan struct{})
	errs := make(chan error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() { // store
			defer wg.Done()
			<-start
			r, err := u.exec("", request(i)+"password="+pats[i]+"\n\n", helperPath, "--server", server, "store")
			if err == nil && (r.code != 0 || r.stdout != "" || r.stderr != "") {
				err = fmt.Errorf("store %s: want exit 0 and no output\n%s", username(i), r)
			}
			errs <- err
		}()
		go func() { // get, racing the stores: nothing yet, or the right answer
			defer wg.Done()
			<-start
			r, err := u.exec("", request(i)+"\n", helperPath, "--server", server, "get")
			if err == nil && (r.code != 0 || r.stderr != "" || (r.stdout != "" && r.stdout != answer(i))) {
				err = fmt.Errorf("concurrent get %s: want exit 0 and nothing or its own credential\n%s", username(i), r)
			}
			errs <- err
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	for i := range n {
		if got := u.mustAdopat(request(i)+"\n", "--server", server, "get"); got != answer(i) {
			t.Errorf("get %s after the stores: %q, want its own credential", username(i), redact(got, pats))
		}
	}
	tokens := u.list()
	if len(tokens) != n {
		t.Errorf("list --json shows %d entries, want %d", len(tokens), n)
	}
	seen := map[string]bool{}
	for _, tok := range tokens {
		if tok.Kind != "server" || tok.Server != server || tok.Status != "active" || seen[tok.Username] {
			t.Errorf("unexpected entry %+v", tok)
		}
		seen[tok.Username] = true
	}

	// Atomic writes leave no temporary files behind.
	entries, err := os.ReadDir(filepath.Dir(u.vault))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "vault.age", "vault.age.lock", "identity.txt", "vault.age.usage", "vault.age.usage.lock":
		default:
			t.Errorf("leftover file %s beside the vault", e.Name())
		}
	}
}

// redact hides PATs in a failure message.
func redact(s string, pats []string) string {
	for i, p := range pats {
		s = strings.ReplaceAll(s, p, fmt.Sprintf("<pat%02d>", i))
	}
	return s
}
