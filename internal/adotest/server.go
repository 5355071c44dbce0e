package adotest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Server is a running Azure DevOps stand-in.
type Server struct {
	// CAFile is the PEM file of the throw-away CA that signed the server
	// certificate: GIT_SSL_CAINFO for git, SSL_CERT_FILE for Go programs.
	CAFile string
	// ProxyURL is the proxy through which the stand-in's hosts are
	// reached, e.g. "http://127.0.0.1:41234": http.proxy for git,
	// HTTPS_PROXY / HTTP_PROXY for Go programs.
	ProxyURL string

	reposDir  string // GIT_PROJECT_ROOT
	home      string // HOME of every server-side git process
	roots     *x509.CertPool
	extraTLS  map[string]bool // canonical host:port of declared HTTPS hosts
	extraHTTP map[string]bool // canonical host:port of declared HTTP hosts
	tls       *httptest.Server
	proxy     *proxy
	backend   *backend
	journal   journal

	addMu     sync.Mutex // serialises AddRepo
	repoCount int        // guarded by addMu

	mu        sync.Mutex // guards the fields below
	routes    []route
	pats      map[string]string
	authStats map[string]AuthStats

	conn connData // connectionData endpoint settings (connectiondata.go)

	ca    *authority // issues the Entra stand-in's certificate too
	entra *Entra     // set by StartEntra; guarded by mu

	closeOnce sync.Once
}

// Start creates the CA and certificate, starts the TLS server and the
// proxy, and returns the running stand-in. Call Close when done.
func Start(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("adotest: Options.Dir is required")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	s := &Server{
		CAFile:    filepath.Join(dir, "ca.pem"),
		reposDir:  filepath.Join(dir, "repos"),
		home:      filepath.Join(dir, "server-home"),
		pats:      map[string]string{},
		authStats: map[string]AuthStats{},
	}
	if s.extraTLS, err = hostSet(opts.ExtraHosts, "443"); err != nil {
		return nil, err
	}
	if s.extraHTTP, err = hostSet(opts.ExtraHTTPHosts, "80"); err != nil {
		return nil, err
	}
	for _, d := range []string{s.reposDir, s.home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	cert, err := s.writeCA()
	if err != nil {
		return nil, err
	}
	if s.backend, err = newBackend(s.reposDir, s.home, logw); err != nil {
		return nil, err
	}

	s.tls = httptest.NewUnstartedServer(nil)
	s.tls.Config.Handler = http.HandlerFunc(s.serveTLS)
	s.tls.Config.ErrorLog = log.New(logw, "adotest tls: ", 0)
	s.tls.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.tls.StartTLS()

	if s.proxy, err = startProxy(s, s.tls.Listener.Addr().String(), logw); err != nil {
		s.tls.Close()
		return nil, err
	}
	s.ProxyURL = s.proxy.url()
	return s, nil
}

// writeCA creates the CA, writes CAFile and issues the server certificate
// for the cloud names and the declared HTTPS hosts.
func (s *Server) writeCA() (tls.Certificate, error) {
	ca, err := newAuthority()
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("adotest: CA: %w", err)
	}
	if err := os.WriteFile(s.CAFile, ca.certPEM, 0o644); err != nil {
		return tls.Certificate{}, err
	}
	s.ca = ca
	s.roots = x509.NewCertPool()
	s.roots.AddCert(ca.cert)
	// Sorted so the certificate does not vary with map order; a host
	// declared on two ports needs its name only once.
	var extra []string
	for hp := range s.extraTLS {
		extra = append(extra, hostName(hp))
	}
	slices.Sort(extra)
	return ca.issue(append([]string{devAzureHost, "*" + vsSuffix}, slices.Compact(extra)...))
}

// Close stops the proxy and the TLS server and waits for every request,
// tunnel and http-backend process to finish. Dir is left in place.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		// Proxy first: its tunnels are connections to the TLS server,
		// which would otherwise wait for them.
		s.proxy.close()
		s.tls.Close()
	})
}

// RequestLines returns every request line received so far, in order: git
// requests through the tunnel, proxied plain-HTTP requests (absolute URI)
// and the proxy's CONNECT lines.
func (s *Server) RequestLines() []string {
	reqs := s.journal.snapshot()
	lines := make([]string, len(reqs))
	for i, r := range reqs {
		lines[i] = r.Line
	}
	return lines
}

// Requests returns what RequestLines does, with Host and answer status.
func (s *Server) Requests() []Request {
	return s.journal.snapshot()
}
