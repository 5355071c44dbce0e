package cli

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/hints"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// addOptions are add's own flags.
type addOptions struct {
	org, project, username string
	patFlags
	sourceFlags
}

// patFlags are the flags add and rotate share: what is recorded about the
// PAT, and whether Azure DevOps is asked about it first.
type patFlags struct {
	label, expires string
	scopes         []string
	noVerify       bool
}

// patFlagUsage is what each of the patFlags says in a command's --help.
type patFlagUsage struct{ label, expires, scopes, noVerify string }

// register registers the patFlags with the usage text of one command.
func (p *patFlags) register(fs *pflag.FlagSet, u patFlagUsage) {
	fs.StringVar(&p.label, "label", "", u.label)
	fs.StringVar(&p.expires, "expires", "", u.expires)
	fs.StringSliceVar(&p.scopes, "scopes", nil, u.scopes)
	fs.BoolVar(&p.noVerify, "no-verify", false, u.noVerify)
}

// addCmd is `add`.
func addCmd() *command {
	opts := &addOptions{}
	return newCommand("add", serverAndStoreFlags, withOptions(opts, runAdd), func(fs *pflag.FlagSet) {
		fs.StringVar(&opts.org, "org", "", "Azure DevOps organisation, e.g. fabrikam")
		fs.StringVar(&opts.project, "project", "", "limit the token to one project of the organisation")
		fs.StringVar(&opts.username, "username", "", "username git sends with the PAT (Azure DevOps ignores it)")
		opts.patFlags.register(fs, patFlagUsage{
			label:    `a note for yourself, e.g. "laptop, read-only"`,
			expires:  "when the PAT expires, as set in Azure DevOps: 30d, 12w, 36h or 2026-12-31 (at most one year)",
			scopes:   "the scopes granted to the PAT, e.g. vso.code (comma-separated)",
			noVerify: "store the PAT (or token source) without asking Azure DevOps whether it accepts it",
		})
		opts.sourceFlags.register(fs)
	})
}

