package e2e_test

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// A collection on an on-premises server at a non-default port, and one of
// its repositories: the server the tests declare with --server.
const (
	collectionHost = "tfs.example.test:8443"
	collectionURL  = "https://" + collectionHost + "/DefaultCollection"
	collectionRepo = collectionURL + "/Website/_git/web"
)

// add --server for a server git was never told about stores the token
// and says, in one line, that git will not ask adopat for it and which
// install command declares it; that command, run as printed, makes the
// clone work. doctor agrees with git throughout: it fails while the token
// has no declared server, is content once it has, and fails again when
// credential.useHttpPath makes git send paths no whole-server token is
// stored for, exactly when the clone fails.
func TestUndeclaredServerIsSaidByAddAndDoctor(t *testing.T) {
	t.Parallel()
	const scope = "https://jdoe@" + collectionHost
	srv := startServer(t, adotest.Options{ExtraHosts: []string{collectionHost}}, collectionRepo)
	pat := adotest.NewPAT()
	srv.SetHostPAT(collectionHost, pat)
	u := newUser(t, srv)
	u.install() // the cloud only

	r := u.adopat(pat+"\n", "add", "--server", collectionURL, "--username", "jdoe")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 0 || len(lines) != 1 || !strings.HasSuffix(lines[0], "declare it with: git-credential-adopat install --server "+collectionURL) {
		t.Fatalf("add --server for an undeclared server:\n%s", r)
	}
	if out := u.adopat("", "doctor"); out.code == 0 || !strings.Contains(out.stdout, "FAIL  "+scope+": no server on https://"+collectionHost+" is declared in git's config") {
		t.Errorf("doctor with an undeclared server's token:\n%s", out)
	}
	u.mustFailClone(collectionRepo)

	_, install, _ := strings.Cut(lines[0], "declare it with: ")
	args := strings.Fields(install)
	u.mustAdopat("", args[1:]...)
	u.mustAdopat(pat+"\n", "add", "--server", collectionURL, "--username", "jdoe") // declared: no line
	u.mustClone(collectionRepo)
	out := u.adopat("", "doctor")
	if !strings.Contains(out.stdout, "ok    git asks adopat for "+collectionURL+"\n") || strings.Contains(out.stdout, "FAIL") {
		t.Errorf("doctor with the server declared:\n%s", out)
	}

	u.mustGit("", "config", "--global", "credential."+collectionURL+".useHttpPath", "true")
	u.mustFailClone(collectionRepo)
	if out := u.adopat("", "doctor"); out.code == 0 || !strings.Contains(out.stdout, "FAIL  "+scope+": credential.useHttpPath is true for "+collectionURL) {
		t.Errorf("doctor with useHttpPath on a whole-server token:\n%s", out)
	}
}
