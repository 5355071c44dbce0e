package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// The vault's plaintext is one JSON document, store.Data, format version 1
// (store.DataVersion). Two encodings of it exist:
//
//   - encoding 1 (written before issue 11): json.Marshal of the whole
//     document on one line.
//
//   - encoding 2 (written now): the same document with one token per line,
//     each token as json.Marshal writes it, so its first members are the
//     fields that key it (org, project, protocol, host, path, username; the
//     empty ones omitted):
//
//     {"version":1,"encoding":2,"tokens":[
//     {"org":"fabrikam","username":"pat","secret":"…",…},
//     {"protocol":"https","host":"tfs.example.com","username":"u",…}
//     ]}
//
// Encoding 2 is still valid version-1 JSON ("encoding" is a member older
// versions ignore), so every earlier git-credential-adopat reads it, and
// this one reads both. What it buys: a reader that finds exactly this
// layout reads each line's key from its first members without decoding the
// rest (parseKey), and decodes in full only the lines a get needs
// (payload.find, payload.secret). Anything else, encoding 1 included, is
// decoded as one document. The next write (Update) always writes
// encoding 2.
const (
	encoding2Header  = `{"version":1,"encoding":2,"tokens":[` + "\n"
	encoding2Trailer = "]}\n"
	// encoding2HeaderSources starts a vault with a token source
	// (store.DataVersionSources): the same encoding, a version that
	// versions before token sources refuse.
	encoding2HeaderSources = `{"version":2,"encoding":2,"tokens":[` + "\n"
)

// encodePayload serialises d in encoding 2.
func encodePayload(d *store.Data) ([]byte, error) {
	b := bytes.NewBuffer(make([]byte, 0, 64+300*len(d.Tokens)))
	if store.WriteVersion(d.Tokens) == store.DataVersionSources {
		b.WriteString(encoding2HeaderSources)
	} else {
		b.WriteString(encoding2Header)
	}
	for i := range d.Tokens {
		js, err := json.Marshal(&d.Tokens[i])
		if err != nil {
			return nil, fmt.Errorf("cannot encode vault: %w", err)
		}
		b.Write(js)
		if i < len(d.Tokens)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(encoding2Trailer)
	return b.Bytes(), nil
}

// encodeVault serialises d (encodePayload) and encrypts it to the recipient.
func encodeVault(d *store.Data, r age.Recipient) ([]byte, error) {
	js, err := encodePayload(d)
	if err != nil {
		return nil, err
	}
	return encryptTo(r, js, "vault")
}

const restoreAdvice = "; restore it from a backup, or move it aside to start an empty vault"

// decryptVault decrypts a vault file, turning each way it can fail into a
// message that names the file and says what to do. Failures are classified
// by stage: before decryption (not age, bad header: corrupted), key
// mismatch (wrong identity), reading the payload or a header cut short
// (truncated). No message quotes content.
func decryptVault(raw []byte, k *keys, path, identityPath string) (string, error) {
	src, ok := ageContent(raw)
	if !ok {
		return "", store.NewError(fmt.Sprintf("vault %s is corrupted: not an age-encrypted file%s", path, restoreAdvice), store.ErrCorrupted)
	}
	r, err := age.Decrypt(src, k.ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		switch {
		case errors.As(err, &nm) && slices.Contains(nm.StanzaTypes, "scrypt"):
			return "", store.NewError(fmt.Sprintf("cannot decrypt vault %s with identity %s: it was encrypted with a passphrase, not to a key (decrypt it with age -d and store the tokens again)",
				path, identityPath), store.ErrWrongIdentity, err)
		case errors.As(err, &nm):
			return "", store.NewError(fmt.Sprintf("cannot decrypt vault %s with identity %s: it was encrypted for another key, or its header is damaged (point --identity or ADOPAT_IDENTITY at the right key; if the key is right, restore the vault from a backup)",
				path, identityPath), store.ErrWrongIdentity, err)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return "", store.NewError(fmt.Sprintf("vault %s is truncated or corrupted: %v%s", path, err, restoreAdvice), store.ErrCorrupted, err)
		default:
			return "", store.NewError(fmt.Sprintf("vault %s is corrupted: bad age header (%v)%s", path, err, restoreAdvice), store.ErrCorrupted, err)
		}
	}
	// The plaintext is a little shorter than the file: read it in one
	// buffer, kept as a string that the lines slice without copying.
	var sb strings.Builder
	sb.Grow(len(raw))
	if _, err := io.Copy(&sb, r); err != nil {
		return "", store.NewError(fmt.Sprintf("vault %s is truncated or corrupted: %v%s", path, err, restoreAdvice), store.ErrCorrupted, err)
	}
	return sb.String(), nil
}

// decodeVault decrypts and decodes a whole vault file (see decryptVault,
// payload.all).
func decodeVault(raw []byte, k *keys, path, identityPath string) (*store.Data, error) {
	js, err := decryptVault(raw, k, path, identityPath)
	if err != nil {
		return nil, err
	}
	return parsePayload(js, path).all()
}

// decodeDocument decodes the plaintext as one JSON document, whatever its
// encoding: the way every version reads the vault, and the reference the
// encoding-2 fast paths fall back on.
func decodeDocument(js, path string) (*store.Data, error) {
	var d store.Data
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		// The JSON error is kept out of the message: it can quote content.
		return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: its decrypted content is not valid vault JSON%s", path, restoreAdvice), store.ErrCorrupted, err)
	}
	switch {
	case d.Version > store.DataVersionSources:
		return nil, store.NewError(fmt.Sprintf("vault %s has format version %d but this git-credential-adopat reads only versions up to %d",
			path, d.Version, store.DataVersionSources), store.ErrNewerFormat)
	case d.Version < store.DataVersion:
		return nil, store.NewError(fmt.Sprintf("vault %s is corrupted: missing or invalid format version %d%s", path, d.Version, restoreAdvice), store.ErrCorrupted)
	}
	return &d, nil
}

