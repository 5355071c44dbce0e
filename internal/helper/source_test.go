package helper

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// mintRecorder is a Minter that hands out numbered tokens living for
// lifetime (or fails with err), and counts the questions.
type mintRecorder struct {
	lifetime time.Duration
	expires  time.Time // for Key Vault: the secret's expiry attribute
	err      error
	asked    []store.Source
}

func (m *mintRecorder) mint(ctx context.Context, src *store.Source) (Minted, error) {
	if _, ok := ctx.Deadline(); !ok {
		return Minted{}, errors.New("the source was asked without a deadline")
	}
	m.asked = append(m.asked, *src)
	if m.err != nil {
		return Minted{}, m.err
	}
	n := strconv.Itoa(len(m.asked))
	if src.KeyVault != "" {
		return Minted{Secret: "kvpat" + n, Expires: m.expires, Version: "v" + n}, nil
	}
	return Minted{Secret: "entra" + n, Expires: testNow.Add(m.lifetime)}, nil
}

var miSource = store.Source{Entra: store.EntraManagedIdentity}

// sourceToken is fabrikam's token from src, with a cached secret that ends
// at until (none when until is zero).
func sourceToken(src store.Source, secret string, until time.Time) store.Token {
	tok := store.Token{Org: "fabrikam", Source: &src, Secret: secret}
	if !until.IsZero() {
		tok.CacheUntil = &until
		tok.Minted = timePtr(until.Add(-time.Hour))
	}
	return tok
}

const fabrikamReq = "protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/web"

// A fresh cached token answers without asking the source (the thin binary
// has no Minter); git gets it as the Basic password with its expiry.
func TestSourceCacheAnswersWithoutMinting(t *testing.T) {
	until := testNow.Add(30 * time.Minute)
	f := newFixture(t, nil, sourceToken(miSource, "cached", until))
	out := f.quietGet(strings.Split(fabrikamReq, "\n")...)
	want := output("username=adopat", "password=cached", "password_expiry_utc="+strconv.FormatInt(until.Unix(), 10))
	if out != want {
		t.Errorf("get = %q, want %q", out, want)
	}
	if len(f.uses) != 1 || f.store.updates != 0 {
		t.Errorf("uses %v, updates %d", f.uses, f.store.updates)
	}
}

// git 2.46+ announces capability[]=authtype: the Entra token goes as a
// Bearer credential, ephemeral, with the capability echoed first.
func TestSourceAnswersBearerWhenGitCan(t *testing.T) {
	until := testNow.Add(30 * time.Minute)
	f := newFixture(t, nil, sourceToken(miSource, "cached", until))
	out := f.quietGet("capability[]=authtype", "capability[]=state", "protocol=https", "host=dev.azure.com", "path=fabrikam/Website/_git/web")
	want := output("capability[]=authtype", "authtype=Bearer", "credential=cached", "ephemeral=1", "password_expiry_utc="+strconv.FormatInt(until.Unix(), 10))
	if out != want {
		t.Errorf("get = %q, want %q", out, want)
	}
}

// A cache that is missing, expired, or ends within the safety margin is
// never sent: the thin binary (no Minter) hands the request over, writing
// nothing; the management binary mints, caches and answers.
func TestStaleCacheIsNeverSent(t *testing.T) {
	for name, tok := range map[string]store.Token{
		"none":           sourceToken(miSource, "", time.Time{}),
		"expired":        sourceToken(miSource, "old", testNow.Add(-time.Minute)),
		"within margin":  sourceToken(miSource, "old", testNow.Add(store.CacheMargin-time.Second)),
		"erased, no tok": sourceToken(miSource, "", testNow.Add(time.Hour)),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, nil, tok)
			out, err := f.tryRun("get", strings.Split(fabrikamReq, "\n")...)
			if !errors.Is(err, ErrMint) || out != "" {
				t.Fatalf("get without a Minter = %q, %v; want no output and ErrMint", out, err)
			}
			f.noStderr()
			m := &mintRecorder{lifetime: time.Hour}
			f.h.Mint = m.mint
			out = f.quietGet(strings.Split(fabrikamReq, "\n")...)
			if !strings.Contains(out, "password=entra1\n") || strings.Contains(out, "old") || len(m.asked) != 1 {
				t.Fatalf("get with a Minter = %q (asked %d times)", out, len(m.asked))
			}
			cached := f.store.data.Tokens[0]
			if cached.Secret != "entra1" || !cached.CacheUntil.Equal(testNow.Add(time.Hour)) || !cached.Minted.Equal(testNow) || cached.Source == nil {
				t.Errorf("cached token %+v", cached)
			}
			f.h.Mint = nil
			if out := f.quietGet(strings.Split(fabrikamReq, "\n")...); !strings.Contains(out, "password=entra1\n") {
				t.Errorf("the next get, from the cache: %q", out)
			}
		})
	}
}

