package adoapi

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
)

func TestExtraRoots(t *testing.T) {
	t.Parallel()
	s := adotest.StartT(t)
	env := func(file string) func(string) string {
		return func(k string) string {
			if k == "SSL_CERT_FILE" {
				return file
			}
			return ""
		}
	}
	notPEM := func(string) ([]byte, error) { return []byte("not a certificate"), nil }
	missing := func(string) ([]byte, error) { return nil, errors.New("no such file") }
	for _, tc := range []struct {
		goos, file string
		read       func(string) ([]byte, error)
		want       bool
	}{
		{"linux", s.CAFile, os.ReadFile, false}, // the system roots read SSL_CERT_FILE themselves
		{"freebsd", s.CAFile, os.ReadFile, false},
		{"darwin", "", os.ReadFile, false},
		{"darwin", s.CAFile, os.ReadFile, true},
		{"windows", s.CAFile, os.ReadFile, true},
		{"windows", s.CAFile, missing, false},
		{"darwin", s.CAFile, notPEM, false},
	} {
		if got := extraRoots(tc.goos, env(tc.file), tc.read) != nil; got != tc.want {
			t.Errorf("extraRoots(%s, %q): pool %v, want %v", tc.goos, tc.file, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	t.Parallel()
	const pat = "abcdefghijklmnop"
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Access Denied: expired.", "Access Denied: expired."},
		{"token " + pat + " bad", "token [PAT] bad"},
		{"a\r\nb\tc\x00d\x1b[0m", "a b c d [0m"},
		{"rtl\u202eevil\u200b", "rtl evil"},
		{"bad \xff utf8", "bad utf8"},
	} {
		if got := clean(tc.in, pat); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := clean(strings.Repeat("é", 400), pat)
	if !strings.HasSuffix(long, "…") || len(long) > maxMessage+len("…") || !strings.HasPrefix(long, "éé") {
		t.Errorf("long message cut badly: %d bytes, %q…", len(long), long[:10])
	}
	for _, r := range strings.TrimSuffix(long, "…") {
		if r != 'é' {
			t.Fatalf("cut inside a rune: %q", long)
		}
	}
}

func TestBypassProxy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host, noProxy string
		want          bool
	}{
		{"dev.azure.com", "", false},
		{"dev.azure.com", "*", true},
		{"dev.azure.com", "azure.com", true},
		{"dev.azure.com", ".azure.com", true},
		{"dev.azure.com", "example.com, dev.azure.com:443", true},
		{"notazure.com", "azure.com", false},
		{"tfs.lan", "TFS.LAN", true},
		{"10.0.0.1", "10.0.0.1", true},
	} {
		if got := bypassProxy(tc.host, tc.noProxy); got != tc.want {
			t.Errorf("bypassProxy(%q, %q) = %v, want %v", tc.host, tc.noProxy, got, tc.want)
		}
	}
}

func TestNewHTTPRefusesWhatGitWouldNotUse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := dir + "/not.pem"
	if err := os.WriteFile(notPEM, []byte("no certificate here"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, n := range []Network{
		{CAFile: dir + "/missing.pem"},
		{CAFile: notPEM},
		{Proxy: "socks4://proxy.example:1080"},
		{Proxy: "http://user:secret@"},
	} {
		_, err := NewHTTP(n)
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("NewHTTP(%+v): %v, want an error without the password", n, err)
		}
	}
	for _, p := range []string{"", "proxy.example:3128", "http://u:p@proxy.example:3128", "socks5://proxy.example:1080"} {
		if _, err := NewHTTP(Network{Proxy: p}); err != nil {
			t.Errorf("NewHTTP(proxy %q): %v", p, err)
		}
	}
}