// payload is a decrypted vault. In encoding 2 its tokens stay undecoded
// lines until asked for; otherwise (or once all asked for them) data holds
// the whole content.
type payload struct {
	path  string
	js    string
	lines []tokenLine // encoding 2, until all decodes them
	data  *store.Data
	err   error // what decoding the whole document found wrong
}

// tokenLine is one token of an encoding-2 payload: its JSON and, when the
// line starts the way encodePayload writes it (keyed), its key fields.
type tokenLine struct {
	js    string
	key   lineKey
	keyed bool
}

// lineKey is a token's key fields, as keep and HasScope see them.
type lineKey struct{ org, project, protocol, host, path, username string }

// token is k as a store.Token holding only its key fields.
func (k *lineKey) token() store.Token {
	return store.Token{Org: k.org, Project: k.project, Protocol: k.protocol, Host: k.host, Path: k.path, Username: k.username}
}

// parsedData is a payload holding d.
func parsedData(d *store.Data) *payload { return &payload{data: d} }

// parsePayload splits an encoding-2 plaintext into its token lines, and
// decodes anything else as one document.
func parsePayload(js, path string) *payload {
	p := &payload{path: path, js: js}
	body, ok := strings.CutPrefix(js, encoding2Header)
	if !ok {
		body, ok = strings.CutPrefix(js, encoding2HeaderSources)
	}
	if ok {
		if body, ok := strings.CutSuffix(body, encoding2Trailer); ok {
			if p.lines, ok = splitTokenLines(body); ok {
				return p
			}
			p.lines = nil
		}
	}
	p.data, p.err = decodeDocument(js, path)
	return p
}

// splitTokenLines splits the body of an encoding-2 document: each token on
// a line of its own, every line but the last ending in a comma.
func splitTokenLines(body string) ([]tokenLine, bool) {
	if body == "" {
		return []tokenLine{}, true
	}
	if !strings.HasSuffix(body, "\n") {
		return nil, false
	}
	lines := make([]tokenLine, 0, strings.Count(body, "\n"))
	for body != "" {
		line, rest, _ := strings.Cut(body, "\n")
		body = rest
		if body != "" {
			var ok bool
			if line, ok = strings.CutSuffix(line, ","); !ok {
				return nil, false
			}
		}
		if line == "" || line[len(line)-1] == ',' {
			return nil, false
		}
		l := tokenLine{js: line}
		l.key, l.keyed = parseKey(line)
		lines = append(lines, l)
	}
	return lines, true
}

// all returns the whole content, every token decoded with its secrets.
// Should a line not decode on its own, the document is decoded as a whole,
// which decides (and classifies the error).
func (p *payload) all() (*store.Data, error) {
	if p.data != nil || p.err != nil {
		return p.data, p.err
	}
	d := &store.Data{Version: store.DataVersion, Tokens: make([]store.Token, len(p.lines))}
	for i := range p.lines {
		if err := json.Unmarshal([]byte(p.lines[i].js), &d.Tokens[i]); err != nil {
			p.data, p.err = decodeDocument(p.js, p.path)
			p.lines = nil
			return p.data, p.err
		}
	}
	p.data, p.lines = d, nil
	return d, nil
}

// find returns the tokens keep accepts, in vault order, with their
// secrets: in encoding 2 only those lines are decoded (a line that does not
// start with its key is decoded to learn it). keep sees only a token's key
// fields. Any doubt (a line that does not decode, or whose members
// contradict the key read from its start) falls back to all.
func (p *payload) find(keep func(key *store.Token) bool) (*store.Data, error) {
	if p.lines == nil {
		d, err := p.all()
		if err != nil {
			return nil, err
		}
		out := &store.Data{Version: d.Version}
		for i := range d.Tokens {
			if keep(keyOf(&d.Tokens[i])) {
				out.Tokens = append(out.Tokens, d.Tokens[i])
			}
		}
		return out, nil
	}
	out := &store.Data{Version: store.DataVersion}
	var k store.Token // one for every line: keep's argument escapes
	for i := range p.lines {
		l := &p.lines[i]
		if l.keyed {
			if k = l.key.token(); !keep(&k) {
				continue
			}
		}
		var t store.Token
		if err := json.Unmarshal([]byte(l.js), &t); err != nil || (l.keyed && !sameKey(&t, &l.key)) {
			return p.fallbackFind(keep)
		}
		if !l.keyed && !keep(keyOf(&t)) {
			continue
		}
		out.Tokens = append(out.Tokens, t)
	}
	return out, nil
}

