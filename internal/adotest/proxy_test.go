package adotest

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawProxyRequest sends one request to the proxy by hand, so the test does
// not depend on how a client library phrases CONNECT.
func rawProxyRequest(t *testing.T, s *Server, req string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.ProxyURL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestProxyRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	s := StartT(t, Options{ExtraHosts: []string{"tfs.example.test"}, ExtraHTTPHosts: []string{"legacy.test:8080"}})
	for _, target := range []string{
		"github.com:443",
		"dev.azure.com:8443",       // cloud hosts exist only on 443
		"a.b.visualstudio.com:443", // not covered by *.visualstudio.com
		"fabrikam.visualstudio.com.evil.test:443",
		"tfs.example.test:8443", // declared on 443 only
		"legacy.test:8080",      // declared for plain HTTP, not tunnels
	} {
		if code := rawProxyRequest(t, s, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n"); code != http.StatusForbidden {
			t.Errorf("CONNECT %s: status %d, want 403", target, code)
		}
		assertLine(t, s, "CONNECT "+target+" HTTP/1.1")
	}
	if code := rawProxyRequest(t, s, "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n"); code != http.StatusForbidden {
		t.Errorf("proxied GET to undeclared host: status %d, want 403", code)
	}
	if code := rawProxyRequest(t, s, "CONNECT dev.azure.com:443 HTTP/1.1\r\nHost: dev.azure.com:443\r\n\r\n"); code != http.StatusOK {
		t.Errorf("CONNECT dev.azure.com:443: status %d, want 200", code)
	}

	// And through real git: the refusal must make the clone fail.
	c := newGitClient(t, s, NewPAT())
	if _, out, err := c.clone("https://github.com/git/git.git"); err == nil {
		t.Fatalf("clone through the proxy to github.com succeeded\n%s", out)
	}
	assertLine(t, s, "CONNECT github.com:443 HTTP/1.1")
}

// TestHTTPSemantics checks the answers a credential helper's behaviour
// depends on, through the Go client helper.
func TestHTTPSemantics(t *testing.T) {
	t.Parallel()
	// A repo named like its project is also the project's default repo.
	s, pat := startWithRepos(t,
		"https://dev.azure.com/fabrikam/Website/_git/Website",
		"https://fabrikam.visualstudio.com/Website/_git/Website",
	)
	client := s.Client()
	defer client.CloseIdleConnections()

	for _, tc := range []struct {
		url, pass, realm string
		want             int
	}{
		{"https://dev.azure.com/fabrikam/Website/_git/Website", "", `Basic realm="https://dev.azure.com/"`, 401},
		{"https://dev.azure.com/fabrikam/Website/_git/Website", "wrong", `Basic realm="https://dev.azure.com/"`, 401},
		{"https://fabrikam.visualstudio.com/Website/_git/Website", "", `Basic realm="https://fabrikam.visualstudio.com/"`, 401},
		{"https://dev.azure.com/fabrikam/Website/_git/Website", pat, "", 200},
		{"https://dev.azure.com/FABRIKAM/website/_git/WEBSITE", pat, "", 200},
		{"https://dev.azure.com/fabrikam/_git/Website", pat, "", 200},
		{"https://fabrikam.visualstudio.com/DefaultCollection/_git/Website", pat, "", 200},
		{"https://dev.azure.com/fabrikam/Website/_git/nope", pat, "", 404},
		{"https://dev.azure.com/fabrikam/Website/_git/Websites", pat, "", 404},
		{"https://dev.azure.com/", pat, "", 404},
	} {
		req, err := http.NewRequest("GET", tc.url+"/info/refs?service=git-upload-pack", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.pass != "" {
			req.SetBasicAuth("anything", tc.pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", tc.url, resp.StatusCode, tc.want)
		}
		if got := resp.Header.Get("WWW-Authenticate"); got != tc.realm {
			t.Errorf("%s: WWW-Authenticate %q, want %q", tc.url, got, tc.realm)
		}
		if tc.want == 200 && resp.Header.Get("Content-Type") != "application/x-git-upload-pack-advertisement" {
			t.Errorf("%s: Content-Type %q", tc.url, resp.Header.Get("Content-Type"))
		}
	}
	assertNoSecret(t, s, pat)
}

func TestAddRepoRejects(t *testing.T) {
	t.Parallel()
	s := StartT(t)
	mustAddRepos(t, s, webURL)
	for _, u := range []string{
		"https://github.com/fabrikam/web",                 // not a stand-in host
		"https://dev.azure.com/fabrikam",                  // no repository
		"https://dev.azure.com/fabrikam/a/b/_git/c",       // not an Azure DevOps form
		"ssh://dev.azure.com/fabrikam/Website/_git/web2",  // git over ssh is out of scope
		"https://dev.azure.com/Fabrikam/website/_git/WEB", // duplicate, case-insensitively
	} {
		if err := s.AddRepo(u); err == nil {
			t.Errorf("AddRepo(%q) succeeded", u)
		}
	}
}

func TestCloseStopsEverything(t *testing.T) {
	s, err := Start(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(s.ProxyURL, "http://")
	s.Close()
	s.Close() // idempotent, so a deferred Close after an explicit one is fine
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Error("proxy still accepts connections after Close")
	}
}