// runAdd stores a PAT: o are the common flags, opts add's own.
func runAdd(a *App, o *options, opts *addOptions, args []string) error {
	if len(args) > 0 {
		// Not echoed: a stray argument here is most likely the PAT itself.
		return usagef("add takes no arguments: the PAT is read from stdin or a hidden prompt, never from the command line (if you typed it there, clear it from your shell history)")
	}
	if err := opts.plainText(map[string]string{"--username": opts.username, "--project": opts.project, "--org": opts.org}); err != nil {
		return err
	}
	if opts.sourceFlags.given() {
		return runAddSource(a, o, opts)
	}
	if err := opts.sourceFlags.refuseStrays(); err != nil {
		return err
	}
	tok, err := a.tokenFromFlags(o, opts)
	if err != nil {
		return err
	}
	if tok.Expires, err = parseExpires(opts.expires, a.Now(), !tok.IsServer()); err != nil {
		return usagef("%v", err)
	}
	tok.Label, tok.Scopes, tok.Created = opts.label, opts.scopes, a.Now().UTC()
	b, d, err := a.loadStore(o)
	if err != nil {
		return err
	}
	// A second add for a scope replaces its PAT; an expired token's date
	// must not be kept for the new PAT (it would never be sent).
	if i, ok := d.Find(tok.Scope()); ok && tok.Expires == nil && d.Tokens[i].Source == nil && expired(&d.Tokens[i], a.Now()) {
		if tok.Expires, err = a.newExpiry(&d.Tokens[i], addCommand(&tok)); err != nil {
			return err
		}
	}
	if tok.Secret, err = a.readPAT(&tok); err != nil {
		return err
	}
	a.warnNotPAT(&tok, tok.Secret)
	checked, note, err := a.checkNewPAT(o, opts.noVerify, &tok)
	if err != nil {
		return err
	}
	var old *store.Token
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		if prev, replaced := d.Put(tok); replaced {
			old = &prev
			d.Put(keepUnsaid(&prev, tok, opts))
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	if old == nil {
		printf(a.Stdout, "stored PAT for %s%s in %s; %s\n", tok.Scope(), expirySuffix(tok.Expires, a.Now()), b.Describe(), checked)
	} else if old.Source != nil {
		tok = keepUnsaid(old, tok, opts)
		printf(a.Stdout, "replaced the token source %s for %s with a PAT%s in %s; %s\n", old.Source.Spec(), tok.Scope(), expirySuffix(tok.Expires, a.Now()), b.Describe(), checked)
	} else {
		now := keepUnsaid(old, tok, opts)
		printf(a.Stdout, "replaced PAT for %s%s in %s; %s; %s\n", tok.Scope(), expirySuffix(now.Expires, a.Now()), b.Describe(), replacedWhat(old, &now), checked)
		tok = now
	}
	a.warnUndeclared(o)
	switch {
	case expired(&tok, a.Now()):
		printf(a.Stderr, "note: this PAT expired on %s: git will not be sent it; create a new one %s, then run: %s\n", tok.Expires.Format("2006-01-02"), helper.NewPATWhere(&tok), rotateAdvice(&tok))
	case note != "":
		printf(a.Stderr, "%s\n", note)
	}
	return nil
}

// keepUnsaid is the token a second add leaves: the new PAT with what the
// flags said, and the old token's label, scopes, expiry and username where
// they said nothing, with its history of use. Like rotate, it clears a
// withdrawal: the new PAT has not been refused.
func keepUnsaid(old *store.Token, tok store.Token, opts *addOptions) store.Token {
	if opts.label == "" {
		tok.Label = old.Label
	}
	// A token source's expiry is its own (a Key Vault PAT's), not the new
	// PAT's.
	if opts.scopes == nil && old.Source == nil {
		tok.Scopes = old.Scopes
	}
	if tok.Expires == nil && old.Source == nil {
		tok.Expires = old.Expires
	}
	if opts.username == "" && !tok.IsServer() {
		tok.Username = old.Username
	}
	tok.LastUsed, tok.Uses, tok.Repos, tok.Refusals = old.LastUsed, old.Uses, old.Repos, old.Refusals
	return tok
}

// replacedWhat says what a second add kept and what it changed, so no
// label, scopes or expiry disappear unseen.
func replacedWhat(old, now *store.Token) string {
	var kept, changed []string
	field := func(name, was, is string) {
		switch {
		case was == is && is != "":
			kept = append(kept, name+" "+is)
		case was != "" && is != "":
			changed = append(changed, name+" "+is+" (was "+was+")")
		case was != "":
			changed = append(changed, name+" removed (was "+was+")")
		case is != "":
			changed = append(changed, name+" "+is+" (new)")
		}
	}
	quoted := func(s string) string {
		if s == "" {
			return ""
		}
		return strconv.Quote(s)
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	}
	field("label", quoted(old.Label), quoted(now.Label))
	field("scopes", strings.Join(old.Scopes, ","), strings.Join(now.Scopes, ","))
	field("expiry", day(old.Expires), day(now.Expires))
	if old.Owner != "" && now.Owner != "" && old.Owner != now.Owner {
		changed = append(changed, "owner "+now.Owner+" (was "+old.Owner+")")
	}
	var parts []string
	if len(kept) > 0 {
		parts = append(parts, "kept "+strings.Join(kept, ", "))
	}
	if len(changed) > 0 {
		parts = append(parts, "changed "+strings.Join(changed, ", "))
	}
	if len(parts) == 0 {
		return "no label, scopes or expiry recorded before"
	}
	return strings.Join(parts, "; ")
}

// checkNewPAT asks Azure DevOps, as verify does, whether it accepts the
// PAT add is about to store, and records whose it is. A PAT it refuses is
// not stored: most often it was created in another organisation. When
// Azure DevOps cannot be asked, the PAT is stored and note says so.
func (a *App) checkNewPAT(o *options, noVerify bool, tok *store.Token) (checked, note string, err error) {
	switch {
	case noVerify:
		return "not verified (--no-verify)", "", nil
	case expired(tok, a.Now()):
		return "not verified (it has expired)", "", nil
	}
	servers, err := a.declaredServers(o)
	if err != nil {
		return "", "", err
	}
	v := a.verifyOne(verifyEndpoint(tok, servers), tok.Scope(), tok.Secret, false)
	where := "is " + tok.Org + " the organisation the PAT was created in?"
	if tok.IsServer() {
		where = "is " + tok.Protocol + "://" + tok.Host + " the server the PAT was created on?"
	}
	switch {
	case v.Valid:
		tok.Owner = v.Identity
		return "verified as " + v.Identity, "", nil
	case v.Error != "" && (!v.answered || tok.IsServer()):
		return "not verified", fmt.Sprintf("note: could not ask Azure DevOps whether it accepts this PAT (%s); stored unchecked: run `git-credential-adopat verify %s` once it answers", v.Error, shellQuote(tok.Scope())), nil
	case v.Error != "":
		return "", "", fmt.Errorf("Azure DevOps did not accept this PAT for %s: %s; %s Nothing was stored; use --no-verify to store it anyway", tok.Scope(), v.Error, where)
	}
	return "", "", fmt.Errorf("Azure DevOps did not accept this PAT for %s: %s; %s Nothing was stored; use --no-verify to store it anyway", tok.Scope(), v.Reason, where)
}

func addCommand(tok *store.Token) string { return hints.AddCommand(tok) }

// tokenFromFlags builds the token's scope from --org/--project or --server.
func (a *App) tokenFromFlags(o *options, opts *addOptions) (store.Token, error) {
	switch {
	case len(o.servers) > 1:
		return store.Token{}, usagef("give one --server for add")
	case len(o.servers) == 1 && (opts.org != "" || opts.project != ""):
		return store.Token{}, usagef("--server and --org/--project do not go together: a server token covers the whole server")
	case len(o.servers) == 1:
		s, err := azdo.ParseServer(o.servers[0])
		if err != nil {
			return store.Token{}, usagef("%v", err)
		}
		// Host-wide entry: git sends no path for servers (install does not
		// set useHttpPath for them), and git's config URL matching already
		// limits the helper to the declared prefix.
		return store.Token{Protocol: s.Scheme, Host: s.Host, Username: firstNonEmpty(opts.username, helper.DefaultUsername)}, nil
	case opts.org == "":
		return store.Token{}, usagef("say which organisation: --org ORG (or --server URL for Azure DevOps Server)")
	}
	if err := opts.orgFromURL(); err != nil {
		return store.Token{}, err
	}
	switch {
	case !azdo.ValidOrg(opts.org):
		return store.Token{}, usagef("--org %q is not an Azure DevOps organisation name (letters, digits and hyphens)", opts.org)
	case strings.ContainsAny(opts.project, "/\\") || strings.HasPrefix(opts.project, "_") || (opts.project != "" && strings.TrimSpace(opts.project) == ""):
		return store.Token{}, usagef("--project %q is not a project name", opts.project)
	}
	return store.Token{Org: opts.org, Project: opts.project, Username: opts.username}, nil
}

// orgFromURL reduces --org given as the organisation's URL, as the
// browser shows it (https://dev.azure.com/fabrikam/,
// https://fabrikam.visualstudio.com), to its name. A URL that also names a
// project is refused with the flags for either meaning.
func (opts *addOptions) orgFromURL() error {
	raw := opts.org
	if !strings.ContainsAny(raw, "/.:@") {
		return nil
	}
	s := raw
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return usagef("--org %q is neither an organisation name nor its URL (https://dev.azure.com/ORG)", raw)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return usagef("--org %q: give the organisation's name or its https URL", raw)
	}
	t := azdo.Classify(azdo.Request{Protocol: "https", Host: u.Host, Path: strings.TrimPrefix(u.Path, "/"), Username: u.User.Username()}, nil)
	switch {
	case t.Kind != azdo.Cloud:
		return usagef("--org %q is not an Azure DevOps organisation URL (https://dev.azure.com/ORG); for Azure DevOps Server use --server URL", raw)
	case t.Project != "" && opts.project == "":
		return usagef("--org %q names the project %s too: for a PAT of the whole organisation use --org %s; for that project only, --org %s --project %s",
			raw, t.Project, t.Org, t.Org, shellQuote(t.Project))
	}
	opts.org = t.Org
	return nil
}

