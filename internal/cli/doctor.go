package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/entra"
	"github.com/adopat/git-credential-adopat/internal/gitaction"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// doctorCmd is `doctor`.
func doctorCmd() *command {
	return jsonCommand("doctor", storeFlags, runDoctor)
}

// Check statuses, as doctor --json gives them; the human output shows
// fail as FAIL.
const (
	statusOK   = "ok"
	statusWarn = "warn"
	statusFail = "fail"
	statusInfo = "info"
)

// checkResult is one finding of doctor. Human and JSON output are made
// from the same list. The names are a stable interface (README, "doctor
// --json"): backend, files, store_dir, keyring, key, tokens, token_read,
// token_privilege, token_withdrawn, token_expired, token_expiring,
// token_no_expiry, token_source, journal, env_token, helper_path, path,
// git_config, server_helper, server_token, remote_credential.
type checkResult struct {
	Name    string `json:"name"`
	Status  string `json:"status"` // ok, warn, fail or info
	Message string `json:"message"`
	// Detail is what the check is about when there are several of its
	// kind (the URL git was asked about, a key source not used).
	Detail string `json:"detail,omitempty"`
	// Scope is the token a token_* or server_token check is about.
	Scope string `json:"scope,omitempty"`

	human string // Message with outside text escaped
}

// tokenCounts are doctor --json's token totals.
type tokenCounts struct {
	Total     int `json:"total"`
	Active    int `json:"active"`
	Expiring  int `json:"expiring"` // active, but within the expiry warning window
	Expired   int `json:"expired"`
	Withdrawn int `json:"withdrawn"`
	Missing   int `json:"missing"` // listed, but its secret is unreadable or gone
}

// doctorReport is doctor --json's document.
type doctorReport struct {
	OK            bool          `json:"ok"`
	Checks        []checkResult `json:"checks"`
	Backend       string        `json:"backend"`
	Store         string        `json:"store"`
	BackendReason string        `json:"backend_reason"`
	KeySource     string        `json:"key_source"`
	Tokens        tokenCounts   `json:"tokens"`
}

// doctor collects check results.
type doctor struct {
	checks []checkResult
	// unsafeDirs are the directories a failed check already named as
	// writable by others or owned by someone else: every later check that
	// fails on the same directory says so in a few words instead of
	// repeating the sentence and its command.
	unsafeDirs map[string]bool
}

// fail records a failed check whose cause is err. When err is an unsafe
// directory an earlier line named, the line points there instead.
func (d *doctor) fail(name, detail, what string, err error) {
	if dir, ok := unsafeDir(err); ok {
		if d.unsafeDirs[dir] {
			d.add(name, statusFail, detail, "", "%s: not checked: directory %s is unsafe (see above)", what, dir)
			return
		}
		if d.unsafeDirs == nil {
			d.unsafeDirs = map[string]bool{}
		}
		d.unsafeDirs[dir] = true
	}
	d.add(name, statusFail, detail, "", "%s: %s", what, withHint(err))
}

// unsafeDir is the directory err says other users can write to (or
// someone else owns), if that is what it says.
func unsafeDir(err error) (string, bool) {
	var pe *store.PermissionError
	if errors.As(err, &pe) && pe.Dir {
		return pe.Path, true
	}
	return "", false
}

// add records one result; format's arguments are outside text (paths,
// scopes, error messages), escaped in the human output only.
func (d *doctor) add(name, status, detail, scope, format string, args ...any) {
	d.checks = append(d.checks, checkResult{
		Name: name, Status: status, Detail: detail, Scope: scope,
		Message: fmt.Sprintf(format, args...),
		human:   fmt.Sprintf(format, escapeArgs(args)...),
	})
}

func (d *doctor) failed() bool {
	for _, c := range d.checks {
		if c.Status == statusFail {
			return true
		}
	}
	return false
}

// runDoctor checks what usually goes wrong, one line per check (or one
// JSON document), and exits 2 when something must be fixed.
func runDoctor(a *App, o *options, opts *jsonOptions, args []string) error {
	if len(args) > 0 {
		return usagef("doctor takes no arguments")
	}
	d := &doctor{}
	rep := &doctorReport{}
	a.doctorChecks(o, d, rep)
	rep.Checks, rep.OK = d.checks, !d.failed()
	if opts.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
		if !rep.OK {
			return errors.New("doctor found problems (checks with status fail)")
		}
		return nil
	}
	for _, c := range d.checks {
		status := c.Status
		if status == statusFail {
			status = "FAIL"
		}
		fmt.Fprintf(a.Stdout, "%-4s  %s\n", status, c.human)
	}
	if !rep.OK {
		return errors.New("doctor found problems (FAIL lines above)")
	}
	return nil
}

