package helper

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/safetext"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// DefaultUsername answers Azure DevOps cloud requests when no username is
// known: Azure DevOps ignores the Basic-auth username of a PAT, but git
// needs a non-empty one.
const DefaultUsername = "adopat"

// Capabilities is the answer to git's capability action
// (git-credential(1), "CAPABILITY INPUT/OUTPUT FORMAT"): the protocol
// version, then authtype, since get answers a Microsoft Entra token with
// authtype=Bearer and credential= when git announces it.
const Capabilities = "version 0\ncapability authtype\n"

// Helper answers git's get, store and erase requests from a Store.
type Helper struct {
	Store   store.Store
	Servers []azdo.Server // declared Azure DevOps Server hosts
	Now     func() time.Time
	// Stderr receives the rare line that needs the user's attention. In
	// helper mode stdout belongs to git's protocol.
	Stderr io.Writer
	// Used, when set, is told of each answer given: the audit trail of
	// which token served which repository. Its failure never costs git
	// its answer.
	Used func(u store.Use)
	// Env, when set, answers Azure DevOps cloud ahead of the store.
	Env *EnvToken
	// WarnWithin is how long before its expiry a token starts to draw a
	// warning; WarnOnce says whether to warn for a scope now and remembers
	// it, so the warning comes at most once a day.
	WarnWithin time.Duration
	WarnOnce   func(scope string) bool
	// Check asks Azure DevOps about a stored cloud PAT before erase
	// withdraws it (see eraseCloud). Nil: nothing can be proven, so erase
	// never withdraws a cloud token.
	Check Checker
	// Mint asks a token's source for a fresh secret (see source.go). Nil
	// in the thin binary: a get that needs one returns ErrMint.
	Mint Minter
	// Trace, when set, receives one line per decision (ADOPAT_TRACE):
	// the request without secrets, the target, the token chosen or why
	// none, the erase check. Never a secret.
	Trace io.Writer
}

// Run performs one action. Unknown actions are ignored, as
// gitcredentials(7) asks ("If a helper receives any other operation, it
// should silently ignore the request"), and their input is not read.
func (h *Helper) Run(action string, in io.Reader, out io.Writer) error {
	var do func(*Credential, azdo.Target, io.Writer) error
	switch action {
	case "get":
		do = h.get
	case "store":
		do = h.store
	case "erase":
		do = h.erase
	case "capability":
		// git-credential(1), "CAPABILITY INPUT/OUTPUT FORMAT": the
		// version line, then each capability; no input is read.
		_, err := io.WriteString(out, Capabilities)
		return err
	default:
		h.tracef("%s: not a helper action; ignored", action)
		return nil
	}
	c, err := ReadCredential(in)
	if err != nil {
		return err
	}
	h.traceRequest(action, &c)
	t := azdo.Classify(azdo.Request{Protocol: c.Protocol, Host: c.Host, Path: c.Path, Username: c.Username}, h.Servers)
	h.traceTarget(t)
	if t.Refused != "" {
		if action == "get" {
			h.warn("not answering for %s: %s, so the URL git fetches is not the one it asked about; correct the remote or submodule URL", requestPath(&c), t.Refused)
		}
		return nil
	}
	if h.Env.OrgBlank() && (t.Kind != azdo.None || t.NeedsPath) {
		h.tracef("no answer: ADOPAT_ENV_ORG is set but blank")
		if action == "get" {
			h.warn("ADOPAT_ENV_ORG is set but empty, so the %s token has no organisation to serve: set it to the organisation the token belongs to, or unset it", h.Env.Source)
		}
		return nil
	}
	if h.Env.serves(t) && h.Env.Entra != nil {
		return h.answerFromEnvEntra(action, &c, t, out)
	}
	if h.Env.serves(t) {
		if handled, a := h.answerFromEnv(action, &c); a != nil {
			h.tracef("answer: the token from $%s", h.Env.Source)
			return WriteCredential(out, *a)
		} else if handled || t.Kind == azdo.None {
			h.tracef("%s: the token from $%s is never stored; nothing to do", action, h.Env.Source)
			return nil
		}
	}
	if t.Kind == azdo.None {
		if t.NeedsPath && action == "get" {
			h.warn("cannot tell the Azure DevOps organisation: git sent no path for https://%s; run `git-credential-adopat install` (it sets credential.useHttpPath) or use https://ORG@dev.azure.com/... URLs", c.Host)
		}
		return nil
	}
	return do(&c, t, out)
}

// warn prints a line for the user. Every string argument is escaped:
// URLs, scopes and server text may hold terminal control or bidi
// characters that someone else chose.
func (h *Helper) warn(format string, args ...any) {
	if h.Stderr != nil {
		fmt.Fprintf(h.Stderr, "git-credential-adopat: "+format+"\n", escapeArgs(args)...)
	}
}

func escapeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok {
			a = safetext.Escape(s)
		}
		out[i] = a
	}
	return out
}

