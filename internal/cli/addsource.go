package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/entra"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// sourceFlags are add's flags for a token source instead of a PAT: a
// Microsoft Entra identity, or a Key Vault secret read with one.
type sourceFlags struct {
	entra, tenant, clientID, certificate, keyVault string
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.entra, "entra", "", "instead of a PAT, mint Microsoft Entra tokens with this identity: managed-identity[:CLIENT_ID], workload-identity, azure-cli, service-principal")
	fs.StringVar(&f.tenant, "tenant", "", "the Microsoft Entra tenant (ID or domain) of --entra service-principal (optional for workload-identity, azure-cli)")
	fs.StringVar(&f.clientID, "client-id", "", "the application (client) ID of --entra service-principal (optional for workload-identity)")
	fs.StringVar(&f.certificate, "certificate", "", "the file with --entra service-principal's certificate and private key (PEM, or PKCS#12 without password); only its name is stored")
	fs.StringVar(&f.keyVault, "keyvault", "", "instead of a PAT here, read it from this Azure Key Vault secret, https://VAULT.vault.azure.net/secrets/NAME, with the --entra identity (default managed-identity)")
}

// given reports whether add is to store a source rather than a PAT.
func (f *sourceFlags) given() bool { return f.entra != "" || f.keyVault != "" }

// identityFlag is one of the flags that describe --entra's identity.
type identityFlag struct{ name, value string }

// identityFlags are --tenant, --client-id and --certificate, in the order
// an error names the first one wrong.
func (f *sourceFlags) identityFlags() []identityFlag {
	return []identityFlag{{"--tenant", f.tenant}, {"--client-id", f.clientID}, {"--certificate", f.certificate}}
}

// refuseStrays refuses the source's own flags without a source.
func (f *sourceFlags) refuseStrays() error {
	for _, fl := range f.identityFlags() {
		if fl.value != "" {
			return usagef("%s goes with --entra (a token source); a PAT needs none", fl.name)
		}
	}
	return nil
}

// source builds the Source the flags describe, checking what can be
// checked without asking anyone.
func (f *sourceFlags) source() (store.Source, error) {
	spec := f.entra
	if spec == "" {
		spec = store.EntraManagedIdentity // --keyvault alone: the machine's identity
	}
	src, err := store.ParseEntra(spec)
	if err != nil {
		return src, usagef("--entra %v", err)
	}
	takes := map[string]map[string]bool{
		store.EntraManagedIdentity:  {},
		store.EntraWorkloadIdentity: {"--tenant": true, "--client-id": true},
		store.EntraAzureCLI:         {"--tenant": true},
		store.EntraServicePrincipal: {"--tenant": true, "--client-id": true, "--certificate": true},
	}[src.Entra]
	if takes == nil {
		return src, usagef("--entra %s is for ADOPAT_ENTRA in an Azure Pipelines job, where the service connection comes from the job's environment; it cannot be stored", src.Entra)
	}
	for _, fl := range f.identityFlags() {
		switch {
		case fl.value == "":
		case !takes[fl.name]:
			return src, usagef("%s does not apply to --entra %s", fl.name, src.Entra)
		case fl.name != "--certificate" && !store.ValidEntraID(fl.value):
			return src, usagef("%s %q is not a Microsoft Entra ID (a GUID or a domain name)", fl.name, fl.value)
		}
	}
	src.TenantID, src.ClientID = f.tenant, firstNonEmpty(f.clientID, src.ClientID)
	if src.Entra == store.EntraServicePrincipal {
		if f.tenant == "" || f.clientID == "" || f.certificate == "" {
			return src, usagef("--entra service-principal needs --tenant, --client-id and --certificate FILE")
		}
		abs, err := filepath.Abs(f.certificate)
		if err != nil {
			return src, usagef("--certificate %s: %v", f.certificate, err)
		}
		src.Certificate = abs // git runs the helper from any directory
	}
	if f.keyVault != "" {
		su, err := entra.ParseSecretURL(f.keyVault)
		if err != nil {
			return src, usagef("--keyvault %v", err)
		}
		src.KeyVault = su.String()
	}
	return src, nil
}