// doctorChecks runs every check into d and fills rep's summary.
func (a *App) doctorChecks(o *options, d *doctor, rep *doctorReport) {
	b, err := a.openStore(o, true)
	if err != nil {
		d.add("backend", statusFail, "", "", "backend: %s", withHint(err))
		return
	}
	rep.Backend, rep.Store, rep.BackendReason = b.Name, b.Path, b.Reason
	if b.Ambiguous {
		d.add("backend", statusFail, "", "", "backend: %s (%s)", b.Describe(), b.Reason)
	} else {
		d.add("backend", statusOK, "", "", "backend: %s (%s)", b.Describe(), b.Reason)
	}
	checkStoreDir(b, d)
	reportFiles(b, d)
	ok, why := probeKeyring(a, o)
	switch {
	case !b.Kind.NeedsKeyring:
		d.add("keyring", statusInfo, "", "", "OS keyring: %s", map[bool]string{true: "available, " + why, false: "not available, " + why}[ok])
	case !ok || strings.Contains(why, "locked"):
		d.add("keyring", statusFail, "", "", "OS keyring: %s; git gets no answers until it is fixed (or `migrate --to file`)", why)
	}
	if key := b.Key(a.env(o)); key != nil {
		rep.KeySource = key.Source
		checkKey(key, d)
		checkCredentialsDirectory(a, d)
	}

	// One read of the store serves every check below; data is nil when it
	// cannot be read (checkTokens reports why).
	data, err := b.Store.Load()
	a.checkTokens(b, data, err, d, rep)
	checkJournal(b, d)
	a.checkRemoteCredentials(o, b, data, d)
	a.checkEnvToken(d)

	a.checkHelperCommands(d)
	for _, url := range []string{"https://dev.azure.com/ORG/PROJECT/_git/REPO", "https://ORG.visualstudio.com/PROJECT/_git/REPO"} {
		helpers := gitGetURLMatch(a, "credential.helper", url)
		usePath := gitGetURLMatch(a, "credential.useHttpPath", url)
		switch _, args, ours := parseHelper(helpers); {
		case !ours || args != "":
			d.add("git_config", statusFail, url, "", "git does not ask adopat for %s; run `git-credential-adopat install`", url)
		case usePath != "true":
			d.add("git_config", statusWarn, url, "", "credential.useHttpPath is not set for %s, so adopat sees no organisation; run `git-credential-adopat install`", url)
		default:
			d.add("git_config", statusOK, url, "", "git asks adopat for %s", url)
		}
	}
	reportServers(a, data, d)
}

// checkHelperCommands reports how git runs adopat, from every
// credential.URL.helper of adopat's in git's configuration: by an absolute
// path (install's choice where it can), which must still name an
// executable file, since git fails every request for the URL when it does
// not (a binary moved or deleted, a package upgraded); or by name, which
// git finds on PATH.
func (a *App) checkHelperCommands(d *doctor) {
	entries, _ := a.gitConfig().getRegexp(`^credential\..*\.helper$`)
	byName := false
	var good []string
	for _, e := range entries {
		path, _, ours := parseHelper(e.value)
		switch {
		case !ours:
			continue
		case path == "":
			byName = true
			continue
		}
		if err := checkExecutable(filepath.FromSlash(path)); err != nil {
			fix := "git-credential-adopat install"
			if s, ok := parseServerHelper(e.value); ok {
				fix += " --server " + shellQuote(s.String())
			}
			d.add("helper_path", statusFail, e.key, "", "%s runs adopat as %s, but %s, so git fails for these URLs; run `%s` (from the binary git is to run)", e.key, path, err, fix)
		} else if !slices.Contains(good, path) {
			good = append(good, path)
			d.add("helper_path", statusOK, path, "", "git runs adopat as %s", path)
		}
	}
	switch _, err := exec.LookPath(binaryName); {
	case err == nil:
		d.add("path", statusOK, "", "", "git-credential-adopat is on PATH")
	case !byName && len(good) > 0:
		d.add("path", statusInfo, "", "", "git-credential-adopat is not on PATH; git runs it by its absolute path")
	default:
		d.add("path", statusFail, "", "", "git-credential-adopat is not on PATH, so git cannot run it; %s", installAdvice())
	}
}