func (p *payload) fallbackFind(keep func(key *store.Token) bool) (*store.Data, error) {
	if _, err := p.all(); err != nil {
		return nil, err
	}
	return p.find(keep)
}

// secret returns the secrets of the first token whose scope is scope
// (store.Data.Find), decoding only that token's line in encoding 2.
func (p *payload) secret(scope string) (pat, refresh string, found bool, err error) {
	if p.lines == nil {
		d, err := p.all()
		if err != nil {
			return "", "", false, err
		}
		i, ok := d.Find(scope)
		if !ok {
			return "", "", false, nil
		}
		return d.Tokens[i].Secret, d.Tokens[i].OAuthRefreshToken, true, nil
	}
	for i := range p.lines {
		l := &p.lines[i]
		if l.keyed {
			if k := l.key.token(); !k.HasScope(scope) {
				continue
			}
		}
		var t store.Token
		if err := json.Unmarshal([]byte(l.js), &t); err != nil || (l.keyed && !sameKey(&t, &l.key)) {
			if _, err := p.all(); err != nil {
				return "", "", false, err
			}
			return p.secret(scope)
		}
		if t.HasScope(scope) {
			return t.Secret, t.OAuthRefreshToken, true, nil
		}
	}
	return "", "", false, nil
}

// keyOf returns a copy of t's key fields alone.
func keyOf(t *store.Token) *store.Token {
	return &store.Token{Org: t.Org, Project: t.Project, Protocol: t.Protocol, Host: t.Host, Path: t.Path, Username: t.Username}
}

// sameKey reports whether t has the key fields k, exactly.
func sameKey(t *store.Token, k *lineKey) bool {
	return t.Org == k.org && t.Project == k.project && t.Protocol == k.protocol &&
		t.Host == k.host && t.Path == k.path && t.Username == k.username
}

// keyMembers are the members that key a token, in the order json.Marshal
// writes them first (store.Token's field order); only "username" is never
// omitted.
var keyMembers = [...]string{"org", "project", "protocol", "host", "path", "username"}

// parseKey reads a token's key fields from the start of its line, as
// encodePayload writes it: {"org":"…",…,"username":"…", each member
// present in keyMembers' order, up to "username". false when the line
// starts any other way; the caller then decodes the line to learn its key.
// The decoder checks what it decodes against this key (see payload.find).
func parseKey(line string) (lineKey, bool) {
	var vals [len(keyMembers)]string
	s, ok := strings.CutPrefix(line, "{")
	next := 0
	for ok {
		var name, val string
		if name, s, ok = cutJSONString(s); !ok {
			break
		}
		if s, ok = strings.CutPrefix(s, ":"); !ok {
			break
		}
		if val, s, ok = cutJSONString(s); !ok {
			break
		}
		i := next
		for i < len(keyMembers) && keyMembers[i] != name {
			i++
		}
		if i == len(keyMembers) {
			break
		}
		vals[i], next = val, i+1
		if name == "username" {
			k := lineKey{vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]}
			return k, strings.HasPrefix(s, ",") || s == "}"
		}
		s, ok = strings.CutPrefix(s, ",")
	}
	return lineKey{}, false
}

// cutJSONString reads the JSON string s starts with, returning its value
// and the rest of s. The common case, a string without escapes, costs no
// allocation; one with escapes is decoded by encoding/json. false for
// anything that is not a string encoding/json would decode to the same
// value (a control character, invalid UTF-8).
func cutJSONString(s string) (val, rest string, ok bool) {
	if len(s) == 0 || s[0] != '"' {
		return "", "", false
	}
	escaped, ascii := false, true
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			val = s[1:i]
			if !ascii && !utf8.ValidString(val) {
				return "", "", false
			}
			if escaped {
				return unquoteJSON(s[:i+1], s[i+1:])
			}
			return val, s[i+1:], true
		case c == '\\':
			escaped = true
			i++ // the escaped character, whatever it is, does not end the string
		case c < 0x20:
			return "", "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", "", false
}

// unquoteJSON decodes the JSON string quoted (one with escapes), returning
// it with rest.
func unquoteJSON(quoted, rest string) (string, string, bool) {
	var val string
	if json.Unmarshal([]byte(quoted), &val) != nil {
		return "", "", false
	}
	return val, rest, true
}
