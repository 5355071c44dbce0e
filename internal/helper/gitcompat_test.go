package helper

import (
	"strings"
	"testing"
)

// This file replays git's own helper tests (t/lib-credential.sh:
// helper_test, helper_test_password_expiry_utc,
// helper_test_oauth_refresh_token) against declared servers, which must
// behave exactly like git-credential-store / -cache / libsecret.
//
// git's tests run `git credential fill|approve|reject`; here the helper is
// driven directly. "fill" expecting askpass prompts means: the helper
// answers nothing. As in git, the steps share one store and run in order.

type gitStep struct {
	action string   // get, store or erase
	in     []string // input lines
	want   string   // expected stdout of get ("" = no answer)
}

var gitServers = []string{
	"https://example.com", "http://example.com", "https://other.tld",
	"http://path.tld", "https://sso.tld",
	"https://victim.example.com", "https://badguy.example.com",
}

func TestGitHelperTest(t *testing.T) {
	https := func(more ...string) []string { return append([]string{"protocol=https", "host=example.com"}, more...) }
	long := strings.Repeat("a", 65535-len("wwwauth[]=basic realm=host=victim.example.com"))
	tests := []struct {
		name  string
		steps []gitStep
	}{
		{"has no existing data", []gitStep{
			{"get", https(), ""},
		}},
		{"stores password", []gitStep{
			{"store", https("username=store-user", "password=store-pass"), ""},
		}},
		{"can retrieve password", []gitStep{
			{"get", https(), output("username=store-user", "password=store-pass")},
		}},
		{"requires matching protocol", []gitStep{
			{"get", []string{"protocol=http", "host=example.com"}, ""},
		}},
		{"requires matching host", []gitStep{
			{"get", []string{"protocol=https", "host=other.tld"}, ""},
		}},
		{"requires matching username", []gitStep{
			{"get", https("username=other"), ""},
		}},
		{"requires matching path", []gitStep{
			{"store", []string{"protocol=http", "host=path.tld", "path=foo.git", "username=user", "password=pass"}, ""},
			{"get", []string{"protocol=http", "host=path.tld", "path=bar.git"}, ""},
			{"get", []string{"protocol=http", "host=path.tld", "path=foo.git"}, output("username=user", "password=pass")},
		}},
		{"overwrites on store", []gitStep{
			{"store", https("username=user-overwrite", "password=pass1"), ""},
			{"store", https("username=user-overwrite", "password=pass2"), ""},
			{"get", https("username=user-overwrite"), output("username=user-overwrite", "password=pass2")},
			{"erase", https("username=user-overwrite", "password=pass2"), ""},
			{"get", https("username=user-overwrite"), ""},
		}},
		{"can forget host", []gitStep{
			{"erase", https(), ""},
			{"get", https(), ""},
		}},
		{"can store multiple users", []gitStep{
			{"store", https("username=user1", "password=pass1"), ""},
			{"store", https("username=user2", "password=pass2"), ""},
			{"get", https("username=user1"), output("username=user1", "password=pass1")},
			{"get", https("username=user2"), output("username=user2", "password=pass2")},
		}},
		{"does not erase a password distinct from input", []gitStep{
			{"store", https("username=user-distinct-pass", "password=pass1"), ""},
			{"erase", https("username=user-distinct-pass", "password=pass2"), ""},
			{"get", https("username=user-distinct-pass"), output("username=user-distinct-pass", "password=pass1")},
		}},
		{"can forget user", []gitStep{
			{"erase", https("username=user1"), ""},
			{"get", https("username=user1"), ""},
		}},
		{"remembers other user", []gitStep{
			{"get", https("username=user2"), output("username=user2", "password=pass2")},
		}},
		{"can store empty username", []gitStep{
			{"store", []string{"protocol=https", "host=sso.tld", "username=", "password="}, ""},
			{"get", []string{"protocol=https", "host=sso.tld"}, output("username=", "password=")},
		}},
		{"erases all matching credentials", []gitStep{
			{"store", https("username=user-erase1", "password=pass1"), ""},
			{"store", https("username=user-erase2", "password=pass1"), ""},
			{"erase", https(), ""},
			{"get", https(), ""},
		}},
		{"not confused by long header", []gitStep{
			{"store", []string{"protocol=https", "host=victim.example.com", "username=user", "password=to-be-stolen"}, ""},
			{"get", []string{"protocol=https", "host=badguy.example.com", "wwwauth[]=basic realm=" + long + "host=victim.example.com"}, ""},
		}},
		// helper_test_password_expiry_utc
		{"stores password_expiry_utc", []gitStep{
			{"store", https("username=user-expiry", "password=pass", "password_expiry_utc=9999999999"), ""},
		}},
		{"gets password_expiry_utc", []gitStep{
			{"get", https("username=user-expiry"), output("username=user-expiry", "password=pass", "password_expiry_utc=9999999999")},
		}},
		{"overwrites when password_expiry_utc changes", []gitStep{
			{"store", https("username=user-expiry-overwrite", "password=pass1", "password_expiry_utc=9999999998"), ""},
			{"store", https("username=user-expiry-overwrite", "password=pass2", "password_expiry_utc=9999999999"), ""},
			{"get", https("username=user-expiry-overwrite"), output("username=user-expiry-overwrite", "password=pass2", "password_expiry_utc=9999999999")},
			{"erase", https("username=user-expiry-overwrite", "password=pass2"), ""},
			{"get", https("username=user-expiry-overwrite"), ""},
		}},
		// helper_test_oauth_refresh_token
		{"stores oauth_refresh_token", []gitStep{
			{"store", https("username=user4", "password=pass", "oauth_refresh_token=xyzzy"), ""},
		}},
		{"gets oauth_refresh_token", []gitStep{
			{"get", https("username=user4"), output("username=user4", "password=pass", "oauth_refresh_token=xyzzy")},
		}},
	}
	f := newFixture(t, declared(t, gitServers...))
	for _, tt := range tests {
		ok := t.Run(tt.name, func(t *testing.T) {
			f.t = t
			for i, s := range tt.steps {
				if got := f.run(s.action, s.in...); got != s.want {
					t.Errorf("step %d (%s %q): got %q, want %q", i+1, s.action, s.in, got, s.want)
				}
			}
			f.noStderr()
		})
		if !ok {
			break // later steps depend on this one, as in git's test script
		}
	}
}

