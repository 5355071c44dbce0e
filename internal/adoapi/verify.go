package adoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultTimeout bounds a Verify call when Client.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// Size caps on what is read of an answer. connectionData is a few
// kilobytes; error bodies are only mined for a message.
const (
	maxBody      = 1 << 20
	maxErrorBody = 64 << 10
)

const userAgent = "git-credential-adopat"

// Client asks Azure DevOps about PATs. The zero value, and a nil *Client,
// are ready to use.
type Client struct {
	// HTTP sends the requests. Nil means a client that honours
	// HTTPS_PROXY/HTTP_PROXY/NO_PROXY and SSL_CERT_FILE, with the system
	// roots and TLS 1.2 or later. Its CheckRedirect and Jar are not used:
	// Verify follows no redirect and sends no cookie.
	HTTP *http.Client
	// Timeout bounds each call as a whole: connecting, the proxy, TLS,
	// waiting for the answer and reading its body. Zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// Result is Azure DevOps' verdict on a PAT.
type Result struct {
	// Valid is true when Azure DevOps accepted the PAT.
	Valid bool `json:"valid"`
	// Identity is who the PAT authenticated as; set when Valid.
	Identity Identity `json:"identity"`
	// Status is the HTTP status of the answer (0 when none came).
	Status int `json:"status,omitempty"`
	// Reason explains the verdict for a person, e.g.
	// "401 Unauthorized: the PAT is wrong, expired or revoked".
	Reason string `json:"reason,omitempty"`
	// ServerMessage is Azure DevOps' own explanation when it gave one
	// (X-TFS-ServiceError, or the message of a JSON error), cleaned and
	// shortened, e.g. "Access Denied: The Personal Access Token used has
	// expired."
	ServerMessage string `json:"server_message,omitempty"`
	// URL is the URL asked. It never carries the PAT.
	URL string `json:"url,omitempty"`
}

// Verify asks the connectionData endpoint at e whether pat is accepted
// (HTTP Basic, empty username, the PAT as password, as Azure DevOps
// documents for PATs).
//
// It returns a Result (Valid or not) when Azure DevOps judged the PAT, and
// an error when it did not: *NetworkError (unreachable, TLS, proxy,
// timeout, cancelled, 5xx, 429, 407, 408) or *ResponseError (an answer
// unrelated to the PAT, such as 404). With an error, the Result still
// carries URL and, when an answer came, Status; Valid is false but means
// "unknown".
func (c *Client) Verify(ctx context.Context, e Endpoint, pat string) (Result, error) {
	return c.verify(ctx, e, pat, false)
}

// VerifyBearer is Verify for a Microsoft Entra access token, sent as a
// Bearer token ("Authorization: Bearer TOKEN"), as Azure DevOps documents
// for Entra tokens. Its Reason names the token, not a PAT.
func (c *Client) VerifyBearer(ctx context.Context, e Endpoint, token string) (Result, error) {
	res, err := c.verify(ctx, e, token, true)
	res.Reason = strings.ReplaceAll(res.Reason, "the PAT", "the Microsoft Entra token")
	return res, err
}

func (c *Client) verify(ctx context.Context, e Endpoint, pat string, bearer bool) (Result, error) {
	u, err := e.URL()
	if err != nil {
		return Result{}, err
	}
	res := Result{URL: u}
	if pat == "" {
		return res, errors.New("adoapi: no PAT to verify")
	}
	limit := c.timeout()
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < limit {
		limit = max(time.Until(dl).Round(time.Millisecond), 0) // the caller's deadline binds: say so in errors
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return res, err // u is built by Endpoint.URL; cannot carry the PAT
	}
	if bearer {
		req.Header.Set("Authorization", "Bearer "+pat)
	} else {
		req.SetBasicAuth("", pat)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	// Asks Azure DevOps for a plain 401 instead of redirecting to an
	// interactive sign-in, as its own client libraries do. It does not
	// always comply (203 sign-in pages), so classify handles both.
	req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")

	resp, err := c.httpClient().Do(req)
	if err != nil {
		return res, netError(u, err, limit)
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	return classify(res, resp, pat, limit)
}

func (c *Client) timeout() time.Duration {
	if c == nil || c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// httpClient is a copy of the configured client that stops at the first
// redirect, so classify sees it, and has no cookie jar: a session cookie
// for Azure DevOps must never make a bad PAT look good.
func (c *Client) httpClient() *http.Client {
	var base *http.Client
	if c != nil && c.HTTP != nil {
		base = c.HTTP
	} else {
		base = defaultHTTP()
	}
	hc := *base
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

// netError wraps a transport failure. *url.Error is unwrapped: its text
// repeats the URL, which NetworkError already gives.
func netError(u string, err error, limit time.Duration) *NetworkError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &NetworkError{URL: u, Err: err, limit: limit}
}

// classify turns an answer into a verdict or an error.
func classify(res Result, resp *http.Response, pat string, limit time.Duration) (Result, error) {
	code := resp.StatusCode
	res.ServerMessage = clean(serviceError(resp.Header), pat)
	switch {
	case code == http.StatusUnauthorized:
		res.Reason = "401 Unauthorized: the PAT is wrong, expired or revoked"
		return res, nil
	case code == http.StatusForbidden:
		res.Reason = "403 Forbidden: Azure DevOps knows the PAT but refused this request: " +
			"it may lack a needed scope, be limited to other organisations, or be blocked by a policy"
		res.ServerMessage = firstNonEmpty(res.ServerMessage, jsonMessage(resp, pat))
		return res, nil
	case code == http.StatusNonAuthoritativeInfo:
		// Azure DevOps' sign-in page for a PAT it did not accept. A 203 is
		// never a real connectionData answer, whatever its Content-Type.
		res.Reason = "203 with a sign-in page: Azure DevOps did not accept the PAT"
		return res, nil
	case code >= 200 && code < 300:
		return success(res, resp, pat, limit)
	case code >= 300 && code < 400:
		return redirect(res, resp, pat)
	case code >= 500 || code == http.StatusTooManyRequests ||
		code == http.StatusProxyAuthRequired || code == http.StatusRequestTimeout:
		// The server or a proxy on the way failed or is throttling.
		return res, &NetworkError{URL: res.URL, Status: code, Message: firstNonEmpty(res.ServerMessage, jsonMessage(resp, pat)), limit: limit}
	}
	reason := statusLine(code) + ": the server's answer says nothing about the PAT"
	if code == http.StatusNotFound {
		reason = "404 Not Found: no Azure DevOps organisation or collection answers at this URL"
	}
	return res, &ResponseError{URL: res.URL, Status: code, Reason: reason, Message: firstNonEmpty(res.ServerMessage, jsonMessage(resp, pat))}
}

// success reads a 2xx answer: valid only for JSON naming a real user.
func success(res Result, resp *http.Response, pat string, limit time.Duration) (Result, error) {
	status := statusLine(resp.StatusCode)
	if mt := mediaType(resp.Header.Get("Content-Type")); !isJSON(mt) {
		if mt == "" {
			mt = "no Content-Type"
		}
		res.Reason = fmt.Sprintf("%s with %s instead of JSON (a sign-in page?): Azure DevOps did not accept the PAT", status, mt)
		return res, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return res, netError(res.URL, err, limit)
	}
	if len(body) > maxBody {
		return res, &ResponseError{URL: res.URL, Status: resp.StatusCode,
			Reason: fmt.Sprintf("%s with more than %d bytes of JSON: not a connectionData answer", status, maxBody)}
	}
	var cd connectionData
	if err := json.Unmarshal(body, &cd); err != nil {
		res.Reason = status + " with a body that is not valid JSON: Azure DevOps did not accept the PAT"
		return res, nil
	}
	if cd.AuthenticatedUser.anonymous() {
		res.Reason = status + " for an anonymous user: Azure DevOps did not accept the PAT"
		return res, nil
	}
	res.Valid = true
	res.Identity = cd.AuthenticatedUser.identity()
	res.Identity.DisplayName = clean(res.Identity.DisplayName, pat)
	res.Identity.UniqueName = clean(res.Identity.UniqueName, pat)
	res.Reason = status + ": Azure DevOps accepted the PAT for " + res.Identity.String()
	return res, nil
}

// redirect classifies a redirect, which is never followed: one to a
// sign-in page means the PAT was refused; any other says nothing about it.
func redirect(res Result, resp *http.Response, pat string) (Result, error) {
	status := statusLine(resp.StatusCode)
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		return res, &ResponseError{URL: res.URL, Status: resp.StatusCode, Reason: status + " without a usable Location"}
	}
	if signIn(loc) {
		res.Reason = fmt.Sprintf("%s to a sign-in page (%s): Azure DevOps did not accept the PAT", status, clean(loc.Host, pat))
		return res, nil
	}
	where := clean((&url.URL{Scheme: loc.Scheme, Host: loc.Host, Path: loc.Path}).String(), pat)
	return res, &ResponseError{URL: res.URL, Status: resp.StatusCode,
		Reason: fmt.Sprintf("%s to %s, which is not followed with a PAT: check the organisation or server URL", status, where)}
}

// signIn reports whether a redirect goes to an interactive sign-in: the
// Microsoft identity platform, Azure DevOps' account service, or a sign-in
// or ADFS path on any host (Azure DevOps Server behind federation).
func signIn(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	switch host {
	case "login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "login.live.com",
		"app.vssps.visualstudio.com", "aex.dev.azure.com", "vssps.dev.azure.com":
		return true
	}
	if strings.HasSuffix(host, ".vssps.visualstudio.com") || strings.HasSuffix(host, ".vssps.dev.azure.com") {
		return true
	}
	p := strings.ToLower(u.Path)
	for _, s := range []string{"signin", "sign-in", "login", "logon", "/adfs/", "/oauth2/"} {
		if strings.Contains(p, s) {
			return true
		}
	}
	return false
}

func mediaType(ct string) string {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

func isJSON(mt string) bool {
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// serviceError reads X-TFS-ServiceError, where Azure DevOps repeats the
// message of an error, URL-encoded.
func serviceError(h http.Header) string {
	v := h.Get("X-TFS-ServiceError")
	if s, err := url.PathUnescape(v); err == nil {
		return s
	}
	return v
}

// jsonMessage reads the "message" of an Azure DevOps JSON error body.
func jsonMessage(resp *http.Response, pat string) string {
	if !isJSON(mediaType(resp.Header.Get("Content-Type"))) {
		return ""
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return ""
	}
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return clean(e.Message, pat)
}

// maxMessage bounds server text quoted in a Reason or error.
const maxMessage = 300

// clean makes server-supplied text safe to show: the PAT, should a server
// echo it, is blotted out, control characters become spaces, runs of space
// collapse, format characters (bidi overrides) go, and the text is cut at
// maxMessage bytes.
func clean(s, pat string) string {
	if s == "" {
		return ""
	}
	if pat != "" {
		s = strings.ReplaceAll(s, pat, "[PAT]")
	}
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
