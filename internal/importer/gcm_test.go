package importer

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// writeGCMFile writes a credential as GCM's PlaintextCredentialStore
// serializes it: ROOT/NAMESPACE/SCHEME/HOST/PATH/ACCOUNT.credential holding
// the secret, then service= and account= lines.
func writeGCMFile(t *testing.T, root, service, account, secret string, slug ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{root}, slug...)...)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, account+".credential")
	if err := os.WriteFile(path, []byte(secret+"\nservice="+service+"\naccount="+account+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadGCMPlaintext(t *testing.T) {
	root := filepath.Join(t.TempDir(), "store")
	pat := adotest.NewPAT()
	fab := writeGCMFile(t, root, "https://dev.azure.com/fabrikam", "jdoe", pat, "git", "https", "dev.azure.com", "fabrikam")
	writeGCMFile(t, root, "https://github.com", "alice", "ghp_x", "git", "https", "github.com")
	// Not GCM's: no service line; not a .credential file.
	if err := os.WriteFile(filepath.Join(root, "git", "junk.credential"), []byte("secret\nnoservice=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "git", "README"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A link is not followed.
	if runtime.GOOS != "windows" {
		outside := filepath.Join(t.TempDir(), "o")
		writeGCMFile(t, outside, "https://dev.azure.com/contoso", "x", adotest.NewPAT())
		if err := os.Symlink(outside, filepath.Join(root, "git", "link")); err != nil {
			t.Fatal(err)
		}
	}
	creds, bad, err := ReadGCMPlaintext(root)
	if err != nil || len(bad) != 1 || len(creds) != 2 {
		t.Fatalf("creds %+v bad %v err %v", creds, bad, err)
	}
	c := creds[0]
	if c.File != fab || c.Service != "https://dev.azure.com/fabrikam" || c.Account != "jdoe" || c.Secret != pat {
		t.Errorf("got %+v", c)
	}
	found := FoundInGCM(creds)
	if len(found) != 2 || found[0].URL.Path != "fabrikam" || found[0].URL.User != "jdoe" || found[0].Secret != pat {
		t.Errorf("found %+v", found[0])
	}
	if err := RemoveGCMFile(fab, pat); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fab); !os.IsNotExist(err) {
		t.Error("not removed")
	}
	if creds, _, err := ReadGCMPlaintext(filepath.Join(t.TempDir(), "none")); err != nil || creds != nil {
		t.Errorf("a missing store: %v %v", creds, err)
	}
}

func TestParseGCMFile(t *testing.T) {
	for _, c := range []struct {
		text             string
		ok               bool
		secret, svc, acc string
	}{
		{"s\nservice=https://x\naccount=a\n", true, "s", "https://x", "a"},
		{"s\r\nSERVICE=https://x\r\n", true, "s", "https://x", ""}, // Windows line ends; keys any case
		{"s\nservice=https://x\nservice=https://y\n", true, "s", "https://y", ""},
		{"s\n\nservice=https://x\n", false, "", "", ""}, // the blank line ends the attributes
		{"\nservice=https://x\n", false, "", "", ""},    // empty secret
		{"s", false, "", "", ""},
	} {
		got, ok := ParseGCMFile(c.text)
		if ok != c.ok || got.Secret != c.secret || got.Service != c.svc || got.Account != c.acc {
			t.Errorf("%q: %+v %v", c.text, got, ok)
		}
	}
	if got := GCMServiceURL("git:https://dev.azure.com/fabrikam"); got != "https://dev.azure.com/fabrikam" {
		t.Errorf("GCMServiceURL = %q", got)
	}
	if c, ok := GCMItem("/item/1", map[string]string{"service": "git:https://dev.azure.com/fabrikam", "account": "jdoe"}, "s"); !ok || c.Service != "https://dev.azure.com/fabrikam" || c.Where() != "Secret Service item /item/1" {
		t.Errorf("GCMItem = %+v", c)
	}
}

func TestGCMPlaintextRootAsGCMChooses(t *testing.T) {
	env := map[string]string{"HOME": "/h"}
	get := func(k string) string { return env[k] }
	if got := GCMPlaintextRoot(get, ""); got != filepath.Join("/h", ".gcm", "store") {
		t.Errorf("default %q", got)
	}
	if got := GCMPlaintextRoot(get, "/cfg"); got != "/cfg" {
		t.Errorf("configured %q", got)
	}
	env["GCM_PLAINTEXT_STORE_PATH"] = "/env"
	if got := GCMPlaintextRoot(get, "/cfg"); got != "/env" {
		t.Errorf("environment %q", got)
	}
}

// GCM stored another PAT in the file after import read it: that one is
// in no store, so the file stays.
func TestRemoveGCMFileChangedMeanwhile(t *testing.T) {
	root := t.TempDir()
	old, newer := adotest.NewPAT(), adotest.NewPAT()
	path := writeGCMFile(t, root, "https://dev.azure.com/fabrikam", "jdoe", old, "git", "https", "dev.azure.com", "fabrikam")
	writeGCMFile(t, root, "https://dev.azure.com/fabrikam", "jdoe", newer, "git", "https", "dev.azure.com", "fabrikam")
	err := RemoveGCMFile(path, old)
	if err == nil {
		t.Fatal("a file holding another PAT than the one read was removed")
	}
	if strings.Contains(err.Error(), old) || strings.Contains(err.Error(), newer) {
		t.Errorf("the error names a PAT: %v", err)
	}
	if data, _ := os.ReadFile(path); !strings.HasPrefix(string(data), newer+"\n") {
		t.Errorf("the file changed: %q", data)
	}
}