// Each git case on its own, from an empty store, so that a failure points
// at the semantics rather than at an earlier step.
func TestGitSemanticsOnDeclaredServers(t *testing.T) {
	https := func(more ...string) []string { return append([]string{"protocol=https", "host=example.com"}, more...) }
	tests := []struct {
		name  string
		steps []gitStep
	}{
		{"store without username is ignored", []gitStep{
			{"store", https("password=p"), ""},
			{"get", https(), ""},
		}},
		{"store without password is ignored", []gitStep{
			{"store", https("username=u"), ""},
			{"get", https(), ""},
		}},
		{"newest entry answers a request without username", []gitStep{
			{"store", https("username=a", "password=pa"), ""},
			{"store", https("username=b", "password=pb"), ""},
			{"get", https(), output("username=b", "password=pb")},
		}},
		{"path is optional in the request", []gitStep{
			{"store", []string{"protocol=http", "host=path.tld", "path=foo.git", "username=u", "password=p"}, ""},
			{"get", []string{"protocol=http", "host=path.tld"}, output("username=u", "password=p")},
		}},
		{"entries with and without a path coexist", []gitStep{
			{"store", []string{"protocol=http", "host=path.tld", "path=foo.git", "username=u", "password=p1"}, ""},
			{"store", []string{"protocol=http", "host=path.tld", "path=bar.git", "username=u", "password=p2"}, ""},
			{"get", []string{"protocol=http", "host=path.tld", "path=foo.git"}, output("username=u", "password=p1")},
			{"get", []string{"protocol=http", "host=path.tld", "path=bar.git"}, output("username=u", "password=p2")},
		}},
		{"path compares exactly", []gitStep{
			{"store", []string{"protocol=http", "host=path.tld", "path=foo.git", "username=u", "password=p"}, ""},
			{"get", []string{"protocol=http", "host=path.tld", "path=Foo.git"}, ""},
		}},
		{"username compares exactly", []gitStep{
			{"store", https("username=Alice", "password=p"), ""},
			{"get", https("username=alice"), ""},
		}},
		{"empty username is a username", []gitStep{
			{"store", https("username=", "password=p0"), ""},
			{"store", https("username=u", "password=p1"), ""},
			{"get", https("username="), output("username=", "password=p0")},
			{"erase", https("username="), ""},
			{"get", https("username="), ""},
			{"get", https("username=u"), output("username=u", "password=p1")},
		}},
		{"default port is the same host", []gitStep{
			{"store", []string{"protocol=https", "host=example.com:443", "username=u", "password=p"}, ""},
			{"get", https(), output("username=u", "password=p")},
		}},
		{"erase without password removes every user of the host", []gitStep{
			{"store", https("username=a", "password=pa"), ""},
			{"store", https("username=b", "password=pb"), ""},
			{"erase", https(), ""},
			{"get", https("username=a"), ""},
			{"get", https("username=b"), ""},
		}},
		{"erase with a password removes only the entries holding it", []gitStep{
			{"store", https("username=a", "password=same"), ""},
			{"store", https("username=b", "password=other"), ""},
			{"erase", https("password=same"), ""},
			{"get", https("username=a"), ""},
			{"get", https("username=b"), output("username=b", "password=other")},
		}},
		{"erase with empty password matches only an empty password", []gitStep{
			{"store", https("username=a", "password=pa"), ""},
			{"erase", https("username=a", "password="), ""},
			{"get", https("username=a"), output("username=a", "password=pa")},
		}},
		// git before 2.41 does not know these attributes and sends the same
		// credential back without them: that must not forget them.
		{"same password stored without expiry and refresh token keeps them", []gitStep{
			{"store", https("username=u", "password=p", "password_expiry_utc=9999999999", "oauth_refresh_token=r1"), ""},
			{"store", https("username=u", "password=p"), ""},
			{"get", https("username=u"), output("username=u", "password=p", "password_expiry_utc=9999999999", "oauth_refresh_token=r1")},
		}},
		{"a new password drops the old expiry and refresh token", []gitStep{
			{"store", https("username=u", "password=p", "password_expiry_utc=9999999999", "oauth_refresh_token=r1"), ""},
			{"store", https("username=u", "password=p2"), ""},
			{"get", https("username=u"), output("username=u", "password=p2")},
		}},
		{"a new expiry for the same password replaces the old one", []gitStep{
			{"store", https("username=u", "password=p", "password_expiry_utc=9999999999"), ""},
			{"store", https("username=u", "password=p", "password_expiry_utc=9999999998"), ""},
			{"get", https("username=u"), output("username=u", "password=p", "password_expiry_utc=9999999998")},
		}},
		{"other protocol on the same host is another entry", []gitStep{
			{"store", []string{"protocol=http", "host=example.com", "username=u", "password=plain"}, ""},
			{"get", https(), ""},
			{"get", []string{"protocol=http", "host=example.com"}, output("username=u", "password=plain")},
		}},
		{"undeclared host is never stored or answered", []gitStep{
			{"store", []string{"protocol=https", "host=undeclared.example", "username=u", "password=p"}, ""},
			{"get", []string{"protocol=https", "host=undeclared.example"}, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, declared(t, gitServers...))
			for i, s := range tt.steps {
				if got := f.run(s.action, s.in...); got != s.want {
					t.Errorf("step %d (%s %q): got %q, want %q", i+1, s.action, s.in, got, s.want)
				}
			}
			f.noStderr()
		})
	}
}
