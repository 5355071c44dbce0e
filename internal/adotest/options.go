package adotest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// Options configures Start.
type Options struct {
	// Dir holds the bare repositories, the CA file and the backend's HOME.
	// Required. Close leaves it in place: the caller owns it (t.TempDir()).
	Dir string
	// ExtraHosts are on-prem "Azure DevOps Server" names served over HTTPS
	// through the tunnel, as "host" (port 443) or "host:port".
	ExtraHosts []string
	// ExtraHTTPHosts are on-prem names served over plain HTTP by the proxy,
	// as "host:port" ("host" alone means port 80).
	ExtraHTTPHosts []string
	// Log receives git http-backend stderr and server error logs. Nil
	// discards them, so passing tests stay quiet.
	Log io.Writer
}

const (
	devAzureHost = "dev.azure.com"
	vsSuffix     = ".visualstudio.com"
)

// hostPort lowercases h and makes its port explicit, so that
// "Dev.Azure.com" and "dev.azure.com:443" become the same key.
func hostPort(h, defaultPort string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	if h == "" {
		return "", errors.New("adotest: empty host name")
	}
	name, port, err := net.SplitHostPort(h)
	if err != nil {
		// No port given; brackets may still wrap an IPv6 literal.
		name, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), defaultPort
	}
	if name == "" || port == "" || strings.ContainsAny(name, "/@ ") {
		return "", fmt.Errorf("adotest: bad host name %q", h)
	}
	return net.JoinHostPort(name, port), nil
}

// hostName is the name part of a canonical host:port.
func hostName(hp string) string {
	name, _, err := net.SplitHostPort(hp)
	if err != nil {
		return hp
	}
	return name
}

// displayHost drops the scheme's default port, as a browser would show it.
func displayHost(scheme, hp string) string {
	name, port, err := net.SplitHostPort(hp)
	if err != nil {
		return hp
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		if strings.Contains(name, ":") {
			return "[" + name + "]"
		}
		return name
	}
	return hp
}

// hostSet canonicalises a list of declared hosts.
func hostSet(hosts []string, defaultPort string) (map[string]bool, error) {
	set := make(map[string]bool, len(hosts))
	for _, h := range hosts {
		hp, err := hostPort(h, defaultPort)
		if err != nil {
			return nil, err
		}
		set[hp] = true
	}
	return set, nil
}
