package adotest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// cdAnswer is what one connectionData request got back.
type cdAnswer struct {
	status int
	header http.Header
	body   string
}

func getConnectionData(t *testing.T, c *http.Client, method, u, pass string) cdAnswer {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pass != "" {
		req.SetBasicAuth("", pass)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return cdAnswer{resp.StatusCode, resp.Header, string(b)}
}

// decodeIdentity checks the real connectionData shape and returns the
// authenticated user's display name and account.
func decodeIdentity(t *testing.T, a cdAnswer) (name, account string) {
	t.Helper()
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q, want 200 application/json\n%s", a.status, a.header.Get("Content-Type"), a.body)
	}
	var v struct {
		AuthenticatedUser struct {
			ID, Descriptor, SubjectDescriptor, ProviderDisplayName string
			Properties                                             map[string]map[string]string
		}
		AuthorizedUser      struct{ ID string }
		InstanceID          string
		LocationServiceData map[string]any
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("connectionData is not JSON: %v\n%s", err, a.body)
	}
	u := v.AuthenticatedUser
	if u.ID == "" || u.Descriptor == "" || u.SubjectDescriptor == "" || v.AuthorizedUser.ID != u.ID ||
		v.InstanceID == "" || v.LocationServiceData == nil {
		t.Errorf("connectionData lacks fields of the real shape:\n%s", a.body)
	}
	return u.ProviderDisplayName, u.Properties["Account"]["$value"]
}

func TestConnectionDataCloud(t *testing.T) {
	t.Parallel()
	s := StartT(t)
	pat := NewPAT()
	s.SetPAT("fabrikam", pat)
	c := s.Client()
	defer c.CloseIdleConnections()

	for _, u := range []string{
		"https://dev.azure.com/fabrikam/_apis/connectionData",
		"https://dev.azure.com/Fabrikam/_APIs/ConnectionData?api-version=7.1-preview",
		"https://fabrikam.visualstudio.com/_apis/connectionData",
		"https://fabrikam.visualstudio.com/DefaultCollection/_apis/connectionData",
	} {
		name, account := decodeIdentity(t, getConnectionData(t, c, "GET", u, pat))
		if name != DefaultDisplayName || account != DefaultEmail {
			t.Errorf("%s: identity %q <%s>, want the default", u, name, account)
		}
	}
	assertLine(t, s, "GET /fabrikam/_apis/connectionData HTTP/1.1")

	s.SetIdentity("FABRIKAM", "Ada Lovelace", "ada@fabrikam.test")
	if name, account := decodeIdentity(t, getConnectionData(t, c, "GET", "https://dev.azure.com/fabrikam/_apis/connectionData", pat)); name != "Ada Lovelace" || account != "ada@fabrikam.test" {
		t.Errorf("after SetIdentity: %q <%s>", name, account)
	}
	s.SetIdentity("fabrikam", "", "")
	if name, _ := decodeIdentity(t, getConnectionData(t, c, "GET", "https://dev.azure.com/fabrikam/_apis/connectionData", pat)); name != DefaultDisplayName {
		t.Errorf("SetIdentity with empty values kept %q", name)
	}

	// Wrong or missing PAT: 401 with a challenge, in both modes for a
	// missing one; 203 with a sign-in page for a wrong one in Mode203HTML.
	const cd = "https://dev.azure.com/fabrikam/_apis/connectionData"
	for _, pass := range []string{"", "wrong"} {
		a := getConnectionData(t, c, "GET", cd, pass)
		if a.status != 401 || a.header.Get("WWW-Authenticate") != `Basic realm="https://dev.azure.com/"` {
			t.Errorf("PAT %q: status %d, WWW-Authenticate %q, want 401 with a challenge", pass, a.status, a.header.Get("WWW-Authenticate"))
		}
	}
	if a := getConnectionData(t, c, "GET", "https://dev.azure.com/contoso/_apis/connectionData", pat); a.status != 401 {
		t.Errorf("fabrikam's PAT at contoso: status %d, want 401", a.status)
	}
	s.SetBadPATMode("fabrikam", Mode203HTML)
	a := getConnectionData(t, c, "GET", cd, "wrong")
	if a.status != 203 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !strings.Contains(a.body, "Sign In") {
		t.Errorf("Mode203HTML, wrong PAT: status %d, Content-Type %q", a.status, a.header.Get("Content-Type"))
	}
	if a := getConnectionData(t, c, "GET", cd, ""); a.status != 401 {
		t.Errorf("Mode203HTML, no PAT: status %d, want 401", a.status)
	}
	if a := getConnectionData(t, c, "GET", cd, pat); a.status != 200 {
		t.Errorf("Mode203HTML, right PAT: status %d, want 200", a.status)
	}
	s.SetBadPATMode("fabrikam", Mode401)
	if a := getConnectionData(t, c, "GET", cd, "wrong"); a.status != 401 {
		t.Errorf("back to Mode401: status %d", a.status)
	}

	// Forced answers for the right PAT.
	s.SetConnectionDataStatus("fabrikam", 403)
	a = getConnectionData(t, c, "GET", cd, pat)
	if a.status != 403 || !strings.Contains(a.header.Get("X-TFS-ServiceError"), "TF400813") || !strings.Contains(a.body, `"message"`) {
		t.Errorf("forced 403: status %d, X-TFS-ServiceError %q\n%s", a.status, a.header.Get("X-TFS-ServiceError"), a.body)
	}
	if a := getConnectionData(t, c, "GET", cd, "wrong"); a.status != 401 {
		t.Errorf("forced 403, wrong PAT: status %d, want 401", a.status)
	}
	s.SetConnectionDataStatus("fabrikam", 500)
	if a := getConnectionData(t, c, "GET", cd, pat); a.status != 500 {
		t.Errorf("forced 500: status %d", a.status)
	}
	s.SetConnectionDataStatus("fabrikam", 0)
	if a := getConnectionData(t, c, "GET", cd, pat); a.status != 200 {
		t.Errorf("cleared status: %d", a.status)
	}

	if a := getConnectionData(t, c, "POST", cd, pat); a.status != 405 {
		t.Errorf("POST: status %d, want 405", a.status)
	}
	if a := getConnectionData(t, c, "HEAD", cd, pat); a.status != 200 {
		t.Errorf("HEAD: status %d, want 200", a.status)
	}
	// Not the endpoint: deeper paths on dev.azure.com fall through to git
	// routing, which knows no such repository.
	if a := getConnectionData(t, c, "GET", "https://dev.azure.com/fabrikam/Website/x/_apis/connectionData", pat); a.status != 404 {
		t.Errorf("deeper path: status %d, want 404", a.status)
	}
	if st := s.AuthAttempts("fabrikam"); st.OK == 0 || st.Failed == 0 || st.Anonymous == 0 {
		t.Errorf("AuthAttempts = %+v, want every kind counted", st)
	}
	assertNoSecret(t, s, pat)
}

