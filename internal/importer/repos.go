package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Repo is one git repository found under a directory.
type Repo struct {
	// Dir is the repository as people know it: its working tree, the bare
	// repository, or for a submodule's git directory with no working tree
	// found, that git directory.
	Dir string
	// GitDir is its common git directory, where its config is: .git, or
	// what a .git file (a linked worktree, an absorbed submodule) leads
	// to, or the bare repository itself.
	GitDir string
	Bare   bool
	// Gitmodules is the working tree's .gitmodules, when it has one.
	Gitmodules string
}

// Config is the repository's own config file.
func (r *Repo) Config() string { return filepath.Join(r.GitDir, "config") }

// Skipped is a directory FindRepos did not look into, and why.
type Skipped struct{ Path, Why string }

// maxModuleDepth bounds the nesting of submodules' git directories
// (.git/modules/a/modules/b/...), which a hostile repository could make
// deep.
const maxModuleDepth = 8

// FindRepos finds the git repositories under root, looking at most depth
// directory levels below it. It never follows a symbolic link (a link to
// a directory is not entered; root itself may be one), and it takes no
// repository whose git directory lies outside root: a .git file or a
// linked worktree pointing elsewhere is reported in skipped instead.
// Each repository is listed once, however many working trees share it.
// A submodule's git directory (.git/modules/NAME) is a repository of its
// own, with its own remote URL; it is found through its working tree or,
// without one, in the superproject's modules directory. A bare repository
// is not searched further.
func FindRepos(root string, depth int) (repos []Repo, skipped []Skipped, err error) {
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, err
	}
	if fi, err := os.Stat(real); err != nil {
		return nil, nil, err
	} else if !fi.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a directory", root)
	}
	f := &finder{root: real, seen: map[string]bool{}}
	f.visit(real, 0, depth)
	if f.tooDeep > 0 {
		f.skipped = append(f.skipped, Skipped{Path: root, Why: fmt.Sprintf("%d directories deeper than %d levels were not searched (--depth)", f.tooDeep, depth)})
	}
	return f.repos, f.skipped, nil
}

type finder struct {
	root    string
	seen    map[string]bool // git directories already listed
	repos   []Repo
	skipped []Skipped
	tooDeep int
}

func (f *finder) skip(path, format string, args ...any) {
	f.skipped = append(f.skipped, Skipped{Path: path, Why: fmt.Sprintf(format, args...)})
}

func (f *finder) visit(dir string, level, depth int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.skip(dir, "cannot be read: %v", errText(err))
		return
	}
	names := dirNames(entries)
	var modules []string
	switch dotgit, ok := names[".git"]; {
	case ok:
		if gitdir, ok := f.gitDirOf(dir, dotgit); ok && f.configRegular(dir, gitdir) && f.add(Repo{Dir: dir, GitDir: gitdir, Gitmodules: regularFile(filepath.Join(dir, ".gitmodules"))}) {
			modules = append(modules, gitdir)
		}
	case isGitDir(names):
		if f.add(Repo{Dir: dir, GitDir: dir, Bare: true}) {
			f.modules(dir, 0)
		}
		return
	}
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 && level < depth {
			f.linkedRepo(filepath.Join(dir, e.Name()))
		}
		if !e.IsDir() || e.Name() == ".git" { // a link's type is ModeSymlink: never entered
			continue
		}
		if level >= depth {
			f.tooDeep++
			continue
		}
		f.visit(filepath.Join(dir, e.Name()), level+1, depth)
	}
	// Submodules whose working tree was not met (not checked out, deeper
	// than depth, deinitialised but kept) still have a git directory.
	for _, gitdir := range modules {
		f.modules(gitdir, 0)
	}
}

// linkedRepo reports the symbolic link at path when it leads to a
// repository outside the root: it is not followed, so the PATs in that
// repository's URLs stay, and the user is told where to run import
// instead of believing every repository under DIR is clean. Links to
// anything else (node_modules' links, a dotfiles directory) are not
// worth a line.
func (f *finder) linkedRepo(path string) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil || within(f.root, real) {
		return // dangling, or found under the root anyway
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return
	}
	_, dotgit := os.Lstat(filepath.Join(real, ".git"))
	entries, err := os.ReadDir(real)
	if dotgit != nil && (err != nil || !isGitDir(dirNames(entries))) {
		return
	}
	f.skip(path, "is a symbolic link to the repository %s, which import does not follow; to clean it, run import --repos %s", real, real)
}

// dirNames indexes directory entries by name.
func dirNames(entries []fs.DirEntry) map[string]fs.DirEntry {
	names := map[string]fs.DirEntry{}
	for _, e := range entries {
		names[e.Name()] = e
	}
	return names
}

