package cli

import (
	"fmt"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// Where the age vault's key comes from, in this order (README, "Key
// sources"):
//
//  1. --identity FILE, else ADOPAT_IDENTITY: an identity file named;
//  2. $CREDENTIALS_DIRECTORY/adopat.identity: a plain age identity that
//     systemd provides (LoadCredential=, LoadCredentialEncrypted=); the
//     vault is encrypted to it and no key is ever written beside the vault;
//  3. identity.txt beside the vault, created by the first add.
//
// An identity file (1 or 3) may be passphrase-protected; it is then
// opened, in this order, with:
//
//  a. $CREDENTIALS_DIRECTORY/adopat.passphrase (systemd credential);
//  b. the file ADOPAT_PASSPHRASE_FILE names (its first line; private);
//  c. the unlocked copy `unlock` left in $XDG_RUNTIME_DIR;
//  d. a prompt at the terminal, for commands run there (never for git's
//     get, store and erase, never with GIT_TERMINAL_PROMPT=0).
//
// a and b decrypt the identity in memory only, and a new identity made by
// the first add with one of them set is created protected with it.

// Names of the systemd credentials adopat reads.
const (
	credentialIdentity   = "adopat.identity"
	credentialPassphrase = "adopat.passphrase"
)

// keyChoice is where the key comes from, as resolved from flags and the
// environment; whether it is protected, unlocked or missing is the
// vault's to say (vault.Store.Key).
type keyChoice struct {
	identity string // the identity file (or credential)
	from     string // "--identity", "ADOPAT_IDENTITY", "systemd credential adopat.identity", "" (beside the vault)
	key      vault.KeyOptions
	// unused lists key sources present but not used, for doctor.
	unused []string
}

// credentialPath is $CREDENTIALS_DIRECTORY/name when the directory is set
// (absolute, as systemd sets it) and something is there.
func (a *App) credentialPath(name string) (string, bool) {
	dir := a.Getenv("CREDENTIALS_DIRECTORY")
	if !filepath.IsAbs(dir) {
		return "", false
	}
	p := filepath.Join(dir, name)
	return p, exists(p)
}

// chooseKey resolves the key sources for the vault at vaultPath.
func (a *App) chooseKey(o *options, vaultPath string) keyChoice {
	var c keyChoice
	credID, haveCredID := a.credentialPath(credentialIdentity)
	switch {
	case o.identity != "":
		c.identity, c.from = o.identity, "--identity"
	case a.Getenv("ADOPAT_IDENTITY") != "":
		c.identity, c.from = a.Getenv("ADOPAT_IDENTITY"), "ADOPAT_IDENTITY"
	case haveCredID:
		c.identity, c.from = credID, "systemd credential "+credentialIdentity
		c.key.CredentialIdentity = true
	default:
		c.identity = vault.DefaultIdentityPath(vaultPath)
	}
	if haveCredID && !c.key.CredentialIdentity {
		c.unused = append(c.unused, fmt.Sprintf("systemd credential %s (%s): %s comes first", credentialIdentity, credID, c.from))
	}
	credPass, haveCredPass := a.credentialPath(credentialPassphrase)
	passFile := a.Getenv("ADOPAT_PASSPHRASE_FILE")
	switch {
	case c.key.CredentialIdentity:
		if haveCredPass {
			c.unused = append(c.unused, fmt.Sprintf("systemd credential %s (%s): the key is the credential %s, which has no passphrase", credentialPassphrase, credPass, credentialIdentity))
		}
		if passFile != "" {
			c.unused = append(c.unused, fmt.Sprintf("ADOPAT_PASSPHRASE_FILE (%s): the key is the credential %s, which has no passphrase", passFile, credentialIdentity))
		}
	case haveCredPass:
		c.key.PassphraseFile, c.key.PassphraseCredential, c.key.PassphraseFrom = credPass, true, "systemd credential "+credentialPassphrase
		if passFile != "" {
			c.unused = append(c.unused, fmt.Sprintf("ADOPAT_PASSPHRASE_FILE (%s): the systemd credential %s comes first", passFile, credentialPassphrase))
		}
	case passFile != "":
		c.key.PassphraseFile, c.key.PassphraseFrom = passFile, "ADOPAT_PASSPHRASE_FILE"
	}
	return c
}

// Key sources as list --json and doctor --json name them (key_source):
// a stable interface, values only ever added.
const (
	keySourceIdentity             = "identity"                      // a plain identity file named by --identity or ADOPAT_IDENTITY
	keySourceCredential           = "systemd-credential"            // $CREDENTIALS_DIRECTORY/adopat.identity
	keySourceCredentialPassphrase = "systemd-credential-passphrase" // a protected identity file opened with $CREDENTIALS_DIRECTORY/adopat.passphrase
	keySourcePassphraseFile       = "passphrase-file"               // a protected identity file opened with ADOPAT_PASSPHRASE_FILE
	keySourceUnlocked             = "unlocked"                      // a protected identity file's unlocked copy in $XDG_RUNTIME_DIR
	keySourceBesideVault          = "identity-beside-vault"         // a plain identity.txt beside the vault
	keySourceLocked               = "locked"                        // a protected identity file and nothing to open it with: git gets no answer
	keySourceNone                 = "none"                          // no key yet: the first add creates it
)

// keyReport is the key's source for list and doctor: the key_source
// value, a line for people, and, when git cannot use it, why.
type keyReport struct {
	source string
	file   string // the identity file or credential
	line   string
	err    error
	// locked: git gets no answer until it is unlocked.
	locked bool
	// unused are key sources present but not used (keyChoice.unused).
	unused []string
}

// reportKey says which key the vault v uses (choice c), without
// decrypting or prompting.
func reportKey(v *vault.Store, c keyChoice) keyReport {
	ki, err := v.Key()
	id := v.IdentityPath()
	named := "identity " + id
	if c.from != "" && !c.key.CredentialIdentity {
		named = "identity " + id + " (" + c.from + ")"
	}
	r := keyReport{err: err, unused: c.unused, file: id}
	if ki.State == vault.KeyPlain && !c.key.CredentialIdentity && c.key.PassphraseFile != "" {
		r.unused = append(r.unused, fmt.Sprintf("%s (%s): identity %s has no passphrase", c.key.PassphraseFrom, c.key.PassphraseFile, id))
	}
	switch {
	case c.key.CredentialIdentity:
		r.source, r.line = keySourceCredential, "systemd credential "+credentialIdentity+" ("+id+")"
	case ki.State == vault.KeyMissing:
		r.source, r.line = keySourceNone, "none yet; the first add creates "+named
		if c.key.PassphraseFile != "" {
			r.line += ", protected with the passphrase in " + c.key.PassphraseFrom
		}
	case ki.State == vault.KeyPlain && c.from != "":
		r.source, r.line = keySourceIdentity, named
	case ki.State == vault.KeyPlain:
		r.source, r.line = keySourceBesideVault, named
	case ki.State == vault.KeyPassphraseFile && c.key.PassphraseCredential:
		r.source, r.line = keySourceCredentialPassphrase, named+", passphrase from systemd credential "+credentialPassphrase+" ("+c.key.PassphraseFile+")"
	case ki.State == vault.KeyPassphraseFile:
		r.source, r.line = keySourcePassphraseFile, named+", passphrase from ADOPAT_PASSPHRASE_FILE ("+c.key.PassphraseFile+")"
	case ki.State == vault.KeyUnlocked:
		r.source, r.line = keySourceUnlocked, named+", unlocked until "+ki.Until.Local().Format("2006-01-02 15:04")
	default:
		r.source, r.line, r.locked = keySourceLocked, named+", passphrase-protected and locked", true
	}
	return r
}
