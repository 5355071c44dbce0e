package azdo

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Server is an Azure DevOps Server (on premises) the user declared with
// --server, e.g. https://tfs.example.com/tfs. Only hosts declared this way
// are answered outside Azure DevOps cloud.
type Server struct {
	Scheme string // "https" or "http"
	Host   string // lower case, with ":port" unless it is the scheme's default
	Prefix string // path prefix without slashes, "" for the whole host
}

// ParseServer parses a --server value: scheme://host[:port][/path/prefix].
func ParseServer(raw string) (Server, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Server{}, fmt.Errorf("--server %q: want a URL like https://tfs.example.com or http://tfs.lan:8080/tfs", raw)
	}
	// A bare "?" or "#" parses as an empty query or fragment; refuse them
	// too, so the URL given is the URL used.
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || strings.Contains(raw, "#") {
		return Server{}, fmt.Errorf("--server %q: give only scheme, host, port and path (no user, query or fragment); write a # or ? in a collection name as %%23 or %%3F", raw)
	}
	if !plainHost(u.Hostname()) {
		return Server{}, fmt.Errorf("--server %q: the host must be ASCII letters, digits, dots and hyphens (an international name in its xn-- form) or an IP address", raw)
	}
	prefix := strings.Trim(u.Path, "/")
	if err := checkPrefix(prefix); err != nil {
		return Server{}, fmt.Errorf("--server %q: %v", raw, err)
	}
	s := Server{Scheme: u.Scheme, Host: NormalizeHost(u.Scheme, u.Host), Prefix: prefix}
	if hostname, _ := splitHostPort(s.Host); cloudHost(hostname) {
		return Server{}, fmt.Errorf("--server %q: %s is Azure DevOps cloud, which adopat serves without --server", raw, hostname)
	}
	return s, nil
}

// String gives the server back as a URL, its path percent-escaped, so it
// can stand in git config and on a helper command line as one word:
// "https://tfs.example.com/My%20Collection".
func (s Server) String() string {
	u := url.URL{Scheme: s.Scheme, Host: s.Host}
	if s.Prefix != "" {
		u.Path = "/" + s.Prefix
	}
	return u.String()
}

// Matches reports whether a request belongs to this server. A request
// without a path (credential.useHttpPath unset) matches on scheme and host
// alone: git's own URL matching of credential.<url>.helper already chose us.
func (s Server) Matches(protocol, host, path string) bool {
	if protocol != s.Scheme || NormalizeHost(protocol, host) != s.Host {
		return false
	}
	if s.Prefix == "" || path == "" {
		return true
	}
	p := strings.ToLower(strings.Trim(path, "/"))
	prefix := strings.ToLower(s.Prefix)
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// NormalizeHost lower-cases a host, drops a trailing dot and drops the
// scheme's default port, so that "Dev.Azure.com.:443" and "dev.azure.com"
// name the same host.
func NormalizeHost(scheme, host string) string {
	name, port := splitHostPort(asciiLower(host))
	name = strings.TrimSuffix(name, ".")
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		return net.JoinHostPort(name, port)
	}
	if strings.Contains(name, ":") && !strings.HasPrefix(name, "[") {
		return "[" + name + "]" // IPv6 literal whose default port was dropped
	}
	return name
}

// splitHostPort splits "name:port". Brackets are removed only around an
// IPv6 literal: "[dev.azure.com]" is not the host dev.azure.com.
func splitHostPort(host string) (name, port string) {
	if h, p, err := net.SplitHostPort(host); err == nil {
		if strings.HasPrefix(host, "[") && !strings.Contains(h, ":") {
			return host, ""
		}
		return h, p
	}
	if inner, ok := strings.CutPrefix(host, "["); ok && strings.HasSuffix(inner, "]") && strings.Contains(inner, ":") {
		return strings.TrimSuffix(inner, "]"), ""
	}
	return host, ""
}

// asciiLower lower-cases ASCII letters only. Host names compare ASCII
// case-insensitively; strings.ToLower would also turn U+212A KELVIN SIGN
// into "k" and so make a different host name equal to a cloud host.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