// checkKey reports where the vault's key comes from and whether git's
// helper can use it without anyone typing a passphrase.
func checkKey(key *keyReport, d *doctor) {
	switch {
	case key.Err != nil:
		d.fail("key", key.File, "key", key.Err)
	case key.Locked:
		d.add("key", statusFail, key.File, "", "key: %s; git gets no answers until it is unlocked: %s", key.Line, lockedKeyAdvice())
	default:
		d.add("key", statusOK, key.File, "", "key: %s", key.Line)
	}
	for _, u := range key.Unused {
		d.add("key", statusWarn, u, "", "key source not used: %s", u)
	}
}

// checkCredentialsDirectory warns when systemd passed credentials but none
// under adopat's names: a LoadCredential= with another name leaves the
// vault's key to identity.txt beside it, which is what the service meant
// to avoid.
func checkCredentialsDirectory(a *App, d *doctor) {
	dir := a.Getenv("CREDENTIALS_DIRECTORY")
	if dir == "" {
		return
	}
	for _, name := range []string{credentialIdentity, credentialPassphrase} {
		if _, ok := a.credentialPath(name); ok {
			return
		}
	}
	d.add("key", statusWarn, dir, "", "CREDENTIALS_DIRECTORY %s holds neither %s nor %s, so the key is not taken from systemd; name the credential so: LoadCredentialEncrypted=%s:/path/to/sealed-key",
		dir, credentialIdentity, credentialPassphrase, credentialIdentity)
}

// checkStoreDir reports the store directory's owner and mode: on a
// server, a directory another account can write to is how someone plants
// a vault and key of their choosing (the files check says the same in
// its words, with the command that fixes it).
func checkStoreDir(b *backend, d *doctor) {
	dir, owner, mode, err := storeDirInfo(b.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.add("store_dir", statusInfo, dir, "", "store directory %s does not exist yet; the first add creates it, %s", dir, newDirPrivacy())
		return
	case err != nil:
		d.add("store_dir", statusFail, dir, "", "store directory %s: %s", dir, err)
		return
	}
	about := fmt.Sprintf("owner %s, mode %04o", owner, mode)
	if owner == "" {
		about = "its access rules" // Windows: NTFS ACLs, not modes (fsx/acl_windows.go)
	}
	if err := fsx.CheckDirOf("store", b.Path); err != nil {
		d.fail("store_dir", dir, fmt.Sprintf("store directory %s: %s", dir, about), err)
		return
	}
	d.add("store_dir", statusOK, dir, "", "store directory %s: %s, not writable by others", dir, about)
}

// storeDirInfo is the directory holding path, its owner's name ("" where
// there is no Unix owner) and its permission bits.
func storeDirInfo(path string) (dir, owner string, mode fs.FileMode, err error) {
	dir = filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return dir, "", 0, err
	}
	return dir, fileOwner(fi), fi.Mode().Perm(), nil
}

