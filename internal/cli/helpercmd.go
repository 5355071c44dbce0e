package cli

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/gitaction"
	"github.com/adopat/git-credential-adopat/internal/helper"
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

// capabilityCmd is git's capability action (git-credential(1)): the
// thin binary answers it too, without opening the store.
func capabilityCmd() *command {
	return newCommand("capability", serverAndStoreFlags, func(a *App, o *options, args []string) error {
		_, err := fmt.Fprint(a.Stdout, helper.Capabilities)
		return err
	}, nil)
}

// helperAction runs one of git's helper actions, set up by
// internal/gitaction as the thin main sets up get and store. stdout
// carries only protocol lines; stderr stays silent unless the user must
// act.
func helperAction(action string) func(a *App, o *options, args []string) error {
	return func(a *App, o *options, args []string) error {
		s := &gitaction.Setup{Env: a.env(o), Stderr: a.Stderr, LookupEnv: a.lookupEnv, Now: a.Now, Servers: o.servers, Check: a.checkPAT}
		h, err := s.Helper()
		if err != nil {
			return err
		}
		// Here, unlike in the thin binary, a token source can be asked.
		h.Mint = a.mint
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

// lookupEnv is os.LookupEnv unless a test injected only Getenv.
func (a *App) lookupEnv(name string) (string, bool) {
	if a.LookupEnv != nil {
		return a.LookupEnv(name)
	}
	v := a.Getenv(name)
	return v, v != ""
}

// expiryWarning reads ADOPAT_EXPIRY_WARNING or the config's
// expiry-warning (gitaction.ExpiryWarning).
func (a *App) expiryWarning() (time.Duration, error) { return gitaction.ExpiryWarning(a.env(nil)) }
