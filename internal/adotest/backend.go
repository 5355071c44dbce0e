package adotest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// backend runs git http-backend as a CGI program over the bare repositories.
type backend struct {
	path   string   // the git-http-backend executable
	env    []string // fixed part of its environment
	stderr io.Writer
}

// maxChunkedBody bounds the buffering of chunked uploads (large pushes).
const maxChunkedBody = 256 << 20

func newBackend(root, home string, stderr io.Writer) (*backend, error) {
	// The CGI program lives in git's exec path, which differs between
	// distributions (/usr/lib/git-core, /usr/libexec/git-core, ...).
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil && runtime.GOOS == "windows" {
		// The Windows unit tests run under Wine with no Windows git
		// (README, "Windows"): the stand-in still answers connectionData,
		// and a git request gets a 503 saying why.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("adotest: git --exec-path: %w", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("adotest: git http-backend not found: %w", err)
	}
	return &backend{
		path: path,
		// cgi.Handler passes only PATH and the dynamic-loader variables of
		// the parent; HOME and the config switches keep the developer's git
		// configuration out of the server.
		env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			"HOME=" + home,
			"GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL=" + os.DevNull,
		},
		stderr: stderr,
	}, nil
}

// serve hands r to git http-backend for repository rp; rest is the part of
// the path below the repository URL (/info/refs, /git-upload-pack, ...).
func (b *backend) serve(w http.ResponseWriter, r *http.Request, rp *repo, rest, user string) {
	if b == nil {
		http.Error(w, "adotest: no git http-backend here (a Windows test without git)", http.StatusServiceUnavailable)
		return
	}
	r2 := r.Clone(r.Context())
	// PATH_INFO is taken from the URL path: point it at the bare repository
	// below GIT_PROJECT_ROOT instead of the Azure DevOps URL.
	r2.URL.Path = "/" + rp.rel + rest
	r2.URL.RawPath = ""
	// The PAT has been checked; do not hand it to the CGI environment.
	r2.Header.Del("Authorization")
	if len(r.TransferEncoding) > 0 {
		// net/http/cgi refuses chunked bodies, which git uses for uploads
		// above http.postBuffer; buffer them to give a Content-Length.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxChunkedBody+1))
		if err == nil && len(body) > maxChunkedBody {
			err = errors.New("request body too large")
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.ContentLength = int64(len(body))
		r2.TransferEncoding = nil
	}
	if user == "" {
		user = "adotest"
	}
	h := &cgi.Handler{
		Path:   b.path,
		Root:   "/",
		Dir:    os.TempDir(),
		Stderr: b.stderr,
		// REMOTE_USER makes http-backend accept pushes (receive-pack),
		// which it otherwise refuses to anonymous users.
		Env: append(append([]string(nil), b.env...), "REMOTE_USER="+user),
	}
	h.ServeHTTP(w, r2)
}
