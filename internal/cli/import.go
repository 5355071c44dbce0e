package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/importer"
)

// importOptions are import's own flags.
type importOptions struct {
	gitCredentials, repos      pathsFlag
	gcm                        bool
	dryRun, keep, removeSource bool
	replace, anyFormat         bool
	org                        string
	depth                      int
}

// pathsFlag is a source flag given bare, its paths then following as
// arguments (--repos ~/src ~/work), or with a value, repeatable
// (--repos=~/src). To pflag it is a bool flag (NoOptDefVal "true"), so
// that a bare one takes no argument and --help shows it as a switch.
type pathsFlag struct {
	given bool
	paths []string
}

func (p *pathsFlag) Set(v string) error {
	p.given = true
	if v != "true" {
		p.paths = append(p.paths, v)
	}
	return nil
}

func (p *pathsFlag) String() string { return fmt.Sprint(p.given) }
func (p *pathsFlag) Type() string   { return "bool" }

// pathsVar registers a pathsFlag.
func pathsVar(fs *pflag.FlagSet, p *pathsFlag, name, usage string) {
	fs.Var(p, name, usage)
	fs.Lookup(name).NoOptDefVal = "true"
}

// defaultRepoDepth is how many directory levels below each --repos DIR
// are searched: ~/src/ORG/PROJECT/REPO and a little more.
const defaultRepoDepth = 6

// importCmd is `import`.
func importCmd() *command {
	opts := &importOptions{}
	return newCommand("import", serverAndStoreFlags, withOptions(opts, runImport), func(fs *pflag.FlagSet) {
		pathsVar(fs, &opts.gitCredentials, "git-credentials", "from git's credential-store files: ~/.git-credentials and $XDG_CONFIG_HOME/git/credentials, or the FILEs given")
		pathsVar(fs, &opts.repos, "repos", "from the remote and submodule URLs of the repositories under the DIRs given")
		fs.BoolVar(&opts.gcm, "gcm", false, "from Git Credential Manager: its plaintext store and its Secret Service items")
		fs.BoolVar(&opts.dryRun, "dry-run", false, "list what would move, change nothing")
		fs.BoolVar(&opts.keep, "keep", false, "store the PATs but leave every place they were found as it is")
		fs.BoolVar(&opts.removeSource, "remove-source", false, "also delete the entries imported from Git Credential Manager")
		fs.BoolVar(&opts.replace, "replace", false, "a PAT that differs from the one stored for its scope replaces it")
		fs.BoolVar(&opts.anyFormat, "any-format", false, "take secrets that look like no PAT format too")
		fs.StringVar(&opts.org, "org", "", "the organisation of entries whose URL names none (https://USER:PAT@dev.azure.com)")
		fs.IntVar(&opts.depth, "depth", defaultRepoDepth, "how many directory levels below each DIR to search for repositories")
	})
}

// importSources are what one import reads: credentials files, GCM, and
// directories to search for repositories.
type importSources struct {
	credFiles                  []string // explicit FILEs; none with gitCredentials set: git's own
	dirs                       []string
	gitCredentials, gcm, repos bool
}

// runImport moves PATs kept in plaintext elsewhere into the store: see
// help/import.txt. It reads every source, plans (importer.Plan), stores
// the PATs to store in one Update, reads them back, and only then takes
// each one out of its place, so a failure at any step leaves every PAT in
// at least one place.
func runImport(a *App, o *options, opts *importOptions, args []string) error {
	src, err := opts.sources(args)
	if err != nil {
		return err
	}
	servers, err := a.declaredServers(o)
	if err != nil {
		return err
	}
	run := &importRun{a: a, o: o, opts: opts, servers: servers, git: importer.Git{Path: a.Git}}
	run.read(src)
	if err := run.plan(); err != nil {
		return err
	}
	if !opts.dryRun {
		if err := run.apply(); err != nil {
			return err
		}
	}
	run.report()
	return run.failed()
}

// sources sorts the paths given: --repos=DIR and --git-credentials=FILE
// as said, and each argument by what it is, a directory searched for
// repositories (with --repos), a file read as a credentials file (with
// --git-credentials). With no source named, import reads git's
// credentials files and Git Credential Manager.
func (opts *importOptions) sources(args []string) (importSources, error) {
	switch {
	case opts.keep && opts.removeSource:
		return importSources{}, usagef("--keep leaves every source as it is, --remove-source deletes GCM's entries: give one of them")
	case opts.org != "" && !azdo.ValidOrg(opts.org):
		return importSources{}, usagef("--org %q is not an Azure DevOps organisation name (letters, digits and hyphens)", opts.org)
	case opts.depth < 0:
		return importSources{}, usagef("--depth %d: give 0 (the directories themselves) or more", opts.depth)
	}
	src := importSources{gitCredentials: opts.gitCredentials.given, gcm: opts.gcm, repos: opts.repos.given}
	for _, arg := range opts.repos.paths {
		if err := src.add(arg, true, false); err != nil {
			return importSources{}, err
		}
	}
	for _, arg := range opts.gitCredentials.paths {
		if err := src.add(arg, false, true); err != nil {
			return importSources{}, err
		}
	}
	for _, arg := range args {
		if err := src.add(arg, src.repos, src.gitCredentials); err != nil {
			return importSources{}, err
		}
	}
	if src.repos && len(src.dirs) == 0 {
		return importSources{}, usagef("--repos needs at least one directory to search: import --repos ~/src")
	}
	if !src.gitCredentials && !src.gcm && !src.repos {
		src.gitCredentials, src.gcm = true, true
	}
	return src, nil
}

// add sorts one path: a directory is searched for repositories when dirs
// are taken, a file read as a credentials file when files are.
func (src *importSources) add(arg string, dirs, files bool) error {
	abs, err := filepath.Abs(arg)
	if err != nil {
		return usagef("%s: %v", arg, err)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usagef("%s does not exist", arg)
	case err != nil:
		return usagef("%s: %v", arg, err)
	case fi.IsDir() && !dirs:
		return usagef("%s is a directory: to search it for repositories, give --repos", arg)
	case fi.IsDir():
		src.dirs = append(src.dirs, abs)
	case !files:
		return usagef("%s is a file: to read it as a credentials file, give --git-credentials", arg)
	default:
		src.credFiles = append(src.credFiles, abs)
	}
	return nil
}
