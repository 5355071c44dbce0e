package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// getCmd, storeCmd and eraseCmd are git's helper actions.
func getCmd() *command { return helperActionCmd("get") }

func storeCmd() *command { return helperActionCmd("store") }

func eraseCmd() *command { return helperActionCmd("erase") }

// helperActionCmd is one of git's helper actions. git passes the helper
// string's own flags (--server, --backend...) before the action, so they
// take every common flag.
func helperActionCmd(action string) *command {
	return newCommand(action, serverAndStoreFlags, helperAction(action), nil)
}

// versionCmd is `version`.
func versionCmd() *command {
	return newCommand("version", []string{}, runVersion, nil)
}

// helperAction runs one of git's helper actions. stdout carries only
// protocol lines; stderr stays silent unless the user must act.
func helperAction(action string) func(a *App, o *options, args []string) error {
	return func(a *App, o *options, args []string) error {
		servers, err := o.parseServers()
		if err != nil {
			return err
		}
		b, err := a.openStore(o, false)
		if err != nil {
			return err
		}
		warnWithin, err := a.expiryWarning()
		if err != nil {
			return err
		}
		usage := journal.New(b.Path)
		h := &helper.Helper{Store: b.Store, Servers: servers, Now: a.Now, Stderr: a.Stderr,
			// Best effort: a read-only store directory must not cost git
			// its credential, nor print on every fetch.
			Used:       func(u store.Use) { _ = usage.Record(u) },
			Env:        helper.EnvTokenFrom(a.lookupEnv),
			Check:      a.checkPAT,
			Trace:      a.trace(),
			WarnWithin: warnWithin,
			WarnOnce:   func(scope string) bool { return usage.WarnOnce(scope, a.Now()) },
		}
		return h.Run(action, a.Stdin, a.Stdout)
	}
}

// checkPAT is the question erase asks before it withdraws a cloud token:
// does Azure DevOps accept this PAT for its own organisation? Only a
// verdict on the PAT itself counts as invalid; a 403 (known PAT, refused
// request) or any failure to ask leaves it unchecked.
//
// git is waiting, and a helper action spawns no process, so of git's
// network settings only the environment counts here: GIT_SSL_CAINFO and
// the proxy variables (HTTPS_PROXY, https_proxy, ALL_PROXY, NO_PROXY), not
// http.sslCAInfo or http.proxy in git's config. A check that cannot get
// through leaves the token in service.
func (a *App) checkPAT(org, pat string) helper.CheckResult {
	u, _ := adoapi.OrgEndpoint(org).URL()
	client, err := a.azdoClient(u, false)
	if err != nil {
		return helper.CheckResult{Verdict: helper.Unchecked, Detail: err.Error()}
	}
	c := *client
	c.Timeout = helper.EraseCheckTimeout
	res, err := c.Verify(context.Background(), adoapi.OrgEndpoint(org), pat)
	switch {
	case err != nil:
		return helper.CheckResult{Verdict: helper.Unchecked, Detail: err.Error()}
	case res.Valid:
		return helper.CheckResult{Verdict: helper.Valid, Detail: res.Identity.String()}
	case res.Status == http.StatusForbidden:
		return helper.CheckResult{Verdict: helper.Unchecked, Detail: res.Reason}
	}
	return helper.CheckResult{Verdict: helper.Invalid, Detail: res.Reason}
}

// trace is where ADOPAT_TRACE sends the helper's decisions: stderr for
// 1, 2 or true (as GIT_TRACE takes them), nowhere when unset, 0 or false.
func (a *App) trace() io.Writer {
	switch strings.ToLower(strings.TrimSpace(a.Getenv("ADOPAT_TRACE"))) {
	case "", "0", "false", "no", "off":
		return nil
	}
	return a.Stderr
}

// lookupEnv is os.LookupEnv unless a test injected only Getenv.
func (a *App) lookupEnv(name string) (string, bool) {
	if a.LookupEnv != nil {
		return a.LookupEnv(name)
	}
	v := a.Getenv(name)
	return v, v != ""
}

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = ""

func runVersion(a *App, o *options, args []string) error {
	v := Version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintf(a.Stdout, "git-credential-adopat %s\n", v)
	return nil
}

// defaultExpiryWarning is how long before expiry get starts to warn.
const defaultExpiryWarning = 7 * 24 * time.Hour

// expiryWarning reads ADOPAT_EXPIRY_WARNING or the config's
// expiry-warning in the grammar of duration.go: "7d", "2w", "36h"; "0"
// turns the warning off.
func (a *App) expiryWarning() (time.Duration, error) {
	cfg, err := a.readConfig()
	if err != nil {
		return 0, err
	}
	raw := firstNonEmpty(a.Getenv("ADOPAT_EXPIRY_WARNING"), cfg["expiry-warning"])
	if raw == "" {
		return defaultExpiryWarning, nil
	}
	if strings.TrimSpace(raw) == "0" {
		return 0, nil
	}
	d, err := parseSpan(warningSpan, raw)
	if err != nil {
		return 0, usagef("%v (ADOPAT_EXPIRY_WARNING or expiry-warning in the config; 0 for none)", err)
	}
	return d, nil
}