// add lists r unless its git directory was listed already.
func (f *finder) add(r Repo) bool {
	if f.seen[r.GitDir] {
		return false
	}
	f.seen[r.GitDir] = true
	f.repos = append(f.repos, r)
	return true
}

// modules lists the submodule git directories under gitdir/modules. A
// submodule's name may contain slashes, so a directory that is not a git
// directory is searched further.
func (f *finder) modules(gitdir string, level int) {
	if level >= maxModuleDepth {
		return
	}
	f.moduleDir(filepath.Join(gitdir, "modules"), level)
}

func (f *finder) moduleDir(dir string, level int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // no modules directory: no submodules
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		subEntries, err := os.ReadDir(sub)
		if err != nil {
			f.skip(sub, "cannot be read: %v", errText(err))
			continue
		}
		if isGitDir(dirNames(subEntries)) {
			f.add(Repo{Dir: sub, GitDir: sub})
			f.modules(sub, level+1)
			continue
		}
		f.moduleDir(sub, level+1)
	}
}

// gitDirOf is the common git directory of the working tree dir, whose
// .git entry is dotgit: the directory itself, or where a .git file
// ("gitdir: PATH", git's read_gitfile) leads, then, for a linked
// worktree, its commondir. ok is false (and the reason recorded) for a
// link, an unreadable file, or a git directory outside the root.
func (f *finder) gitDirOf(dir string, dotgit fs.DirEntry) (string, bool) {
	path := filepath.Join(dir, ".git")
	switch {
	case dotgit.IsDir():
		return path, true
	case dotgit.Type()&fs.ModeSymlink != 0:
		f.skip(dir, ".git is a symbolic link, which import does not follow")
		return "", false
	case !dotgit.Type().IsRegular():
		return "", false
	}
	gitdir, err := readPointer(path, "gitdir: ", dir)
	if err != nil {
		f.skip(dir, "its .git file cannot be read: %v", errText(err))
		return "", false
	}
	// A linked worktree's git directory names the main one in commondir
	// (relative to itself); a submodule's has none.
	if common, err := readPointer(filepath.Join(gitdir, "commondir"), "", gitdir); err == nil {
		gitdir = common
	}
	real, err := filepath.EvalSymlinks(gitdir)
	if err != nil {
		f.skip(dir, "its git directory %s cannot be found: %v", gitdir, errText(err))
		return "", false
	}
	if !within(f.root, real) {
		f.skip(dir, "its git directory %s is outside the directory searched; to clean it, run import --repos on a directory that holds it", real)
		return "", false
	}
	return real, true
}

// configRegular reports whether gitdir's config is a regular file, and
// records dir as skipped when it is a symbolic link: git config --file
// would read, and rewrite, the file the link leads to, which may be
// outside the directory searched and another user's (a bare repository
// or a submodule's git directory with such a config is not taken for a
// git directory at all: isGitDir). A missing config is git's to report.
func (f *finder) configRegular(dir, gitdir string) bool {
	fi, err := os.Lstat(filepath.Join(gitdir, "config"))
	if err != nil || fi.Mode().IsRegular() {
		return true
	}
	f.skip(dir, "its config %s is a symbolic link or not a regular file, which import does not follow", filepath.Join(gitdir, "config"))
	return false
}

// readPointer reads a one-line file holding a path after prefix (a .git
// file's "gitdir: ", a commondir's bare path), relative to base.
func readPointer(path, prefix, base string) (string, error) {
	data, err := readRegular(path, 4096)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	target, ok := strings.CutPrefix(strings.TrimSuffix(line, "\r"), prefix)
	if !ok || target == "" {
		return "", fmt.Errorf("%s does not hold %q and a path", path, prefix)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(base, target)
	}
	return filepath.Clean(target), nil
}

// isGitDir reports a git directory by its entries: HEAD and config files,
// objects and refs directories (what git's is_git_directory checks, less
// the reading of HEAD).
func isGitDir(names map[string]fs.DirEntry) bool {
	head, config, objects, refs := names["HEAD"], names["config"], names["objects"], names["refs"]
	return head != nil && head.Type().IsRegular() && config != nil && config.Type().IsRegular() &&
		objects != nil && objects.IsDir() && refs != nil && refs.IsDir()
}

// within reports whether path is root or below it (both real paths).
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// regularFile is path when it is a regular file (not a link), else "".
func regularFile(path string) string {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() {
		return path
	}
	return ""
}

// errText is an error without the path os errors repeat.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
