package adoapi

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
)

// defaultHTTP is the client of a Client without HTTP: net/http's default
// transport (HTTPS_PROXY, HTTP_PROXY and NO_PROXY through
// http.ProxyFromEnvironment; HTTP/2; connection timeouts), TLS 1.2 or
// later, the system roots, and SSL_CERT_FILE on every platform.
var defaultHTTP = sync.OnceValue(func() *http.Client {
	return &http.Client{Transport: EnvTransport()}
})

// EnvTransport is a new transport of the kind defaultHTTP uses: the
// proxy from the environment, TLS 1.2 or later, the system roots and
// SSL_CERT_FILE on every platform. internal/entra reaches Microsoft Entra
// and Key Vault with it, which follow the environment, not git's config.
func EnvTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	t.TLSClientConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    extraRoots(runtime.GOOS, os.Getenv, os.ReadFile),
	}
	return t
}

// extraRoots returns nil (the system roots) except where the system roots
// ignore SSL_CERT_FILE. On Linux and the BSDs Go's system roots already
// read it (and it replaces the default bundle). On macOS and Windows the
// platform verifier does not; there the file's certificates are added to
// the system pool, so that a corporate TLS-inspecting proxy's CA, or a
// test stand-in's, is trusted the same way everywhere. A file that cannot
// be read or holds no certificate changes nothing.
func extraRoots(goos string, getenv func(string) string, readFile func(string) ([]byte, error)) *x509.CertPool {
	if goos != "darwin" && goos != "windows" && goos != "ios" {
		return nil
	}
	file := getenv("SSL_CERT_FILE")
	if file == "" {
		return nil
	}
	pem, err := readFile(file)
	if err != nil {
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil
	}
	return pool
}

// Network is how to reach Azure DevOps when git's own settings say more
// than the environment Go reads by default: the CA file and the proxy git
// would use for the same URL (git-config(1), http.sslCAInfo, http.proxy).
type Network struct {
	// CAFile, when set, is the only source of trusted roots, as it is for
	// git: http.sslCAInfo and GIT_SSL_CAINFO become curl's CURLOPT_CAINFO,
	// which replaces the CA bundle curl would otherwise use.
	CAFile string
	// Proxy is the proxy URL; "" means a direct connection. A value
	// without a scheme is an HTTP proxy, as curl reads it.
	Proxy string
	// NoProxy lists hosts reached directly even with a Proxy (NO_PROXY):
	// comma-separated names, each matching itself and its subdomains, or
	// "*" for every host.
	NoProxy string
}

// NewHTTP returns a client like the default one (TLS 1.2 or later,
// HTTP/2, net/http's connection timeouts) that trusts and proxies as n
// says. A CA file that cannot be read or holds no certificate is an error,
// as it is for git: it would trust nothing.
func NewHTTP(n Network) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if n.CAFile == "" {
		t.TLSClientConfig.RootCAs = extraRoots(runtime.GOOS, os.Getenv, os.ReadFile)
	} else {
		pem, err := os.ReadFile(n.CAFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read the CA file %s: %w", n.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("the CA file %s holds no PEM certificate", n.CAFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	t.Proxy = nil
	if n.Proxy != "" {
		raw := n.Proxy
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		proxy, err := url.Parse(raw)
		if err != nil || proxy.Host == "" {
			return nil, fmt.Errorf("proxy %q is not a URL", redactProxy(n.Proxy))
		}
		switch proxy.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return nil, fmt.Errorf("proxy %q: scheme %s is not supported (http, https, socks5 are)", redactProxy(n.Proxy), proxy.Scheme)
		}
		t.Proxy = func(r *http.Request) (*url.URL, error) {
			if bypassProxy(r.URL.Hostname(), n.NoProxy) {
				return nil, nil
			}
			return proxy, nil
		}
	}
	return &http.Client{Transport: t}, nil
}

// bypassProxy reports whether NO_PROXY names host, as curl reads it: "*"
// is every host; a name (a leading dot ignored, a port ignored) matches
// itself and every name below it; an IP address matches itself.
func bypassProxy(host, noProxy string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, e := range strings.Split(noProxy, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "*" {
			return true
		}
		if h, _, err := net.SplitHostPort(e); err == nil {
			e = h
		}
		e = strings.TrimSuffix(strings.TrimPrefix(strings.Trim(e, "[]"), "."), ".")
		if e != "" && (host == e || strings.HasSuffix(host, "."+e)) {
			return true
		}
	}
	return false
}

// redactProxy drops a password from a proxy URL before it is shown.
func redactProxy(raw string) string {
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		scheme, _, ok := strings.Cut(raw[:at], "://")
		if ok {
			return scheme + "://[redacted]" + raw[at:]
		}
		return "[redacted]" + raw[at:]
	}
	return raw
}