func (h *Helper) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// get prints the answer, or nothing at all so the next helper can try.
func (h *Helper) get(c *Credential, t azdo.Target, out io.Writer) error {
	d, err := store.LoadFor(h.Store, getKeep(c, t))
	if err != nil {
		return err
	}
	var candidates []int
	if t.Kind == azdo.Cloud {
		// Withdrawn tokens count here: a withdrawn project token must not
		// quietly hand the request to the organisation's token.
		candidates = cloudMatches(d, t, true)
	} else {
		candidates = serverMatches(d, nil, c, false, false) // no password compared
	}
	if len(candidates) == 0 {
		h.tracef("no answer: no stored token for this request")
		h.warnMissing(t)
		return nil
	}
	// The most specific match decides. A withdrawn or expired one is not sent, and we
	// do not fall back to a broader token: that would hide the expiry and
	// answer with a token the user did not mean for this scope. git's own
	// helpers behave alike: they return the first match and git drops it
	// when its password_expiry_utc has passed.
	tok := &d.Tokens[candidates[0]]
	if tok.Source != nil {
		// Never withdrawn by this version (erase drops the cache); a
		// withdrawal an earlier version recorded, knowing no source, is
		// not a reason to stop asking it.
		return h.getFromSource(c, t, tok, out)
	}
	if tok.Withdrawn != nil {
		h.tracef("no answer: the token %s is withdrawn", tok.Scope())
		// Cloud tokens are withdrawn only when Azure DevOps itself called
		// the PAT invalid (check.go); declared servers' on git's erase.
		why := "after the server rejected it"
		if !tok.IsServer() {
			why = "after Azure DevOps said the PAT is not valid (revoked, deleted or past its end date)"
		}
		h.warn("the PAT for %s was withdrawn on %s %s; if it is valid again run `git-credential-adopat restore %s`, else create a new PAT %s and run: %s", tok.Scope(), tok.Withdrawn.Format("2006-01-02"), why, shellWord(tok.Scope()), NewPATWhere(tok), RotateAdvice(tok))
		return nil
	}
	now := h.now()
	if expired(tok, now) {
		h.tracef("no answer: the token %s has expired", tok.Scope())
		h.warn("the PAT for %s expired on %s and was not sent; create a new one %s, then run: %s", tok.Scope(), tok.Expires.Format("2006-01-02"), NewPATWhere(tok), RotateAdvice(tok))
		return nil
	}
	if tok.Expires != nil && tok.Expires.Sub(now) <= h.WarnWithin && h.WarnOnce != nil && h.WarnOnce(tok.Scope()) {
		h.warn("the PAT for %s expires on %s (%s left); create a new one %s, then run: %s", tok.Scope(), tok.Expires.Format("2006-01-02"), days(DaysLeft(*tok.Expires, now)), NewPATWhere(tok), RotateAdvice(tok))
	}
	pat, refresh, err := h.Store.Secret(tok.Scope())
	if err != nil {
		return err
	}
	h.tracef("answer: the token %s", tok.Scope())
	if err := WriteCredential(out, answer(tok, pat, refresh, c, t)); err != nil {
		return err
	}
	if h.Used != nil {
		h.Used(store.Use{At: now.UTC(), Scope: tok.Scope(), Path: usePath(c)})
	}
	return nil
}

// warnMissing says, at most once a day per organisation (WarnOnce, key
// "missing:ORG"), that no PAT is stored for the organisation git asked
// about and which command stores one. Not with a CI token in the
// environment (there the store is not how tokens arrive), nor without
// WarnOnce to keep it from repeating on every fetch.
func (h *Helper) warnMissing(t azdo.Target) {
	if t.Kind != azdo.Cloud || h.Env != nil || h.WarnOnce == nil || !h.WarnOnce("missing:"+t.Org) {
		return
	}
	h.warn("no PAT stored for the Azure DevOps organisation %s, so git gets none from adopat; store one with: git-credential-adopat add --org %s", t.Org, t.Org)
}

// RotateAdvice is the complete command that puts a new PAT in tok's place,
// with a note on the one value the user must check. It always gives
// --expires: a new PAT has a new expiry, and rotate keeping one that has
// passed (or soon will) would leave the new PAT unsent. 30 days is Azure
// DevOps' default lifetime.
func RotateAdvice(tok *store.Token) string {
	return "git-credential-adopat rotate " + shellWord(tok.Scope()) + " --expires 30d (or the lifetime you gave the new PAT)"
}

// NewPATWhere says where to create a PAT for tok: the organisation's
// "Personal access tokens" page for the cloud.
func NewPATWhere(tok *store.Token) string {
	if tok.IsServer() {
		return "in Azure DevOps Server (User settings, Personal access tokens)"
	}
	return "at " + TokensPage(tok.Org)
}

// TokensPage is the page where Azure DevOps creates PATs for org.
func TokensPage(org string) string {
	return "https://dev.azure.com/" + org + "/_usersSettings/tokens"
}

// shellWord makes s one POSIX shell word, so the advice can be pasted as
// it is: project names may hold spaces.
func shellWord(s string) string {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_./:@%+,=", c) >= 0) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

// answer is the credential get gives: tok's username and expiry with its
// secrets, pat and refresh.
func answer(tok *store.Token, pat, refresh string, c *Credential, t azdo.Target) Credential {
	a := Credential{Username: tok.Username, HasUsername: true, Password: pat, HasPassword: true, OAuthRefreshToken: refresh}
	if t.Kind == azdo.Cloud && a.Username == "" {
		a.Username = DefaultUsername
		if c.HasUsername && c.Username != "" {
			a.Username = c.Username // keep the URL's own user, e.g. https://fabrikam@dev.azure.com
		}
	}
	if tok.Expires != nil {
		a.PasswordExpiryUTC = strconv.FormatInt(tok.Expires.Unix(), 10)
	}
	return a
}

// DaysLeft counts the days from now until t, to the nearest day, for get's
// warning and for list, add and rotate: "--expires 5d" reads back as 5
// days, not 4 and some hours.
func DaysLeft(t, now time.Time) int {
	return int(math.Round(t.Sub(now).Hours() / 24))
}

// days says n days: "1 day", "3 days".
func days(n int) string {
	if n != 1 {
		return strconv.Itoa(n) + " days"
	}
	return "1 day"
}
