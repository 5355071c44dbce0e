package helper

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// cloudTokens: one organisation token and one project token for
// fabrikam, and another organisation.
func cloudTokens() []store.Token {
	return []store.Token{
		{Org: "fabrikam", Secret: "org-pat"},
		{Org: "fabrikam", Project: "Website", Secret: "project-pat"},
		{Org: "contoso", Secret: "contoso-pat"},
	}
}

func req(host, path string, more ...string) []string {
	lines := []string{"protocol=https", "host=" + host}
	if path != "" {
		lines = append(lines, "path="+path)
	}
	return append(lines, more...)
}

func TestCloudGetChoosesTheTokenForTheURL(t *testing.T) {
	orgAnswer := output("username=adopat", "password=org-pat")
	projectAnswer := output("username=adopat", "password=project-pat")
	tests := []struct {
		name string
		in   []string
		want string
	}{
		// dev.azure.com: organisation from the first path segment.
		{"org in path", req("dev.azure.com", "fabrikam"), orgAnswer},
		{"other project uses the org token", req("dev.azure.com", "fabrikam/Intranet/_git/intranet"), orgAnswer},
		{"project token wins over org token", req("dev.azure.com", "fabrikam/Website/_git/site"), projectAnswer},
		{"project's default repository form", req("dev.azure.com", "fabrikam/_git/Website"), projectAnswer},
		{"org and project compare case-insensitively", req("dev.azure.com", "FABRIKAM/website/_git/site"), projectAnswer},
		{"other organisation", req("dev.azure.com", "contoso/x/_git/y"), output("username=adopat", "password=contoso-pat")},
		{"unknown organisation", req("dev.azure.com", "northwind/x/_git/y"), ""},
		{"prefix of an organisation is not it", req("dev.azure.com", "fabrik/x/_git/y"), ""},
		{"organisation with a suffix is not it", req("dev.azure.com", "fabrikam2/x/_git/y"), ""},
		// dev.azure.com without useHttpPath: organisation from the username.
		{"org from URL username", req("dev.azure.com", "", "username=fabrikam"), output("username=fabrikam", "password=org-pat")},
		{"org from URL username, other case", req("dev.azure.com", "", "username=Contoso"), output("username=Contoso", "password=contoso-pat")},
		{"path wins over username", req("dev.azure.com", "contoso/p/_git/r", "username=fabrikam"), output("username=fabrikam", "password=contoso-pat")},
		// {org}.visualstudio.com: organisation from the host label.
		{"visualstudio host without path", req("fabrikam.visualstudio.com", ""), orgAnswer},
		{"visualstudio project", req("fabrikam.visualstudio.com", "Website/_git/site"), projectAnswer},
		{"visualstudio DefaultCollection ignored", req("fabrikam.visualstudio.com", "DefaultCollection/Website/_git/site"), projectAnswer},
		{"visualstudio defaultcollection, default repo", req("fabrikam.visualstudio.com", "defaultcollection/_git/Website"), projectAnswer},
		{"visualstudio other project", req("fabrikam.visualstudio.com", "DefaultCollection/Intranet/_git/x"), orgAnswer},
		{"visualstudio other org", req("contoso.visualstudio.com", ""), output("username=adopat", "password=contoso-pat")},
		// Host spelling.
		{"host case-insensitive", req("DEV.Azure.COM", "fabrikam"), orgAnswer},
		{"host trailing dot", req("dev.azure.com.", "fabrikam"), orgAnswer},
		{"explicit default port", req("dev.azure.com:443", "fabrikam"), orgAnswer},
		{"trailing dot and default port", req("Dev.Azure.Com.:443", "fabrikam"), orgAnswer},
		{"visualstudio case and default port", req("FABRIKAM.VisualStudio.com:443", ""), orgAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, cloudTokens()...)
			if got := f.quietGet(tt.in...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCloudLongestScopeWinsWhateverTheStoreOrder(t *testing.T) {
	toks := cloudTokens()
	reversed := []store.Token{toks[2], toks[1], toks[0]}
	for _, tokens := range [][]store.Token{toks, reversed} {
		f := newFixture(t, nil, tokens...)
		if got := f.quietGet(req("dev.azure.com", "fabrikam/Website/_git/site")...); got != output("username=adopat", "password=project-pat") {
			t.Errorf("store order %v: got %q", tokens, got)
		}
	}
}

// A get reads the secret of the token that answers and of no other: the
// keyring backend would otherwise read every token's item, and with a
// locked or slow keyring wait on each. A get that gives no answer reads
// none.
func TestCloudGetReadsOnlyTheAnsweringSecret(t *testing.T) {
	for path, want := range map[string][]string{
		"fabrikam/Website/_git/site":  {"fabrikam/Website"},
		"fabrikam/Intranet/_git/x":    {"fabrikam"},
		"contoso/p/_git/r":            {"contoso"},
		"northwind/p/_git/r":          nil,
		"FABRIKAM/website/_git/site2": {"fabrikam/Website"},
	} {
		f := newFixture(t, nil, cloudTokens()...)
		f.run("get", req("dev.azure.com", path)...)
		if !slices.Equal(f.store.secrets, want) {
			t.Errorf("get for %s read the secrets of %q, want %q", path, f.store.secrets, want)
		}
	}
}

// Lookalike hosts, other ports, other protocols and the SSH endpoints
// must never receive a token, and the miss is silent.
func TestCloudGetNeverAnswersOtherHosts(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"suffix appended", req("dev.azure.com.evil.example", "fabrikam")},
		{"prefix glued", req("evildev.azure.com", "fabrikam")},
		{"subdomain of dev.azure.com", req("fabrikam.dev.azure.com", "fabrikam")},
		{"hyphen for dot", req("dev-azure.com", "fabrikam")},
		{"parent domain", req("azure.com", "fabrikam")},
		{"visualstudio with suffix", req("fabrikam.visualstudio.com.evil.example", "")},
		{"visualstudio glued", req("fabrikamvisualstudio.com", "")},
		{"visualstudio bare", req("visualstudio.com", "fabrikam")},
		{"visualstudio empty label", req(".visualstudio.com", "fabrikam")},
		{"visualstudio nested label", req("evil.fabrikam.visualstudio.com", "")},
		{"SSH endpoint dev.azure.com", req("ssh.dev.azure.com", "v3/fabrikam/Website/site")},
		{"SSH endpoint visualstudio", req("vs-ssh.visualstudio.com", "v3/fabrikam/Website/site")},
		{"SSH endpoint with vs-ssh as org", append([]string{}, req("vs-ssh.visualstudio.com", "")...)},
		{"http", []string{"protocol=http", "host=dev.azure.com", "path=fabrikam"}},
		{"http visualstudio", []string{"protocol=http", "host=fabrikam.visualstudio.com"}},
		{"ssh protocol", []string{"protocol=ssh", "host=dev.azure.com", "path=fabrikam"}},
		{"protocol upper case", []string{"protocol=HTTPS", "host=dev.azure.com", "path=fabrikam"}},
		{"no protocol", []string{"host=dev.azure.com", "path=fabrikam"}},
		{"other port", req("dev.azure.com:8443", "fabrikam")},
		{"port 80", req("dev.azure.com:80", "fabrikam")},
		{"visualstudio other port", req("fabrikam.visualstudio.com:444", "")},
		{"port with leading zero", req("dev.azure.com:0443", "fabrikam")},
		{"bracketed host", req("[dev.azure.com]", "fabrikam")},
		{"bracketed host with port", req("[dev.azure.com]:443", "fabrikam")},
		{"two trailing dots", req("dev.azure.com..", "fabrikam")},
		{"trailing space", req("dev.azure.com ", "fabrikam")},
		{"leading dot", req(".dev.azure.com", "fabrikam")},
		{"empty host", req("", "fabrikam")},
		{"Kelvin sign in visualstudio label", req("fabri\u212aam.visualstudio.com", "")},
		{"Kelvin sign in org path", req("dev.azure.com", "fabri\u212aam/x/_git/y")},
		{"API path, no organisation", req("dev.azure.com", "_apis/connectionData")},
		{"url= lookalike", []string{"url=https://dev.azure.com@evil.example/fabrikam"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, cloudTokens()...)
			if got := f.quietGet(tt.lines...); got != "" {
				t.Errorf("answered %q", got)
			}
		})
	}
}

