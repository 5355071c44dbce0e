package importer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// Verdict is what import does with one credential found.
type Verdict int

const (
	// Store: its PAT is stored for the scope now (Replaces: over a
	// different PAT stored before), and the place is cleaned.
	Store Verdict = iota
	// Stored: the same PAT is already stored for the scope, or is stored
	// from another place in this run (By); the place is cleaned.
	Stored
	// Superseded: a credentials-file line holding another PAT for a scope
	// whose earlier line git's credential-store answers with (By); it is
	// removed with that line, as credential-store itself removes older
	// entries for what it stores.
	Superseded
	// Left: not taken, and the place not touched; Why says why.
	Left
)

// Decision is what import does with one Found.
type Decision struct {
	*Found
	Verdict Verdict
	// Scope is the token's key: Org for Azure DevOps cloud; Protocol,
	// Host and Username for a declared server. No secret.
	Scope store.Token
	// OrgFrom says how the organisation was told, for people: "path",
	// "host", "user name", "the same PAT at PLACE", "--org".
	OrgFrom string
	// Replaces: Store over a different PAT stored before (--replace).
	Replaces bool
	// By is the place whose PAT is stored for the scope in this run, for
	// Stored and Superseded (nil: the PAT was stored before the run).
	By *Found
	// Why says why a credential is Left or Superseded.
	Why string
	// Unusual: the secret is in neither PAT format but has a generated
	// token's shape (azdo.TokenLike), so it is taken, and verify should
	// check it.
	Unusual bool
}

// Options are what Plan needs besides the credentials and the store.
type Options struct {
	Servers []azdo.Server // declared Azure DevOps Servers
	// Replace: a PAT that differs from the one stored for its scope
	// replaces it, instead of being left.
	Replace bool
	// AnyFormat: a secret that looks like no PAT format is taken too.
	AnyFormat bool
	// Org is the organisation of credentials whose URL names none.
	Org string
	// KnownOrgs are the organisations that the repositories read in this
	// run name by path or host in their URLs, with or without a
	// credential: what confirms an organisation read from a user name.
	KnownOrgs []string
	// ReposSearched: repositories were searched (--repos), so KnownOrgs
	// is evidence of which organisations this machine uses.
	ReposSearched bool
}

// Plan decides what to do with each credential found, given the tokens
// already stored (with their secrets; a Stripped one could not be read).
// founds are in precedence order: when places disagree on a scope's PAT,
// the first one wins. The caller puts credentials files first, in the
// order git's credential-store reads them (it answers with the first
// line that matches, and its `store` writes the newest entry first, so
// the first line for a scope is both the one git uses and the latest
// stored), then GCM, then repositories: a credentials file or GCM serves
// every repository of the organisation, a URL's PAT only its own.
//
// A credential for a host that is not Azure DevOps gets no Decision: it
// is none of import's business.
func Plan(founds []Found, existing []store.Token, o Options) []Decision {
	var ds []Decision
	var pending []int // cloud credentials whose organisation the URL does not name
	for i := range founds {
		f := &founds[i]
		d, ours := classify(f, o)
		if !ours {
			continue
		}
		ds = append(ds, d)
		if d.Verdict == Store && d.Scope.Org == "" && !d.Scope.IsServer() {
			pending = append(pending, len(ds)-1)
		}
	}
	for i := range ds {
		if ds[i].OrgFrom != "user name" {
			continue
		}
		preferKnownOrg(&ds[i], ds, existing)
		// Without repositories to compare with or --org, the user name is
		// taken, as Azure DevOps' own clone URLs (https://ORG@dev.azure.com/ORG/…)
		// make credential-store write it; with them, a user name that no
		// repository, URL or stored token names is what was typed at a
		// prompt: --org's organisation is taken instead, or it is left.
		if ds[i].OrgFrom == "user name" && ds[i].Verdict == Store && (o.ReposSearched || o.Org != "") && !confirmedOrg(ds[i].Scope.Org, ds, existing, o.KnownOrgs) {
			ds[i].Scope.Org, ds[i].OrgFrom = "", ""
			pending = append(pending, i)
		}
	}
	for _, i := range pending {
		resolveOrg(&ds[i], ds, existing, o)
	}
	decideScopes(ds, existing, o.Replace)
	return ds
}

