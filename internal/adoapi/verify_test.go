package adoapi_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// noLeak fails if pat appears in anything Verify returned.
func noLeak(t *testing.T, pat string, res adoapi.Result, err error) {
	t.Helper()
	texts := []string{res.Reason, res.ServerMessage, res.URL, res.Identity.String()}
	if err != nil {
		texts = append(texts, err.Error(), fmt.Sprintf("%#v", err))
	}
	for _, s := range texts {
		if strings.Contains(s, pat) {
			t.Errorf("PAT leaked: %q", s)
		}
	}
}

// mustInvalid checks a verdict of "refused", with the given status.
func mustInvalid(t *testing.T, res adoapi.Result, err error, status int, reasonHas string) {
	t.Helper()
	if err != nil {
		t.Fatalf("want an invalid verdict, got error %v", err)
	}
	if res.Valid || res.Status != status || !strings.Contains(res.Reason, reasonHas) {
		t.Errorf("got Valid=%v Status=%d Reason=%q, want invalid, %d, reason with %q", res.Valid, res.Status, res.Reason, status, reasonHas)
	}
}

// mustNetwork checks an error of type *NetworkError and returns it.
func mustNetwork(t *testing.T, res adoapi.Result, err error) *adoapi.NetworkError {
	t.Helper()
	var ne *adoapi.NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("want *NetworkError, got %T %v (Result %+v)", err, err, res)
	}
	if res.Valid {
		t.Error("Valid set along with a network error")
	}
	return ne
}

func TestVerifyCloudAgainstStandIn(t *testing.T) {
	t.Parallel()
	s := adotest.StartT(t)
	pat, other := adotest.NewPAT(), adotest.NewPAT()
	s.SetPAT("fabrikam", pat)
	hc := s.Client()
	defer hc.CloseIdleConnections()
	c := &adoapi.Client{HTTP: hc, Timeout: 10 * time.Second}
	ctx := context.Background()
	target := adoapi.OrgEndpoint("fabrikam")

	t.Run("valid", func(t *testing.T) {
		res, err := c.Verify(ctx, target, pat)
		noLeak(t, pat, res, err)
		if err != nil || !res.Valid || res.Status != 200 {
			t.Fatalf("Verify = %+v, %v; want valid", res, err)
		}
		id := res.Identity
		if id.DisplayName != adotest.DefaultDisplayName || id.UniqueName != adotest.DefaultEmail ||
			id.ID == "" || id.Descriptor == "" || id.SubjectDescriptor == "" {
			t.Errorf("Identity = %+v", id)
		}
		if want := "Test User <user@example.com>"; id.String() != want || !strings.Contains(res.Reason, want) {
			t.Errorf("Identity.String() = %q, Reason %q; want %q", id.String(), res.Reason, want)
		}
		if res.URL != "https://dev.azure.com/fabrikam/_apis/connectionData" {
			t.Errorf("URL = %q", res.URL)
		}
	})
	t.Run("identity", func(t *testing.T) {
		s.SetIdentity("fabrikam", "Ada Lovelace", "ada@fabrikam.test")
		defer s.SetIdentity("fabrikam", "", "")
		res, err := c.Verify(ctx, target, pat)
		if err != nil || res.Identity.String() != "Ada Lovelace <ada@fabrikam.test>" {
			t.Fatalf("Verify = %+v, %v", res, err)
		}
	})
	t.Run("wrong PAT 401", func(t *testing.T) {
		res, err := c.Verify(ctx, target, other)
		noLeak(t, other, res, err)
		mustInvalid(t, res, err, 401, "401 Unauthorized: the PAT is wrong, expired or revoked")
	})
	t.Run("other organisation", func(t *testing.T) {
		res, err := c.Verify(ctx, adoapi.OrgEndpoint("contoso"), pat)
		mustInvalid(t, res, err, 401, "401")
	})
	t.Run("203 sign-in page", func(t *testing.T) {
		s.SetBadPATMode("fabrikam", adotest.Mode203HTML)
		defer s.SetBadPATMode("fabrikam", adotest.Mode401)
		res, err := c.Verify(ctx, target, other)
		noLeak(t, other, res, err)
		mustInvalid(t, res, err, 203, "203 with a sign-in page: Azure DevOps did not accept the PAT")
		// The right PAT is still fine in that mode.
		if res, err := c.Verify(ctx, target, pat); err != nil || !res.Valid {
			t.Errorf("right PAT in Mode203HTML: %+v, %v", res, err)
		}
	})
	t.Run("403", func(t *testing.T) {
		s.SetConnectionDataStatus("fabrikam", 403)
		defer s.SetConnectionDataStatus("fabrikam", 0)
		res, err := c.Verify(ctx, target, pat)
		noLeak(t, pat, res, err)
		mustInvalid(t, res, err, 403, "scope")
		if !strings.Contains(res.ServerMessage, "TF400813") {
			t.Errorf("ServerMessage = %q, want the server's TF400813", res.ServerMessage)
		}
	})
	for _, code := range []int{500, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			s.SetConnectionDataStatus("fabrikam", code)
			defer s.SetConnectionDataStatus("fabrikam", 0)
			res, err := c.Verify(ctx, target, pat)
			noLeak(t, pat, res, err)
			ne := mustNetwork(t, res, err)
			if ne.Status != code || res.Status != code || ne.Timeout() {
				t.Errorf("NetworkError %+v, Result.Status %d", ne, res.Status)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(code)) {
				t.Errorf("error %q does not name the status", err)
			}
		})
	}

	// One request line per Verify, without api-version and without the PAT.
	seen := 0
	for _, l := range s.RequestLines() {
		for _, p := range []string{pat, other} {
			if strings.Contains(l, p) {
				t.Errorf("PAT in request line %q", l)
			}
		}
		if l == "GET /fabrikam/_apis/connectionData HTTP/1.1" {
			seen++
		}
	}
	if seen == 0 {
		t.Errorf("no connectionData request line; got:\n%s", strings.Join(s.RequestLines(), "\n"))
	}
}

