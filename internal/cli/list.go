package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// listCmd is `list`.
func listCmd() *command {
	return jsonCommand("list", storeFlags, runList)
}

// listedToken is one token in `list --json`. The field names are a stable
// interface for scripts and monitoring (README, "list --json"); the secret
// is never part of it.
type listedToken struct {
	Scope     string          `json:"scope"`
	Kind      string          `json:"kind"` // "cloud" or "server"
	Org       string          `json:"org"`
	Project   string          `json:"project"`
	Server    string          `json:"server"`
	Path      string          `json:"path"`
	Username  string          `json:"username"`
	Label     string          `json:"label"`
	Owner     string          `json:"owner"` // whose PAT Azure DevOps said it is; "" when never checked
	Scopes    []string        `json:"scopes"`
	Privilege string          `json:"privilege"` // "read", "write", "full" or "unknown", from scopes
	Created   time.Time       `json:"created"`
	Expires   *time.Time      `json:"expires"`
	DaysLeft  *int            `json:"days_left"`
	LastUsed  *time.Time      `json:"last_used"`
	Uses      int             `json:"uses"`
	Repos     []store.RepoUse `json:"repos"`
	Withdrawn *time.Time      `json:"withdrawn"`
	Status    string          `json:"status"` // "active", "withdrawn", "expired" or "missing" (keyring item deleted)
	// Refusals: when a server refused the token and erase kept it in
	// service (Azure DevOps said the PAT is valid, or could not be asked).
	Refusals []store.Refusal `json:"refusals"`
	// Source: where the token comes from when it is not a stored PAT (add
	// --entra, --keyvault): {"entra", "client_id", "tenant_id",
	// "certificate", "keyvault"}; null for a PAT. TokenExpires is when the
	// cached token (minted, or read from Key Vault) stops being sent,
	// LastMint when it was obtained; null before the first.
	Source       *store.Source `json:"source"`
	TokenExpires *time.Time    `json:"token_expires"`
	LastMint     *time.Time    `json:"last_mint"`
}

type listing struct {
	Backend string        `json:"backend"` // the backend's name: "file" or "keyring"
	Store   string        `json:"store"`   // the vault file or the keyring index
	Reason  string        `json:"backend_reason"`
	Tokens  []listedToken `json:"tokens"`
	// KeySource is where the vault's key comes from (the keySource*
	// values, keysource.go); "" for a backend without one (keyring).
	KeySource string `json:"key_source"`
	// KeyFile is the identity file (or credential) that holds the key.
	KeyFile string `json:"key_file"`
}

func runList(a *App, o *options, opts *jsonOptions, args []string) error {
	if len(args) > 0 {
		return usagef("list takes no arguments")
	}
	b, d, err := a.loadWithUsage(o)
	if err != nil {
		return err
	}
	now := a.Now()
	out := listing{Backend: b.Name, Store: b.Path, Reason: b.Reason, Tokens: []listedToken{}}
	key := b.Key(a.env(o))
	if key != nil {
		out.KeySource, out.KeyFile = key.Source, key.File
	}
	for i := range d.Tokens {
		out.Tokens = append(out.Tokens, describe(&d.Tokens[i], now))
	}
	markMissing(b.Store, d, out.Tokens)
	if opts.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if key != nil {
		printf(a.Stdout, "backend: %s (%s); key: %s\n", b.Describe(), b.Reason, key.Line)
	} else {
		printf(a.Stdout, "backend: %s (%s)\n", b.Describe(), b.Reason)
	}
	if len(out.Tokens) == 0 {
		fmt.Fprintln(a.Stdout, "no tokens; add one with: git-credential-adopat add --org ORG")
		return nil
	}
	fmt.Fprintln(a.Stdout)
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tLABEL\tOWNER\tUSERNAME\tCREATED\tEXPIRES\tLAST USED\tPAT SCOPES\tSTATUS")
	for _, t := range out.Tokens {
		printf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Scope, dash(t.Label), dash(t.Owner), dash(t.Username),
			t.Created.Local().Format("2006-01-02"), expiresColumn(t), lastUsedColumn(t), scopesColumn(t), statusColumn(t))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for i := range d.Tokens {
		if tok := &d.Tokens[i]; expired(tok, now) && tok.Withdrawn == nil && tok.Source == nil {
			printf(a.Stdout, "\n%s expired on %s and is not sent: create a new PAT %s, then run: %s\n", tok.Scope(), tok.Expires.Format("2006-01-02"), helper.NewPATWhere(tok), rotateAdvice(tok))
		}
	}
	first := true
	for i := range d.Tokens {
		if tok := &d.Tokens[i]; tok.Source != nil {
			if first {
				fmt.Fprintln(a.Stdout, "\ntoken sources (no PAT stored; tokens are obtained when needed and cached encrypted):")
				first = false
			}
			printf(a.Stdout, "  %s: %s\n", tok.Scope(), sourceLine(tok, now))
		}
	}
	return nil
}

