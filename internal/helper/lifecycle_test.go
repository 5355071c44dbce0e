package helper

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

var created = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// TestStoreAndEraseEffects checks what store and erase leave in the store:
// erase withdraws and never deletes, store brings a withdrawn credential
// back or replaces the scope's token, and nothing is written (Update is
// not even called) when nothing changes.
func TestStoreAndEraseEffects(t *testing.T) {
	past := testNow.Add(-time.Hour)
	earlier := testNow.Add(-48 * time.Hour)
	org := store.Token{Org: "fabrikam", Secret: "org-pat", Created: created}
	project := store.Token{Org: "fabrikam", Project: "Website", Secret: "project-pat", Created: created}
	withdrawn := func(tok store.Token, at time.Time) store.Token { tok.Withdrawn = &at; return tok }
	cloud := func(path string, more ...string) []string { return req("dev.azure.com", path, more...) }
	server := func(more ...string) []string {
		return append([]string{"protocol=https", "host=tfs.example.com"}, more...)
	}
	srv := store.Token{Protocol: "https", Host: "tfs.example.com", Username: "u", Secret: "p1", Created: created,
		Label: "build agent", Scopes: []string{"code"}}

	tests := []struct {
		name    string
		before  []store.Token
		action  string
		in      []string
		after   []store.Token
		updates int // Update calls expected (0: the store is not even locked)
	}{
		// erase
		{"erase withdraws the answering cloud token and keeps it",
			[]store.Token{org}, "erase", cloud("fabrikam/p/_git/r", "username=adopat", "password=org-pat"),
			[]store.Token{withdrawn(org, testNow)}, 1},
		{"erase without password withdraws only the most specific token",
			[]store.Token{org, project}, "erase", cloud("fabrikam/Website/_git/site", "username=adopat"),
			[]store.Token{org, withdrawn(project, testNow)}, 1},
		{"erase with another password withdraws nothing",
			[]store.Token{org}, "erase", cloud("fabrikam", "username=adopat", "password=typed-at-prompt"),
			[]store.Token{org}, 0},
		{"erase of an already withdrawn token writes nothing",
			[]store.Token{withdrawn(org, past)}, "erase", cloud("fabrikam", "username=adopat", "password=org-pat"),
			[]store.Token{withdrawn(org, past)}, 0},
		{"erase for an unknown organisation writes nothing",
			[]store.Token{org}, "erase", cloud("contoso", "username=adopat", "password=org-pat"),
			[]store.Token{org}, 0},
		{"erase for a host that is not ours writes nothing",
			[]store.Token{org}, "erase", req("github.com", "fabrikam", "password=org-pat"),
			[]store.Token{org}, 0},
		{"erase withdraws a server entry and keeps it",
			[]store.Token{srv}, "erase", server("username=u", "password=p1"),
			[]store.Token{withdrawn(srv, testNow)}, 1},

		// store: nothing to change
		{"store of the answer we gave writes nothing",
			[]store.Token{org}, "store", cloud("fabrikam/p/_git/r", "username=adopat", "password=org-pat"),
			[]store.Token{org}, 0},
		{"store of the answer with its expiry writes nothing",
			[]store.Token{{Org: "fabrikam", Secret: "pat", Expires: timePtr(time.Unix(9999999999, 0).UTC())}},
			"store", cloud("fabrikam", "username=adopat", "password=pat", "password_expiry_utc=9999999999"),
			[]store.Token{{Org: "fabrikam", Secret: "pat", Expires: timePtr(time.Unix(9999999999, 0).UTC())}}, 0},
		{"store of the same server entry writes nothing",
			[]store.Token{srv}, "store", server("username=u", "password=p1"),
			[]store.Token{srv}, 0},
		{"store without password writes nothing",
			[]store.Token{org}, "store", cloud("fabrikam", "username=adopat"),
			[]store.Token{org}, 0},
		{"store of an empty cloud password writes nothing",
			[]store.Token{org}, "store", cloud("fabrikam", "username=adopat", "password="),
			[]store.Token{org}, 0},
		{"store for a host that is not ours writes nothing",
			nil, "store", req("github.com", "fabrikam", "username=u", "password=p"),
			nil, 0},

		// store: bring back
		{"store of a withdrawn cloud token brings it back",
			[]store.Token{withdrawn(org, past)}, "store", cloud("fabrikam", "username=adopat", "password=org-pat"),
			[]store.Token{org}, 1},
		{"store of a withdrawn server entry brings it back, notes and dates kept",
			[]store.Token{withdrawn(srv, past)}, "store", server("username=u", "password=p1"),
			[]store.Token{srv}, 1},
		// A withdrawn project token made git fall back to the org token;
		// storing the org token must leave the project token alone.
		{"store of the broader token leaves a withdrawn project token intact",
			[]store.Token{org, withdrawn(project, past)}, "store", cloud("fabrikam/Website/_git/site", "username=adopat", "password=org-pat"),
			[]store.Token{org, withdrawn(project, past)}, 0},
		{"store of a withdrawn broader token's PAT brings that one back, not the project token",
			[]store.Token{withdrawn(org, past), withdrawn(project, past)}, "store", cloud("fabrikam/Website/_git/site", "username=adopat", "password=org-pat"),
			[]store.Token{org, withdrawn(project, past)}, 1},

		// store: replace or add
		{"store of a new PAT replaces the org token",
			[]store.Token{withdrawn(org, past)}, "store", cloud("fabrikam", "username=adopat", "password=new-pat", "password_expiry_utc=1767225600"),
			[]store.Token{{Org: "fabrikam", Secret: "new-pat", Created: testNow, Expires: timePtr(time.Unix(1767225600, 0).UTC())}}, 1},
		{"store of a new PAT replaces the most specific token",
			[]store.Token{org, withdrawn(project, past)}, "store", cloud("fabrikam/Website/_git/site", "username=adopat", "password=new-pat"),
			[]store.Token{org, {Org: "fabrikam", Project: "Website", Secret: "new-pat", Created: testNow}}, 1},
		{"store for a new organisation adds an org token",
			[]store.Token{org}, "store", cloud("Contoso/p/_git/r", "username=someone", "password=c-pat"),
			[]store.Token{org, {Org: "Contoso", Username: "someone", Secret: "c-pat", Created: testNow}}, 1},
		{"the placeholder username is not remembered",
			nil, "store", req("contoso.visualstudio.com", "", "username=adopat", "password=c-pat"),
			[]store.Token{{Org: "contoso", Secret: "c-pat", Created: testNow}}, 1},
		{"store of a new server password replaces the entry, notes kept",
			[]store.Token{srv}, "store", server("username=u", "password=p2", "oauth_refresh_token=r"),
			[]store.Token{{Protocol: "https", Host: "tfs.example.com", Username: "u", Secret: "p2", OAuthRefreshToken: "r",
				Created: testNow, Label: "build agent", Scopes: []string{"code"}}}, 1},
		{"server host is stored normalised",
			nil, "store", []string{"protocol=https", "host=TFS.Example.com.:443", "username=u", "password=p"},
			[]store.Token{{Protocol: "https", Host: "tfs.example.com", Username: "u", Secret: "p", Created: testNow}}, 1},
		{"store keeps a server entry of another user",
			[]store.Token{srv}, "store", server("username=v", "password=p3", "password_expiry_utc=1767225600"),
			[]store.Token{{Protocol: "https", Host: "tfs.example.com", Username: "v", Secret: "p3", Created: testNow,
				Expires: timePtr(time.Unix(1767225600, 0).UTC())}, srv}, 1},
		{"withdrawn tokens of other scopes are untouched",
			[]store.Token{withdrawn(org, earlier), {Org: "contoso", Secret: "c"}}, "erase", cloud("contoso", "password=c"),
			[]store.Token{withdrawn(org, earlier), {Org: "contoso", Secret: "c", Withdrawn: &testNow}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, declared(t, "https://tfs.example.com"), cloneData(&store.Data{Tokens: tt.before}).Tokens...)
			if out := f.run(tt.action, tt.in...); out != "" {
				t.Errorf("stdout %q", out)
			}
			f.withdrawLines()
			f.noStderr()
			if got := f.store.data.Tokens; !tokensEqual(got, tt.after) {
				t.Errorf("store holds\n%s\nwant\n%s", dump(got), dump(tt.after))
			}
			if f.store.updates != tt.updates {
				t.Errorf("%d Update calls, want %d", f.store.updates, tt.updates)
			}
			if f.store.changedWrites != tt.updates {
				t.Errorf("%d changing Update calls, want %d", f.store.changedWrites, tt.updates)
			}
		})
	}
}

