package adotest

import (
	"crypto/rand"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

const webURL = "https://dev.azure.com/fabrikam/Website/_git/web"

func TestCloneDevAzure(t *testing.T) {
	t.Parallel()
	s, pat := startWithWeb(t)
	newGitClient(t, s, pat).mustClone(webURL)

	// Org names are case-insensitive in Azure DevOps, so are the counters.
	st := s.AuthAttempts("Fabrikam")
	if st.OK == 0 || st.Failed != 0 || st.Anonymous == 0 {
		t.Errorf("AuthAttempts = %+v, want anonymous challenge then OK", st)
	}
	assertLine(t, s, "CONNECT dev.azure.com:443 HTTP/1.1")
	assertLine(t, s, "GET /fabrikam/Website/_git/web/info/refs?service=git-upload-pack HTTP/1.1")
	assertNoSecret(t, s, pat)
}

func TestCloneWrongPAT(t *testing.T) {
	t.Parallel()
	s, good := startWithWeb(t)
	bad := NewPAT()
	_, out, err := newGitClient(t, s, bad).clone(webURL)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("clone with wrong PAT: err = %v, want non-zero exit\n%s", err, out)
	}
	if st := s.AuthAttempts("fabrikam"); st.Failed == 0 || st.OK != 0 {
		t.Errorf("AuthAttempts = %+v, want a refused attempt and no success", st)
	}
	if !statusSeen(s, 401) {
		t.Error("no 401 recorded")
	}
	assertNoSecret(t, s, good, bad)
}

// A PAT belongs to one organisation: fabrikam's token opens nothing in
// contoso.
func TestCloneOtherOrgPAT(t *testing.T) {
	t.Parallel()
	s := StartT(t)
	fab, con := NewPAT(), NewPAT()
	s.SetPAT("fabrikam", fab)
	s.SetPAT("contoso", con)
	const contosoURL = "https://dev.azure.com/contoso/Shop/_git/shop"
	mustAddRepos(t, s, contosoURL)
	if _, out, err := newGitClient(t, s, fab).clone(contosoURL); err == nil {
		t.Fatalf("clone of contoso with fabrikam's PAT succeeded\n%s", out)
	}
	if st := s.AuthAttempts("contoso"); st.Failed == 0 {
		t.Errorf("contoso AuthAttempts = %+v, want a failure", st)
	}
	newGitClient(t, s, con).mustClone(contosoURL)
	assertNoSecret(t, s, fab, con)
}

func TestCloneVisualStudio(t *testing.T) {
	t.Parallel()
	// One repo added without the collection, one with: both must answer
	// under both forms.
	s, pat := startWithRepos(t,
		"https://fabrikam.visualstudio.com/Website/_git/web",
		"https://fabrikam.visualstudio.com/DefaultCollection/Website/_git/api",
	)
	c := newGitClient(t, s, pat)
	for _, u := range []string{
		"https://fabrikam.visualstudio.com/Website/_git/web",
		"https://fabrikam.visualstudio.com/DefaultCollection/Website/_git/web",
		"https://fabrikam.visualstudio.com/Website/_git/api",
		"https://fabrikam.visualstudio.com/DefaultCollection/Website/_git/api",
	} {
		c.mustClone(u)
	}
	assertLine(t, s, "CONNECT fabrikam.visualstudio.com:443 HTTP/1.1")
	assertLine(t, s, "GET /DefaultCollection/Website/_git/web/info/refs?service=git-upload-pack HTTP/1.1")
	if st := s.AuthAttempts("fabrikam"); st.OK == 0 || st.Failed != 0 {
		t.Errorf("AuthAttempts = %+v", st)
	}
	assertNoSecret(t, s, pat)
}

func TestCloneExtraHTTPSHost(t *testing.T) {
	t.Parallel()
	s := StartT(t, Options{ExtraHosts: []string{"tfs.example.test"}})
	pat, orgPAT := NewPAT(), NewPAT()
	s.SetHostPAT("tfs.example.test", pat)
	s.SetPAT("tfs", orgPAT) // an org PAT must not open an on-prem host
	const u = "https://tfs.example.test/tfs/DefaultCollection/Website/_git/web"
	mustAddRepos(t, s, u)
	if _, out, err := newGitClient(t, s, orgPAT).clone(u); err == nil {
		t.Fatalf("clone with an organisation PAT succeeded\n%s", out)
	}
	newGitClient(t, s, pat).mustClone(u)
	if st := s.HostAuthAttempts("tfs.example.test"); st.OK == 0 || st.Failed == 0 {
		t.Errorf("HostAuthAttempts = %+v, want both a failure and a success", st)
	}
	assertLine(t, s, "CONNECT tfs.example.test:443 HTTP/1.1")
	assertLine(t, s, "GET /tfs/DefaultCollection/Website/_git/web/info/refs?service=git-upload-pack HTTP/1.1")
	assertNoSecret(t, s, pat, orgPAT)
}

func TestCloneExtraHTTPHost(t *testing.T) {
	t.Parallel()
	s := StartT(t, Options{ExtraHTTPHosts: []string{"legacy.test:8080"}})
	pat := NewPAT()
	s.SetHostPAT("legacy.test:8080", pat)
	const u = "http://legacy.test:8080/tfs/DefaultCollection/Website/_git/web"
	mustAddRepos(t, s, u)
	newGitClient(t, s, pat).mustClone(u)
	if st := s.HostAuthAttempts("legacy.test:8080"); st.OK == 0 || st.Failed != 0 {
		t.Errorf("HostAuthAttempts = %+v", st)
	}
	assertLine(t, s, "GET "+u+"/info/refs?service=git-upload-pack HTTP/1.1")
	assertNoSecret(t, s, pat)
}

// Pushing proves receive-pack works, which credential "store" flows need.
// A tiny http.postBuffer makes git send the pack chunked, which CGI cannot
// take unbuffered.
func TestPush(t *testing.T) {
	t.Parallel()
	s, pat := startWithWeb(t)
	c := newGitClient(t, s, pat)
	dst := c.mustClone(webURL)
	blob := make([]byte, 64<<10)
	if _, err := rand.Read(blob); err != nil { // incompressible, so the pack stays large
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "blob.bin"), blob, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"add", "blob.bin"},
		{"commit", "--quiet", "-m", "second"},
		{"-c", "http.postBuffer=1024", "push", "--quiet", "origin", "main"},
	} {
		if out, err := c.git(dst, args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	bare, err := s.RepoDir(webURL)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.git(bare, "log", "--format=%s", "main")
	if err != nil || out != "second\nInitial commit\n" {
		t.Errorf("server log after push = %q, %v", out, err)
	}
	assertNoSecret(t, s, pat)
}