// sourceLine says where a source token's secret comes from and what is
// cached: "Microsoft Entra token from managed-identity; cached token
// valid until 2026-11-26 13:00 UTC, last obtained 2026-11-26 12:00 UTC".
func sourceLine(tok *store.Token, now time.Time) string {
	what := "Microsoft Entra token from " + tok.Source.String()
	if !tok.Source.IsEntraToken() {
		what = "PAT from " + tok.Source.String()
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04 MST")
	}
	switch {
	case tok.CacheUntil == nil:
		return what + "; none cached: the next request asks the source"
	case !tok.CacheFresh(now):
		return fmt.Sprintf("%s; the cached one ended %s (the next request asks the source), last obtained %s", what, stamp(tok.CacheUntil), stamp(tok.Minted))
	}
	return fmt.Sprintf("%s; cached until %s, last obtained %s", what, stamp(tok.CacheUntil), stamp(tok.Minted))
}

func describe(tok *store.Token, now time.Time) listedToken {
	lt := listedToken{
		Scope: tok.Scope(), Kind: "cloud", Org: tok.Org, Project: tok.Project, Path: tok.Path,
		Username: tok.Username, Label: tok.Label, Owner: tok.Owner, Scopes: tok.Scopes, Created: tok.Created,
		Expires: tok.Expires, LastUsed: tok.LastUsed, Uses: tok.Uses, Repos: tok.Repos,
		Withdrawn: tok.Withdrawn, Status: "active", Privilege: string(azdo.ScopePrivilege(tok.Scopes)),
	}
	if lt.Scopes == nil {
		lt.Scopes = []string{}
	}
	if lt.Repos == nil {
		lt.Repos = []store.RepoUse{}
	}
	if lt.Refusals = tok.Refusals; lt.Refusals == nil {
		lt.Refusals = []store.Refusal{}
	}
	if tok.IsServer() {
		lt.Kind, lt.Server = "server", tok.Protocol+"://"+tok.Host
	}
	lt.Source, lt.TokenExpires, lt.LastMint = tok.Source, tok.CacheUntil, tok.Minted
	if tok.Expires != nil {
		n := helper.DaysLeft(*tok.Expires, now)
		lt.DaysLeft = &n
		if !now.Before(*tok.Expires) {
			lt.Status = "expired"
		}
	}
	if tok.Withdrawn != nil {
		lt.Status = "withdrawn"
	}
	return lt
}

func expiresColumn(t listedToken) string {
	switch {
	case t.Expires == nil:
		return "-"
	case *t.DaysLeft < 0 || t.Status == "expired":
		return t.Expires.Local().Format("2006-01-02") + " (expired)"
	}
	return fmt.Sprintf("%s (%dd left)", t.Expires.Local().Format("2006-01-02"), *t.DaysLeft)
}

func statusColumn(t listedToken) string {
	if t.Status == "missing" {
		return "missing (keyring item deleted; `add` it again)"
	}
	if t.Status == "withdrawn" {
		return "withdrawn " + t.Withdrawn.Local().Format("2006-01-02") + " (git got a 401; `restore` to reuse)"
	}
	return t.Status
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func lastUsedColumn(t listedToken) string {
	if t.LastUsed == nil {
		return "never"
	}
	return fmt.Sprintf("%s (%d×)", t.LastUsed.Local().Format("2006-01-02"), t.Uses)
}

// loadWithUsage opens the store, folds the usage journal `get` appends to
// into it, and loads it. A journal that cannot be folded is reported but
// does not stop the listing; when the store cannot be read either, its
// error alone is (folding failed for the same reason: one message, one
// fix).
func (a *App) loadWithUsage(o *options) (*backend, *store.Data, error) {
	b, err := a.openStore(o, true)
	if err != nil {
		return nil, nil, err
	}
	foldErr := journal.New(b.Path).Fold(b.Store)
	d, err := b.Store.Load()
	if foldErr != nil && err == nil {
		printf(a.Stderr, "git-credential-adopat: usage not updated: %s\n", withHint(foldErr))
	}
	return b, d, err
}

// loadStore opens the store a command at a terminal uses and loads it.
func (a *App) loadStore(o *options) (*backend, *store.Data, error) {
	b, err := a.openStore(o, true)
	if err != nil {
		return nil, nil, err
	}
	d, err := b.Store.Load()
	return b, d, err
}

// scopesColumn lists the recorded scopes and flags more than read access:
// a PAT that only clones and fetches needs vso.code alone.
func scopesColumn(t listedToken) string {
	s := dash(strings.Join(t.Scopes, ","))
	switch azdo.Privilege(t.Privilege) {
	case azdo.Full:
		return s + " (FULL ACCESS!)"
	case azdo.Write:
		return s + " (write!)"
	}
	return s
}