func TestConnectionDataExtraHosts(t *testing.T) {
	t.Parallel()
	s := StartT(t, Options{ExtraHosts: []string{"tfs.example.test"}, ExtraHTTPHosts: []string{"legacy.test:8080"}})
	pat, legacyPAT := NewPAT(), NewPAT()
	s.SetHostPAT("tfs.example.test", pat)
	s.SetHostPAT("legacy.test:8080", legacyPAT)
	s.SetHostIdentity("tfs.example.test", "Grace Hopper", `CORP\grace`)
	c := s.Client()
	defer c.CloseIdleConnections()

	for _, u := range []string{
		"https://tfs.example.test/_apis/connectionData",
		"https://tfs.example.test/tfs/DefaultCollection/_apis/connectionData",
	} {
		if name, account := decodeIdentity(t, getConnectionData(t, c, "GET", u, pat)); name != "Grace Hopper" || account != `CORP\grace` {
			t.Errorf("%s: %q <%s>", u, name, account)
		}
	}
	if name, _ := decodeIdentity(t, getConnectionData(t, c, "GET", "http://legacy.test:8080/tfs/_apis/connectionData", legacyPAT)); name != DefaultDisplayName {
		t.Errorf("plain-HTTP host: %q", name)
	}
	assertLine(t, s, "GET /tfs/DefaultCollection/_apis/connectionData HTTP/1.1")
	assertLine(t, s, "GET http://legacy.test:8080/tfs/_apis/connectionData HTTP/1.1")

	if a := getConnectionData(t, c, "GET", "https://tfs.example.test/tfs/_apis/connectionData", legacyPAT); a.status != 401 ||
		a.header.Get("WWW-Authenticate") != `Basic realm="https://tfs.example.test/"` {
		t.Errorf("other host's PAT: status %d, WWW-Authenticate %q", a.status, a.header.Get("WWW-Authenticate"))
	}
	s.SetHostBadPATMode("tfs.example.test", Mode203HTML)
	if a := getConnectionData(t, c, "GET", "https://tfs.example.test/tfs/_apis/connectionData", "wrong"); a.status != 203 {
		t.Errorf("host Mode203HTML: status %d", a.status)
	}
	s.SetHostConnectionDataStatus("legacy.test:8080", 503)
	if a := getConnectionData(t, c, "GET", "http://legacy.test:8080/tfs/_apis/connectionData", legacyPAT); a.status != 503 {
		t.Errorf("host forced 503: status %d", a.status)
	}
	if a := getConnectionData(t, c, "GET", "https://tfs.example.test/tfs/_apis/connectionData", pat); a.status != 200 {
		t.Errorf("the other host is unaffected: status %d", a.status)
	}
	assertNoSecret(t, s, pat, legacyPAT)
}
