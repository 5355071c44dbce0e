package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/importer"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
)

// importRun is one import: what was read, decided and done.
type importRun struct {
	a       *App
	o       *options
	opts    *importOptions
	servers []azdo.Server
	git     importer.Git

	founds   []importer.Found
	exposed  []importer.Exposed
	skipped  []importer.Skipped
	searched []string // what was read, for the summary
	absent   []string // places looked for that are not there
	unread   []string // sources that could not be read, and why
	notes    []string // what could not be read, and other things to know
	// knownOrgs: the organisations the repositories' URLs name
	knownOrgs []string
	// undeclared: hosts already noted by noteUndeclaredServers
	undeclared map[string]bool
	// readGitDirs: the repositories read, by git directory
	readGitDirs map[string]bool

	b         *backend
	decisions []importer.Decision
	outcomes  []importOutcome // parallel to decisions
	errs      []error
}

// importOutcome is what became of one decision's place.
type importOutcome struct {
	stored  bool   // its scope holds its PAT now (read back)
	cleaned bool   // the credential was taken out of its place
	newURL  string // InRepo, cleaned: the URL now configured
	err     error  // taking it out failed
}

// read reads every source asked for. A source that cannot be read is a
// note, not a failure: the others are still imported.
func (r *importRun) read(src importSources) {
	if src.gitCredentials {
		files := src.credFiles
		if len(files) == 0 {
			files = importer.CredFiles(r.a.Getenv)
		}
		r.readGlobalInsteadOf()
		for _, f := range files {
			lines, exists, err := importer.ReadCredFile(f)
			switch {
			case err != nil:
				r.note("cannot read %s: %v", f, err)
			case exists:
				r.searched = append(r.searched, f)
				r.founds = append(r.founds, importer.FoundInCredFile(f, lines)...)
			default:
				r.absent = append(r.absent, f)
			}
		}
	}
	if src.gcm {
		r.readGCM()
	}
	for _, dir := range src.dirs {
		r.readRepos(dir)
	}
}

func (r *importRun) note(format string, args ...any) {
	r.notes = append(r.notes, fmt.Sprintf(format, escapeArgs(args)...))
}

// readGlobalInsteadOf reports the url.<base>.insteadOf sections of git's
// global and system configuration whose base holds an Azure DevOps PAT,
// a trick build images use (git config --global url.https://PAT@dev.azure.com/.insteadOf
// https://dev.azure.com/): import does not rename sections, but says where
// the PAT is.
func (r *importRun) readGlobalInsteadOf() {
	entries, err := r.a.gitConfig().getRegexpOrigin(`^url\..*\.(insteadof|pushinsteadof)$`)
	if err != nil {
		return
	}
	global := &importer.Repo{Dir: "git's configuration"}
	for _, e := range entries {
		file, ok := strings.CutPrefix(e.origin, "file:")
		if !ok {
			file = e.origin
		}
		for _, x := range importer.ExposedIn(global, []importer.ConfigEntry{{Key: e.key, Value: e.value}}, nil) {
			if importer.AzureURL(x.URL, r.servers) {
				x.File = file
				r.exposed = append(r.exposed, x)
			}
		}
	}
}

// readGCM reads Git Credential Manager's plaintext store and, where there
// is a Secret Service, its items there.
func (r *importRun) readGCM() {
	configured := ""
	if v, err := r.a.gitConfig().getAll("credential.plaintextStorePath"); err == nil && len(v) > 0 {
		configured = v[len(v)-1]
	}
	root := importer.GCMPlaintextRoot(r.a.Getenv, configured)
	creds, bad, err := importer.ReadGCMPlaintext(root)
	for _, e := range bad {
		r.note("GCM's plaintext store: %v", e)
	}
	switch {
	case err != nil:
		r.note("cannot read GCM's plaintext store %s: %v", root, err)
	case root != "":
		if _, err := os.Lstat(root); err == nil {
			r.searched = append(r.searched, "GCM's plaintext store "+root)
		} else {
			r.absent = append(r.absent, root)
		}
	}
	r.founds = append(r.founds, importer.FoundInGCM(creds)...)

	cfg, _ := r.a.readConfig() // a bad config file is the store's to report
	timeout, err := r.a.keyringTimeout(r.o, cfg)
	if err != nil {
		timeout = keyring.DefaultTimeout
	}
	items, locked, err := keyring.SearchForeign(timeout, importer.GCMItemAttributes())
	var ke *store.KeyringError
	switch {
	case errors.As(err, &ke) && ke.State == store.KeyringUnsupported:
		return // macOS, Windows: GCM uses the Keychain or Credential Manager there
	case err != nil:
		r.unread = append(r.unread, "GCM's Secret Service items ("+err.Error()+")")
		return
	}
	r.searched = append(r.searched, "GCM's Secret Service items")
	if locked > 0 {
		r.note("%s in a locked keyring were not read (adopat never unlocks one, which would prompt): unlock it and run import again", plural(locked, "GCM item"))
	}
	var gcm []importer.GCMCredential
	for _, it := range items {
		if c, ok := importer.GCMItem(it.Path, it.Attributes, it.Secret); ok {
			gcm = append(gcm, c)
		}
	}
	r.founds = append(r.founds, importer.FoundInGCM(gcm)...)
}

