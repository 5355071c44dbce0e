// Package helper implements git's credential helper protocol and decides
// which stored token answers a request.
package helper

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxInput bounds one credential description: ReadCredential refuses a
// description of more than MaxInput bytes, its newlines counted, so a
// runaway writer cannot make the helper buffer without bound. A line has no limit
// of its own: one of any length up to MaxInput is read, in 64 KiB pieces.
// git-credential(1) says a line, with its newline, may not exceed 65535
// bytes, so git's requests are far below either bound.
const MaxInput = 1 << 20

// Credential is one credential description as git-credential(1) defines it
// ("INPUT/OUTPUT FORMAT"). Username and password distinguish "absent" from
// "empty": git sends `username=` for an empty username and expects it back.
type Credential struct {
	Protocol string
	Host     string // may carry ":port"
	Path     string // without the leading slash, as git sends it

	Username    string
	HasUsername bool
	Password    string
	HasPassword bool

	PasswordExpiryUTC string
	OAuthRefreshToken string

	AuthType   string
	Credential string
	Ephemeral  string
	Continue   string
	Quit       string

	WWWAuth    []string
	Capability []string
	State      []string
}

// InputError reports credential input the helper refuses. Its message never
// repeats a value, since values may be secrets.
type InputError struct{ msg string }

func (e *InputError) Error() string { return "invalid credential input: " + e.msg }

// ReadCredential reads key=value lines until a blank line or EOF.
// Unknown keys are ignored, as gitcredentials(7) asks of helpers.
func ReadCredential(r io.Reader) (Credential, error) {
	var c Credential
	br := bufio.NewReaderSize(io.LimitReader(r, MaxInput+1), 4096) // requests are a few hundred bytes; longer lines are collected in pieces
	total := 0
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A long line: collect it in pieces rather than growing the
			// reader's buffer, so long values work up to MaxInput.
			full := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				full = append(full, line...)
			}
			line = full
		}
		total += len(line)
		if total > MaxInput {
			return Credential{}, &InputError{fmt.Sprintf("more than %d bytes", MaxInput)}
		}
		if err != nil && err != io.EOF {
			return Credential{}, fmt.Errorf("reading credential input: %w", err)
		}
		text := bytes.TrimSuffix(line, []byte("\n"))
		if len(text) == 0 {
			// A blank line ends the description; so does EOF.
			return c, nil
		}
		if perr := c.setLine(string(text)); perr != nil {
			return Credential{}, &InputError{fmt.Sprintf("line %d: %s", lineNo, perr)}
		}
		if err == io.EOF {
			return c, nil
		}
	}
}

func (c *Credential) setLine(line string) error {
	if strings.ContainsAny(line, "\r\x00") {
		return errors.New("contains a carriage return or NUL byte")
	}
	key, value, ok := strings.Cut(line, "=")
	if !ok {
		return errors.New("no '=' (expected key=value)")
	}
	switch key {
	case "username":
		c.Username, c.HasUsername = value, true
	case "password":
		c.Password, c.HasPassword = value, true
	case "url":
		return c.setURL(value)
	}
	if attr, ok := c.textAttrs()[key]; ok {
		*attr = value
	} else if list, ok := c.listAttrs()[key]; ok {
		*list = appendMulti(*list, value)
	}
	return nil
}

// textAttrs are the single-valued attributes other than username and
// password, by key: each holds the value as sent (git's credential_read
// keeps a path verbatim too).
func (c *Credential) textAttrs() map[string]*string {
	return map[string]*string{
		"protocol": &c.Protocol, "host": &c.Host, "path": &c.Path,
		"password_expiry_utc": &c.PasswordExpiryUTC, "oauth_refresh_token": &c.OAuthRefreshToken,
		"authtype": &c.AuthType, "credential": &c.Credential, "ephemeral": &c.Ephemeral,
		"continue": &c.Continue, "quit": &c.Quit,
	}
}

// listAttrs are the multi-valued attributes (`key[]`), by key.
func (c *Credential) listAttrs() map[string]*[]string {
	return map[string]*[]string{"wwwauth[]": &c.WWWAuth, "capability[]": &c.Capability, "state[]": &c.State}
}