func tokensEqual(a, b []store.Token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !store.SameTime(x.Expires, y.Expires) || !store.SameTime(x.LastUsed, y.LastUsed) || !store.SameTime(x.Withdrawn, y.Withdrawn) ||
			!x.Created.Equal(y.Created) {
			return false
		}
		x.Expires, x.LastUsed, x.Withdrawn, y.Expires, y.LastUsed, y.Withdrawn = nil, nil, nil, nil, nil, nil
		x.Created, y.Created = time.Time{}, time.Time{}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func dump(toks []store.Token) string {
	s := ""
	for _, t := range toks {
		w := "-"
		if t.Withdrawn != nil {
			w = t.Withdrawn.Format(time.RFC3339)
		}
		s += "  " + t.Scope() + " secret=" + t.Secret + " user=" + t.Username + " created=" + t.Created.Format(time.RFC3339) + " withdrawn=" + w + "\n"
	}
	return s
}

// The round trip git performs: get, a 401, erase, a prompt for a new PAT,
// store; and later the old PAT working again.
func TestCloudRejectedTokenCanBeReplacedOrBroughtBack(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "old-pat", Created: created})
	url := req("dev.azure.com", "fabrikam/p/_git/r")
	if got := f.quietGet(url...); got != output("username=adopat", "password=old-pat") {
		t.Fatalf("get: %q", got)
	}
	f.run("erase", append(url, "username=adopat", "password=old-pat")...)
	if n := f.withdrawLines(); n != 1 {
		t.Errorf("erase printed %d withdraw lines, want 1", n)
	}
	f.noStderr()
	if got := f.run("get", url...); got != "" {
		t.Fatalf("get after erase: %q", got)
	}
	if lines := f.stderrLines(); len(lines) != 1 || !strings.Contains(lines[0], "restore fabrikam") {
		t.Fatalf("get after erase should say once how to restore: %q", lines)
	}
	f.stderr.Reset()
	if n := len(f.store.data.Tokens); n != 1 || f.store.data.Tokens[0].Withdrawn == nil {
		t.Fatalf("after erase the store holds %s", dump(f.store.data.Tokens))
	}
	f.run("store", append(url, "username=adopat", "password=old-pat")...)
	if got := f.quietGet(url...); got != output("username=adopat", "password=old-pat") {
		t.Fatalf("get after storing the old PAT again: %q", got)
	}
	f.run("erase", append(url, "username=adopat", "password=old-pat")...)
	f.withdrawLines()
	f.run("store", append(url, "username=adopat", "password=new-pat")...)
	if got := f.quietGet(url...); got != output("username=adopat", "password=new-pat") {
		t.Fatalf("get after storing a new PAT: %q", got)
	}
	if n := len(f.store.data.Tokens); n != 1 {
		t.Errorf("the new PAT was added beside the old one: %s", dump(f.store.data.Tokens))
	}
	f.noStderr()
}

// An erase without a password withdraws the token that answers; once that
// one is withdrawn it blocks the request, so a second erase must not reach
// through to the organisation token, which never answered.
func TestEraseWithoutPasswordStopsAtTheWithdrawnProjectToken(t *testing.T) {
	f := newFixture(t, nil,
		store.Token{Org: "fabrikam", Secret: "org-pat", Created: created},
		store.Token{Org: "fabrikam", Project: "Website", Secret: "project-pat", Created: created})
	url := req("dev.azure.com", "fabrikam/Website/_git/web")
	f.run("erase", url...)
	f.run("erase", url...)
	if n := f.withdrawLines(); n != 1 {
		t.Errorf("two erases printed %d withdraw lines, want 1 (the second finds it withdrawn)", n)
	}
	for _, tok := range f.store.data.Tokens {
		if withdrawn := tok.Withdrawn != nil; withdrawn != (tok.Project != "") {
			t.Errorf("%s withdrawn=%v after two erases of a project URL", tok.Scope(), withdrawn)
		}
	}
	if got := f.quietGet(req("dev.azure.com", "fabrikam/Intranet/_git/x")...); got != output("username=adopat", "password=org-pat") {
		t.Errorf("another project lost the organisation token: %q", got)
	}
}
