package cli

import (
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// installOptions are the own flags of install and uninstall.
type installOptions struct {
	system bool
}

// installCmd is `install`.
func installCmd() *command {
	opts := &installOptions{}
	return newCommand("install", []string{"server"}, withOptions(opts, runInstall), func(fs *pflag.FlagSet) {
		fs.BoolVar(&opts.system, "system", false, "write the system git config (all users) instead of the global one")
	})
}

// uninstallCmd is `uninstall`.
func uninstallCmd() *command {
	opts := &installOptions{}
	return newCommand("uninstall", []string{"server"}, withOptions(opts, runUninstall), func(fs *pflag.FlagSet) {
		fs.BoolVar(&opts.system, "system", false, "edit the system git config instead of the global one")
	})
}

// cloudURLs are the credential contexts install configures. git matches
// credential.<url>.* against the remote URL, "*" standing for one host
// label (gitcredentials(7), "CREDENTIAL CONTEXTS").
var cloudURLs = []string{"https://dev.azure.com", "https://*.visualstudio.com"}

// helperName is what git turns into `git credential-adopat`, found on PATH:
// the helper string install writes when it cannot write an absolute path
// (helperCommand), and every version before did.
const helperName = "adopat"

// credContext is one credential URL install configures, with the helper
// command line for it.
type credContext struct {
	url    string
	helper string // the command (helperCommand), then args
	args   string // "" for the cloud, --server and the URL for a server
	cloud  bool   // Azure DevOps cloud: also useHttpPath
	name   string // what uninstall reports, when not url (an older form's)
}

// ours reports whether a helper value is this context's helper in any
// form install writes or wrote: the plain name or any absolute path of
// git-credential-adopat, with the same arguments. The path may differ
// from today's: the binary may have moved since, or been started from
// elsewhere (helperCommand).
func (c credContext) ours(value string) bool {
	_, args, ok := parseHelper(value)
	return ok && args == c.args
}

func (c credContext) display() string {
	if c.name != "" {
		return c.name
	}
	return c.url
}

// contexts are the credential URLs install sets for the cloud and the
// declared servers, each with command (helperCommand) as its helper.
func contexts(command string, servers []azdo.Server) []credContext {
	var out []credContext
	for _, u := range cloudURLs {
		out = append(out, credContext{url: u, helper: command, cloud: true})
	}
	// The key's URL is encoded the way git encodes the request it matches
	// against it (azdo.Server.CredentialURL); the helper string carries the
	// declared URL, shell-quoted (serverHelper).
	for _, s := range servers {
		out = append(out, credContext{url: s.CredentialURL(), helper: serverHelper(command, s), args: serverArgs(s)})
	}
	return out
}

// installTargets checks the arguments of install or uninstall (name) and
// returns the git config file it edits and the declared servers.
func (a *App) installTargets(name string, o *options, opts *installOptions, args []string) (gitConfig, []azdo.Server, error) {
	if len(args) > 0 {
		return gitConfig{}, nil, usagef("%s takes no arguments", name)
	}
	servers, err := o.parseServers()
	if err != nil {
		return gitConfig{}, nil, err
	}
	return a.gitConfigFile(opts.system), servers, nil
}

func runInstall(a *App, o *options, opts *installOptions, args []string) error {
	g, servers, err := a.installTargets("install", o, opts, args)
	if err != nil {
		return err
	}
	command, why := a.helperCommand()
	for _, c := range contexts(command, servers) {
		if err := g.saveOriginal(c); err != nil {
			return err
		}
		if err := g.setHelper(c); err != nil {
			return err
		}
		// The organisation is the first path segment on dev.azure.com;
		// git sends the path only with useHttpPath. Declared servers keep
		// git's default (one credential per host).
		if c.cloud {
			if err := g.set("credential."+c.url+".useHttpPath", "true"); err != nil {
				return err
			}
		}
		printf(a.Stdout, "git will ask adopat for %s\n", c.url)
	}
	if command != helperName {
		printf(a.Stdout, "git runs it as %s\n", command)
		return nil
	}
	printf(a.Stdout, "git runs it as `git credential-adopat`, found on PATH, not by its absolute path: %s\n", why)
	if _, err := exec.LookPath(binaryName); err != nil {
		fmt.Fprintln(a.Stderr, "note: git-credential-adopat is not on PATH, so git cannot run it yet; "+installAdvice())
	}
	return nil
}

// setHelper makes the key's values exactly "" then c's helper. The empty
// value resets the helper list for this URL, so adopat alone answers it
// while other helpers keep serving other hosts (as `gh auth setup-git`
// does). Already right means untouched, so install is idempotent to the
// byte. An adopat helper in another form (an earlier version's plain name,
// a path the binary has left) is replaced in its own line.
func (g gitConfig) setHelper(c credContext) error {
	key, helper := "credential."+c.url+".helper", c.helper
	current, err := g.getAll(key)
	if err != nil {
		return err
	}
	for _, v := range current {
		if v != helper && c.ours(v) {
			if err := g.replaceValues(key, helper, "^"+regexp.QuoteMeta(v)+"$"); err != nil {
				return err
			}
			if current, err = g.getAll(key); err != nil {
				return err
			}
			break
		}
	}
	if slices.Equal(current, []string{"", helper}) {
		return nil
	}
	if len(current) == 2 && current[0] == "" && current[1] != "" {
		// The user's own reset and one helper: put adopat in that helper's
		// line, so both lines stay where and as they were written, and
		// uninstall can swap it back (restoreHelpers).
		return g.replaceValues(key, helper, "^"+regexp.QuoteMeta(current[1])+"$")
	}
	return g.replaceAll(key, []string{"", helper})
}

func runUninstall(a *App, o *options, opts *installOptions, args []string) error {
	g, servers, err := a.installTargets("uninstall", o, opts, args)
	if err != nil {
		return err
	}
	command, _ := a.helperCommand()
	ctxs, legacy := contexts(command, servers), legacyContexts(servers)
	// What install wrote may be another form than today's command: the
	// plain name of an earlier version, or a path the binary has left.
	for _, list := range [][]credContext{ctxs, legacy} {
		for i := range list {
			if list[i], err = g.installedForm(list[i]); err != nil {
				return err
			}
		}
	}
	// Every server install declared in this file goes too, --server given
	// or not: once the binary is gone no entry may still name it.
	found, orphans, err := g.installedServers(append(legacy, ctxs...))
	if err != nil {
		return err
	}
	var removed []string
	for _, c := range append(append(legacy, ctxs...), found...) {
		changed, err := g.restoreOriginal(c)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if err := g.removeIfEmpty("credential." + c.url); err != nil {
			return err
		}
		if name := c.display(); !slices.Contains(removed, name) {
			removed = append(removed, name)
		}
	}
	for _, url := range orphans {
		if err := g.removeSection(snapshotSection(url)); err != nil {
			return err
		}
	}
	for _, name := range removed {
		printf(a.Stdout, "git no longer asks adopat for %s\n", name)
	}
	if len(removed) == 0 {
		printf(a.Stdout, "nothing to remove: the %s git config does not ask adopat for anything\n", strings.TrimPrefix(g.scope, "--"))
	}
	a.reportLeftovers()
	return nil
}

// legacyContexts are the server entries earlier versions of install wrote:
// the key with Go's URL encoding and the URL unquoted in the helper string.
// They differ from today's only for collection names with characters git
// encodes differently or the shell reads (R&D, it's), which never worked;
// uninstall removes them too, so upgrading leaves nothing behind.
func legacyContexts(servers []azdo.Server) []credContext {
	var out []credContext
	for _, s := range servers {
		c := credContext{url: s.String(), helper: helperName + " --server " + s.String(), args: "--server " + s.String(), name: s.CredentialURL()}
		if c.url != s.CredentialURL() || c.args != serverArgs(s) {
			out = append(out, c)
		}
	}
	return out
}

// installedForm is c with the helper value install left for c's URL, in
// whichever form it wrote it; c itself when there is none.
func (g gitConfig) installedForm(c credContext) (credContext, error) {
	current, err := g.getAll("credential." + c.url + ".helper")
	if err != nil {
		return c, err
	}
	for _, v := range current {
		if c.ours(v) {
			c.helper = v
			break
		}
	}
	return c, nil
}

// removeIfEmpty drops a section install left empty, but keeps it when the
// user has other settings in it.
func (g gitConfig) removeIfEmpty(section string) error {
	keys, err := g.getRegexp("^" + regexp.QuoteMeta(section) + `\.`)
	switch {
	case err != nil:
		return err
	case len(keys) > 0:
		return nil // still has keys of the user's
	}
	return g.removeSection(section)
}

// reportLeftovers names every helper entry git still has for adopat after
// uninstall, in any config file git reads here (the system file, a
// repository's, GIT_CONFIG_* in the environment), with the command that
// removes it: uninstall removes only what install wrote in its own file,
// and once the binary is gone every such entry makes git print an error.
func (a *App) reportLeftovers() {
	entries, err := a.gitConfig().getRegexpOrigin(`^credential\..*\.helper$`)
	if err != nil {
		return // git cannot say
	}
	for _, e := range entries {
		origin, key, value := e.origin, e.key, e.value
		if !isAdopatHelper(value) {
			continue
		}
		fix := "it is set on git's command line or in GIT_CONFIG_* variables; remove it there"
		if file, ok := strings.CutPrefix(origin, "file:"); ok {
			fix = "remove it with: git config --file " + shellQuote(file) + " --fixed-value --unset-all " + shellQuote(key) + " " + shellQuote(value)
		}
		printf(a.Stderr, "git-credential-adopat: git still asks adopat through %s = %s (%s); %s\n", key, value, origin, fix)
	}
}

// isAdopatHelper reports whether a credential.helper value runs adopat:
// "adopat ...", a path to git-credential-adopat, or a shell command
// starting with either.
func isAdopatHelper(value string) bool {
	if _, _, ok := parseHelper(value); ok {
		return true
	}
	words := strings.Fields(strings.TrimPrefix(strings.TrimSpace(value), "!"))
	if len(words) == 0 {
		return false
	}
	first := words[0][strings.LastIndexAny(words[0], `/\`)+1:]
	first = strings.TrimSuffix(strings.ToLower(first), ".exe")
	return first == helperName || first == "git-credential-adopat" ||
		(first == "git" && len(words) > 1 && words[1] == "credential-adopat")
}
