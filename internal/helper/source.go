package helper

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// A token with a Source holds no PAT of its own: get answers with what the
// source gives (a Microsoft Entra access token, or a PAT read from Azure
// Key Vault), cached in the store, encrypted like a PAT, until shortly
// before it ends (store.CacheMargin). Asking a source takes HTTPS and the
// Azure SDK, which the thin binary git runs does not link; there Mint is
// nil, and a get that needs a fresh token returns ErrMint so that the
// request goes to the management binary, which mints, caches and answers.
// A get answered from the cache starts no process.

// Minted is what a source gave.
type Minted struct {
	Secret string
	// Expires: the Entra token's expiry, or the Key Vault secret's
	// expiry attribute (zero when it has none).
	Expires time.Time
	// Version is the Key Vault secret's version.
	Version string
}

// Minter asks src for a fresh secret within ctx. The error says why not,
// in one line for people, without any secret.
type Minter func(ctx context.Context, src *store.Source) (Minted, error)

// ErrMint is get's answer when a token's source must be asked and this
// helper has no Minter: the caller hands the request, as git sent it, to
// the management binary.
var ErrMint = errors.New("the token's source must be asked by git-credential-adopat-manage")

// MintTimeout bounds one question to a source, retries included: git
// waits for the helper, and a metadata endpoint that does not answer (a
// machine that is not in Azure) must cost seconds, not a hang.
const MintTimeout = 15 * time.Second

// KeyVaultCacheTime is how long a PAT read from Key Vault is sent before
// Key Vault is asked again, so a new version put there reaches every
// machine within that time (at once after a 401: erase drops the cache).
const KeyVaultCacheTime = time.Hour

// getFromSource answers with tok's cached secret while it is fresh, and
// otherwise asks tok's source, caches what it gives and answers with it.
func (h *Helper) getFromSource(c *Credential, t azdo.Target, tok *store.Token, out io.Writer) error {
	now := h.now()
	if tok.CacheFresh(now) {
		// A keyring item deleted outside adopat held only a cache: the
		// source gives a new one.
		secret, _, err := h.Store.Secret(tok.Scope())
		if err != nil && !errors.Is(err, store.ErrSecretMissing) {
			return err
		}
		if secret != "" {
			h.tracef("answer: the token %s, cached from %s until %s", tok.Scope(), tok.Source.Spec(), tok.CacheUntil.UTC().Format(time.RFC3339))
			return h.answerSource(c, t, tok, secret, now, out)
		}
	}
	if h.Mint == nil {
		h.tracef("the cached token of %s is missing or ends within %v: handing the request to %s to ask %s", tok.Scope(), store.CacheMargin, "git-credential-adopat-manage", tok.Source.Spec())
		return ErrMint
	}
	m, err := h.mint(tok.Source)
	if err != nil {
		h.tracef("no answer: %s gave no token: %v", tok.Source.Spec(), err)
		h.warn("no token for %s: %s did not give one: %s", tok.Scope(), tok.Source.String(), oneLine(err))
		return nil
	}
	if tok.Source.IsEntraToken() && !m.Expires.After(now) {
		h.warn("no token for %s: %s gave one that expired at %s (is this machine's clock right?)", tok.Scope(), tok.Source.String(), m.Expires.UTC().Format(time.RFC3339))
		return nil
	}
	fresh, err := CacheMinted(h.Store, tok, m, now)
	if err != nil {
		h.warn("the token for %s was obtained but could not be cached, so the next request asks %s again: %s", tok.Scope(), tok.Source.String(), oneLine(err))
	}
	if !tok.Source.IsEntraToken() && expired(&fresh, now) {
		h.tracef("no answer: the PAT in %s has expired", tok.Source.KeyVault)
		h.warn("the PAT in Key Vault for %s expired on %s and was not sent; create a new PAT %s and put it in %s as a new version of the secret", tok.Scope(), fresh.Expires.Format("2006-01-02"), NewPATWhere(tok), tok.Source.KeyVault)
		return nil
	}
	h.tracef("answer: the token %s, just obtained from %s", tok.Scope(), tok.Source.Spec())
	return h.answerSource(c, t, &fresh, m.Secret, now, out)
}

// mint asks src, bounded by MintTimeout.
func (h *Helper) mint(src *store.Source) (Minted, error) {
	ctx, cancel := context.WithTimeout(context.Background(), MintTimeout)
	defer cancel()
	m, err := h.Mint(ctx, src)
	if err == nil && m.Secret == "" {
		err = errors.New("the answer held no token")
	}
	return m, err
}

// cacheUntil is when a fresh secret stops being sent: the Entra token's
// expiry; for a PAT from Key Vault, KeyVaultCacheTime from now, or the
// PAT's expiry when that comes first.
func cacheUntil(src *store.Source, m Minted, now time.Time) time.Time {
	if src.IsEntraToken() {
		return m.Expires.UTC()
	}
	until := now.Add(KeyVaultCacheTime).UTC()
	if !m.Expires.IsZero() && m.Expires.Before(until) {
		until = m.Expires.UTC()
	}
	return until
}

// WithMinted is tok with what its source gave at now as its cached
// secret. For a Key Vault PAT the secret's expiry becomes the token's.
func WithMinted(tok *store.Token, m Minted, now time.Time) store.Token {
	fresh := *tok
	fresh.Secret, fresh.Minted, fresh.CacheVersion = m.Secret, &now, m.Version
	until := cacheUntil(tok.Source, m, now)
	fresh.CacheUntil = &until
	if !tok.Source.IsEntraToken() {
		fresh.Expires = nil
		if !m.Expires.IsZero() {
			e := m.Expires.UTC()
			fresh.Expires = &e
		}
	}
	return fresh
}