func TestVerifyDeclaredServersAgainstStandIn(t *testing.T) {
	t.Parallel()
	s := adotest.StartT(t, adotest.Options{ExtraHosts: []string{"tfs.example.test"}, ExtraHTTPHosts: []string{"legacy.test:8080"}})
	pat, legacyPAT := adotest.NewPAT(), adotest.NewPAT()
	s.SetHostPAT("tfs.example.test", pat)
	s.SetHostPAT("legacy.test:8080", legacyPAT)
	s.SetHostIdentity("tfs.example.test", "Grace Hopper", `CORP\grace`)
	hc := s.Client()
	defer hc.CloseIdleConnections()
	c := &adoapi.Client{HTTP: hc, Timeout: 10 * time.Second}
	ctx := context.Background()

	srv, err := azdo.ParseServer("https://tfs.example.test/tfs/My%20Collection")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Verify(ctx, adoapi.ServerEndpoint(srv), pat)
	noLeak(t, pat, res, err)
	if err != nil || !res.Valid || res.Identity.String() != `Grace Hopper <CORP\grace>` {
		t.Fatalf("declared HTTPS server: %+v, %v", res, err)
	}
	if res.URL != "https://tfs.example.test/tfs/My%20Collection/_apis/connectionData" {
		t.Errorf("URL = %q", res.URL)
	}
	res, err = c.Verify(ctx, adoapi.ServerEndpoint(srv), legacyPAT)
	mustInvalid(t, res, err, 401, "401")

	s.SetHostBadPATMode("tfs.example.test", adotest.Mode203HTML)
	res, err = c.Verify(ctx, adoapi.ServerEndpoint(srv), legacyPAT)
	mustInvalid(t, res, err, 203, "sign-in page")

	legacy, err := azdo.ParseServer("http://legacy.test:8080/tfs")
	if err != nil {
		t.Fatal(err)
	}
	res, err = c.Verify(ctx, adoapi.ServerEndpoint(legacy), legacyPAT)
	noLeak(t, legacyPAT, res, err)
	if err != nil || !res.Valid {
		t.Fatalf("declared HTTP server: %+v, %v", res, err)
	}
	root := azdo.Server{Scheme: "https", Host: "tfs.example.test"}
	if res, err := c.Verify(ctx, adoapi.ServerEndpoint(root), pat); err != nil || !res.Valid {
		t.Fatalf("server without prefix: %+v, %v", res, err)
	}

	for _, want := range []string{
		"GET /tfs/My%20Collection/_apis/connectionData HTTP/1.1",
		"GET http://legacy.test:8080/tfs/_apis/connectionData HTTP/1.1",
		"GET /_apis/connectionData HTTP/1.1",
	} {
		found := false
		for _, l := range s.RequestLines() {
			found = found || l == want
			if strings.Contains(l, pat) || strings.Contains(l, legacyPAT) {
				t.Errorf("PAT in request line %q", l)
			}
		}
		if !found {
			t.Errorf("request line %q not seen; got:\n%s", want, strings.Join(s.RequestLines(), "\n"))
		}
	}
}

