package adoapi

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"runtime"
	"sync"
)

// defaultHTTP is the client of a Client without HTTP: net/http's default
// transport (HTTPS_PROXY, HTTP_PROXY and NO_PROXY through
// http.ProxyFromEnvironment; HTTP/2; connection timeouts), TLS 1.2 or
// later, the system roots, and SSL_CERT_FILE on every platform.
var defaultHTTP = sync.OnceValue(func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = http.ProxyFromEnvironment
	t.TLSClientConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    extraRoots(runtime.GOOS, os.Getenv, os.ReadFile),
	}
	return &http.Client{Transport: t}
})

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
