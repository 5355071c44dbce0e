package adotest

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
)

// proxy is the HTTP proxy git is pointed at. It is the only way in, and it
// only knows the stand-in's hosts, so nothing a test runs can reach the
// internet through it.
type proxy struct {
	s        *Server
	ln       net.Listener
	srv      *http.Server
	upstream string // address of the TLS server
	served   chan struct{}

	mu      sync.Mutex
	closed  bool
	tunnels map[net.Conn]struct{}
	wg      sync.WaitGroup // running handlers, including tunnel copiers
}

func startProxy(s *Server, upstream string, logw io.Writer) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{s: s, ln: ln, upstream: upstream, served: make(chan struct{}), tunnels: map[net.Conn]struct{}{}}
	p.srv = &http.Server{Handler: p, ErrorLog: log.New(logw, "adotest proxy: ", 0)}
	go func() {
		defer close(p.served)
		p.srv.Serve(ln) // returns on close
	}()
	return p, nil
}

func (p *proxy) url() string { return "http://" + p.ln.Addr().String() }

// enter registers a running handler unless the proxy is closing; the flag
// and WaitGroup share the mutex so close never races an Add.
func (p *proxy) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	return true
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.enter() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer p.wg.Done()
	switch {
	case r.Method == http.MethodConnect:
		p.connect(w, r)
	case r.URL.IsAbs():
		p.forward(w, r)
	default:
		sw := p.s.journal.begin(w, r)
		defer sw.done()
		http.Error(sw, "adotest proxy: only CONNECT and absolute-URI requests", http.StatusBadRequest)
	}
}

// tunnelAllowed reports whether CONNECT may reach hp: the cloud hosts on
// 443 (one label below visualstudio.com, as the certificate covers) and
// declared HTTPS hosts.
func (p *proxy) tunnelAllowed(hp string) bool {
	kind, _ := p.s.classify(origin{scheme: "https", hp: hp})
	return kind != hostUnknown
}

func (p *proxy) connect(w http.ResponseWriter, r *http.Request) {
	sw := p.s.journal.begin(w, r)
	defer sw.done()
	hp, err := hostPort(r.Host, "443")
	if err != nil || !p.tunnelAllowed(hp) {
		http.Error(sw, "adotest proxy: "+r.Host+" is not an Azure DevOps stand-in host", http.StatusForbidden)
		return
	}
	var d net.Dialer
	up, err := d.DialContext(r.Context(), "tcp", p.upstream)
	if err != nil {
		http.Error(sw, err.Error(), http.StatusBadGateway)
		return
	}
	down, brw, err := http.NewResponseController(sw).Hijack()
	if err != nil {
		up.Close()
		http.Error(sw, err.Error(), http.StatusInternalServerError)
		return
	}
	sw.status = http.StatusOK
	if !p.track(up, down) {
		return
	}
	defer p.untrack(up, down)
	if _, err := io.WriteString(down, "HTTP/1.1 200 Connection Established\r\n\r\n"); err != nil {
		return
	}
	// brw may already hold the start of the TLS handshake if the client
	// did not wait for our 200.
	p.wg.Add(1) // safe: this handler's own Add keeps the count above zero
	go func() {
		defer p.wg.Done()
		io.Copy(up, brw)
		closeBoth(up, down) // one side ended: the tunnel is over
	}()
	io.Copy(down, up)
	closeBoth(up, down)
}

func closeBoth(a, b net.Conn) {
	a.Close()
	b.Close()
}

// track remembers tunnel connections so close can cut them; it refuses
// (and closes them) once the proxy is closing.
func (p *proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.tunnels[c] = struct{}{}
	}
	return true
}

func (p *proxy) untrack(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		delete(p.tunnels, c)
	}
}

// forward serves a plain-HTTP absolute-URI request for a declared HTTP host
// directly from the git handler, keeping its Host, as an on-prem server
// reached through a corporate proxy would see it.
func (p *proxy) forward(w http.ResponseWriter, r *http.Request) {
	hp, err := hostPort(r.Host, "80")
	if err == nil && strings.EqualFold(r.URL.Scheme, "http") && p.s.extraHTTP[hp] {
		p.s.serveGit(w, r, "http")
		return
	}
	sw := p.s.journal.begin(w, r)
	defer sw.done()
	http.Error(sw, "adotest proxy: "+r.URL.Scheme+"://"+r.Host+" is not a declared HTTP host", http.StatusForbidden)
}

// close stops the proxy and waits until every handler and tunnel
// goroutine has returned.
func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.tunnels {
		c.Close()
	}
	p.mu.Unlock()
	p.srv.Close()
	// Close does not wait for connection goroutines; Shutdown on an
	// already closed server does, and returns as soon as they are gone.
	p.srv.Shutdown(context.Background())
	p.wg.Wait()
	<-p.served
}