// TestVerifyDefaultClientFromEnvironment runs Verify with a nil HTTP in a
// child process whose only way to the stand-in is GoClientEnv: the proxy
// from HTTPS_PROXY and the CA from SSL_CERT_FILE.
func TestVerifyDefaultClientFromEnvironment(t *testing.T) {
	if os.Getenv("ADOAPI_TEST_CHILD") == "1" {
		res, err := (&adoapi.Client{Timeout: 20 * time.Second}).Verify(context.Background(),
			adoapi.OrgEndpoint("fabrikam"), os.Getenv("ADOAPI_TEST_PAT"))
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		b, _ := json.Marshal(res)
		fmt.Printf("RESULT %s\n", b)
		return
	}
	t.Parallel()
	s := adotest.StartT(t)
	pat := adotest.NewPAT()
	s.SetPAT("fabrikam", pat)

	cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyDefaultClientFromEnvironment$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), s.GoClientEnv()...), "ADOAPI_TEST_CHILD=1", "ADOAPI_TEST_PAT="+pat)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	_, line, ok := strings.Cut(string(out), "RESULT ")
	if !ok {
		t.Fatalf("child printed no result:\n%s", out)
	}
	line, _, _ = strings.Cut(line, "\n")
	var res adoapi.Result
	if err := json.Unmarshal([]byte(line), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Valid || res.Identity.UniqueName != adotest.DefaultEmail {
		t.Errorf("child's Result = %+v", res)
	}
	if strings.Contains(string(out), pat) {
		t.Error("PAT in the child's output")
	}
	sawConnect := false
	for _, l := range s.RequestLines() {
		sawConnect = sawConnect || l == "CONNECT dev.azure.com:443 HTTP/1.1"
	}
	if !sawConnect {
		t.Errorf("the child did not go through the proxy:\n%s", strings.Join(s.RequestLines(), "\n"))
	}
}

// seen is what the fake server observed of one request.
type seen struct {
	method, path, query, auth, fedAuth, accept, cookie string
}

// fake serves one canned answer on a plain-HTTP test server and records
// the request; the target is a declared server at its address.
func fake(t *testing.T, h http.HandlerFunc) (adoapi.Endpoint, *seen, *atomic.Int32) {
	t.Helper()
	var last seen
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if strings.HasSuffix(r.URL.Path, "/_apis/connectionData") {
			last = seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"),
				r.Header.Get("X-TFS-FedAuthRedirect"), r.Header.Get("Accept"), r.Header.Get("Cookie")}
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return adoapi.ServerEndpoint(azdo.Server{Scheme: "http", Host: u.Host, Prefix: "tfs"}), &last, &hits
}

// direct is a client that ignores proxy settings of the environment.
func direct() *adoapi.Client {
	return &adoapi.Client{HTTP: &http.Client{Transport: &http.Transport{}}, Timeout: 10 * time.Second}
}

