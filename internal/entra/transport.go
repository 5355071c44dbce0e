package entra

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
)

// LoopbackOnly is the variable that confines every request of this
// package to loopback addresses. The tests set it for each process they
// start, so that no code path (a managed identity falling back to the
// instance metadata address 169.254.169.254, instance discovery at
// login.microsoftonline.com, a Key Vault's real host) can leave the
// machine: such a request fails before any connection is made.
const LoopbackOnly = "ADOPAT_LOOPBACK_ONLY"

// Transport is the HTTP client for Microsoft Entra, managed identity
// endpoints and Key Vault: the proxy from the environment (HTTPS_PROXY,
// NO_PROXY; loopback addresses are always reached directly), the system
// roots and SSL_CERT_FILE (adoapi.EnvTransport). These services follow the
// environment, as the Azure SDK does, not git's http.* settings.
func Transport(getenv func(string) string) *http.Client {
	t := adoapi.EnvTransport()
	if getenv(LoopbackOnly) == "" {
		return &http.Client{Transport: t}
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackControl}
	t.DialContext = d.DialContext
	return &http.Client{Transport: loopbackOnly{t}}
}

// loopbackControl refuses, before it is made, a connection to any address
// but a loopback one (a name that resolved elsewhere, a proxy elsewhere).
func loopbackControl(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is set: refusing to connect to %s, which is not a loopback address", LoopbackOnly, address)
	}
	return nil
}

// loopbackOnly refuses a request for any host but a loopback address or
// localhost before it is sent, proxy or not.
type loopbackOnly struct{ next http.RoundTripper }

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s is set: refusing a request to %s, which is not a loopback address", LoopbackOnly, host)
	}
	return l.next.RoundTrip(r)
}
