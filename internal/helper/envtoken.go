package helper

import (
	"slices"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// EnvToken is a PAT given to the process by CI: AZURE_DEVOPS_EXT_PAT (the
// variable `az devops` reads) or SYSTEM_ACCESSTOKEN (the job token Azure
// Pipelines maps into the environment). It answers Azure DevOps cloud
// requests ahead of the store: on a build agent the token granted to this
// job is the right one, not whatever an earlier job left in a vault, and
// it is never stored, so it never outlives the job.
type EnvToken struct {
	Secret string
	Source string // the variable it came from, for messages
	Org    string // ADOPAT_ENV_ORG: serve only this organisation
	all    []string
}

// envTokenVars are read in this order: the explicit AZURE_DEVOPS_EXT_PAT
// wins over the pipeline's job token.
var envTokenVars = []string{"AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN"}

// EnvTokenFrom reads the environment; nil when no token is set.
func EnvTokenFrom(getenv func(string) string) *EnvToken {
	var e *EnvToken
	for _, name := range envTokenVars {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			continue
		}
		if e == nil {
			e = &EnvToken{Secret: v, Source: name, Org: strings.TrimSpace(getenv("ADOPAT_ENV_ORG"))}
		}
		e.all = append(e.all, v)
	}
	return e
}

// fromEnv reports whether password is one of the environment's tokens,
// the one answered or another: none of them may ever be stored.
func (e *EnvToken) fromEnv(password string) bool {
	return slices.Contains(e.all, password)
}

// serves reports whether the environment token answers this request: Azure
// DevOps cloud, limited to ADOPAT_ENV_ORG when set. Without that limit it
// also answers a dev.azure.com request whose organisation is unknown (CI
// configurations rarely set useHttpPath).
func (e *EnvToken) serves(t azdo.Target) bool {
	switch {
	case e == nil:
		return false
	case t.Kind == azdo.Cloud:
		return e.Org == "" || strings.EqualFold(e.Org, t.Org)
	}
	return t.NeedsPath && e.Org == ""
}

// answerFromEnv handles a request the environment token serves. get
// answers with it without opening the store; store and erase of that very
// token do nothing, since it was never stored. A different password (one
// typed at git's prompt) goes on to the store as usual.
func (h *Helper) answerFromEnv(action string, c *Credential) (handled bool, answer *Credential) {
	switch action {
	case "get":
		a := Credential{Username: DefaultUsername, HasUsername: true, Password: h.Env.Secret, HasPassword: true}
		if c.HasUsername && c.Username != "" {
			a.Username = c.Username
		}
		return true, &a
	default:
		return c.HasPassword && h.Env.fromEnv(c.Password), nil
	}
}