func jsonAnswer(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8; api-version=7.1-preview.1")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

const goodBody = `{"authenticatedUser":{"id":"6b4b2ab5-0bd5-4b8a-9b0a-1b2c3d4e5f60","descriptor":"Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf\\ada@example.com","subjectDescriptor":"aad.NmI0YjJhYjU","providerDisplayName":"Ada Lovelace","customDisplayName":"Ada","isActive":true,"properties":{"Account":{"$type":"System.String","$value":"ada@example.com"},"Count":{"$type":"System.Int32","$value":3}},"resourceVersion":2,"metaTypeId":0},"authorizedUser":{"id":"6b4b2ab5-0bd5-4b8a-9b0a-1b2c3d4e5f60"},"instanceId":"0b5e1c2d-0000-4000-8000-000000000001","deploymentId":"x","deploymentType":"hosted","locationServiceData":{"serviceOwner":"00025394-6065-48ca-87d9-7f5672854ef7"}}`

func TestVerifyClassifiesAnswers(t *testing.T) {
	t.Parallel()
	pat := adotest.NewPAT()
	html := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(code)
			fmt.Fprint(w, "<html><title>Azure DevOps Services | Sign In</title></html>")
		}
	}
	redirectTo := func(loc string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/_apis/connectionData") {
				http.Redirect(w, r, loc, http.StatusFound)
				return
			}
			jsonAnswer(200, goodBody)(w, r) // must never be reached
		}
	}
	type verdict int
	const (
		valid verdict = iota
		invalid
		network
		response
	)
	for _, tc := range []struct {
		name      string
		h         http.HandlerFunc
		want      verdict
		status    int
		reasonHas string
	}{
		{"200 JSON", jsonAnswer(200, goodBody), valid, 200, "Ada <ada@example.com>"},
		{"200 text/html", html(200), invalid, 200, "text/html instead of JSON"},
		{"203 text/html", html(203), invalid, 203, "203 with a sign-in page"},
		{"203 even with JSON", jsonAnswer(203, goodBody), invalid, 203, "203 with a sign-in page"},
		{"200 invalid JSON", jsonAnswer(200, `{"authenticatedUser":`), invalid, 200, "not valid JSON"},
		{"200 JSON array", jsonAnswer(200, `[]`), invalid, 200, "not valid JSON"},
		{"200 JSON without Content-Type", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = nil
			fmt.Fprint(w, goodBody)
		}, invalid, 200, "no Content-Type"},
		{"200 empty object", jsonAnswer(200, `{}`), invalid, 200, "anonymous"},
		{"200 anonymous", jsonAnswer(200, `{"authenticatedUser":{"id":"aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa","descriptor":"Microsoft.TeamFoundation.UnauthenticatedIdentity;S-1-0-0","providerDisplayName":"Anonymous"}}`), invalid, 200, "anonymous"},
		{"200 zero id", jsonAnswer(200, `{"authenticatedUser":{"id":"00000000-0000-0000-0000-000000000000"}}`), invalid, 200, "anonymous"},
		{"401", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(401)
		}, invalid, 401, "401 Unauthorized: the PAT is wrong, expired or revoked"},
		{"403 JSON", jsonAnswer(403, `{"message":"VS403463: conditional access policy"}`), invalid, 403, "scope"},
		{"302 to sign-in", redirectTo("https://login.microsoftonline.com/common/oauth2/authorize?client_id=x"), invalid, 302, "sign-in page (login.microsoftonline.com)"},
		{"302 to _signin", redirectTo("/_signin?realm=x"), invalid, 302, "sign-in page"},
		{"302 elsewhere", redirectTo("/other/_apis/x"), response, 302, "not followed"},
		{"404", jsonAnswer(404, `{"message":"TF400898: nothing here"}`), response, 404, "404 Not Found"},
		{"400", jsonAnswer(400, `{"message":"bad"}`), response, 400, "400 Bad Request"},
		{"429", jsonAnswer(429, `{"message":"slow down"}`), network, 429, ""},
		{"500", jsonAnswer(500, `{"message":"boom"}`), network, 500, ""},
		{"407 from a proxy", html(407), network, 407, ""},
		{"502 HTML", html(502), network, 502, ""},
		{"oversized JSON", jsonAnswer(200, `{"x":"`+strings.Repeat("a", 2<<20)+`"}`), response, 200, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target, last, hits := fake(t, tc.h)
			res, err := direct().Verify(context.Background(), target, pat)
			noLeak(t, pat, res, err)
			switch tc.want {
			case valid:
				if err != nil || !res.Valid || res.Status != tc.status || !strings.Contains(res.Reason, tc.reasonHas) {
					t.Errorf("want valid: %+v, %v", res, err)
				}
			case invalid:
				mustInvalid(t, res, err, tc.status, tc.reasonHas)
			case network:
				if ne := mustNetwork(t, res, err); ne.Status != tc.status {
					t.Errorf("NetworkError.Status = %d, want %d", ne.Status, tc.status)
				}
			case response:
				var re *adoapi.ResponseError
				if !errors.As(err, &re) || res.Valid || !strings.Contains(re.Reason, tc.reasonHas) {
					t.Errorf("want *ResponseError with %q, got %+v, %T %v", tc.reasonHas, res, err, err)
				}
			}
			if hits.Load() != 1 {
				t.Errorf("%d requests reached the server, want exactly one (no redirect followed)", hits.Load())
			}
			want := seen{method: "GET", path: "/tfs/_apis/connectionData", auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(":"+pat)),
				fedAuth: "Suppress", accept: "application/json"}
			if *last != want {
				t.Errorf("request was %+v, want %+v", *last, want)
			}
		})
	}
}

