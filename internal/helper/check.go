package helper

import (
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// Verdict is what Azure DevOps said of a stored PAT when asked directly.
type Verdict int

const (
	// Unchecked: no verdict (network error, 5xx, timeout, an answer that
	// says nothing about the PAT). Never a reason to withdraw.
	Unchecked Verdict = iota
	// Invalid: Azure DevOps refused the PAT itself (401, a 203 sign-in
	// page, an anonymous identity).
	Invalid
	// Valid: Azure DevOps accepted the PAT for its organisation.
	Valid
)

// CheckResult is one answer of a Checker. Detail is for people: whose the
// PAT is when valid, why not otherwise. It never holds the PAT.
type CheckResult struct {
	Verdict Verdict
	Detail  string
}

// Checker asks Azure DevOps whether pat is valid for organisation org
// (connectionData), bounded in time. The CLI wires it to adoapi.
type Checker func(org, pat string) CheckResult

// EraseCheckTimeout bounds the question erase asks before it withdraws a
// token: git waits for the helper, and a user at a terminal with it.
const EraseCheckTimeout = 5 * time.Second

// eraseCloud handles git's erase for Azure DevOps cloud: git got a 401
// with the PAT we gave. That alone proves nothing about the PAT: the URL
// may name a repository the PAT does not reach, a %2F in it may have sent
// the request to another organisation's path, a proxy may have answered.
// So the stored PAT is asked about on its own organisation's
// connectionData, and only Azure DevOps' own "invalid" takes it out of
// service. Requests whose organisation came from the URL's username never
// withdraw: that name is whatever the URL's author wrote.
func (h *Helper) eraseCloud(c *Credential, t azdo.Target) error {
	d, err := h.Store.Load()
	if err != nil {
		return err
	}
	if slices.ContainsFunc(cloudMatches(d, t, true), func(i int) bool { return d.Tokens[i].Source != nil }) {
		if err := h.eraseSources(c, t); err != nil {
			return err
		}
	}
	read := loaded(h.Store)
	m := eraseCandidates(d, read, c, t)
	if len(m) == 0 {
		h.tracef("erase: no stored token in service answers this request; nothing to do")
		return nil
	}
	var scopes []string                  // in the order asked, for the lines printed
	verdicts := map[string]CheckResult{} // by scope
	checked := map[string]string{}       // by scope: the PAT asked about
	for _, i := range m {
		tok := &d.Tokens[i]
		pat, _, err := read.of(tok)
		if err != nil {
			return err
		}
		r := h.check(tok.Org, pat)
		h.tracef("erase check: %s: %s (%s)", tok.Scope(), r.Verdict, r.Detail)
		scopes = append(scopes, tok.Scope())
		verdicts[tok.Scope()], checked[tok.Scope()] = r, pat
	}
	now := h.now()
	withdraw := func(scope string) bool {
		return verdicts[scope].Verdict == Invalid && t.OrgFrom != azdo.FromUsername
	}
	// Nothing to withdraw, nothing to write: no second read of the store.
	if slices.ContainsFunc(scopes, withdraw) {
		err = h.update(func(d *store.Data, s *secrets) bool {
			changed := false
			for _, i := range eraseCandidates(d, s, c, t) {
				tok := &d.Tokens[i]
				// Withdraw only the PAT that was checked: a concurrent
				// rotate may have replaced it meanwhile.
				if withdraw(tok.Scope()) && s.holds(tok, checked[tok.Scope()]) {
					tok.Withdrawn, changed = &now, true
				}
			}
			return changed
		})
		if err != nil {
			return err
		}
	}
	for _, scope := range scopes {
		h.reportRefusal(c, scope, verdicts[scope], withdraw(scope), now)
	}
	return nil
}

// eraseCandidates are the PATs in service that erase may withdraw: with
// a password, those holding it; without, the one that answers. Tokens
// with a source are never withdrawn (eraseSources drops their cache), and
// a Bearer credential (no password) only ever came from one.
func eraseCandidates(d *store.Data, s *secrets, c *Credential, t azdo.Target) []int {
	m := cloudMatches(d, t, true)
	switch {
	case c.HasPassword:
		m = slices.DeleteFunc(m, func(i int) bool { return !s.holds(&d.Tokens[i], c.Password) })
	case c.Credential != "":
		return nil
	case len(m) > 1:
		m = m[:1] // the token that answers (or, withdrawn, blocks) this request
	}
	return slices.DeleteFunc(m, func(i int) bool { return d.Tokens[i].Withdrawn != nil || d.Tokens[i].Source != nil })
}

func (h *Helper) check(org, pat string) CheckResult {
	if h.Check == nil {
		return CheckResult{Verdict: Unchecked, Detail: "no way to ask Azure DevOps was configured"}
	}
	return h.Check(org, pat)
}

// reportRefusal tells the user, on the stderr git shows, what became of a
// token the server refused, and records the refusal in the journal unless
// the token was withdrawn (then `list` shows that instead).
func (h *Helper) reportRefusal(c *Credential, scope string, r CheckResult, withdrawn bool, now time.Time) {
	where := requestPath(c)
	s, detail := scope, r.Detail
	switch {
	case withdrawn:
		h.warn("%s refused the PAT for %s, and Azure DevOps says the PAT is not valid (%s); it is withdrawn, not deleted: once it works again run `git-credential-adopat restore %s`, or create a new PAT and run `git-credential-adopat rotate %s`",
			where, s, detail, s, s)
		return
	case r.Verdict == Invalid: // the organisation came from the username
		h.warn("%s refused the PAT for %s, and Azure DevOps says the PAT is not valid (%s); it stays in service because the organisation came only from the URL's user name: create a new PAT and run `git-credential-adopat rotate %s`",
			where, s, detail, s)
	case r.Verdict == Valid:
		h.warn("the PAT for %s is valid (Azure DevOps accepts it for %s) but was refused for %s: it may lack a permission or scope there, the URL may be wrong, or the project is beyond the PAT's reach; the token stays in service",
			s, detail, where)
	default:
		h.warn("%s refused the PAT for %s and the PAT could not be checked (%s); the token stays in service: run `git-credential-adopat verify %s` to check it",
			where, s, detail, s)
	}
	if h.Used != nil {
		h.Used(store.Use{At: now.UTC(), Scope: scope, Path: usePath(c), Refused: r.Verdict.String()})
	}
}

func (v Verdict) String() string {
	switch v {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "unchecked"
}

// requestPath is the request as a URL without credentials, for messages.
func requestPath(c *Credential) string {
	return c.Protocol + "://" + usePath(c)
}

// usePath is how the journal names a repository: host and path.
func usePath(c *Credential) string {
	return strings.TrimSuffix(c.Host+"/"+c.Path, "/")
}
