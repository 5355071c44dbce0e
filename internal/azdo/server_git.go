package azdo

import (
	"fmt"
	"strings"
)

// CredentialURL is the URL to put in a git config key,
// credential.<URL>.helper, so that git selects it for every repository
// below the server's path prefix.
//
// git matches credential.<url>.* against a URL it builds from the request
// (credential.c, credential_format): the path is percent-decoded from the
// remote URL and encoded again with strbuf_add_percentencode, which escapes
// controls, non-ASCII bytes and " <>\"%{}|\\^`:?#[]@!$&'()*+,;=". Then both
// sides go through url_normalize (urlmatch.c), which keeps a reserved
// character ("&", "'") escaped when it is escaped and bare when it is bare,
// and compares the paths byte for byte. So a key written "R&D" never
// matches a request for R&D (built as "R%26D"); the key must be encoded
// exactly as git encodes the request.
func (s Server) CredentialURL() string {
	u := s.Scheme + "://" + s.Host
	if s.Prefix != "" {
		u += "/" + gitPercentEncode(s.Prefix)
	}
	return u
}

// gitUnsafe is git's URL_UNSAFE_CHARS (strbuf.c).
const gitUnsafe = " <>\"%{}|\\^`:?#[]@!$&'()*+,;="

// gitPercentEncode is strbuf_add_percentencode without
// STRBUF_ENCODE_SLASH: "/" stays, every byte git escapes becomes %XX in
// upper case, as git writes it.
func gitPercentEncode(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= 0x1f || c >= 0x7f || strings.IndexByte(gitUnsafe, c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
