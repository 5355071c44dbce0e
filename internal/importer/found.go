package importer

import (
	"fmt"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// Place is the kind of place a credential was found in.
type Place int

const (
	// InCredFile: a line of a file git's credential-store reads.
	InCredFile Place = iota
	// InGCM: Git Credential Manager's plaintext store or Secret Service.
	InGCM
	// InRepo: a URL value in a repository's config (remote.*.url,
	// remote.*.pushurl, submodule.*.url).
	InRepo
)

// Found is one credential found beside a URL, wherever it was.
type Found struct {
	Place Place
	URL   CredURL
	// Secret is the credential: the URL's password, or a user name that
	// is a PAT (CredURL.Secret); for GCM, the stored secret.
	Secret string

	// InCredFile: the file (as named to the user), its 1-based line and
	// the line's text, which identifies it when the file is rewritten.
	File string
	Line int
	Raw  string

	// InGCM: the credential.
	GCM *GCMCredential

	// InRepo: the repository, the key and the value as git printed them.
	Repo  *Repo
	Key   string
	Value string
}

// Where names the place for people, never with the secret.
func (f *Found) Where() string {
	switch f.Place {
	case InCredFile:
		return fmt.Sprintf("%s line %d", f.File, f.Line)
	case InGCM:
		return "GCM " + f.GCM.Where()
	}
	return fmt.Sprintf("%s %s", f.Repo.Dir, f.Key)
}

// FoundInCredFile is the credential of each line of a credentials file
// that has one (a user name and a non-empty password, as credential-store
// requires), whatever its host: Plan decides which are Azure DevOps'.
func FoundInCredFile(name string, lines []CredLine) []Found {
	var out []Found
	for _, l := range lines {
		if !l.OK || l.URL.Password == "" {
			continue
		}
		out = append(out, Found{Place: InCredFile, URL: l.URL, Secret: l.URL.Password, File: name, Line: l.N, Raw: l.Raw})
	}
	return out
}

// FoundInGCM is the credential of each GCM entry whose service is a URL.
// The account is the user name git sent GCM; for Azure DevOps the
// organisation is in the service URL's path or host.
func FoundInGCM(creds []GCMCredential) []Found {
	var out []Found
	for i := range creds {
		c := &creds[i]
		u, ok := ParseCredURL(GCMServiceURL(c.Service))
		if !ok || c.Secret == "" {
			continue
		}
		u.User, u.HasUser = c.Account, c.Account != ""
		out = append(out, Found{Place: InGCM, URL: u, Secret: c.Secret, GCM: c})
	}
	return out
}

// URLKey reports whether key is a config key whose value is a URL git
// fetches or pushes with: remote.NAME.url, remote.NAME.pushurl and
// submodule.NAME.url (the copy in .git/config that `git submodule init`
// makes of .gitmodules' URL, which is what git uses).
func URLKey(key string) bool {
	section, rest, ok := strings.Cut(key, ".")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(rest, '.')
	if i <= 0 {
		return false
	}
	name := rest[i+1:]
	switch section {
	case "remote":
		return name == "url" || name == "pushurl"
	case "submodule":
		return name == "url"
	}
	return false
}

// FoundInRepo is the credential of each URL value in the entries of r's
// config that carries one.
func FoundInRepo(r *Repo, entries []ConfigEntry) []Found {
	var out []Found
	for _, e := range entries {
		if !URLKey(e.Key) {
			continue
		}
		u, ok := ParseCredURL(e.Value)
		if !ok {
			continue
		}
		secret, _, has := u.Secret()
		if !has {
			continue
		}
		out = append(out, Found{Place: InRepo, URL: u, Secret: secret, Repo: r, Key: e.Key, Value: e.Value})
	}
	return out
}

// OrgsIn are the Azure DevOps organisations that the URL values of
// entries name by path or host, credential or not: the repositories'
// remotes say which organisations are real, where a credentials file's
// line may name one only by a user name (Options.KnownOrgs).
func OrgsIn(entries []ConfigEntry, servers []azdo.Server) []string {
	var orgs []string
	for _, e := range entries {
		if !URLKey(e.Key) {
			continue
		}
		u, ok := ParseCredURL(e.Value)
		if !ok {
			continue
		}
		if t := azdo.Classify(u.Request(), servers); t.Kind == azdo.Cloud && t.OrgFrom != azdo.FromUsername && t.Refused == "" {
			orgs = append(orgs, t.Org)
		}
	}
	return orgs
}

// Exposed is a credential import reports but does not take: in a
// repository's .gitmodules (committed, so in its history) or in a
// url.BASE.insteadOf key (the credential is in the key's name).
type Exposed struct {
	Repo *Repo
	File string // the file it is in
	Key  string // redacted
	URL  CredURL
	Why  string
}

// ExposedIn lists the credentials in r's config keys (url.BASE.insteadOf
// and pushInsteadOf) and in its .gitmodules entries.
func ExposedIn(r *Repo, config, gitmodules []ConfigEntry) []Exposed {
	var out []Exposed
	for _, e := range config {
		base, ok := insteadOfBase(e.Key)
		if !ok {
			continue
		}
		if u, ok := ParseCredURL(base); ok && hasSecret(u) {
			out = append(out, Exposed{Repo: r, File: r.Config(), Key: "url." + u.Redacted() + e.Key[strings.LastIndexByte(e.Key, '.'):], URL: u,
				Why: "the credential is in the name of a [url] section, which import does not rewrite: edit the file, delete the section, and use the URL without it"})
		}
	}
	for _, e := range gitmodules {
		if !strings.HasPrefix(e.Key, "submodule.") || !strings.HasSuffix(e.Key, ".url") {
			continue
		}
		if u, ok := ParseCredURL(e.Value); ok && hasSecret(u) {
			out = append(out, Exposed{Repo: r, File: r.Gitmodules, Key: e.Key, URL: u,
				Why: ".gitmodules belongs to the repository's history (once committed, it travels with every clone): change the URL there in a commit, and revoke the PAT in Azure DevOps"})
		}
	}
	return out
}

func hasSecret(u CredURL) bool {
	_, _, ok := u.Secret()
	return ok
}

// insteadOfBase is BASE of a url.BASE.insteadof or .pushinsteadof key.
func insteadOfBase(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "url.")
	if !ok {
		return "", false
	}
	for _, name := range []string{".insteadof", ".pushinsteadof"} {
		if base, ok := strings.CutSuffix(rest, name); ok {
			return base, true
		}
	}
	return "", false
}