// A source that gives nothing: no answer, one line naming the scope, the
// source and the reason, the store untouched.
func TestFailedMintGivesOneLine(t *testing.T) {
	f := newFixture(t, nil, sourceToken(store.Source{Entra: store.EntraManagedIdentity, ClientID: "1234"}, "", time.Time{}))
	m := &mintRecorder{err: errors.New("no answer within 15s")}
	f.h.Mint = m.mint
	if out := f.run("get", strings.Split(fabrikamReq, "\n")...); out != "" {
		t.Errorf("get answered %q", out)
	}
	lines := f.stderrLines()
	if len(lines) != 1 || !strings.Contains(lines[0], "fabrikam") || !strings.Contains(lines[0], "managed-identity:1234") || !strings.Contains(lines[0], "no answer within 15s") {
		t.Errorf("stderr %q, want one line naming the scope, source and reason", lines)
	}
	if f.store.changedWrites != 0 {
		t.Error("a failed mint wrote the store")
	}
}

// erase after a 401 drops the cached token (matched by the password
// older git sends, or the Bearer credential), never the source, and asks
// Azure DevOps nothing; an erase of another secret leaves the cache.
func TestEraseDropsTheCacheNeverTheSource(t *testing.T) {
	for name, line := range map[string]string{"password": "password=cached", "credential": "credential=cached", "none": ""} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, nil, sourceToken(miSource, "cached", testNow.Add(time.Hour)))
			lines := strings.Split(fabrikamReq, "\n")
			if line != "" {
				lines = append(lines, line)
			}
			f.run("erase", lines...)
			tok := f.store.data.Tokens[0]
			if tok.Source == nil || tok.Secret != "" || tok.CacheUntil != nil || tok.Withdrawn != nil {
				t.Errorf("after erase: %+v", tok)
			}
			if len(f.checks) != 0 {
				t.Errorf("erase asked Azure DevOps about a source's token: %v", f.checks)
			}
			if l := f.stderrLines(); len(l) != 1 || !strings.Contains(l[0], "the cached one is dropped") {
				t.Errorf("stderr %q", l)
			}
		})
	}
	f := newFixture(t, nil, sourceToken(miSource, "cached", testNow.Add(time.Hour)))
	f.run("erase", append(strings.Split(fabrikamReq, "\n"), "password=other")...)
	if tok := f.store.data.Tokens[0]; tok.Secret != "cached" || f.store.changedWrites != 0 {
		t.Errorf("an erase of another secret changed the source's cache: %+v", tok)
	}
}

// git stores what it was answered with: nothing is written for a source,
// whatever the password (a token minted since, one typed at a prompt).
func TestStoreNeverTurnsASourceIntoAPAT(t *testing.T) {
	f := newFixture(t, nil, sourceToken(miSource, "cached", testNow.Add(time.Hour)))
	for _, pw := range []string{"cached", "typed-pat"} {
		f.run("store", append(strings.Split(fabrikamReq, "\n"), "username=adopat", "password="+pw)...)
	}
	if tok := f.store.data.Tokens[0]; f.store.changedWrites != 0 || tok.Source == nil || tok.Secret != "cached" {
		t.Errorf("store changed the source: %+v (%d writes)", tok, f.store.changedWrites)
	}
}

