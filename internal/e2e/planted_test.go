//go:build linux

package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// getRequest is what git sends the helper for webURL.
const getRequest = "protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/web\n\n"

// fabrikamUser has one PAT for fabrikam in the file vault, no server.
func fabrikamUser(t *testing.T) (*user, string) {
	t.Helper()
	u := newUser(t, nil).with("ADOPAT_BACKEND=file")
	pat := adotest.NewPAT()
	u.addPAT(pat, "--org", "fabrikam")
	return u, pat
}

// mustGet runs `get` as git would and checks it answered with pat.
func (u *user) mustGet(what, pat string) result {
	u.t.Helper()
	r := u.adopat(getRequest, "get")
	if r.code != 0 || !strings.Contains(r.stdout, "password="+pat+"\n") {
		u.t.Fatalf("%s: get did not answer with the stored PAT:\n%s", what, r)
	}
	return r
}

// mustRefuse runs the helper, expects it to fail, and checks its message
// names each of want.
func (u *user) mustRefuse(stdin string, want []string, args ...string) result {
	u.t.Helper()
	r := u.adopat(stdin, args...)
	if r.code == 0 {
		u.t.Fatalf("%s succeeded, want it refused:\n%s", strings.Join(args, " "), r)
	}
	for _, w := range want {
		if !strings.Contains(r.stdout+r.stderr, w) {
			u.t.Errorf("%s: output does not mention %q:\n%s", strings.Join(args, " "), w, r)
		}
	}
	return r
}

// A symbolic link planted at the usage journal does not cost git its
// credential, is never written through, and shows in list and doctor.
func TestLinkedJournalNeitherFollowedNorBlocksGet(t *testing.T) {
	t.Parallel()
	u, pat := fabrikamUser(t)
	target := filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	journal := u.vault + ".usage"
	if err := os.Symlink(target, journal); err != nil {
		t.Fatal(err)
	}

	r := u.mustGet("journal is a link", pat)
	if r.stderr != "" {
		t.Errorf("get printed on stderr (git would show it on every fetch):\n%s", r)
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me\n" {
		t.Errorf("get wrote through the link into %s: %q", target, got)
	}
	if fi, err := os.Lstat(journal); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the planted link was replaced or removed (%v)", err)
	}

	linkMsg := "usage journal " + journal + " is a symbolic link"
	if r := u.adopat("", "list"); !strings.Contains(r.stderr, linkMsg) {
		t.Errorf("list does not surface the planted journal:\n%s", r)
	}
	u.mustRefuse("", []string{"FAIL", linkMsg, "remove it"}, "doctor")
}

// A FIFO planted where adopat keeps a file makes the command fail at once
// with a message naming it, never hang (u.adopat times out otherwise).
// The vault's lock is only taken by writers (get reads without it), so a
// FIFO there stops remove, not get, and doctor reports it.
func TestPlantedFIFOFailsClearlyNeverHangs(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, file, what string
		args             []string
	}{
		{"lock", "vault.age.lock", "lock file", []string{"remove", "fabrikam", "--yes"}},
		{"identity", "identity.txt", "identity", []string{"list"}},
		{"journal", "vault.age.usage", "usage journal", []string{"doctor"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			u, pat := fabrikamUser(t)
			path := filepath.Join(filepath.Dir(u.vault), c.file)
			os.Remove(path)
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
			u.mustRefuse("", []string{c.what + " " + path + " is not a regular file but a FIFO", "remove it"}, c.args...)
			switch c.name {
			case "journal":
				// Recording the use is skipped; git still gets its answer.
				u.mustGet("journal is a FIFO", pat)
			case "lock":
				u.mustGet("lock is a FIFO", pat)
				u.mustRefuse("", []string{"FAIL", c.what + " " + path + " is not a regular file but a FIFO"}, "doctor")
			default:
				u.mustRefuse(getRequest, []string{path}, "get")
			}
		})
	}
}

// A vault directory other users can write to is refused like ssh's
// StrictModes, with the command that fixes it, and doctor reports it.
func TestGroupWritableVaultDirRefused(t *testing.T) {
	t.Parallel()
	u, pat := fabrikamUser(t)
	dir := filepath.Dir(u.vault)
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	advice := "chmod go-w " + dir
	u.mustRefuse(adotest.NewPAT()+"\n", []string{"vault directory " + dir, advice}, "add", "--org", "contoso")
	u.mustRefuse(getRequest, []string{advice}, "get")
	u.mustRefuse("", []string{"FAIL", "store directory " + dir + " is writable by other users", advice}, "doctor")

	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	u.mustGet("after chmod go-w", pat)
}

// A temp file a killed write left in the vault directory (it holds a copy
// of the vault) is removed by the next add.
func TestLeftoverVaultTempRemovedByNextAdd(t *testing.T) {
	t.Parallel()
	u, _ := fabrikamUser(t)
	leftover := filepath.Join(filepath.Dir(u.vault), ".vault.age.tmp-1234")
	if err := os.WriteFile(leftover, u.readVault(), 0o600); err != nil {
		t.Fatal(err)
	}
	u.addPAT(adotest.NewPAT(), "--org", "contoso")
	if _, err := os.Lstat(leftover); !os.IsNotExist(err) {
		t.Errorf("the leftover %s survived the next add (%v)", leftover, err)
	}
}