// classify turns a credential into a first Decision: Left when it cannot
// be taken, else Store with its scope (Org still empty when the URL does
// not name the organisation).
func classify(f *Found, o Options) (Decision, bool) {
	d := Decision{Found: f, Verdict: Store}
	if f.URL.HostHasAt() {
		d.Verdict, d.Why = Left, "the URL has an unencoded @ in its user name or password, so where the credential ends cannot be told; edit it by hand"
		return d, AzureURL(f.URL, o.Servers)
	}
	t := azdo.Classify(f.URL.Request(), o.Servers)
	switch t.Kind {
	case azdo.Cloud:
		d.Scope = store.Token{Org: t.Org}
		d.OrgFrom = map[azdo.OrgSource]string{azdo.FromPath: "path", azdo.FromHost: "host", azdo.FromUsername: "user name"}[t.OrgFrom]
	case azdo.OnPrem:
		user := f.URL.User
		if _, fromUser, _ := f.URL.Secret(); fromUser || user == "" {
			user = helper.DefaultUsername
		}
		// Host-wide, as add --server stores a server's token: git sends
		// no path for declared servers.
		d.Scope = store.Token{Protocol: t.Server.Scheme, Host: t.Server.Host, Username: user}
	}
	switch {
	case t.Refused != "":
		d.Verdict, d.Why = Left, "the URL's path cannot be trusted ("+t.Refused+"); correct the URL"
	case t.Kind == azdo.None && !t.NeedsPath && !AzureURL(f.URL, o.Servers):
		return d, false
	case !o.AnyFormat && azdo.RecognizePAT(f.Secret) == azdo.NotPAT && !azdo.TokenLike(f.Secret):
		d.Verdict, d.Why = Left, "the secret does not look like a PAT ("+azdo.PATShapes+"); it may be a password or another kind of token. If it is a PAT, run import again with --any-format"
	case azdo.RecognizePAT(f.Secret) == azdo.NotPAT && azdo.TokenLike(f.Secret):
		// Taken: a generated token beside an Azure DevOps URL, left in
		// plain text, is what import is for; the line says to check it.
		d.Unusual = true
	}
	return d, true
}

// AzureURL reports a URL for dev.azure.com, an organisation's
// visualstudio.com host or a declared server, whatever its path says.
func AzureURL(u CredURL, servers []azdo.Server) bool {
	r := u.Request()
	r.Path = ""
	if r.Username == "" {
		r.Username = "x" // dev.azure.com without a path needs a name to be ours
	}
	t := azdo.Classify(r, servers)
	return t.Kind != azdo.None || t.NeedsPath
}

// preferKnownOrg corrects an organisation read from a URL's user name
// (https://USER:PAT@dev.azure.com, which credential-store writes for a
// remote with a user and no path), which anyone chooses: "x", "pat", the
// person's own name. When the same PAT is found in this run under an
// organisation its URL names by path or host, or is stored for one, and
// the user name is none of them, the PAT is that organisation's.
func preferKnownOrg(d *Decision, ds []Decision, existing []store.Token) {
	orgs, from := knownOrgs(d, ds, existing, func(o *Decision) bool { return o.OrgFrom == "path" || o.OrgFrom == "host" })
	if len(orgs) == 0 || slices.ContainsFunc(orgs, func(s string) bool { return azdo.EqualFold(s, d.Scope.Org) }) {
		return
	}
	d.Scope.Org, d.OrgFrom = orgs[0], from[0]
}

// confirmedOrg reports whether something besides a user name says org
// is an organisation: a URL found in this run that names it by path or
// host, a repository's URL (KnownOrgs), or a token stored for it. A user
// name alone is whatever was typed at git's prompt when credential-store
// saved the line (https://jdoe:PAT@dev.azure.com for a clone of
// https://dev.azure.com/fabrikam/...): taken for the organisation, the
// PAT would be stored for "jdoe", its line removed, and every clone of
// fabrikam would stop fetching.
func confirmedOrg(org string, ds []Decision, existing []store.Token, known []string) bool {
	same := func(s string) bool { return azdo.EqualFold(s, org) }
	if slices.ContainsFunc(known, same) {
		return true
	}
	for i := range ds {
		if (ds[i].OrgFrom == "path" || ds[i].OrgFrom == "host") && same(ds[i].Scope.Org) {
			return true
		}
	}
	for i := range existing {
		if !existing[i].IsServer() && same(existing[i].Org) {
			return true
		}
	}
	return false
}

// knownOrgs are the organisations d's PAT is found under in ds (those
// strong accepts) or stored for, each with where, first seen first.
func knownOrgs(d *Decision, ds []Decision, existing []store.Token, strong func(*Decision) bool) (orgs, from []string) {
	add := func(o, where string) {
		if !slices.ContainsFunc(orgs, func(s string) bool { return azdo.EqualFold(s, o) }) {
			orgs, from = append(orgs, o), append(from, where)
		}
	}
	for i := range ds {
		if o := &ds[i]; o != d && o.Verdict != Left && o.Scope.Org != "" && o.Secret == d.Secret && strong(o) {
			add(o.Scope.Org, "the same PAT at "+o.Where())
		}
	}
	for i := range existing {
		if t := &existing[i]; !t.IsServer() && !t.Stripped() && t.Secret == d.Secret {
			add(t.Org, "the same PAT, stored for "+t.Scope())
		}
	}
	return orgs, from
}