// checkTokens reads every token, its secret included, and reports each
// one git would not be answered with, or soon would not.
func (a *App) checkTokens(b *backend, data *store.Data, err error, d *doctor, rep *doctorReport) {
	if err != nil {
		d.fail("tokens", "", "reading tokens", err)
		return
	}
	// Read every secret for real: a keyring index can list tokens whose
	// items are unreadable or were deleted in the keyring's own UI.
	unreadable := map[string]bool{}
	for i := range data.Tokens {
		scope := data.Tokens[i].Scope()
		if _, _, err := b.Store.Secret(scope); err != nil {
			unreadable[scope] = true
			d.add("token_read", statusFail, "", scope, "reading %s's PAT: %s", scope, withHint(err))
		}
	}
	now := a.Now()
	window, werr := a.expiryWarning()
	if werr != nil {
		window = gitaction.DefaultExpiryWarning
	}
	rep.Tokens.Total = len(data.Tokens)
	d.add("tokens", statusOK, "", "", "%s", plural(len(data.Tokens), "token"))
	for i := range data.Tokens {
		tok := &data.Tokens[i]
		lt := describe(tok, now)
		switch azdo.Privilege(lt.Privilege) {
		case azdo.Full:
			d.add("token_privilege", statusWarn, "", lt.Scope, "%s: recorded with full access (%s); create one limited to what it is for, e.g. vso.code to clone and fetch", lt.Scope, strings.Join(lt.Scopes, ","))
		case azdo.Write:
			d.add("token_privilege", statusWarn, "", lt.Scope, "%s: recorded scopes allow writing (%s); vso.code is enough to clone and fetch", lt.Scope, strings.Join(lt.Scopes, ","))
		}
		expiring := lt.Expires != nil && lt.Status == "active" && window > 0 && lt.Expires.Sub(now) <= window
		switch {
		case unreadable[lt.Scope]:
			rep.Tokens.Missing++
		case lt.Status == "withdrawn":
			rep.Tokens.Withdrawn++
		case lt.Status == "expired":
			rep.Tokens.Expired++
		default:
			rep.Tokens.Active++
			if expiring {
				rep.Tokens.Expiring++
			}
		}
		if tok.Source != nil {
			a.doctorSource(d, tok, lt, expiring, now)
			continue
		}
		switch {
		case lt.Status == "withdrawn":
			// A failure: git gets no answer for this scope until someone acts.
			d.add("token_withdrawn", statusFail, "", lt.Scope, "%s: withdrawn after Azure DevOps called the PAT invalid, so git gets no answer for it; `git-credential-adopat verify %s` puts it back once Azure DevOps accepts it, else create a new PAT and run: %s", lt.Scope, lt.Scope, rotateAdvice(tok))
		case lt.Status == "expired":
			d.add("token_expired", statusFail, "", lt.Scope, "%s: expired %s; create a new PAT %s, then run: %s", lt.Scope, lt.Expires.Format("2006-01-02"), helper.NewPATWhere(tok), rotateAdvice(tok))
		case lt.Expires == nil:
			d.add("token_no_expiry", statusWarn, "", lt.Scope, "%s: no expiry recorded; to be warned in time, add the same PAT again with the date Azure DevOps shows: %s --expires YYYY-MM-DD", lt.Scope, addCommand(tok))
		case expiring:
			d.add("token_expiring", statusWarn, "", lt.Scope, "%s: expires in %s (%s); create a new PAT %s, then run: %s", lt.Scope, plural(*lt.DaysLeft, "day"), lt.Expires.Format("2006-01-02"), helper.NewPATWhere(tok), rotateAdvice(tok))
		}
	}
}

// doctorSource reports a token source: what it is and what is cached
// (token_source), what can be told without asking it (a certificate that
// cannot be used, a variable or program it needs missing here), and for a
// PAT held in Key Vault its expiry as Key Vault gave it. doctor asks no
// source: verify does that.
func (a *App) doctorSource(d *doctor, tok *store.Token, lt listedToken, expiring bool, now time.Time) {
	src := tok.Source
	status, problem := statusOK, ""
	switch src.Entra {
	case store.EntraServicePrincipal:
		if err := entra.CheckCertificate(src); err != nil {
			status, problem = statusFail, withHint(err)
		}
	case store.EntraWorkloadIdentity:
		if a.Getenv("AZURE_FEDERATED_TOKEN_FILE") == "" {
			status, problem = statusWarn, "AZURE_FEDERATED_TOKEN_FILE is not set here, and workload identity reads the federated token from it: git's environment must have it"
		}
	case store.EntraAzureCLI:
		if _, err := exec.LookPath("az"); err != nil {
			status, problem = statusWarn, "az is not on PATH here, and the Azure CLI source runs `az account get-access-token`: git's PATH must have it, signed in as the user git runs as"
		}
	case store.EntraManagedIdentity:
		if a.Getenv("IDENTITY_ENDPOINT") != "" {
			problem = "managed identity endpoint: IDENTITY_ENDPOINT (App Service, Azure Arc)"
		} else {
			problem = "managed identity endpoint: the instance metadata service (Azure VMs)"
		}
	}
	msg := sourceLine(tok, now)
	if problem != "" {
		msg += "; " + problem
	}
	d.add("token_source", status, src.Spec(), lt.Scope, "%s: %s", lt.Scope, msg)
	if src.IsEntraToken() || tok.Expires == nil {
		return
	}
	switch {
	case lt.Status == "expired":
		d.add("token_expired", statusFail, "", lt.Scope, "%s: the PAT in Key Vault expired %s and is not sent; create a new PAT %s and put it in %s as a new version of the secret", lt.Scope, lt.Expires.Format("2006-01-02"), helper.NewPATWhere(tok), src.KeyVault)
	case expiring:
		d.add("token_expiring", statusWarn, "", lt.Scope, "%s: the PAT in Key Vault expires in %s (%s); create a new PAT %s and put it in %s as a new version of the secret", lt.Scope, plural(*lt.DaysLeft, "day"), lt.Expires.Format("2006-01-02"), helper.NewPATWhere(tok), src.KeyVault)
	}
}

