package cli

import (
	"os/exec"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
)

// gitNetwork follows git's precedence: GIT_SSL_CAINFO over
// http.<url>.sslCAInfo over http.sslCAInfo; http.<url>.proxy over
// http.proxy over the environment, an empty value meaning no proxy; the
// lower-case proxy variable over the upper-case one. Without git (the
// helper actions) only the environment counts.
func TestGitNetworkFollowsGitsPrecedence(t *testing.T) {
	ta := newTestApp(t)
	isolateGit(t, ta)
	set := func(kv ...string) {
		t.Helper()
		for i := 0; i < len(kv); i += 2 {
			if out, err := exec.Command("git", "config", "--global", kv[i], kv[i+1]).CombinedOutput(); err != nil {
				t.Fatalf("git config: %v %s", err, out)
			}
		}
	}
	const cloud = "https://dev.azure.com/fabrikam/_apis/connectionData"
	const server = "https://tfs.example.test:8443/DefaultCollection/_apis/connectionData"
	check := func(what, url string, askGit bool, want adoapi.Network) {
		t.Helper()
		got, err := ta.gitNetwork(url, askGit)
		if err != nil || got != want {
			t.Errorf("%s: %+v, %v; want %+v", what, got, err, want)
		}
	}
	ta.env["HTTPS_PROXY"] = "http://upper:1"
	ta.env["https_proxy"] = "http://lower:1"
	ta.env["NO_PROXY"] = "lan"
	check("environment only", cloud, true, adoapi.Network{Proxy: "http://lower:1", NoProxy: "lan"})

	set("http.sslCAInfo", "/ca/all.pem", "http.proxy", "http://all:1",
		"http.https://tfs.example.test:8443/DefaultCollection.sslCAInfo", "/ca/tfs.pem",
		"http.https://tfs.example.test:8443.proxy", "")
	check("http.* for the cloud", cloud, true, adoapi.Network{CAFile: "/ca/all.pem", Proxy: "http://all:1", NoProxy: "lan"})
	check("http.<url>.* for the server", server, true, adoapi.Network{CAFile: "/ca/tfs.pem", NoProxy: "lan"})
	check("no git: the environment", server, false, adoapi.Network{Proxy: "http://lower:1", NoProxy: "lan"})

	ta.env["GIT_SSL_CAINFO"] = "/ca/env.pem"
	check("GIT_SSL_CAINFO wins", server, true, adoapi.Network{CAFile: "/ca/env.pem", NoProxy: "lan"})
	check("GIT_SSL_CAINFO without git", cloud, false, adoapi.Network{CAFile: "/ca/env.pem", Proxy: "http://lower:1", NoProxy: "lan"})
}