// readRepos finds the repositories under dir and reads their configs.
func (r *importRun) readRepos(dir string) {
	repos, skipped, err := importer.FindRepos(dir, r.opts.depth)
	if err != nil {
		r.note("cannot search %s: %v", dir, err)
		return
	}
	r.skipped = append(r.skipped, skipped...)
	n := fmt.Sprintf("%d repositories", len(repos))
	if len(repos) == 1 {
		n = "1 repository"
	}
	r.searched = append(r.searched, n+" under "+dir)
	for i := range repos {
		repo := &repos[i]
		// DIRs that overlap (~/src and ~/src/web) find a repository twice:
		// it is read once.
		if r.readGitDirs[repo.GitDir] {
			continue
		}
		if r.readGitDirs == nil {
			r.readGitDirs = map[string]bool{}
		}
		r.readGitDirs[repo.GitDir] = true
		entries, err := r.git.List(repo.Config())
		if err != nil {
			r.note("cannot read %s: %v", repo.Config(), err)
			continue
		}
		founds := importer.FoundInRepo(repo, entries)
		r.founds = append(r.founds, founds...)
		r.knownOrgs = append(r.knownOrgs, importer.OrgsIn(entries, r.servers)...)
		r.noteUndeclaredServers(repo, founds)
		var modules []importer.ConfigEntry
		if repo.Gitmodules != "" {
			if modules, err = r.git.List(repo.Gitmodules); err != nil {
				r.note("cannot read %s: %v", repo.Gitmodules, err)
			}
		}
		for _, e := range importer.ExposedIn(repo, entries, modules) {
			if importer.AzureURL(e.URL, r.servers) {
				r.exposed = append(r.exposed, e)
			}
		}
	}
}

// noteUndeclaredServers notes, once per host, a credential found in
// repo's URLs (founds) of the form an Azure DevOps Server gives
// (.../PROJECT/_git/REPO) on a host no --server or install --server
// declares: import cannot tell such a server from any other git host, so
// without the note its PATs would stay in the URLs without a word.
func (r *importRun) noteUndeclaredServers(repo *importer.Repo, founds []importer.Found) {
	for _, f := range founds {
		u := f.URL
		if importer.AzureURL(u, r.servers) || !strings.Contains("/"+u.Path+"/", "/_git/") {
			continue
		}
		host := strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
		if r.undeclared[host] {
			continue
		}
		if r.undeclared == nil {
			r.undeclared = map[string]bool{}
		}
		r.undeclared[host] = true
		r.note("%s %s holds a credential for %s, whose URL looks like an Azure DevOps Server's (.../_git/...), but no server is declared there, so import leaves it: if it is one, run `git-credential-adopat install --server %s` (with its collection path, if any) and import again", repo.Dir, f.Key, host, host)
	}
}

// plan decides, reading the store (and its secrets) only when an Azure
// DevOps credential was found.
func (r *importRun) plan() error {
	opts := importer.Options{Servers: r.servers, Replace: r.opts.replace, AnyFormat: r.opts.anyFormat, Org: r.opts.org, KnownOrgs: r.knownOrgs, ReposSearched: r.opts.repos.given}
	if len(importer.Plan(r.founds, nil, opts)) == 0 {
		return nil
	}
	b, d, err := r.a.loadStore(r.o)
	if err != nil {
		return err
	}
	r.b = b
	for i := range d.Tokens {
		// A secret that cannot be read stays Stripped: Plan leaves its
		// scope's credentials where they are.
		if pat, refresh, err := b.Store.Secret(d.Tokens[i].Scope()); err == nil {
			d.Tokens[i].SetSecrets(pat, refresh)
		}
	}
	r.decisions = importer.Plan(r.founds, d.Tokens, opts)
	r.outcomes = make([]importOutcome, len(r.decisions))
	return nil
}

// failed is the run's error: the places that could not be cleaned (each
// was reported on its line).
func (r *importRun) failed() error {
	if len(r.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s could not be taken out of its place (see above); its PAT is stored, so run import again once the cause is fixed", plural(len(r.errs), "credential"))
}