func TestVerifyIdentityFields(t *testing.T) {
	t.Parallel()
	target, _, _ := fake(t, jsonAnswer(200, goodBody))
	res, err := direct().Verify(context.Background(), target, adotest.NewPAT())
	if err != nil {
		t.Fatal(err)
	}
	want := adoapi.Identity{
		ID:                "6b4b2ab5-0bd5-4b8a-9b0a-1b2c3d4e5f60",
		Descriptor:        `Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf\ada@example.com`,
		SubjectDescriptor: "aad.NmI0YjJhYjU",
		DisplayName:       "Ada", // customDisplayName wins over providerDisplayName
		UniqueName:        "ada@example.com",
	}
	if res.Identity != want {
		t.Errorf("Identity = %+v\nwant       %+v", res.Identity, want)
	}
	// Without Account, uniqueName is used; without any name, the id.
	target, _, _ = fake(t, jsonAnswer(200, `{"authenticatedUser":{"id":"u-1","uniqueName":"CORP\\ada","providerDisplayName":"Ada L"}}`))
	if res, err := direct().Verify(context.Background(), target, "p"); err != nil || res.Identity.String() != `Ada L <CORP\ada>` {
		t.Errorf("uniqueName fallback: %+v, %v", res, err)
	}
	target, _, _ = fake(t, jsonAnswer(200, `{"authenticatedUser":{"id":"u-2"}}`))
	if res, err := direct().Verify(context.Background(), target, "p"); err != nil || !res.Valid || res.Identity.String() != "u-2" {
		t.Errorf("id only: %+v, %v", res, err)
	}
}

func TestVerifyServerMessageIsCleaned(t *testing.T) {
	t.Parallel()
	pat := adotest.NewPAT()
	// A server that echoes the PAT and control characters in its message.
	target, _, _ := fake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-TFS-ServiceError", url.PathEscape("Access Denied: token "+pat+" has expired.\x1b[31m\u202e"+strings.Repeat("x", 500)))
		w.WriteHeader(401)
	})
	res, err := direct().Verify(context.Background(), target, pat)
	noLeak(t, pat, res, err)
	mustInvalid(t, res, err, 401, "401")
	if !strings.HasPrefix(res.ServerMessage, "Access Denied: token [PAT] has expired. [31m") ||
		strings.ContainsAny(res.ServerMessage, "\x1b\u202e") || len(res.ServerMessage) > 310 {
		t.Errorf("ServerMessage = %q", res.ServerMessage)
	}
}

func TestVerifyConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	pat := adotest.NewPAT()
	res, err := direct().Verify(context.Background(), adoapi.ServerEndpoint(azdo.Server{Scheme: "http", Host: addr}), pat)
	noLeak(t, pat, res, err)
	ne := mustNetwork(t, res, err)
	if ne.Status != 0 || ne.Timeout() || !strings.Contains(err.Error(), "cannot reach http://"+addr+"/_apis/connectionData") {
		t.Errorf("NetworkError %+v: %v", ne, err)
	}
}

func TestVerifyTimeoutWithoutAnswer(t *testing.T) {
	t.Parallel()
	// Accepts connections and never says a word.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	pat := adotest.NewPAT()
	for _, scheme := range []string{"http", "https"} { // https: stuck in the TLS handshake
		c := &adoapi.Client{HTTP: &http.Client{Transport: &http.Transport{}}, Timeout: 200 * time.Millisecond}
		res, err := c.Verify(context.Background(), adoapi.ServerEndpoint(azdo.Server{Scheme: scheme, Host: ln.Addr().String()}), pat)
		noLeak(t, pat, res, err)
		ne := mustNetwork(t, res, err)
		if !ne.Timeout() || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer") {
			t.Errorf("%s: want a timeout, got %v", scheme, err)
		}
	}
}