// appendMulti adds a value to a multi-valued attribute; an empty value
// clears the list, as git-credential(1) specifies for `key[]` attributes.
func appendMulti(list []string, value string) []string {
	if value == "" {
		return nil
	}
	return append(list, value)
}

// setURL behaves as if the URL's parts had been sent one by one. Like git's
// credential_from_url, it first clears what an earlier url= or part set,
// and it splits the URL the way git does rather than the way net/url does:
// proto://[user[:pass]@]host[/path], the host ending at the first '/', '?'
// or '#', percent-escapes decoded leniently, and leading and trailing
// slashes trimmed from the path.
func (c *Credential) setURL(raw string) error {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" {
		return errors.New("url has no scheme")
	}
	c.Protocol, c.Host, c.Path = scheme, "", ""
	c.Username, c.HasUsername, c.Password, c.HasPassword = "", false, "", false

	slash := strings.IndexAny(rest, "/?#")
	if slash < 0 {
		slash = len(rest)
	}
	host := rest[:slash]
	if at := strings.IndexByte(rest, '@'); at >= 0 && at < slash {
		userinfo := rest[:at]
		host = rest[at+1 : slash]
		// git splits at the first ':' of the whole rest, so a ':' after
		// the '@' (a port) leaves the userinfo a bare username.
		if colon := strings.IndexByte(rest, ':'); colon >= 0 && colon < at {
			c.Password, c.HasPassword = URLDecode(userinfo[colon+1:]), true
			userinfo = userinfo[:colon]
		}
		c.Username, c.HasUsername = URLDecode(userinfo), true
	}
	c.Host = URLDecode(host)
	c.Path = strings.TrimRight(URLDecode(strings.TrimLeft(rest[slash:], "/")), "/")
	for _, v := range []string{c.Host, c.Path, c.Username, c.Password} {
		if strings.ContainsAny(v, "\r\n\x00") {
			return errors.New("url decodes to a carriage return, newline or NUL byte")
		}
	}
	return nil
}

// URLDecode decodes %XX escapes as git's url_decode does: an invalid
// escape is kept as it is, and '+' stays '+'.
func URLDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// WriteCredential writes every attribute that is set, one per line, in
// the order git's credential_write uses (capabilities first, since a
// capability[] must precede the values that depend on it). It refuses,
// writing nothing, a value that could break the line protocol: one with
// CR, LF or NUL, or an empty entry of a multi-valued attribute (which
// would read back as "clear the list").
func WriteCredential(w io.Writer, c Credential) error {
	var b bytes.Buffer
	var bad bool
	put := func(key, value string, present bool) {
		if !present {
			return
		}
		if strings.ContainsAny(value, "\r\n\x00") {
			bad = true
		}
		b.WriteString(key + "=" + value + "\n")
	}
	putAll := func(key string, values []string) {
		for _, v := range values {
			bad = bad || v == ""
			put(key, v, true)
		}
	}
	putAll("capability[]", c.Capability)
	put("authtype", c.AuthType, c.AuthType != "")
	put("credential", c.Credential, c.Credential != "")
	put("ephemeral", c.Ephemeral, c.Ephemeral != "")
	put("protocol", c.Protocol, c.Protocol != "")
	put("host", c.Host, c.Host != "")
	put("path", c.Path, c.Path != "")
	put("username", c.Username, c.HasUsername)
	put("password", c.Password, c.HasPassword)
	put("password_expiry_utc", c.PasswordExpiryUTC, c.PasswordExpiryUTC != "")
	put("oauth_refresh_token", c.OAuthRefreshToken, c.OAuthRefreshToken != "")
	putAll("wwwauth[]", c.WWWAuth)
	put("continue", c.Continue, c.Continue != "")
	putAll("state[]", c.State)
	put("quit", c.Quit, c.Quit != "")
	if bad {
		return errors.New("refusing to write a credential value containing CR, LF or NUL, or an empty list entry")
	}
	_, err := w.Write(b.Bytes())
	return err
}
