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
	// OrgSet is true when ADOPAT_ENV_ORG is set at all: set but blank is
	// a mistake that must not widen the token to every organisation.
	OrgSet bool
	all    []string
}

// envTokenVars are read in this order: the explicit AZURE_DEVOPS_EXT_PAT
// wins over the pipeline's job token.
var envTokenVars = []string{"AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN"}

// EnvTokenFrom reads the environment; nil when no token is set.
func EnvTokenFrom(lookup func(string) (string, bool)) *EnvToken {
	var e *EnvToken
	for _, name := range envTokenVars {
		v, _ := lookup(name)
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if e == nil {
			org, set := lookup("ADOPAT_ENV_ORG")
			e = &EnvToken{Secret: v, Source: name, Org: strings.TrimSpace(org), OrgSet: set}
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

// serves reports whether the environment token answers this request:
// Azure DevOps cloud. Limited by ADOPAT_ENV_ORG, it answers only when the
// organisation comes from the URL's path or host, never from a username
// that anyone writing a URL may choose (https://fabrikam@dev.azure.com/
// contoso/...). Without that limit it also answers a dev.azure.com request
// whose organisation is unknown (CI configurations rarely set
// useHttpPath).
func (e *EnvToken) serves(t azdo.Target) bool {
	switch {
	case e == nil || e.orgBlank():
		return false
	case e.Org != "":
		return t.Kind == azdo.Cloud && t.OrgFrom != azdo.FromUsername && azdo.EqualFold(e.Org, t.Org)
	case t.Kind == azdo.Cloud:
		return true
	}
	return t.NeedsPath
}

// orgBlank reports ADOPAT_ENV_ORG set to nothing but blanks: fail closed.
func (e *EnvToken) orgBlank() bool {
	return e != nil && e.OrgSet && e.Org == ""
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
