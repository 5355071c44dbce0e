package helper

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
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
	// Entra, when ADOPAT_ENTRA names a Microsoft Entra identity, answers
	// instead of Secret: a token minted for each request, never stored
	// (CI without secrets in variables: a pipeline's service connection,
	// a scale set agent's managed identity). EntraErr says why the
	// variable's value is not one; nothing is answered then.
	Entra    *store.Source
	EntraErr error
	all      []string
}

// parseEnvEntra reads ADOPAT_ENTRA: add --entra's identities but
// service-principal, whose tenant, client ID and certificate file only add
// stores, and azure-pipelines, which reads its service connection from
// the job's environment.
func parseEnvEntra(spec string) (store.Source, error) {
	src, err := store.ParseEntra(spec)
	switch {
	case err != nil:
		return src, fmt.Errorf("%q is not a Microsoft Entra source here: give %s, %s:CLIENT_ID, %s, %s or %s", strings.TrimSpace(spec), store.EntraManagedIdentity, store.EntraManagedIdentity, store.EntraWorkloadIdentity, store.EntraAzureCLI, store.EntraAzurePipelines)
	case src.Entra == store.EntraServicePrincipal:
		return src, fmt.Errorf("%s needs a tenant, a client ID and a certificate file, which only a stored source holds: unset it and run git-credential-adopat add --org ORG --entra service-principal --tenant TENANT --client-id ID --certificate FILE", store.EntraServicePrincipal)
	}
	return src, nil
}

// envTokenVars are read in this order: the explicit AZURE_DEVOPS_EXT_PAT
// wins over the pipeline's job token.
var envTokenVars = []string{"AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN"}

// EnvTokenFrom reads the environment; nil when no token is set.
// ADOPAT_ENTRA, when set, wins over the PAT variables: it is an explicit
// choice, and Azure Pipelines' OIDC needs SYSTEM_ACCESSTOKEN set to ask for
// the service connection's token, which must not then answer git itself.
func EnvTokenFrom(lookup func(string) (string, bool)) *EnvToken {
	var e *EnvToken
	if spec, _ := lookup("ADOPAT_ENTRA"); strings.TrimSpace(spec) != "" {
		src, err := parseEnvEntra(spec)
		if err != nil {
			src = store.Source{Entra: strings.TrimSpace(spec)}
		}
		org, set := lookup("ADOPAT_ENV_ORG")
		e = &EnvToken{Source: "ADOPAT_ENTRA", Entra: &src, EntraErr: err, Org: strings.TrimSpace(org), OrgSet: set}
		for _, name := range envTokenVars {
			if v, _ := lookup(name); strings.TrimSpace(v) != "" {
				e.all = append(e.all, strings.TrimSpace(v)) // still never stored
			}
		}
		return e
	}
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
	case e == nil || e.OrgBlank():
		return false
	case e.Org != "":
		return t.Kind == azdo.Cloud && t.OrgFrom != azdo.FromUsername && azdo.EqualFold(e.Org, t.Org)
	case t.Kind == azdo.Cloud:
		return true
	}
	return t.NeedsPath
}

// OrgBlank reports ADOPAT_ENV_ORG set to nothing but blanks: fail
// closed (get answers nothing; doctor says so).
func (e *EnvToken) OrgBlank() bool {
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

// answerFromEnvEntra handles a request ADOPAT_ENTRA serves: get answers
// with a token minted now (by the management binary: ErrMint here without
// a Minter); store and erase do nothing, since nothing was stored.
func (h *Helper) answerFromEnvEntra(action string, c *Credential, t azdo.Target, out io.Writer) error {
	e := h.Env
	switch {
	case action != "get":
		h.tracef("%s: the token from $ADOPAT_ENTRA is never stored; nothing to do", action)
		return nil
	case e.EntraErr != nil:
		h.tracef("no answer: ADOPAT_ENTRA is not a source")
		h.warn("ADOPAT_ENTRA: %v; git gets no token from adopat until it is corrected or unset", e.EntraErr)
		return nil
	case h.Mint == nil:
		h.tracef("ADOPAT_ENTRA=%s: handing the request to %s to mint a token", e.Entra.Spec(), "git-credential-adopat-manage")
		return ErrMint
	}
	m, err := h.mint(e.Entra)
	if err != nil {
		h.tracef("no answer: ADOPAT_ENTRA=%s gave no token: %v", e.Entra.Spec(), err)
		h.warn("no token from ADOPAT_ENTRA=%s: %s", e.Entra.Spec(), oneLine(err))
		return nil
	}
	if !m.Expires.After(h.now().Add(time.Minute)) {
		h.warn("no token from ADOPAT_ENTRA=%s: the one it gave ends at %s", e.Entra.Spec(), m.Expires.UTC().Format(time.RFC3339))
		return nil
	}
	h.tracef("answer: a token minted from $ADOPAT_ENTRA=%s", e.Entra.Spec())
	return WriteCredential(out, entraAnswer(&store.Token{}, m.Secret, m.Expires, c, t))
}
