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
