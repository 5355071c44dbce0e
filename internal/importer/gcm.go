package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GCMCredential is one credential Git Credential Manager keeps
// (git-ecosystem/git-credential-manager, src/shared/Core): a secret keyed
// by a service, the remote's URL without user (HostProvider.GetServiceName;
// for dev.azure.com the organisation's URL, https://dev.azure.com/ORG,
// AzureReposHostProvider.GetServiceName), and an account, the user name.
type GCMCredential struct {
	// File is the plaintext store's file holding it; Item the Secret
	// Service item's object path. One of them is set.
	File, Item string
	Service    string // as GCM wrote it, namespace removed: https://dev.azure.com/fabrikam
	Account    string
	Secret     string
}

// Where names the credential for people.
func (c *GCMCredential) Where() string {
	if c.File != "" {
		return c.File
	}
	return "Secret Service item " + c.Item
}

// GCMPlaintextRoot is where GCM's plaintext store lives, as GCM decides
// (CredentialStore.ValidatePlaintext): GCM_PLAINTEXT_STORE_PATH, else the
// git setting credential.plaintextStorePath (configured), else
// ~/.gcm/store. GCM does not expand "~" in either.
func GCMPlaintextRoot(getenv func(string) string, configured string) string {
	if v := getenv("GCM_PLAINTEXT_STORE_PATH"); v != "" {
		return v
	}
	if configured != "" {
		return configured
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".gcm", "store")
	}
	return ""
}

// maxGCMFile bounds one credential file: a secret and two short lines.
const maxGCMFile = 64 << 10

// gcmExtension is PlaintextCredentialStore.CredentialFileExtension.
const gcmExtension = ".credential"

// ReadGCMPlaintext reads every credential in GCM's plaintext store at
// root. GCM lays it out as ROOT/NAMESPACE/SCHEME/HOST[:PORT]/PATH.../ACCOUNT.credential
// (PlaintextCredentialStore.CreateServiceSlug), and each file holds the
// secret on its first line, then "service=URL" and "account=NAME" lines
// (SerializeCredential); the file's own service and account lines are
// what GCM trusts (TryDeserializeCredential), so they are what counts
// here, whatever the directories say. No link is followed. A missing
// store is no error; a file that cannot be read is listed in bad.
func ReadGCMPlaintext(root string) (creds []GCMCredential, bad []error, err error) {
	if root == "" {
		return nil, nil, nil
	}
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	real, err := filepath.EvalSymlinks(root) // the root may be a link the user made; nothing below is followed
	if err != nil {
		return nil, nil, err
	}
	err = filepath.WalkDir(real, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			bad = append(bad, err)
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), gcmExtension) {
			return nil
		}
		data, err := readRegular(path, maxGCMFile)
		if err != nil {
			bad = append(bad, err)
			return nil
		}
		c, ok := ParseGCMFile(string(data))
		if !ok {
			bad = append(bad, fmt.Errorf("%s is not a GCM credential file (a secret line, then service=URL)", path))
			return nil
		}
		c.File = path
		creds = append(creds, c)
		return nil
	})
	slices.SortFunc(creds, func(a, b GCMCredential) int { return strings.Compare(a.File, b.File) })
	return creds, bad, err
}

// ParseGCMFile reads one plaintext credential file as GCM's
// TryDeserializeCredential does: the secret is everything before the
// first line break and must not be empty; then key=value lines up to a
// blank one, keys compared case-insensitively, a later key winning; a
// service is required, an account optional.
func ParseGCMFile(text string) (GCMCredential, bool) {
	first, rest, found := strings.Cut(text, "\n")
	first = strings.TrimSuffix(first, "\r") // GCM on Windows writes "\r\n"
	if !found || first == "" {
		return GCMCredential{}, false
	}
	attrs := map[string]string{}
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			break
		}
		if k, v, ok := strings.Cut(line, "="); ok && k != "" {
			attrs[strings.ToLower(k)] = v
		}
	}
	service, ok := attrs["service"]
	if !ok {
		return GCMCredential{}, false
	}
	return GCMCredential{Service: service, Account: attrs["account"], Secret: first}, true
}

// GCMServiceURL is the URL in a GCM service name: the Secret Service and
// the Windows and macOS stores prefix it with the namespace and a colon
// ("git:https://dev.azure.com/fabrikam", SecretServiceCollection.CreateServiceName);
// the plaintext store puts the namespace in the directory instead.
func GCMServiceURL(service string) string {
	for _, scheme := range []string{"https://", "http://"} {
		if i := strings.Index(service, scheme); i >= 0 {
			return service[i:]
		}
	}
	return service
}

// RemoveGCMFile deletes one plaintext credential, as GCM's own Remove
// does (PlaintextCredentialStore.Remove deletes the file), while it still
// holds secret, the one import read and stored: GCM may have written
// another PAT there since, which no store holds. The directories GCM made
// stay.
func RemoveGCMFile(path, secret string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file any more; left as it is", path)
	}
	data, err := readRegular(path, maxGCMFile)
	if err != nil {
		return err
	}
	if c, ok := ParseGCMFile(string(data)); !ok || c.Secret != secret {
		return fmt.Errorf("%s no longer holds the PAT import read (GCM changed it meanwhile); left as it is: run import again", path)
	}
	return os.Remove(path)
}

// GCMSchema is the libsecret schema GCM stores its Secret Service items
// with (SecretServiceCollection.GetSchema, with SECRET_SCHEMA_DONT_MATCH_NAME).
// libsecret writes the schema's name into every item it stores as the
// attribute xdg:schema ("Always store the schema name in the attributes",
// secret_service_store in libsecret's secret-methods.c), so GCM's items
// are found by it; their other attributes are "service" (the namespace, a
// colon and the service URL: "git:https://dev.azure.com/fabrikam") and,
// when the user name is not blank, "account"; the label is the service.
const GCMSchema = "com.microsoft.GitCredentialManager"

// GCMItemAttributes select GCM's items in a Secret Service search.
func GCMItemAttributes() map[string]string { return map[string]string{"xdg:schema": GCMSchema} }

// GCMItem is the credential of a GCM Secret Service item; ok is false
// for an item without a service attribute.
func GCMItem(path string, attrs map[string]string, secret string) (GCMCredential, bool) {
	service, ok := attrs["service"]
	if !ok || service == "" {
		return GCMCredential{}, false
	}
	return GCMCredential{Item: path, Service: GCMServiceURL(service), Account: attrs["account"], Secret: secret}, true
}