func TestVerifyTimeoutWhileReadingBody(t *testing.T) {
	t.Parallel()
	stall := make(chan struct{})
	target, _, _ := fake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"authenticatedUser":{"id":"u`))
		http.NewResponseController(w).Flush()
		select {
		case <-stall:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(stall) }) // runs before the server's Close
	c := direct()
	c.Timeout = 200 * time.Millisecond
	res, err := c.Verify(context.Background(), target, "p")
	if ne := mustNetwork(t, res, err); !ne.Timeout() {
		t.Errorf("want a timeout, got %v", err)
	}
}

func TestVerifyUntrustedCertificate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(jsonAnswer(200, goodBody))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	res, err := direct().Verify(context.Background(), adoapi.ServerEndpoint(azdo.Server{Scheme: "https", Host: u.Host}), "p")
	if ne := mustNetwork(t, res, err); ne.Timeout() || ne.Status != 0 {
		t.Errorf("NetworkError %+v", ne)
	}
}

func TestVerifyCallerCancels(t *testing.T) {
	t.Parallel()
	target, _, _ := fake(t, jsonAnswer(200, goodBody))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := direct().Verify(ctx, target, "p")
	mustNetwork(t, res, err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
}

func TestVerifyLeavesCallerClientAlone(t *testing.T) {
	t.Parallel()
	var cookies atomic.Int32
	target, _, _ := fake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" {
			cookies.Add(1)
		}
		jsonAnswer(200, goodBody)(w, r)
	})
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse("http://" + target.Server.Host + "/")
	jar.SetCookies(u, []*http.Cookie{{Name: "FedAuth", Value: "session"}})
	hc := &http.Client{Transport: &http.Transport{}, Jar: jar}
	if _, err := (&adoapi.Client{HTTP: hc}).Verify(context.Background(), target, "p"); err != nil {
		t.Fatal(err)
	}
	if cookies.Load() != 0 {
		t.Error("a session cookie from the caller's jar was sent")
	}
	if hc.CheckRedirect != nil || hc.Jar != jar {
		t.Error("Verify changed the caller's http.Client")
	}
}

func TestVerifyRefusesBadInput(t *testing.T) {
	t.Parallel()
	target, _, hits := fake(t, jsonAnswer(200, goodBody))
	var nilClient *adoapi.Client
	for _, tc := range []struct {
		target adoapi.Endpoint
		pat    string
	}{
		{target, ""},
		{adoapi.Endpoint{}, "p"},
		{adoapi.OrgEndpoint("not an org"), "p"},
		{adoapi.OrgEndpoint("fabrikam/x"), "p"},
		{adoapi.Endpoint{Org: "fabrikam", Server: azdo.Server{Scheme: "https", Host: "tfs.test"}}, "p"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "ftp", Host: "tfs.test"}), "p"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "https", Host: "evil.test/x@tfs.test"}), "p"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "https"}), "p"},
	} {
		if res, err := nilClient.Verify(context.Background(), tc.target, tc.pat); err == nil || res.Valid {
			t.Errorf("Verify(%+v, %q) = %+v, %v; want an error", tc.target, tc.pat, res, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests sent for bad input", hits.Load())
	}
}

func TestEndpointURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		target adoapi.Endpoint
		want   string
	}{
		{adoapi.OrgEndpoint("fabrikam"), "https://dev.azure.com/fabrikam/_apis/connectionData"},
		{adoapi.OrgEndpoint("Fabri-kam1"), "https://dev.azure.com/Fabri-kam1/_apis/connectionData"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "https", Host: "tfs.example.com"}), "https://tfs.example.com/_apis/connectionData"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "https", Host: "tfs.example.com", Prefix: "tfs/DefaultCollection"}), "https://tfs.example.com/tfs/DefaultCollection/_apis/connectionData"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "http", Host: "tfs.lan:8080", Prefix: "tfs/My Collection"}), "http://tfs.lan:8080/tfs/My%20Collection/_apis/connectionData"},
		{adoapi.ServerEndpoint(azdo.Server{Scheme: "https", Host: "[::1]:8443", Prefix: "/tfs/"}), "https://[::1]:8443/tfs/_apis/connectionData"},
	} {
		got, err := tc.target.URL()
		if err != nil || got != tc.want {
			t.Errorf("%+v.URL() = %q, %v; want %q", tc.target, got, err, tc.want)
		}
	}
}
