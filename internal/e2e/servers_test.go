package e2e_test

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
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
	const (
		host       = "tfs.example.test:8443"
		collection = "https://" + host + "/DefaultCollection"
		serverRepo = collection + "/Website/_git/web"
		scope      = "https://jdoe@" + host
	)
	srv := startServer(t, adotest.Options{ExtraHosts: []string{host}}, serverRepo)
	pat := adotest.NewPAT()
	srv.SetHostPAT(host, pat)
	u := newUser(t, srv)
	u.install() // the cloud only

	r := u.adopat(pat+"\n", "add", "--server", collection, "--username", "jdoe")
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if r.code != 0 || len(lines) != 1 || !strings.HasSuffix(lines[0], "declare it with: git-credential-adopat install --server "+collection) {
		t.Fatalf("add --server for an undeclared server:\n%s", r)
	}
	if out := u.adopat("", "doctor"); out.code == 0 || !strings.Contains(out.stdout, "FAIL  "+scope+": no server on https://"+host+" is declared in git's config") {
		t.Errorf("doctor with an undeclared server's token:\n%s", out)
	}
	u.mustFailClone(serverRepo)

	_, install, _ := strings.Cut(lines[0], "declare it with: ")
	args := strings.Fields(install)
	u.mustAdopat("", args[1:]...)
	u.mustAdopat(pat+"\n", "add", "--server", collection, "--username", "jdoe") // declared: no line
	u.mustClone(serverRepo)
	out := u.adopat("", "doctor")
	if !strings.Contains(out.stdout, "ok    git asks adopat for "+collection+"\n") || strings.Contains(out.stdout, "FAIL") {
		t.Errorf("doctor with the server declared:\n%s", out)
	}

	u.mustGit("", "config", "--global", "credential."+collection+".useHttpPath", "true")
	u.mustFailClone(serverRepo)
	if out := u.adopat("", "doctor"); out.code == 0 || !strings.Contains(out.stdout, "FAIL  "+scope+": credential.useHttpPath is true for "+collection) {
		t.Errorf("doctor with useHttpPath on a whole-server token:\n%s", out)
	}
}
