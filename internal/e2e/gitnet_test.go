package e2e_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

// dropEnv returns the user without any entry of the given variables.
func (u *user) dropEnv(keys ...string) *user {
	c := *u
	c.env = slices.DeleteFunc(slices.Clone(u.env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(keys, k)
	})
	return &c
}

// goClientVars are what a Go program reads by default and git does not
// (or not first): a user whose git reaches Azure DevOps has none of them.
var goClientVars = []string{"SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"}

type verified struct {
	Scope string `json:"scope"`
	Valid bool   `json:"valid"`
	URL   string `json:"url"`
	Error string `json:"error"`
}

func (u *user) verifyJSON(args ...string) ([]verified, result) {
	u.t.Helper()
	r := u.adopat("", append([]string{"verify", "--json"}, args...)...)
	var out []verified
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		u.t.Fatalf("verify --json: %v\n%s", err, r)
	}
	return out, r
}

// connectionDataAsked lists the connectionData requests the stand-in got
// for host, as "Host path".
func connectionDataAsked(srv *adotest.Server, host string) []string {
	var out []string
	for _, r := range srv.Requests() {
		if r.Host == host && strings.Contains(r.Line, "/_apis/connectionData") {
			out = append(out, r.Host+" "+strings.Fields(r.Line)[1])
		}
	}
	return out
}

// A user whose git reaches Azure DevOps through git's own settings (the
// proxy in http.proxy or http.<url>.proxy, the CA in GIT_SSL_CAINFO or
// http.sslCAInfo) and has nothing in the environment a Go program would
// read: what clones also verifies and rotates, a cloud organisation and
// a declared collection on a non-default port alike. verify asks the
// declared collection's URL, not the host's root.
func TestVerifyAndRotateFollowGitsProxyAndCA(t *testing.T) {
	t.Parallel()
	srv := startServer(t, adotest.Options{ExtraHosts: []string{collectionHost}}, webURL, collectionRepo)
	cloudPAT := acceptNewPAT(srv, "fabrikam")

	setups := map[string]func(u *user) *user{
		// As the stand-in's GitEnv sets it up: GIT_SSL_CAINFO, and
		// http.proxy through GIT_CONFIG_COUNT.
		"GIT_SSL_CAINFO and http.proxy": func(u *user) *user { return u },
		// Both in the global config file, the proxy per URL.
		"http.sslCAInfo and http.<url>.proxy": func(u *user) *user {
			u = u.dropEnv("GIT_SSL_CAINFO", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0")
			u.mustGit("", "config", "--global", "http.sslCAInfo", srv.CAFile)
			u.mustGit("", "config", "--global", "http.https://dev.azure.com/.proxy", srv.ProxyURL)
			u.mustGit("", "config", "--global", "http."+collectionURL+".proxy", srv.ProxyURL)
			return u
		},
	}
	for name, setup := range setups {
		t.Run(name, func(t *testing.T) {
			serverPAT := adotest.NewPAT() // the previous subtest rotated it
			srv.SetHostPAT(collectionHost, serverPAT)
			u := setup(newUser(t, srv).dropEnv(goClientVars...))
			u.install(collectionURL)
			u.addPAT(cloudPAT, "--org", "fabrikam")
			u.addPAT(serverPAT, "--server", collectionURL, "--username", "jdoe")
			u.mustClone(webURL)
			u.mustClone(collectionRepo)

			before := len(connectionDataAsked(srv, collectionHost))
			results, r := u.verifyJSON()
			if r.code != 0 || len(results) != 2 {
				t.Fatalf("verify:\n%s", r)
			}
			want := map[string]string{
				"fabrikam":                       "https://dev.azure.com/fabrikam/_apis/connectionData",
				"https://jdoe@" + collectionHost: collectionURL + "/_apis/connectionData",
			}
			for _, v := range results {
				if !v.Valid || v.URL != want[v.Scope] {
					t.Errorf("verify %s: %+v, want valid at %s", v.Scope, v, want[v.Scope])
				}
			}
			if asked := connectionDataAsked(srv, collectionHost)[before:]; !slices.Equal(asked, []string{collectionHost + " /DefaultCollection/_apis/connectionData"}) {
				t.Errorf("the stand-in was asked %q, want the collection's connectionData once", asked)
			}

			// rotate checks the new PAT the same way, at the same URL.
			newPAT := adotest.NewPAT()
			srv.SetHostPAT(collectionHost, newPAT)
			before = len(connectionDataAsked(srv, collectionHost))
			if out := u.mustAdopat(newPAT+"\n", "rotate", "https://jdoe@"+collectionHost); !strings.Contains(out, "verified as") {
				t.Errorf("rotate: %s", out)
			}
			if asked := connectionDataAsked(srv, collectionHost)[before:]; !slices.Equal(asked, []string{collectionHost + " /DefaultCollection/_apis/connectionData"}) {
				t.Errorf("rotate asked %q, want the collection's connectionData", asked)
			}
			u.mustClone(collectionRepo)
		})
	}
}

// git's http.proxy wins over HTTPS_PROXY, as in git: with http.proxy on a
// closed port, verify cannot get through even though HTTPS_PROXY points
// at the stand-in, and says so as a network failure, not "invalid". An
// empty http.<url>.proxy means no proxy at all.
func TestVerifyPrefersGitsProxyOverTheEnvironment(t *testing.T) {
	t.Parallel()
	srv, pat := fabrikamServer(t)
	u := newUser(t, srv).with(srv.GoClientEnv()...).with("GIT_CONFIG_VALUE_0=http://127.0.0.1:1")
	u.addPAT(pat, "--org", "fabrikam", "--no-verify") // add's own check would fail the same way
	results, r := u.verifyJSON()
	if r.code == 0 || len(results) != 1 || results[0].Valid || !strings.HasPrefix(results[0].Error, "network:") {
		t.Errorf("verify with http.proxy on a closed port:\n%s", r)
	}
	// The environment's proxy is used when git has none.
	u = u.dropEnv("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0")
	if results, r := u.verifyJSON(); r.code != 0 || len(results) != 1 || !results[0].Valid {
		t.Errorf("verify with HTTPS_PROXY alone:\n%s", r)
	}
	// A CA file git cannot read: nothing is trusted, and it is said.
	if results, r := u.with("GIT_SSL_CAINFO=" + u.home + "/no-such-ca.pem").verifyJSON(); r.code == 0 || len(results) != 1 || !strings.Contains(results[0].Error, "no-such-ca.pem") {
		t.Errorf("verify with a missing GIT_SSL_CAINFO:\n%s", r)
	}
}
