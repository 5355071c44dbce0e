package helper

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// FuzzReadCredential checks that ReadCredential never panics and that
// whatever it accepts either survives WriteCredential and a second read
// unchanged, or is refused by WriteCredential with nothing written.
// The seeds run with every `go test`; fuzz with
//
//	go test -run '^$' -fuzz FuzzReadCredential -fuzztime 30s ./internal/helper/
func FuzzReadCredential(f *testing.F) {
	for _, seed := range []string{
		"",
		"\n",
		"protocol=https\nhost=dev.azure.com\npath=fabrikam/proj/_git/repo\n\n",
		"protocol=https\nhost=example.com:8088\nusername=\npassword=\n",
		"url=https://fabrikam@dev.azure.com/fabrikam/_git/x\n",
		"url=https://u:p%40ss@h:1/a//b/?q#f\n",
		"url=https://@h\nurl=cert:///x\n",
		"url=h\n",
		"url=https://h/%0a\n",
		"wwwauth[]=Basic realm=\"x\"\nwwwauth[]=\nwwwauth[]=Bearer\ncapability[]=authtype\nstate[]=a:b\n",
		"authtype=Bearer\ncredential=tok\nephemeral=1\ncontinue=1\nquit=0\n",
		"password_expiry_utc=9999999999\noauth_refresh_token=xyzzy\n",
		"path=/leading//slashes/\n",
		"no equals\n",
		"password=a\rb\n",
		"password=a\x00b\n",
		"=\n==\n[]=x\n",
		"host=h\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ReadCredential(bytes.NewReader(in))
		if err != nil {
			if !reflect.DeepEqual(c, Credential{}) {
				t.Fatalf("error %v came with a partial credential %+v", err, c)
			}
			// Values may be secrets: the message must be one of the fixed
			// ones, never a piece of the input.
			var ie *InputError
			if !errors.As(err, &ie) || !inputErrorRE.MatchString(err.Error()) {
				t.Fatalf("unexpected error text %q", err)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteCredential(&out, c); err != nil {
			if out.Len() != 0 {
				t.Fatalf("WriteCredential refused (%v) but wrote %q", err, out.Bytes())
			}
			return
		}
		checkWireLines(t, out.Bytes())
		again, err := ReadCredential(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("re-reading %q: %v", out.Bytes(), err)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip changed the credential\nread   %+v\nreread %+v\nfrom %q", c, again, out.Bytes())
		}
	})
}

var inputErrorRE = regexp.MustCompile(`^invalid credential input: (more than \d+ bytes|line \d+: (contains a carriage return or NUL byte|no '=' \(expected key=value\)|url has no scheme|url decodes to a carriage return, newline or NUL byte))$`)

// wireKeys are the keys WriteCredential may emit.
var wireKeys = map[string]bool{
	"capability[]": true, "authtype": true, "credential": true, "ephemeral": true,
	"protocol": true, "host": true, "path": true, "username": true, "password": true,
	"password_expiry_utc": true, "oauth_refresh_token": true, "wwwauth[]": true,
	"continue": true, "state[]": true, "quit": true,
}

// checkWireLines asserts what git's credential_read needs to see the same
// attributes we meant: LF-terminated key=value lines with a known key, no
// blank line (it would end the description early), no CR (git strips a
// trailing one) and no NUL (C strings stop there).
func checkWireLines(t *testing.T, out []byte) {
	t.Helper()
	if len(out) == 0 {
		return
	}
	if out[len(out)-1] != '\n' {
		t.Fatalf("output %q does not end in LF", out)
	}
	for _, line := range strings.Split(string(out[:len(out)-1]), "\n") {
		key, _, ok := strings.Cut(line, "=")
		if !ok || !wireKeys[key] || strings.ContainsAny(line, "\r\x00") {
			t.Fatalf("output line %q is not a clean key=value line (in %q)", line, out)
		}
	}
}

// FuzzWriteCredential builds a credential from arbitrary values. A value
// with CR, LF or NUL, or an empty list entry, must be refused with nothing
// written; anything else must be written as clean lines, one per attribute
// set, that read back to the same credential. List attributes come in as
// '|'-separated strings.
func FuzzWriteCredential(f *testing.F) {
	f.Add("https", "dev.azure.com", "fabrikam/_git/r", "u", true, "p", true, "", "", "", "", "", "", "", "", "", "")
	f.Add("https", "h", "", "", true, "", true, "1700000000", "rt", "Bearer", "tok", "1", "1", "0", "Basic realm=x|Bearer", "authtype|state", "a:b")
	f.Add("https", "h\nhost=evil", "", "", false, "", false, "", "", "", "", "", "", "", "", "", "")
	f.Add("https", "h", "", "u", true, "p\npassword=evil", true, "", "", "", "", "", "", "", "", "", "")
	f.Add("https", "h", "", "u\x00x", true, "p\r", true, "", "", "", "", "", "", "", "", "", "")
	f.Add("", "", "", "", false, "", false, "", "", "", "", "", "", "", "x||y", "", "")
	f.Add("a=b", "=", "==", "=", true, "=x=", true, "", "", "", "", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, protocol, host, path, user string, hasUser bool, pass string, hasPass bool,
		expiry, refresh, authType, credential, ephemeral, cont, quit, wwwauth, capability, state string) {
		list := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "|")
		}
		c := Credential{
			Protocol: protocol, Host: host, Path: path,
			Username: user, HasUsername: hasUser, Password: pass, HasPassword: hasPass,
			PasswordExpiryUTC: expiry, OAuthRefreshToken: refresh,
			AuthType: authType, Credential: credential, Ephemeral: ephemeral, Continue: cont, Quit: quit,
			WWWAuth: list(wwwauth), Capability: list(capability), State: list(state),
		}
		if !hasUser {
			c.Username = "" // absent: never written, so it cannot read back
		}
		if !hasPass {
			c.Password = ""
		}
		values := []string{protocol, host, path, c.Username, c.Password, expiry, refresh, authType, credential, ephemeral, cont, quit}
		bad := false
		for _, v := range values {
			bad = bad || strings.ContainsAny(v, "\r\n\x00")
		}
		lines := 0
		for _, v := range values[:3] {
			lines += b2i(v != "")
		}
		lines += b2i(hasUser) + b2i(hasPass)
		for _, v := range values[5:] {
			lines += b2i(v != "")
		}
		for _, l := range [][]string{c.WWWAuth, c.Capability, c.State} {
			lines += len(l)
			for _, v := range l {
				bad = bad || v == "" || strings.ContainsAny(v, "\r\n\x00")
			}
		}

		var out bytes.Buffer
		err := WriteCredential(&out, c)
		switch {
		case bad && err == nil:
			t.Fatalf("wrote an unsafe credential %+v as %q", c, out.Bytes())
		case bad && out.Len() != 0:
			t.Fatalf("refused (%v) but wrote %q", err, out.Bytes())
		case bad:
			return
		case err != nil:
			t.Fatalf("refused a safe credential %+v: %v", c, err)
		}
		checkWireLines(t, out.Bytes())
		if n := bytes.Count(out.Bytes(), []byte("\n")); n != lines {
			t.Fatalf("wrote %d lines for %d attributes: %q", n, lines, out.Bytes())
		}
		if out.Len() > MaxInput {
			return // too big for ReadCredential, by design
		}
		again, err := ReadCredential(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("re-reading %q: %v", out.Bytes(), err)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip changed the credential\nwrote  %+v\nreread %+v\nvia %q", c, again, out.Bytes())
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