// Without a path or a usable username the organisation is unknown: no
// answer, and one line telling the user how to fix it. store and erase
// stay silent.
func TestCloudWithoutOrganisationAsksForInstall(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
	}{
		{"no path, no username", req("dev.azure.com", "")},
		{"empty username", req("dev.azure.com", "", "username=")},
		{"username is not an organisation name", req("dev.azure.com", "", "username=john@contoso.com")},
		{"username folds to an organisation name only outside ASCII", req("dev.azure.com", "", "username=fabri\u212aam")},
		{"explicit port", req("dev.azure.com:443", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, cloudTokens()...)
			if out := f.run("get", tt.lines...); out != "" {
				t.Errorf("answered %q", out)
			}
			lines := f.stderrLines()
			if len(lines) != 1 || !strings.Contains(lines[0], "git-credential-adopat install") {
				t.Errorf("stderr lines %q, want exactly one mentioning `git-credential-adopat install`", lines)
			}
			for _, action := range []string{"store", "erase"} {
				f.stderr.Reset()
				f.run(action, append(tt.lines, "password=org-pat")...)
				f.noStderr()
			}
			if f.store.updates != 0 {
				t.Errorf("%d Update calls", f.store.updates)
			}
		})
	}
}

func TestCloudAnswerUsername(t *testing.T) {
	tests := []struct {
		name     string
		stored   string
		reqLines []string
		want     string
	}{
		{"stored username first", "alice", []string{"username=fabrikam"}, "alice"},
		{"stored username without request username", "alice", nil, "alice"},
		{"request username next", "", []string{"username=bob"}, "bob"},
		{"empty request username is not used", "", []string{"username="}, DefaultUsername},
		{"fixed word last", "", nil, "adopat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, store.Token{Org: "fabrikam", Username: tt.stored, Secret: "pat"})
			got := f.quietGet(req("dev.azure.com", "fabrikam/p/_git/r", tt.reqLines...)...)
			if want := output("username="+tt.want, "password=pat"); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestCloudExpiredTokenIsNotSent(t *testing.T) {
	past := testNow.Add(-time.Hour)
	future := testNow.Add(24 * time.Hour)
	tests := []struct {
		name      string
		tokens    []store.Token
		path      string
		want      string
		warnScope string // "" means no stderr at all
	}{
		{"expired org token", []store.Token{{Org: "fabrikam", Secret: "s3cret", Expires: &past}},
			"fabrikam/p/_git/r", "", "fabrikam"},
		{"expiring right now", []store.Token{{Org: "fabrikam", Secret: "s3cret", Expires: timePtr(testNow)}},
			"fabrikam/p/_git/r", "", "fabrikam"},
		{"valid token sends its expiry", []store.Token{{Org: "fabrikam", Secret: "s3cret", Expires: &future}},
			"fabrikam/p/_git/r", output("username=adopat", "password=s3cret", "password_expiry_utc=1748865600"), ""},
		{"expired project token: no fallback to the org token",
			[]store.Token{{Org: "fabrikam", Secret: "org-s3cret"}, {Org: "fabrikam", Project: "Website", Secret: "project-s3cret", Expires: &past}},
			"fabrikam/Website/_git/site", "", "fabrikam/Website"},
		{"expired project token does not affect other projects",
			[]store.Token{{Org: "fabrikam", Secret: "org-s3cret"}, {Org: "fabrikam", Project: "Website", Secret: "project-s3cret", Expires: &past}},
			"fabrikam/Intranet/_git/x", output("username=adopat", "password=org-s3cret"), ""},
		{"expired and withdrawn: the withdrawal is what the user must act on",
			[]store.Token{{Org: "fabrikam", Secret: "s3cret", Expires: &past, Withdrawn: &past}},
			"fabrikam/p/_git/r", "", "fabrikam"},
		{"withdrawn project token: no fallback to the org token",
			[]store.Token{{Org: "fabrikam", Secret: "org-s3cret"}, {Org: "fabrikam", Project: "Website", Secret: "project-s3cret", Withdrawn: &past}},
			"fabrikam/Website/_git/site", "", "fabrikam/Website"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, tt.tokens...)
			if got := f.run("get", req("dev.azure.com", tt.path)...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			lines := f.stderrLines()
			switch {
			case tt.warnScope == "":
				f.noStderr()
			case len(lines) != 1 || !strings.Contains(lines[0], " "+tt.warnScope+" "):
				t.Errorf("stderr %q, want one line naming %q", lines, tt.warnScope)
			default:
				// The line says what is wrong with that token: withdrawn
				// first (that is what the user must act on), else expired.
				for _, tok := range tt.tokens {
					if tok.Scope() != tt.warnScope {
						continue
					}
					switch {
					case tok.Withdrawn != nil && (!strings.Contains(lines[0], "was withdrawn on") || strings.Contains(lines[0], "expired")):
						t.Errorf("stderr %q, want the withdrawal and not the expiry", lines[0])
					case tok.Withdrawn != nil && (!strings.Contains(lines[0], "Azure DevOps said the PAT is not valid") || !strings.Contains(lines[0], "rotate "+tok.Scope())):
						// Cloud tokens are withdrawn only on Azure DevOps' word (check.go).
						t.Errorf("stderr %q, want who judged the PAT and the rotate command", lines[0])
					case tok.Withdrawn == nil && !strings.Contains(lines[0], "expired on "+tok.Expires.Format("2006-01-02")):
						t.Errorf("stderr %q, want the expiry date", lines[0])
					}
				}
			}
			if strings.Contains(f.stderr.String(), "s3cret") {
				t.Errorf("stderr %q repeats the secret", f.stderr.String())
			}
		})
	}
}
