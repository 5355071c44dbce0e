package adotest

import (
	"net/http"
	"sync"
)

// Request is one request the stand-in received, for test assertions.
type Request struct {
	// Line is the request line as received, e.g.
	// "GET /fabrikam/Website/_git/web/info/refs?service=git-upload-pack HTTP/1.1",
	// "GET http://legacy.test:8080/... HTTP/1.1" or
	// "CONNECT dev.azure.com:443 HTTP/1.1".
	Line string
	// Host is the Host header, or the CONNECT authority.
	Host string
	// Status is the answer's status code; 0 while still in flight.
	Status int
}

// journal records requests in arrival order. Headers are deliberately not
// kept: they carry the PATs, and tests assert the log never does.
type journal struct {
	mu   sync.Mutex
	reqs []Request
}

func (j *journal) add(r *http.Request) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reqs = append(j.reqs, Request{Line: r.Method + " " + r.RequestURI + " " + r.Proto, Host: r.Host})
	return len(j.reqs) - 1
}

func (j *journal) setStatus(i, code int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reqs[i].Status = code
}

func (j *journal) snapshot() []Request {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Request(nil), j.reqs...)
}

// begin records r and returns a writer that notes the status it answers;
// call done when the handler returns.
func (j *journal) begin(w http.ResponseWriter, r *http.Request) *statusWriter {
	return &statusWriter{ResponseWriter: w, j: j, i: j.add(r)}
}

type statusWriter struct {
	http.ResponseWriter
	j      *journal
	i      int
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and Hijack underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) done() {
	if w.status == 0 {
		w.status = http.StatusOK // a handler that writes nothing answers 200
	}
	w.j.setStatus(w.i, w.status)
}