// A PAT held in Key Vault: the secret's expiry becomes the token's and
// bounds the cache (else an hour); it goes as a Basic password even to a
// git that takes Bearer; once expired it is never sent.
func TestKeyVaultPAT(t *testing.T) {
	kv := store.Source{Entra: store.EntraManagedIdentity, KeyVault: "https://v.vault.azure.net/secrets/ado"}
	f := newFixture(t, nil, sourceToken(kv, "", time.Time{}))
	m := &mintRecorder{expires: testNow.Add(30 * time.Minute)}
	f.h.Mint = m.mint
	f.h.WarnWithin, f.h.WarnOnce = 7*24*time.Hour, func(string) bool { return true }
	out := f.run("get", "capability[]=authtype", "protocol=https", "host=dev.azure.com", "path=fabrikam/Website/_git/web")
	want := output("username=adopat", "password=kvpat1", "password_expiry_utc="+strconv.FormatInt(m.expires.Unix(), 10))
	if out != want {
		t.Errorf("get = %q, want %q", out, want)
	}
	tok := f.store.data.Tokens[0]
	if !tok.CacheUntil.Equal(m.expires) || !tok.Expires.Equal(m.expires) || tok.CacheVersion != "v1" {
		t.Errorf("cached %+v", tok)
	}
	if l := f.stderrLines(); len(l) != 1 || !strings.Contains(l[0], "expires on") {
		t.Errorf("want the expiry warning once: %q", l)
	}

	// No expiry in Key Vault: cached for KeyVaultCacheTime.
	f = newFixture(t, nil, sourceToken(kv, "", time.Time{}))
	m = &mintRecorder{}
	f.h.Mint = m.mint
	f.quietGet(strings.Split(fabrikamReq, "\n")...)
	if tok := f.store.data.Tokens[0]; !tok.CacheUntil.Equal(testNow.Add(KeyVaultCacheTime)) || tok.Expires != nil {
		t.Errorf("cached %+v", tok)
	}

	// Key Vault still holds an expired PAT: not sent.
	f = newFixture(t, nil, sourceToken(kv, "", time.Time{}))
	m = &mintRecorder{expires: testNow.Add(-time.Hour)}
	f.h.Mint = m.mint
	if out := f.run("get", strings.Split(fabrikamReq, "\n")...); out != "" {
		t.Errorf("an expired PAT from Key Vault was sent: %q", out)
	}
	if l := f.stderrLines(); len(l) != 1 || !strings.Contains(l[0], "expired on") || !strings.Contains(l[0], "new version of the secret") {
		t.Errorf("stderr %q", l)
	}
}

// ADOPAT_ENTRA: a token minted per request, never stored; the thin binary
// hands the request over; a value that is no source fails closed with one
// line.
func TestEnvEntra(t *testing.T) {
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	f := newFixture(t, nil, store.Token{Org: "fabrikam", Secret: "stored-pat"})
	f.h.Env = EnvTokenFrom(env("ADOPAT_ENTRA", "azure-pipelines", "SYSTEM_ACCESSTOKEN", "job-token"))
	if _, err := f.tryRun("get", strings.Split(fabrikamReq, "\n")...); !errors.Is(err, ErrMint) {
		t.Fatalf("get without a Minter: %v, want ErrMint", err)
	}
	m := &mintRecorder{lifetime: time.Hour}
	f.h.Mint = m.mint
	out := f.quietGet(strings.Split(fabrikamReq, "\n")...)
	if !strings.Contains(out, "password=entra1\n") || len(m.asked) != 1 || m.asked[0].Entra != store.EntraAzurePipelines {
		t.Errorf("get = %q, asked %v", out, m.asked)
	}
	for _, pw := range []string{"entra1", "job-token"} {
		f.run("store", append(strings.Split(fabrikamReq, "\n"), "username=adopat", "password="+pw)...)
		f.run("erase", append(strings.Split(fabrikamReq, "\n"), "username=adopat", "password="+pw)...)
	}
	if f.store.loads+f.store.updates != 0 || len(f.checks) != 0 {
		t.Errorf("ADOPAT_ENTRA touched the store: %d loads, %d updates, %d checks", f.store.loads, f.store.updates, len(f.checks))
	}
	f.h.Env = EnvTokenFrom(env("ADOPAT_ENTRA", "magic", "ADOPAT_ENV_ORG", "fabrikam"))
	if out := f.run("get", strings.Split(fabrikamReq, "\n")...); out != "" {
		t.Errorf("a bad ADOPAT_ENTRA answered %q", out)
	}
	if l := f.stderrLines(); len(l) != 1 || !strings.Contains(l[0], "ADOPAT_ENTRA") {
		t.Errorf("stderr %q", l)
	}
}

