package cli

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// doctorCmd is `doctor`.
func doctorCmd() *command {
	return newCommand("doctor", storeFlags, runDoctor, nil)
}

// runDoctor checks what usually goes wrong, one line per check, and exits 2
// when something must be fixed.
func runDoctor(a *App, o *options, args []string) error {
	if len(args) > 0 {
		return usagef("doctor takes no arguments")
	}
	failed := false
	report := func(status, format string, args ...any) {
		failed = failed || status == "FAIL"
		fmt.Fprintf(a.Stdout, "%-4s  %s\n", status, fmt.Sprintf(format, escapeArgs(args)...))
	}

	b, err := a.openStore(o, true)
	if err != nil {
		report("FAIL", "backend: %s", withHint(err))
		return errors.New("doctor found problems")
	}
	if b.ambiguous {
		report("FAIL", "backend: %s (%s)", b.describe(), b.Reason)
	} else {
		report("ok", "backend: %s (%s)", b.describe(), b.Reason)
	}
	reportFiles(b, report)
	ok, why := probeKeyring(a, o)
	switch {
	case !b.kind.needsKeyring:
		report("info", "OS keyring: %s", map[bool]string{true: "available, " + why, false: "not available, " + why}[ok])
	case !ok || strings.Contains(why, "locked"):
		report("FAIL", "OS keyring: %s; git gets no answers until it is fixed (or `migrate --to file`)", why)
	}

	if d, err := b.Store.Load(); err != nil {
		report("FAIL", "reading tokens: %s", withHint(err))
	} else {
		// Read every secret for real: a keyring index can list tokens whose
		// items are unreadable or were deleted in the keyring's own UI.
		for i := range d.Tokens {
			if _, _, err := b.Store.Secret(d.Tokens[i].Scope()); err != nil {
				report("FAIL", "reading %s's PAT: %s", d.Tokens[i].Scope(), withHint(err))
			}
		}
		now := a.Now()
		report("ok", "%s", plural(len(d.Tokens), "token"))
		for i := range d.Tokens {
			lt := describe(&d.Tokens[i], now)
			switch azdo.Privilege(lt.Privilege) {
			case azdo.Full:
				report("warn", "%s: recorded with full access (%s); create one limited to what it is for, e.g. vso.code to clone and fetch", lt.Scope, strings.Join(lt.Scopes, ","))
			case azdo.Write:
				report("warn", "%s: recorded scopes allow writing (%s); vso.code is enough to clone and fetch", lt.Scope, strings.Join(lt.Scopes, ","))
			}
			switch {
			case lt.Status == "withdrawn":
				report("warn", "%s: withdrawn after git reported it rejected; `restore %s` or `add` a new one", lt.Scope, lt.Scope)
			case lt.Status == "expired":
				report("FAIL", "%s: expired %s; create a new PAT %s, then run: %s", lt.Scope, lt.Expires.Format("2006-01-02"), helper.NewPATWhere(&d.Tokens[i]), rotateAdvice(&d.Tokens[i]))
			case lt.Expires == nil:
				report("warn", "%s: no expiry recorded; to be warned in time, add the same PAT again with the date Azure DevOps shows: %s --expires YYYY-MM-DD", lt.Scope, addCommand(&d.Tokens[i]))
			case *lt.DaysLeft <= 7:
				report("warn", "%s: expires in %s (%s); create a new PAT %s, then run: %s", lt.Scope, plural(*lt.DaysLeft, "day"), lt.Expires.Format("2006-01-02"), helper.NewPATWhere(&d.Tokens[i]), rotateAdvice(&d.Tokens[i]))
			}
		}
	}

	if _, err := exec.LookPath("git-credential-adopat"); err != nil {
		report("FAIL", "git-credential-adopat is not on PATH, so git cannot run it; `make install` puts it in ~/.local/bin")
	} else {
		report("ok", "git-credential-adopat is on PATH")
	}
	for _, url := range []string{"https://dev.azure.com/ORG/PROJECT/_git/REPO", "https://ORG.visualstudio.com/PROJECT/_git/REPO"} {
		helpers := gitGetURLMatch(a, "credential.helper", url)
		usePath := gitGetURLMatch(a, "credential.useHttpPath", url)
		switch {
		case !strings.HasPrefix(helpers, helperName):
			report("FAIL", "git does not ask adopat for %s; run `git-credential-adopat install`", url)
		case usePath != "true":
			report("warn", "credential.useHttpPath is not set for %s, so adopat sees no organisation; run `git-credential-adopat install`", url)
		default:
			report("ok", "git asks adopat for %s", url)
		}
	}
	reportServers(a, b, report)
	if failed {
		return errors.New("doctor found problems (FAIL lines above)")
	}
	return nil
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
func reportFiles(b *backend, report func(status, format string, args ...any)) {
	var errs []error
	if b.kind.checkFiles != nil {
		errs = append(errs, b.kind.checkFiles(b.Store)...)
	}
	errs = append(errs, journal.New(b.Path).CheckFiles()...)
	seen := map[string]bool{}
	for _, err := range errs {
		if !seen[err.Error()] {
			seen[err.Error()] = true
			report("FAIL", "files: %s", withHint(err))
		}
	}
	if len(errs) == 0 {
		report("ok", "files: private directories, no links or FIFOs among adopat's files")
	}
}