// checkJournal reports whether git's get can record its answers: a
// journal it cannot append to costs git nothing but the record (list,
// audit and metrics then miss those uses), so nobody notices but here.
func checkJournal(b *backend, d *doctor) {
	j := journal.New(b.Path)
	if err := j.CheckAppend(); err != nil {
		d.fail("journal", j.Path(), "usage journal: git's answers are not recorded", err)
		return
	}
	d.add("journal", statusOK, j.Path(), "", "usage journal %s can be appended to", j.Path())
}

// checkEnvToken says when a CI token in the environment answers Azure
// DevOps cloud instead of the store (helper.EnvTokenFrom).
func (a *App) checkEnvToken(d *doctor) {
	e := helper.EnvTokenFrom(a.lookupEnv)
	org, orgSet := a.lookupEnv("ADOPAT_ENV_ORG")
	switch {
	case e != nil && e.EntraErr != nil:
		d.add("env_token", statusFail, e.Source, "", "ADOPAT_ENTRA: %v; git gets no token from adopat until it is corrected or unset", e.EntraErr)
	case e != nil && e.Entra != nil && e.OrgBlank():
		d.add("env_token", statusFail, e.Source, "", "ADOPAT_ENTRA is set but ADOPAT_ENV_ORG is blank, so no token is minted (it fails closed); set ADOPAT_ENV_ORG to the organisation, or unset it")
	case e != nil && e.Entra != nil:
		where := "every Azure DevOps cloud request"
		if e.Org != "" {
			where = "Azure DevOps cloud for the organisation " + e.Org + " (ADOPAT_ENV_ORG)"
		}
		d.add("env_token", statusInfo, e.Source, "", "ADOPAT_ENTRA=%s answers %s instead of the store, with a Microsoft Entra token minted for each request and never stored", e.Entra.Spec(), where)
	case e == nil && orgSet:
		d.add("env_token", statusWarn, "", "", "ADOPAT_ENV_ORG is set (%q) but neither AZURE_DEVOPS_EXT_PAT nor SYSTEM_ACCESSTOKEN is, so it limits nothing", org)
	case e == nil:
		return
	case e.OrgBlank():
		d.add("env_token", statusFail, e.Source, "", "%s is set but ADOPAT_ENV_ORG is blank, so the token is never used (it fails closed); set ADOPAT_ENV_ORG to the organisation, or unset it", e.Source)
	case e.Org != "":
		d.add("env_token", statusInfo, e.Source, "", "%s answers Azure DevOps cloud for the organisation %s (ADOPAT_ENV_ORG) instead of the store; it is never stored", e.Source, e.Org)
	default:
		d.add("env_token", statusInfo, e.Source, "", "%s answers every Azure DevOps cloud request instead of the store (set ADOPAT_ENV_ORG to limit it to one organisation); it is never stored", e.Source)
	}
}

func probeKeyring(a *App, o *options) (bool, string) {
	cfg, err := a.readConfig()
	if err != nil {
		return false, withHint(err)
	}
	timeout, err := a.keyringTimeout(o, cfg)
	if err != nil {
		timeout = time.Second
	}
	return a.probe(timeout)
}

// reportFiles fails for each directory other users could plant files in
// and each link, FIFO or other non-regular file where adopat keeps its
// own. Commands refuse them as they meet them, but git's `get` skips a
// planted usage journal silently, so doctor is where that shows.
func reportFiles(b *backend, d *doctor) {
	var errs []error
	if b.Kind.CheckFiles != nil {
		errs = append(errs, b.Kind.CheckFiles(b.Store)...)
	}
	errs = append(errs, journal.New(b.Path).CheckFiles()...)
	seen := map[string]bool{}
	for _, err := range errs {
		key := err.Error()
		if dir, ok := unsafeDir(err); ok {
			key = dir // the vault's and the journal's directory are often one
		}
		if !seen[key] {
			seen[key] = true
			d.fail("files", "", "files", err)
		}
	}
	if len(errs) == 0 {
		d.add("files", statusOK, "", "", "files: private directories, no links or FIFOs among adopat's files")
	}
}