// readPAT reads the secret from stdin when it is a pipe or file, else from
// a no-echo prompt. Never from an argument: argv is visible to every user
// of the machine and lands in shell history.
func (a *App) readPAT(tok *store.Token) (string, error) {
	var pat string
	if a.Terminal() {
		where := ""
		if !tok.IsServer() {
			where = "create one at " + helper.TokensPage(tok.Org) + "; "
		}
		p, err := a.prompt("PAT for " + tok.Scope() + " (" + where + "input hidden): ")
		if errors.Is(err, errPromptsOff) {
			return "", errors.New("stdin is a terminal and GIT_TERMINAL_PROMPT=0 turns prompts off; pipe the PAT on stdin (e.g. from your password manager)")
		}
		if err != nil {
			return "", err
		}
		pat = p
	} else {
		b, err := io.ReadAll(io.LimitReader(a.Stdin, maxPAT+1))
		if err != nil {
			return "", fmt.Errorf("reading the PAT from stdin: %w", err)
		}
		if len(b) > maxPAT {
			return "", fmt.Errorf("stdin holds more than %d bytes; give exactly one PAT", maxPAT)
		}
		pat = string(b)
	}
	pat = strings.TrimSpace(pat)
	switch {
	case pat == "" && a.Terminal():
		return "", errors.New("no PAT given: the prompt got an empty line; run the command again and paste the PAT at the prompt")
	case pat == "":
		return "", errors.New("no PAT given: stdin was empty; pipe the PAT on stdin (e.g. from your password manager), or run the command at a terminal to be prompted")
	case strings.IndexFunc(pat, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "", errors.New("the PAT contains spaces or control characters; give exactly one token")
	}
	return pat, nil
}

// warnNotPAT says, for a cloud scope, when what was read looks like
// neither of Azure DevOps' PAT formats (azdo.RecognizePAT): most often a
// password, an Entra access token or a paste cut short, which Azure
// DevOps would refuse at the first fetch. The PAT is stored anyway (with
// --no-verify nothing else would notice; a format Azure DevOps adds later
// must not be refused), and the line says what to check.
func (a *App) warnNotPAT(tok *store.Token, pat string) {
	if tok.IsServer() || azdo.RecognizePAT(pat) != azdo.NotPAT {
		return
	}
	printf(a.Stderr, "note: what was given for %s does not look like an Azure DevOps PAT (%s); check that it is the PAT itself, not a password, an access token or part of a copy\n", tok.Scope(), azdo.PATShapes)
}

// maxPAT bounds what add reads: Azure DevOps PATs are under 100 characters.
const maxPAT = 4096

// plainText refuses control characters in the names and notes add and
// rotate store (the label, the scopes and fields, flag to value): git's
// protocol cannot carry a username with a newline, and a label with one
// would break list's table.
func (p *patFlags) plainText(fields map[string]string) error {
	if err := p.normalizeScopes(); err != nil {
		return err
	}
	if fields == nil {
		fields = map[string]string{}
	}
	fields["--label"] = p.label
	for _, s := range p.scopes {
		fields["--scopes"] += s
	}
	for flag, v := range fields {
		if strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return usagef("%s contains a control character (newline, tab, escape...)", flag)
		}
	}
	return nil
}

// scopeName is how Azure DevOps writes a scope: vso.code, vso.code_write.
var scopeName = regexp.MustCompile(`^[A-Za-z0-9._*-]+$`)

// normalizeScopes trims "vso.code_write, vso.code" into clean names and
// refuses what cannot be a scope, so the least-privilege report is right.
func (p *patFlags) normalizeScopes() error {
	var out []string
	for _, s := range p.scopes {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			continue
		case !scopeName.MatchString(s):
			return usagef("--scopes: %q is not a scope name (e.g. vso.code, vso.code_write)", s)
		}
		out = append(out, s)
	}
	if p.scopes != nil {
		p.scopes = out
	}
	return nil
}