// CacheMinted stores what tok's source gave at now as tok's cached
// secret (WithMinted), and returns tok with it, even when the store could
// not be written (the error says why). The token of the same scope is
// left alone when it no longer has the same source (removed, or replaced
// by a PAT or another source meanwhile).
func CacheMinted(s store.Store, tok *store.Token, m Minted, now time.Time) (store.Token, error) {
	fresh := WithMinted(tok, m, now)
	return fresh, s.Update(func(d *store.Data) (bool, error) {
		i, ok := d.Find(fresh.Scope())
		if !ok || d.Tokens[i].Source == nil || *d.Tokens[i].Source != *fresh.Source {
			return false, nil
		}
		t := &d.Tokens[i]
		t.Secret, t.Minted, t.CacheUntil, t.CacheVersion, t.Expires = fresh.Secret, fresh.Minted, fresh.CacheUntil, fresh.CacheVersion, fresh.Expires
		return true, nil
	})
}

// answerSource writes the answer for a source token and records the use.
// An Entra token goes as a Bearer credential when git announced the
// authtype capability (git 2.46+), marked ephemeral so that no other
// helper keeps it; otherwise, and always for a PAT from Key Vault, as the
// Basic password, which Azure DevOps accepts for both.
func (h *Helper) answerSource(c *Credential, t azdo.Target, tok *store.Token, secret string, now time.Time, out io.Writer) error {
	if !tok.Source.IsEntraToken() && tok.Expires != nil && tok.Expires.Sub(now) <= h.WarnWithin && h.WarnOnce != nil && h.WarnOnce(tok.Scope()) {
		h.warn("the PAT in Key Vault for %s expires on %s (%s left); create a new PAT %s and put it in %s as a new version of the secret", tok.Scope(), tok.Expires.Format("2006-01-02"), days(DaysLeft(*tok.Expires, now)), NewPATWhere(tok), tok.Source.KeyVault)
	}
	var a Credential
	if tok.Source.IsEntraToken() {
		a = entraAnswer(tok, secret, *tok.CacheUntil, c, t)
	} else {
		a = answer(tok, secret, "", c, t)
	}
	if err := WriteCredential(out, a); err != nil {
		return err
	}
	if h.Used != nil {
		h.Used(store.Use{At: now.UTC(), Scope: tok.Scope(), Path: usePath(c)})
	}
	return nil
}

// entraAnswer is the credential for an Entra access token that ends at
// expires (git-credential(1): capability[], authtype, credential,
// ephemeral, password_expiry_utc).
func entraAnswer(tok *store.Token, token string, expires time.Time, c *Credential, t azdo.Target) Credential {
	exp := strconv.FormatInt(expires.Unix(), 10)
	if slices.Contains(c.Capability, "authtype") {
		return Credential{Capability: []string{"authtype"}, AuthType: "Bearer", Credential: token, Ephemeral: "1", PasswordExpiryUTC: exp}
	}
	a := answer(tok, token, "", c, t)
	if a.Username == "" {
		a.Username = DefaultUsername // a dev.azure.com request without an organisation (ADOPAT_ENTRA)
	}
	a.PasswordExpiryUTC = exp
	return a
}

// eraseSources drops the cached secret of each source token git reports
// refused, never the source itself: the next get asks the source again
// (for Key Vault, that picks up a version put there since). The refused
// secret is the password git sent or, for a Bearer token, the credential;
// with neither, the token that answers the request.
func (h *Helper) eraseSources(c *Credential, t azdo.Target) error {
	held := c.Password
	if !c.HasPassword {
		held = c.Credential
	}
	var dropped []*store.Token
	err := h.update(func(d *store.Data, s *secrets) bool {
		dropped = nil
		m := cloudMatches(d, t, true)
		if held == "" && len(m) > 1 {
			m = m[:1]
		}
		for _, i := range m {
			tok := &d.Tokens[i]
			if tok.Source == nil || tok.CacheUntil == nil || (held != "" && !s.holds(tok, held)) {
				continue
			}
			tok.DropCache()
			dropped = append(dropped, tok)
		}
		return len(dropped) > 0
	})
	if err != nil {
		return err
	}
	for _, tok := range dropped {
		h.tracef("erase: dropped the cached token of %s; its source stays", tok.Scope())
		if !tok.Source.IsEntraToken() {
			// The identity could read the secret: what Azure DevOps
			// refused is the PAT in it (revoked, expired, too few scopes).
			h.warn("%s refused the PAT from %s for %s; the cached one is dropped and the next request reads Key Vault again; if that is refused too, create a new PAT %s and put it in %s as a new version of the secret", requestPath(c), tok.Source.String(), tok.Scope(), NewPATWhere(tok), tok.Source.KeyVault)
			continue
		}
		h.warn("%s refused the token from %s for %s; the cached one is dropped and the next request asks the source again; if that is refused too, the identity lacks access there", requestPath(c), tok.Source.String(), tok.Scope())
	}
	return nil
}

// oneLine is err's text on one line: a source's error may quote a
// multi-line answer.
func oneLine(err error) string {
	b := []byte(err.Error())
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return string(b)
}
