package helper

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func read(t *testing.T, in string) Credential {
	t.Helper()
	c, err := ReadCredential(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ReadCredential(%q): %v", in, err)
	}
	return c
}

func TestReadCredentialParsesEveryAttribute(t *testing.T) {
	tests := []struct {
		in   string
		want Credential
	}{
		{"protocol=https", Credential{Protocol: "https"}},
		{"host=example.com", Credential{Host: "example.com"}},
		{"host=example.com:8088", Credential{Host: "example.com:8088"}},
		{"path=fabrikam/_git/repo", Credential{Path: "fabrikam/_git/repo"}},
		{"path=/kept/as/sent/", Credential{Path: "/kept/as/sent/"}},
		{"username=bob", Credential{Username: "bob", HasUsername: true}},
		{"username=", Credential{HasUsername: true}},
		{"password=s3=cr=t", Credential{Password: "s3=cr=t", HasPassword: true}},
		{"password=", Credential{HasPassword: true}},
		{"password_expiry_utc=1700000000", Credential{PasswordExpiryUTC: "1700000000"}},
		{"oauth_refresh_token=xyzzy", Credential{OAuthRefreshToken: "xyzzy"}},
		{"authtype=Bearer", Credential{AuthType: "Bearer"}},
		{"credential=abc", Credential{Credential: "abc"}},
		{"ephemeral=1", Credential{Ephemeral: "1"}},
		{"continue=1", Credential{Continue: "1"}},
		{"quit=true", Credential{Quit: "true"}},
		{"wwwauth[]=Basic realm=\"x\"", Credential{WWWAuth: []string{"Basic realm=\"x\""}}},
		{"capability[]=authtype", Credential{Capability: []string{"authtype"}}},
		{"state[]=adopat:1", Credential{State: []string{"adopat:1"}}},
		{"value with spaces=and tabs\tare fine", Credential{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := read(t, tt.in+"\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadCredentialLastValueWins(t *testing.T) {
	got := read(t, "host=a.example\nhost=b.example\nusername=x\nusername=y\n")
	if got.Host != "b.example" || got.Username != "y" {
		t.Errorf("got host %q username %q, want the last values", got.Host, got.Username)
	}
}

func TestReadCredentialIgnoresUnknownKeysSilently(t *testing.T) {
	got := read(t, "protocol=https\nfuture=thing\nwwwauth=not-the-list-key\n=empty key\nx[]=\nhost=h\n")
	want := Credential{Protocol: "https", Host: "h"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReadCredentialMultiValuedKeepsOrderAndEmptyClears(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"order kept", "wwwauth[]=one\nwwwauth[]=two\nwwwauth[]=three\n", []string{"one", "two", "three"}},
		{"duplicates kept", "wwwauth[]=a\nwwwauth[]=a\n", []string{"a", "a"}},
		{"empty clears", "wwwauth[]=one\nwwwauth[]=\n", nil},
		{"clear then add", "wwwauth[]=one\nwwwauth[]=\nwwwauth[]=two\n", []string{"two"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"wwwauth[]", "capability[]", "state[]"} {
				c := read(t, strings.ReplaceAll(tt.in, "wwwauth[]", key))
				got := map[string][]string{"wwwauth[]": c.WWWAuth, "capability[]": c.Capability, "state[]": c.State}[key]
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("%s: got %q, want %q", key, got, tt.want)
				}
			}
		})
	}
}

func TestReadCredentialStopsAtBlankLineOrEOF(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Credential
	}{
		{"blank line ends input", "host=a\n\nhost=b\n", Credential{Host: "a"}},
		{"garbage after blank line is not read", "host=a\n\nno equals sign\n", Credential{Host: "a"}},
		{"EOF after newline", "host=a\n", Credential{Host: "a"}},
		{"EOF without newline", "host=a\nusername=u", Credential{Host: "a", Username: "u", HasUsername: true}},
		{"empty input", "", Credential{}},
		{"only a blank line", "\n", Credential{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := read(t, tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// git-credential(1): "A line, including the trailing newline, may not
// exceed 65535 bytes". We accept that and more.
func TestReadCredentialAcceptsLongLines(t *testing.T) {
	value65535 := strings.Repeat("v", 65535)
	lineOf := func(n int) string { // "password=" plus a value, n bytes in all
		return "password=" + strings.Repeat("p", n-len("password="))
	}
	tests := []struct {
		name string
		in   string
		want string // password
	}{
		{"value of 65535 bytes", "protocol=https\npassword=" + value65535 + "\nhost=h\n", value65535},
		{"line of exactly 65535 bytes", lineOf(65535) + "\nhost=h\n", lineOf(65535)[len("password="):]},
		{"line of 65535 bytes with its newline", lineOf(65534) + "\nhost=h\n", lineOf(65534)[len("password="):]},
		{"line of 65535 bytes at EOF", lineOf(65535), lineOf(65535)[len("password="):]},
		{"line of 200000 bytes", lineOf(200000) + "\n", lineOf(200000)[len("password="):]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := read(t, tt.in)
			if got.Password != tt.want {
				t.Errorf("password has %d bytes, want %d", len(got.Password), len(tt.want))
			}
			if strings.Contains(tt.in, "\nhost=h") && got.Host != "h" {
				t.Errorf("line after the long one lost: host %q", got.Host)
			}
		})
	}
}

func TestReadCredentialAcceptsExactlyMaxInput(t *testing.T) {
	in := "password=" + strings.Repeat("x", MaxInput-len("password=")-1) + "\n"
	if len(in) != MaxInput {
		t.Fatalf("test input has %d bytes", len(in))
	}
	if c := read(t, in); len(c.Password) != MaxInput-len("password=")-1 {
		t.Errorf("password has %d bytes", len(c.Password))
	}
}

func TestReadCredentialRefusesMalformedInput(t *testing.T) {
	const secret = "hunter2"
	tests := []struct {
		name string
		in   string
	}{
		{"CR in a value", "password=" + secret + "\r\n"},
		{"CR in the middle of a value", "password=hun\rter2\n"},
		{"CRLF blank line", "host=h\r\n\r\n"},
		{"NUL in a value", "password=" + secret + "\x00x\n"},
		{"NUL in a key", "pass\x00word=" + secret + "\n"},
		{"NUL in an unknown key's value", "future=\x00\n"},
		{"CR in an unknown key's value", "future=a\rb\n"},
		{"line without '='", "protocol=https\n" + secret + "\n"},
		{"line without '=' at EOF", "protocol=https\n" + secret},
		{"input over 1 MiB in one line", "password=" + strings.Repeat("x", MaxInput)},
		{"input over 1 MiB in many lines", strings.Repeat("wwwauth[]="+strings.Repeat("x", 1000)+"\n", MaxInput/1000+1)},
		{"input of 1 MiB and one byte", "password=" + strings.Repeat("x", MaxInput-len("password=")) + "\n"},
		{"url without scheme", "url=example.com/path\n"},
		{"url with empty scheme", "url=://example.com\n"},
		{"url decoding to CR", "url=https://h/a%0db\n"},
		{"url decoding to LF", "url=https://u%0a@h/\n"},
		{"url decoding to NUL", "url=https://u:p%00@h/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ReadCredential(strings.NewReader(tt.in))
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %+v, %v; want an *InputError", c, err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q repeats a value", err)
			}
			if !reflect.DeepEqual(c, Credential{}) {
				t.Errorf("returned a partial credential %+v", c)
			}
		})
	}
}

func TestReadCredentialReportsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	_, err := ReadCredential(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want it to wrap %v", err, boom)
	}
	_, err = ReadCredential(iotest.OneByteReader(strings.NewReader("host=h\n")))
	if err != nil {
		t.Errorf("one byte at a time: %v", err)
	}
}

// url= behaves like git's credential_from_url: it clears what was set
// before, splits at the first '@' and ':', decodes %XX leniently and trims
// the path's slashes.
func TestReadCredentialURL(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Credential
	}{
		{"scheme and host", "url=https://example.com", Credential{Protocol: "https", Host: "example.com"}},
		{"port stays in host", "url=http://legacy.lan:8080/tfs/", Credential{Protocol: "http", Host: "legacy.lan:8080", Path: "tfs"}},
		{"path slashes trimmed", "url=https://dev.azure.com//fabrikam/proj/_git/repo//", Credential{Protocol: "https", Host: "dev.azure.com", Path: "fabrikam/proj/_git/repo"}},
		{"username", "url=https://fabrikam@dev.azure.com/fabrikam/p", Credential{Protocol: "https", Host: "dev.azure.com", Path: "fabrikam/p", Username: "fabrikam", HasUsername: true}},
		{"username and port", "url=https://bob@h:8443", Credential{Protocol: "https", Host: "h:8443", Username: "bob", HasUsername: true}},
		{"username and password", "url=https://bob:s%40cret@h/", Credential{Protocol: "https", Host: "h", Username: "bob", HasUsername: true, Password: "s@cret", HasPassword: true}},
		{"empty username", "url=https://@sso.tld", Credential{Protocol: "https", Host: "sso.tld", HasUsername: true}},
		{"empty username and password", "url=https://:@sso.tld", Credential{Protocol: "https", Host: "sso.tld", HasUsername: true, HasPassword: true}},
		{"first '@' splits", "url=https://a@b@h/p", Credential{Protocol: "https", Host: "b@h", Path: "p", Username: "a", HasUsername: true}},
		{"'@' in the path is not userinfo", "url=https://h/a@b", Credential{Protocol: "https", Host: "h", Path: "a@b"}},
		{"query ends the host", "url=https://h?x=1", Credential{Protocol: "https", Host: "h", Path: "?x=1"}},
		{"fragment ends the host", "url=https://u@h#frag", Credential{Protocol: "https", Host: "h", Path: "#frag", Username: "u", HasUsername: true}},
		{"percent-decoding", "url=https://h/My%20Project/_git/r%2Bx", Credential{Protocol: "https", Host: "h", Path: "My Project/_git/r+x"}},
		{"invalid escapes kept", "url=https://h/100%/%zz/%4", Credential{Protocol: "https", Host: "h", Path: "100%/%zz/%4"}},
		{"plus is not a space", "url=https://a+b@h", Credential{Protocol: "https", Host: "h", Username: "a+b", HasUsername: true}},
		{"no host", "url=cert:///path/to/cert.pem", Credential{Protocol: "cert", Path: "path/to/cert.pem"}},
		{"other scheme kept", "url=HTTPS://Example.COM", Credential{Protocol: "HTTPS", Host: "Example.COM"}},
		{"clears earlier url parts",
			"protocol=http\nhost=old\npath=old/path\nusername=old\npassword=old\nurl=https://new.example",
			Credential{Protocol: "https", Host: "new.example"}},
		{"later parts override url", "url=https://u@h/p\nhost=other\nusername=v",
			Credential{Protocol: "https", Host: "other", Path: "p", Username: "v", HasUsername: true}},
		{"second url replaces the first", "url=https://u:p@a/x\nurl=http://b",
			Credential{Protocol: "http", Host: "b"}},
		{"non-url attributes survive url", "wwwauth[]=Basic\npassword_expiry_utc=5\nurl=https://h",
			Credential{Protocol: "https", Host: "h", WWWAuth: []string{"Basic"}, PasswordExpiryUTC: "5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := read(t, tt.in+"\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWriteCredentialWritesSetAttributes(t *testing.T) {
	tests := []struct {
		name string
		c    Credential
		want string
	}{
		{"nothing set", Credential{}, ""},
		{"answer", Credential{Username: "u", HasUsername: true, Password: "p", HasPassword: true, PasswordExpiryUTC: "1700000000"},
			"username=u\npassword=p\npassword_expiry_utc=1700000000\n"},
		{"empty username and password are written", Credential{HasUsername: true, HasPassword: true},
			"username=\npassword=\n"},
		{"absent username is not written", Credential{Password: "p", HasPassword: true}, "password=p\n"},
		{"lists in order, capability first", Credential{Host: "h", Capability: []string{"authtype", "state"}, WWWAuth: []string{"a", "b"}, State: []string{"s"}},
			"capability[]=authtype\ncapability[]=state\nhost=h\nwwwauth[]=a\nwwwauth[]=b\nstate[]=s\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCredential(&b, tt.c); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestWriteCredentialRefusesUnsafeValuesWritingNothing(t *testing.T) {
	fields := map[string]func(*Credential, string){
		"protocol":            func(c *Credential, v string) { c.Protocol = v },
		"host":                func(c *Credential, v string) { c.Host = v },
		"path":                func(c *Credential, v string) { c.Path = v },
		"username":            func(c *Credential, v string) { c.Username, c.HasUsername = v, true },
		"password":            func(c *Credential, v string) { c.Password, c.HasPassword = v, true },
		"password_expiry_utc": func(c *Credential, v string) { c.PasswordExpiryUTC = v },
		"oauth_refresh_token": func(c *Credential, v string) { c.OAuthRefreshToken = v },
		"authtype":            func(c *Credential, v string) { c.AuthType = v },
		"credential":          func(c *Credential, v string) { c.Credential = v },
		"ephemeral":           func(c *Credential, v string) { c.Ephemeral = v },
		"continue":            func(c *Credential, v string) { c.Continue = v },
		"quit":                func(c *Credential, v string) { c.Quit = v },
		"wwwauth[]":           func(c *Credential, v string) { c.WWWAuth = []string{"ok", v} },
		"capability[]":        func(c *Credential, v string) { c.Capability = []string{v} },
		"state[]":             func(c *Credential, v string) { c.State = []string{v} },
	}
	for name, set := range fields {
		for _, bad := range []string{"a\nb", "a\rb", "a\x00b", "\n", "x\n"} {
			c := Credential{Username: "u", HasUsername: true, Password: "p", HasPassword: true}
			set(&c, bad)
			var b bytes.Buffer
			if err := WriteCredential(&b, c); err == nil || b.Len() != 0 {
				t.Errorf("%s=%q: err %v, wrote %q; want an error and nothing written", name, bad, err, b.String())
			}
		}
	}
	var b bytes.Buffer
	if err := WriteCredential(&b, Credential{WWWAuth: []string{"a", ""}}); err == nil || b.Len() != 0 {
		t.Errorf("empty list entry: err %v, wrote %q; want a refusal", err, b.String())
	}
}
