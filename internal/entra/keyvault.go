package entra

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// SecretURL is a Key Vault secret as add --keyvault names it.
type SecretURL struct {
	Vault   string // https://VAULT.vault.azure.net
	Name    string
	Version string // "" for the latest, which is what adopat reads
}

// ParseSecretURL reads https://VAULT.vault.azure.net/secrets/NAME, as the
// portal shows a secret's identifier (a trailing /VERSION is refused:
// pinning a version would defeat rotating the PAT in Key Vault).
func ParseSecretURL(raw string) (SecretURL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil || u.Host == "":
		return SecretURL{}, fmt.Errorf("%q is not a URL; give the secret's identifier, https://VAULT.vault.azure.net/secrets/NAME", raw)
	case u.Scheme != "https":
		return SecretURL{}, fmt.Errorf("%q: Key Vault is reached over https only", raw)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return SecretURL{}, fmt.Errorf("%q: give the secret's identifier without a user, query or fragment", raw)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(parts) == 3 && parts[0] == "secrets":
		return SecretURL{}, fmt.Errorf("%q names one version of the secret; give https://%s/secrets/%s so that adopat follows each new version", raw, u.Host, parts[1])
	case len(parts) != 2 || parts[0] != "secrets" || !validSecretName(parts[1]):
		return SecretURL{}, fmt.Errorf("%q is not a Key Vault secret's identifier, https://VAULT.vault.azure.net/secrets/NAME", raw)
	}
	return SecretURL{Vault: "https://" + u.Host, Name: parts[1]}, nil
}

// String is the identifier add stores.
func (s SecretURL) String() string { return s.Vault + "/secrets/" + s.Name }

// validSecretName: Key Vault secret names are 1-127 letters, digits and
// dashes.
func validSecretName(s string) bool {
	return s != "" && len(s) <= 127 && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	}) < 0
}

// keyVaultSecret reads the latest version of src's secret with src's
// identity. Key Vault's first answer is a 401 whose bearer challenge
// names the tenant and the resource to get a token for; azsecrets
// follows it and checks that the resource belongs to the vault's own
// domain. That check is off only for a vault at a loopback address (a
// stand-in), whose host cannot be a subdomain of anything.
func (m *Minter) keyVaultSecret(ctx context.Context, src *store.Source) (helper.Minted, error) {
	su, err := ParseSecretURL(src.KeyVault)
	if err != nil {
		return helper.Minted{}, err
	}
	id := *src
	id.KeyVault = ""
	cred, err := m.credential(&id)
	if err != nil {
		return helper.Minted{}, err
	}
	u, _ := url.Parse(su.Vault)
	ip := net.ParseIP(u.Hostname())
	client, err := azsecrets.NewClient(su.Vault, cred, &azsecrets.ClientOptions{
		ClientOptions:                        m.clientOptions(),
		DisableChallengeResourceVerification: ip != nil && ip.IsLoopback(),
	})
	if err != nil {
		return helper.Minted{}, err
	}
	resp, err := client.GetSecret(ctx, su.Name, "", nil)
	if err != nil {
		return helper.Minted{}, m.reason(ctx, err)
	}
	var mt helper.Minted
	if resp.Value != nil {
		mt.Secret = strings.TrimSpace(*resp.Value)
	}
	if resp.ID != nil {
		mt.Version = resp.ID.Version()
	}
	if a := resp.Attributes; a != nil {
		if a.Enabled != nil && !*a.Enabled {
			return helper.Minted{}, errors.New("the secret's current version is disabled in Key Vault")
		}
		if a.Expires != nil {
			mt.Expires = a.Expires.UTC()
		}
	}
	if mt.Secret == "" {
		return helper.Minted{}, errors.New("the secret is empty in Key Vault")
	}
	if strings.ContainsAny(mt.Secret, " \t\r\n") {
		return helper.Minted{}, errors.New("the secret holds spaces or several lines, not one PAT")
	}
	return mt, nil
}
