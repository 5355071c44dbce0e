package helper

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// failingReader fails the test if anything reads it.
type failingReader struct{ t *testing.T }

func (r failingReader) Read([]byte) (int, error) {
	r.t.Error("input was read")
	return 0, io.EOF
}

func TestRunIgnoresUnknownActionsSilently(t *testing.T) {
	for _, action := range []string{"", "list", "GET", "get ", "fill", "approve", "reject"} {
		t.Run(action, func(t *testing.T) {
			f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "pat"})
			var out bytes.Buffer
			if err := f.h.Run(action, failingReader{t}, &out); err != nil {
				t.Errorf("Run(%q) = %v, want nil", action, err)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %q", out.String())
			}
			f.noStderr()
			if f.store.updates != 0 {
				t.Errorf("%d Update calls", f.store.updates)
			}
		})
	}
}

// git's capability action (git-credential(1), "CAPABILITY INPUT/OUTPUT
// FORMAT"): "version 0", then each capability; no input read, no store
// touched.
func TestCapabilityAnnouncesAuthtype(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "pat"})
	var out bytes.Buffer
	if err := f.h.Run("capability", failingReader{t}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "version 0\ncapability authtype\n" {
		t.Errorf("capability wrote %q", out.String())
	}
	f.noStderr()
	if f.store.loads+f.store.updates != 0 {
		t.Errorf("capability touched the store: %d loads, %d updates", f.store.loads, f.store.updates)
	}
}

// Refused input makes every action fail before anything reaches stdout or
// the store, even when the rest of the input would have been answered.
func TestRunRefusesBadInputWritingNothing(t *testing.T) {
	good := "protocol=https\nhost=dev.azure.com\npath=fabrikam/p/_git/r\n"
	tests := []struct {
		name string
		in   string
	}{
		{"CR in a value", good + "username=u\r\n"},
		{"NUL in a value", good + "username=u\x00\n"},
		{"line without '='", good + "garbage\n"},
		{"input over 1 MiB", good + "wwwauth[]=" + strings.Repeat("x", MaxInput) + "\n"},
	}
	for _, tt := range tests {
		for _, action := range []string{"get", "store", "erase"} {
			t.Run(tt.name+"/"+action, func(t *testing.T) {
				f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "pat"})
				in := tt.in
				if action != "get" {
					in += "password=pat\n"
				}
				var out bytes.Buffer
				err := f.h.Run(action, strings.NewReader(in), &out)
				var ie *InputError
				if !errors.As(err, &ie) {
					t.Errorf("err = %v, want an *InputError", err)
				}
				if out.Len() != 0 {
					t.Errorf("stdout %q, want nothing", out.String())
				}
				if f.store.updates != 0 {
					t.Errorf("%d Update calls", f.store.updates)
				}
			})
		}
	}
}

// get answers with username, password and the expiry when known, and
// nothing else: no echo of protocol, host, path or the request's other
// attributes.
func TestGetPrintsOnlyTheAnswer(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		tokens []store.Token
		in     []string
		want   string
	}{
		{"cloud without expiry",
			[]store.Token{{Org: "fabrikam", Secret: "pat"}},
			[]string{"capability[]=authtype", "capability[]=state", "protocol=https", "host=dev.azure.com", "path=fabrikam/p/_git/r", "wwwauth[]=Basic realm=\"x\"", "state[]=other:1"},
			output("username=adopat", "password=pat")},
		{"cloud with expiry",
			[]store.Token{{Org: "fabrikam", Secret: "pat", Expires: &exp}},
			[]string{"protocol=https", "host=dev.azure.com", "path=fabrikam"},
			output("username=adopat", "password=pat", "password_expiry_utc=1893553445")},
		{"miss prints nothing",
			[]store.Token{{Org: "contoso", Secret: "pat"}},
			[]string{"protocol=https", "host=dev.azure.com", "path=fabrikam"},
			""},
		{"not Azure DevOps prints nothing",
			[]store.Token{{Org: "fabrikam", Secret: "pat"}},
			[]string{"protocol=https", "host=github.com", "path=fabrikam/repo"},
			""},
		{"empty store prints nothing",
			nil,
			[]string{"protocol=https", "host=dev.azure.com", "path=fabrikam"},
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil, tt.tokens...)
			if got := f.quietGet(tt.in...); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if f.store.updates != 0 {
				t.Errorf("get called Update %d times", f.store.updates)
			}
		})
	}
}

func TestStoreAndEraseWriteNothingToStdout(t *testing.T) {
	f := newFixture(t, declared(t, "https://tfs.example.com"))
	for _, in := range [][]string{
		{"protocol=https", "host=dev.azure.com", "path=fabrikam", "username=u", "password=pat"},
		{"protocol=https", "host=tfs.example.com", "username=u", "password=pat"},
	} {
		for _, action := range []string{"store", "erase"} {
			if out := f.run(action, in...); out != "" {
				t.Errorf("%s %q wrote %q", action, in, out)
			}
		}
	}
	f.withdrawLines()
	f.noStderr()
}

// A stored secret that cannot travel on the line protocol is not sent,
// and not even a partial answer is written.
func TestGetRefusesToWriteAnUnsafeStoredSecret(t *testing.T) {
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "pat\nhost=evil.example"})
	var out bytes.Buffer
	err := f.h.Run("get", strings.NewReader("protocol=https\nhost=dev.azure.com\npath=fabrikam\n"), &out)
	if err == nil || out.Len() != 0 {
		t.Errorf("err %v, stdout %q; want an error and nothing written", err, out.String())
	}
}
