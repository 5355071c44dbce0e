package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

func addFlags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.org, "org", "", "Azure DevOps organisation, e.g. fabrikam")
	fs.StringVar(&o.project, "project", "", "limit the token to one project of the organisation")
	fs.StringVar(&o.username, "username", "", "username git sends with the PAT (Azure DevOps ignores it)")
	fs.StringVar(&o.label, "label", "", `a note for yourself, e.g. "laptop, read-only"`)
	fs.StringVar(&o.expires, "expires", "", "when the PAT expires, as set in Azure DevOps: 30d, 12w or 2026-12-31")
	fs.StringSliceVar(&o.scopes, "scopes", nil, "the scopes granted to the PAT, e.g. vso.code (comma-separated)")
}

func runAdd(a *App, o *options, args []string) error {
	if len(args) > 0 {
		// Not echoed: a stray argument here is most likely the PAT itself.
		return usagef("add takes no arguments: the PAT is read from stdin or a hidden prompt, never from the command line (if you typed it there, clear it from your shell history)")
	}
	if err := plainText(o); err != nil {
		return err
	}
	tok, err := a.tokenFromFlags(o)
	if err != nil {
		return err
	}
	if tok.Expires, err = parseExpires(o.expires, a.Now(), !tok.IsServer()); err != nil {
		return usagef("--expires: %v", err)
	}
	tok.Label, tok.Scopes, tok.Created = o.label, o.scopes, a.Now().UTC()
	if tok.Secret, err = a.readPAT(tok.Scope()); err != nil {
		return err
	}
	b, err := a.openStore(o, true)
	if err != nil {
		return err
	}
	replaced := false
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		for i := range d.Tokens {
			if d.Tokens[i].SameScope(&tok) {
				d.Tokens[i], replaced = tok, true
				return true, nil
			}
		}
		d.Tokens = append(d.Tokens, tok)
		return true, nil
	})
	if err != nil {
		return err
	}
	verb := "stored"
	if replaced {
		verb = "replaced"
	}
	printf(a.Stdout, "%s PAT for %s%s in %s\n", verb, tok.Scope(), expirySuffix(tok.Expires, a.Now()), b.describe())
	if tok.Expires != nil && !tok.Expires.After(a.Now()) {
		printf(a.Stderr, "note: this PAT expired on %s: git will not be sent it; create a new one and run: git-credential-adopat rotate %s\n", tok.Expires.Format("2006-01-02"), tok.Scope())
	}
	return nil
}

// tokenFromFlags builds the token's scope from --org/--project or --server.
func (a *App) tokenFromFlags(o *options) (store.Token, error) {
	switch {
	case len(o.servers) > 1:
		return store.Token{}, usagef("give one --server for add")
	case len(o.servers) == 1 && (o.org != "" || o.project != ""):
		return store.Token{}, usagef("--server and --org/--project do not go together: a server token covers the whole server")
	case len(o.servers) == 1:
		s, err := azdo.ParseServer(o.servers[0])
		if err != nil {
			return store.Token{}, usagef("%v", err)
		}
		// Host-wide entry: git sends no path for servers (install does not
		// set useHttpPath for them), and git's config URL matching already
		// limits the helper to the declared prefix.
		return store.Token{Protocol: s.Scheme, Host: s.Host, Username: firstNonEmpty(o.username, helper.DefaultUsername)}, nil
	case o.org == "":
		return store.Token{}, usagef("say which organisation: --org ORG (or --server URL for Azure DevOps Server)")
	case !azdo.ValidOrg(o.org):
		return store.Token{}, usagef("--org %q is not an Azure DevOps organisation name (letters, digits and hyphens)", o.org)
	case strings.ContainsAny(o.project, "/\\") || strings.HasPrefix(o.project, "_") || (o.project != "" && strings.TrimSpace(o.project) == ""):
		return store.Token{}, usagef("--project %q is not a project name", o.project)
	}
	return store.Token{Org: o.org, Project: o.project, Username: o.username}, nil
}

// readPAT reads the secret from stdin when it is a pipe or file, else from
// a no-echo prompt. Never from an argument: argv is visible to every user
// of the machine and lands in shell history.
func (a *App) readPAT(scope string) (string, error) {
	var pat string
	if a.Terminal() {
		p, err := a.Prompt("PAT for " + scope + " (input hidden): ")
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
		return "", errors.New("no PAT given: pipe it on stdin (e.g. from your password manager) or run add in a terminal to be prompted")
	case strings.IndexFunc(pat, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "", errors.New("the PAT contains spaces or control characters; give exactly one token")
	}
	return pat, nil
}

// maxPAT bounds what add reads: Azure DevOps PATs are under 100 characters.
const maxPAT = 4096

// plainText refuses control characters in the names and notes add stores:
// git's protocol cannot carry a username with a newline, and a label with
// one would break list's table.
func plainText(o *options) error {
	if err := normalizeScopes(o); err != nil {
		return err
	}
	fields := map[string]string{"--username": o.username, "--label": o.label, "--project": o.project, "--org": o.org}
	for _, s := range o.scopes {
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
func normalizeScopes(o *options) error {
	var out []string
	for _, s := range o.scopes {
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			continue
		case !scopeName.MatchString(s):
			return usagef("--scopes: %q is not a scope name (e.g. vso.code, vso.code_write)", s)
		}
		out = append(out, s)
	}
	if o.scopes != nil {
		o.scopes = out
	}
	return nil
}
