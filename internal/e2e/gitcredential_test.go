package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hosts git's t/lib-credential.sh uses, declared as on-premises
// servers so adopat treats them with git's reference semantics.
var libCredentialHelper = "adopat" +
	" --server https://example.com --server http://path.tld --server https://sso.tld"

// credStep is one `check` of git's t/lib-credential.sh: run
// `git credential ACTION` with stdin, compare stdout and the askpass lines.
type credStep struct {
	action, stdin, stdout, askpass string
	useHTTPPath                    bool
}

// TestGitLibCredentialHelperTest replays git's own helper_test (and the
// newer overwrite/erase cases) through the real `git credential`, with a
// GIT_ASKPASS that records every prompt, as git's test suite does.
func TestGitLibCredentialHelperTest(t *testing.T) {
	u := newUser(t, nil)
	askpass := filepath.Join(u.home, "askpass")
	script := "#!/bin/sh\necho >&2 askpass: $*\nwhat=`echo $1 | cut -d\" \" -f1 | tr A-Z a-z | tr -cd a-z`\necho \"askpass-$what\"\n"
	if err := os.WriteFile(askpass, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	u = u.with("GIT_ASKPASS=" + askpass)

	ask := func(url, user string) string {
		s := ""
		if user == "" {
			s += "askpass: Username for '" + url + "':\n"
			user = "askpass-username"
		}
		i := strings.Index(url, "://") + 3
		return s + "askpass: Password for '" + url[:i] + user + "@" + url[i:] + "':\n"
	}
	lines := func(l ...string) string { return strings.Join(l, "\n") + "\n" }
	// approve and reject are the steps that expect no output.
	approve := func(kv ...string) credStep { return credStep{action: "approve", stdin: lines(kv...)} }
	reject := func(kv ...string) credStep { return credStep{action: "reject", stdin: lines(kv...)} }
	// answered is a fill the helper answers: git prints the request and
	// the answer's fields, and asks nothing.
	answered := func(request []string, answer ...string) credStep {
		return credStep{action: "fill", stdin: lines(request...), stdout: lines(append(request, answer...)...)}
	}

	steps := []struct {
		name  string
		steps []credStep
	}{
		{"has no existing data", []credStep{{action: "fill",
			stdin:   lines("protocol=https", "host=example.com"),
			stdout:  lines("protocol=https", "host=example.com", "username=askpass-username", "password=askpass-password"),
			askpass: ask("https://example.com", "")}}},
		{"stores password", []credStep{approve("protocol=https", "host=example.com", "username=store-user", "password=store-pass")}},
		{"can retrieve password", []credStep{answered([]string{"protocol=https", "host=example.com"}, "username=store-user", "password=store-pass")}},
		{"requires matching protocol", []credStep{{action: "fill",
			stdin:   lines("protocol=http", "host=example.com"),
			stdout:  lines("protocol=http", "host=example.com", "username=askpass-username", "password=askpass-password"),
			askpass: ask("http://example.com", "")}}},
		{"requires matching host", []credStep{{action: "fill",
			stdin:   lines("protocol=https", "host=other.tld"),
			stdout:  lines("protocol=https", "host=other.tld", "username=askpass-username", "password=askpass-password"),
			askpass: ask("https://other.tld", "")}}},
		{"requires matching username", []credStep{{action: "fill",
			stdin:   lines("protocol=https", "host=example.com", "username=other"),
			stdout:  lines("protocol=https", "host=example.com", "username=other", "password=askpass-password"),
			askpass: ask("https://example.com", "other")}}},
		{"requires matching path", []credStep{
			{action: "approve", useHTTPPath: true,
				stdin: lines("protocol=http", "host=path.tld", "path=foo.git", "username=user", "password=pass")},
			{action: "fill", useHTTPPath: true,
				stdin:   lines("protocol=http", "host=path.tld", "path=bar.git"),
				stdout:  lines("protocol=http", "host=path.tld", "path=bar.git", "username=askpass-username", "password=askpass-password"),
				askpass: ask("http://path.tld/bar.git", "")}}},
		{"can forget host", []credStep{
			reject("protocol=https", "host=example.com"),
			{action: "fill",
				stdin:   lines("protocol=https", "host=example.com"),
				stdout:  lines("protocol=https", "host=example.com", "username=askpass-username", "password=askpass-password"),
				askpass: ask("https://example.com", "")}}},
		{"can store multiple users", []credStep{
			approve("protocol=https", "host=example.com", "username=user1", "password=pass1"),
			approve("protocol=https", "host=example.com", "username=user2", "password=pass2"),
			answered([]string{"protocol=https", "host=example.com", "username=user1"}, "password=pass1"),
			answered([]string{"protocol=https", "host=example.com", "username=user2"}, "password=pass2")}},
		{"can forget user", []credStep{
			reject("protocol=https", "host=example.com", "username=user1"),
			{action: "fill",
				stdin:   lines("protocol=https", "host=example.com", "username=user1"),
				stdout:  lines("protocol=https", "host=example.com", "username=user1", "password=askpass-password"),
				askpass: ask("https://example.com", "user1")}}},
		{"remembers other user", []credStep{answered([]string{"protocol=https", "host=example.com", "username=user2"}, "password=pass2")}},
		{"can store empty username", []credStep{
			approve("protocol=https", "host=sso.tld", "username=", "password="),
			answered([]string{"protocol=https", "host=sso.tld"}, "username=", "password=")}},
		{"overwrites on store", []credStep{
			approve("protocol=https", "host=example.com", "username=over", "password=initial"),
			approve("protocol=https", "host=example.com", "username=over", "password=updated"),
			answered([]string{"protocol=https", "host=example.com", "username=over"}, "password=updated")}},
		{"does not erase a password distinct from input", []credStep{
			approve("protocol=https", "host=example.com", "username=distinct", "password=pass1"),
			reject("protocol=https", "host=example.com", "username=distinct", "password=pass2"),
			answered([]string{"protocol=https", "host=example.com", "username=distinct"}, "password=pass1")}},
		{"erases all matching credentials", []credStep{
			approve("protocol=https", "host=example.com", "username=user1", "password=pass1"),
			approve("protocol=https", "host=example.com", "username=user2", "password=pass1"),
			reject("protocol=https", "host=example.com"),
			{action: "fill",
				stdin:   lines("protocol=https", "host=example.com"),
				stdout:  lines("protocol=https", "host=example.com", "username=askpass-username", "password=askpass-password"),
				askpass: ask("https://example.com", "")}}},
	}
	// Each case builds on the previous ones, exactly as in git's suite.
	for _, tc := range steps {
		for i, s := range tc.steps {
			args := []string{"-c", "credential.helper=" + libCredentialHelper}
			if s.useHTTPPath {
				args = append(args, "-c", "credential.useHttpPath=true")
			}
			r := u.run("", s.stdin, "git", append(args, "credential", s.action)...)
			if r.code != 0 || r.stdout != s.stdout || r.stderr != s.askpass {
				t.Errorf("helper %s, step %d (git credential %s):\nstdin:\n%sgot %s\nwant stdout:\n%swant stderr:\n%s",
					tc.name, i+1, s.action, s.stdin, r, s.stdout, s.askpass)
			}
		}
	}
}
