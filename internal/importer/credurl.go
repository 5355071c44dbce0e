package importer

import (
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
)

// CredURL is a URL split the way git splits one that may carry a
// credential: credential_from_url_1 in git's credential.c, which
// credential-store uses for each line of its file and http.c for a remote
// URL ("proto://user:password@host/path"). The userinfo ends at the first
// "@" before the host's end (the first "/", "?" or "#"), the user at the
// first ":" before that "@"; each part is percent-decoded; the path loses
// its leading and trailing slashes.
type CredURL struct {
	Scheme   string
	User     string // decoded; "" when absent
	Password string // decoded; "" when absent
	HasUser  bool   // a userinfo part ("user@" or "user:pw@") is present
	HasPass  bool   // the userinfo has a ":" (even an empty password)
	Host     string // decoded, with its port
	Path     string // decoded, slashes trimmed

	raw  string // the URL as written
	rest int    // offset in raw of the host (after "@", or after "://")
}

// ParseCredURL splits raw; ok is false when git would not read it as a
// URL (no "scheme://", or a newline or NUL in a part).
func ParseCredURL(raw string) (u CredURL, ok bool) {
	i := strings.Index(raw, "://")
	if i <= 0 {
		return CredURL{}, false
	}
	u = CredURL{Scheme: raw[:i], raw: raw}
	cp := i + 3
	slash := cp + strings.IndexAny(raw[cp:]+"/", "/?#")
	at := strings.IndexByte(raw[cp:], '@')
	host := cp
	if at >= 0 && cp+at < slash {
		at += cp
		info := raw[cp:at]
		u.HasUser = true
		if colon := strings.IndexByte(info, ':'); colon >= 0 {
			u.User, u.Password, u.HasPass = helper.URLDecode(info[:colon]), helper.URLDecode(info[colon+1:]), true
		} else {
			u.User = helper.URLDecode(info)
		}
		host = at + 1
	}
	u.rest = host
	u.Host = helper.URLDecode(raw[host:slash])
	u.Path = strings.TrimRight(helper.URLDecode(strings.TrimLeft(raw[slash:], "/")), "/")
	for _, part := range []string{u.Scheme, u.User, u.Password, u.Host, u.Path} {
		// git's check_url_component refuses a newline; a NUL cannot pass
		// through its C strings either.
		if strings.ContainsAny(part, "\n\x00") {
			return CredURL{}, false
		}
	}
	return u, true
}

// Request is the credential request git makes for u, for azdo.Classify.
func (u CredURL) Request() azdo.Request {
	return azdo.Request{Protocol: strings.ToLower(u.Scheme), Host: u.Host, Path: u.Path, Username: u.User}
}

// Secret is the credential u carries and whether it has one: its
// password, or, with no password, a user name that is itself a PAT
// (https://PAT@dev.azure.com/..., a form Azure DevOps accepts and people
// paste into clone URLs).
func (u CredURL) Secret() (secret string, fromUser bool, ok bool) {
	switch {
	case u.Password != "":
		return u.Password, false, true
	case u.HasUser && (azdo.RecognizePAT(u.User) != azdo.NotPAT || azdo.TokenLike(u.User)):
		return u.User, true, true
	}
	return "", false, false
}

// Without is u as written with its userinfo replaced: keepUser, when not
// empty, stays as "keepUser@" (percent-encoded as needed), and nothing
// else of the userinfo remains. The rest of the URL is kept byte for
// byte, as git and the user wrote it.
func (u CredURL) Without(keepUser string) string {
	prefix := u.raw[:len(u.Scheme)+3]
	if keepUser != "" {
		prefix += escapeUserinfo(keepUser) + "@"
	}
	return prefix + u.raw[u.rest:]
}

// Redacted is u for people: the password, or a user name that is a
// secret, shown as "***".
func (u CredURL) Redacted() string {
	if !u.HasUser {
		return u.raw
	}
	user := escapeUserinfo(u.User)
	if _, fromUser, ok := u.Secret(); ok && fromUser {
		user = "***"
	}
	if u.HasPass {
		user += ":***"
	}
	return u.raw[:len(u.Scheme)+3] + user + "@" + u.raw[u.rest:]
}

// HostHasAt reports a second "@" in what git takes for the host: the
// password itself held an "@" that was not percent-encoded. Such a URL
// cannot be split with certainty, so it is left as it is.
func (u CredURL) HostHasAt() bool { return strings.Contains(u.Host, "@") }

// escapeUserinfo percent-encodes everything but RFC 3986's unreserved
// characters, as git's credential-store writes a user name
// (strbuf_addstr_urlencode with is_rfc3986_unreserved).
func escapeUserinfo(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