// A withdrawal recorded by an earlier version (which knew no source and
// treated the cached token as a PAT) does not stop the source.
func TestSourceIgnoresAnEarlierVersionsWithdrawal(t *testing.T) {
	tok := sourceToken(miSource, "cached", testNow.Add(30*time.Minute))
	tok.Withdrawn = timePtr(testNow.Add(-time.Hour))
	f := newFixture(t, nil, tok)
	if out := f.quietGet(strings.Split(fabrikamReq, "\n")...); !strings.Contains(out, "password=cached\n") {
		t.Errorf("get = %q", out)
	}
}

// ADOPAT_ENTRA takes what the man page says (managed-identity[:ID],
// workload-identity, azure-cli, azure-pipelines): a misspelt value is told
// the list with azure-pipelines in it, and service-principal, whose
// tenant, client ID and certificate only add can store, is refused with
// the way to it rather than a mint that cannot work.
func TestEnvEntraValues(t *testing.T) {
	for spec, want := range map[string][]string{
		"azure-pipeline":    {"azure-pipelines", "managed-identity", "workload-identity", "azure-cli"},
		"service-principal": {"add --org ORG --entra service-principal"},
	} {
		f := newFixture(t, nil)
		f.h.Env = EnvTokenFrom(func(k string) (string, bool) {
			if k == "ADOPAT_ENTRA" {
				return spec, true
			}
			return "", false
		})
		m := &mintRecorder{lifetime: time.Hour}
		f.h.Mint = m.mint
		if out := f.run("get", strings.Split(fabrikamReq, "\n")...); out != "" || len(m.asked) != 0 {
			t.Errorf("ADOPAT_ENTRA=%s answered %q, asked %v", spec, out, m.asked)
		}
		l := f.stderrLines()
		if len(l) != 1 {
			t.Fatalf("ADOPAT_ENTRA=%s: stderr %q, want one line", spec, l)
		}
		for _, w := range want {
			if !strings.Contains(l[0], w) {
				t.Errorf("ADOPAT_ENTRA=%s: %q does not say %q", spec, l[0], w)
			}
		}
		if strings.Contains(l[0], "give managed-identity, managed-identity:CLIENT_ID, workload-identity, azure-cli or service-principal") {
			t.Errorf("ADOPAT_ENTRA=%s: %q offers service-principal, which it cannot take", spec, l[0])
		}
	}
}

// erase of a PAT from Key Vault: what to do if the next one is refused
// too is to put a valid PAT in Key Vault (the identity read the secret
// fine), not to give the identity access to Azure DevOps.
func TestEraseKeyVaultPATSaysWhatToFix(t *testing.T) {
	kv := store.Source{Entra: store.EntraManagedIdentity, KeyVault: "https://v.vault.azure.net/secrets/ado"}
	f := newFixture(t, nil, sourceToken(kv, "cached", testNow.Add(time.Hour)))
	f.run("erase", append(strings.Split(fabrikamReq, "\n"), "password=cached")...)
	l := f.stderrLines()
	if len(l) != 1 || !strings.Contains(l[0], "the cached one is dropped") {
		t.Fatalf("stderr %q", l)
	}
	if strings.Contains(l[0], "the identity lacks access") || !strings.Contains(l[0], "https://v.vault.azure.net/secrets/ado") || !strings.Contains(l[0], "new version") {
		t.Errorf("%q: want the Key Vault secret and a new version of it as the next step", l[0])
	}
}