// runAddSource stores a token source for a scope: no PAT is read. Unless
// --no-verify, the source is asked for a token first, and Azure DevOps
// whether it accepts it (as add does for a PAT); the token is then kept as
// the first cached one.
func runAddSource(a *App, o *options, opts *addOptions) error {
	switch {
	case len(o.servers) > 0:
		return usagef("--entra and --keyvault are for Azure DevOps cloud (--org); Azure DevOps Server takes PATs")
	case opts.expires != "":
		return usagef("--expires does not apply to a token source: its tokens carry their own expiry (a Key Vault secret's expiry attribute is read from Key Vault)")
	case opts.scopes != nil:
		return usagef("--scopes does not apply to a token source: what it may do is the identity's permissions in Azure DevOps")
	}
	src, err := opts.sourceFlags.source()
	if err != nil {
		return err
	}
	tok, err := a.tokenFromFlags(o, opts)
	if err != nil {
		return err
	}
	now := a.Now()
	tok.Source, tok.Label, tok.Created = &src, opts.label, now.UTC()
	b, err := a.openStore(o, true)
	if err != nil {
		return err
	}
	checked, note := "not verified (--no-verify)", ""
	if !opts.noVerify {
		m, v, err := a.checkSource(o, &tok)
		if err != nil {
			return err
		}
		checked = "verified as " + v.Identity
		refused := v.Reason
		switch {
		case v.Valid:
			tok.Owner = v.Identity
		case v.Error != "" && !v.answered:
			checked = "not verified"
			note = fmt.Sprintf("note: got a token from %s, but could not ask Azure DevOps whether it accepts it (%s); stored unchecked: run `git-credential-adopat verify %s` once it answers", src.String(), v.Error, shellQuote(tok.Scope()))
		case v.Error != "":
			refused = v.Error
			fallthrough
		default:
			return fmt.Errorf("Azure DevOps did not accept the token from %s for %s: %s; has the identity been added to the organisation (Organization settings, Users)? Nothing was stored; use --no-verify to store it anyway", src.String(), tok.Scope(), refused)
		}
		tok = helper.WithMinted(&tok, m, now) // the first token is kept
	}
	var old *store.Token
	err = b.Store.Update(func(d *store.Data) (bool, error) {
		t := tok
		if prev, replaced := d.Put(t); replaced {
			old = &prev
			t.Username = firstNonEmpty(t.Username, prev.Username)
			t.Label = firstNonEmpty(t.Label, prev.Label)
			t.LastUsed, t.Uses, t.Repos, t.Refusals = prev.LastUsed, prev.Uses, prev.Repos, prev.Refusals
			d.Put(t)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	what := "token source " + src.Spec()
	switch {
	case old == nil:
		printf(a.Stdout, "stored %s for %s in %s; %s\n", what, tok.Scope(), b.Describe(), checked)
	case old.Source == nil:
		printf(a.Stdout, "replaced the PAT for %s with %s in %s; %s; the PAT is no longer kept: revoke it in Azure DevOps\n", tok.Scope(), what, b.Describe(), checked)
	default:
		printf(a.Stdout, "replaced %s for %s with %s in %s; %s\n", old.Source.Spec(), tok.Scope(), what, b.Describe(), checked)
	}
	if note != "" {
		printf(a.Stderr, "%s\n", note)
	}
	return nil
}

// checkSource asks tok's source for a token (a PAT for Key Vault) and
// Azure DevOps whether it accepts it for tok's organisation. A source that
// gives nothing is an error: nothing is stored.
func (a *App) checkSource(o *options, tok *store.Token) (helper.Minted, verification, error) {
	ctx, cancel := context.WithTimeout(context.Background(), helper.MintTimeout)
	defer cancel()
	m, err := a.mint(ctx, tok.Source)
	if err != nil {
		return m, verification{}, fmt.Errorf("could not get a token for %s from %s: %v; nothing was stored; fix the identity (see `git-credential-adopat add --help`), or use --no-verify to store the source anyway", tok.Scope(), tok.Source.String(), err)
	}
	servers, err := a.declaredServers(o)
	if err != nil {
		return m, verification{}, err
	}
	return m, a.verifyOne(verifyEndpoint(tok, servers), tok.Scope(), m.Secret, tok.Source.IsEntraToken()), nil
}