// resolveOrg gives a cloud credential whose URL names no organisation
// (https://jdoe%40example.com:PAT@dev.azure.com, as git's credential-store
// writes it without useHttpPath) the organisation of the same PAT found
// elsewhere in this run or already stored; else --org; else it is Left.
func resolveOrg(d *Decision, ds []Decision, existing []store.Token, o Options) {
	org := o.Org
	orgs, from := knownOrgs(d, ds, existing, func(*Decision) bool { return true })
	switch {
	case len(orgs) == 1:
		d.Scope.Org, d.OrgFrom = orgs[0], from[0]
	case len(orgs) > 1:
		d.Verdict, d.Why = Left, fmt.Sprintf("the URL names no organisation, and the same PAT serves several (%s); give the one for this entry with --org", strings.Join(orgs, ", "))
	case org != "":
		d.Scope.Org, d.OrgFrom = org, "--org"
	case azdo.ValidOrg(d.URL.User):
		var named []string
		for _, k := range o.KnownOrgs {
			if !slices.ContainsFunc(named, func(s string) bool { return azdo.EqualFold(s, k) }) {
				named = append(named, k)
			}
		}
		user := d.URL.User
		hint := fmt.Sprintf("run import again with --repos DIR where its clones are, or with --org ORG to store it for ORG (--org %s if %s is the organisation)", user, user)
		if len(named) > 0 {
			hint = fmt.Sprintf("run import again with --org ORG to store it for ORG (the repositories searched name %s; --org %s if %s is the organisation)", strings.Join(named, ", "), user, user)
		}
		d.Verdict, d.Why = Left, fmt.Sprintf("the URL names no organisation but by its user name %q, which may be only what was typed at git's prompt, and no repository searched nor token stored names %s as one; %s", user, user, hint)
	default:
		who := ""
		if d.URL.User != "" {
			who = fmt.Sprintf(" and its user name %q is not one", d.URL.User)
		}
		d.Verdict, d.Why = Left, "the URL names no organisation (no path"+who+"); run import again with --org ORG to store it for ORG"
	}
}

// decideScopes settles each scope: the PAT stored before stays unless
// --replace; else the first place's PAT is stored; the places with that
// PAT are cleaned and the others left, except the later lines of a
// credentials file, which git's credential-store does not read for the
// scope.
func decideScopes(ds []Decision, existing []store.Token, replace bool) {
	done := make([]bool, len(ds))
	for i := range ds {
		if done[i] || ds[i].Verdict == Left {
			continue
		}
		scope := ds[i].Scope
		var group []*Decision
		for j := i; j < len(ds); j++ {
			if !done[j] && ds[j].Verdict != Left && ds[j].Scope.SameScope(&scope) {
				group = append(group, &ds[j])
				done[j] = true
			}
		}
		settle(group, existingFor(existing, &scope), replace)
	}
}

func existingFor(existing []store.Token, scope *store.Token) *store.Token {
	for i := range existing {
		if existing[i].SameScope(scope) {
			return &existing[i]
		}
	}
	return nil
}

// settle decides one scope's group, in precedence order: the first place
// decides the scope's PAT (when a PAT was stored before, only with
// --replace, and only when that first place does not hold the stored PAT
// itself).
func settle(group []*Decision, ex *store.Token, replace bool) {
	if ex != nil && ex.Stripped() {
		for _, d := range group {
			d.Verdict, d.Why = Left, "the PAT stored for "+ex.Scope()+" cannot be read to compare with this one (see `git-credential-adopat doctor`)"
		}
		return
	}
	var current string // the scope's PAT after this run
	var stored *Found  // where it is stored from in this run; nil: it was stored before
	var first *Found   // the first place holding it
	if ex != nil {
		current = ex.Secret
	}
	for _, d := range group {
		switch {
		case ex == nil && first == nil:
			d.Verdict, current, stored, first = Store, d.Secret, d.Found, d.Found
		case d.Secret == current:
			d.Verdict, d.By = Stored, stored
			if first == nil {
				first = d.Found
			}
		case ex != nil && first == nil && replace:
			d.Verdict, d.Replaces, current, stored, first = Store, true, d.Secret, d.Found, d.Found
		case first != nil && first.Place == InCredFile && d.Place == InCredFile:
			d.Verdict, d.By = Superseded, first
			d.Why = "git's credential-store answers " + d.Scope.Scope() + " with " + first.Where() + ", which it reads first (its store writes the newest entry first)"
		case stored == nil && replace:
			d.Verdict, d.Why = Left, "a different PAT than the one stored for "+d.Scope.Scope()+", which "+first.Where()+" holds too and comes first"
		case stored == nil:
			d.Verdict, d.Why = Left, "a different PAT than the one stored for "+d.Scope.Scope()+"; run import again with --replace to store this one instead"
		default:
			d.Verdict, d.Why = Left, "a different PAT than the one stored for "+d.Scope.Scope()+" from "+stored.Where()+"; one scope holds one PAT (`add --project` stores one for a single project)"
		}
	}
}
