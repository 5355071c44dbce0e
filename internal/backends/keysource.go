package backends

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
	CredentialIdentity   = "adopat.identity"
	CredentialPassphrase = "adopat.passphrase"
)

// KeyChoice is where the key comes from, as resolved from flags and the
// environment; whether it is protected, unlocked or missing is the
// vault's to say (vault.Store.Key).
type KeyChoice struct {
	Identity string // the identity file (or credential)
	From     string // "--identity", "ADOPAT_IDENTITY", "systemd credential adopat.identity", "" (beside the vault)
	Key      vault.KeyOptions
	// Unused lists key sources present but not used, for doctor.
	Unused []string
}

// CredentialPath is $CREDENTIALS_DIRECTORY/name when the directory is set
// (absolute, as systemd sets it) and something is there.
func (e *Env) CredentialPath(name string) (string, bool) {
	dir := e.Getenv("CREDENTIALS_DIRECTORY")
	if !filepath.IsAbs(dir) {
		return "", false
	}
	p := filepath.Join(dir, name)
	return p, Exists(p)
}

// ChooseKey resolves the key sources for the vault at vaultPath.
func (e *Env) ChooseKey(vaultPath string) KeyChoice {
	var c KeyChoice
	credID, haveCredID := e.CredentialPath(CredentialIdentity)
	switch {
	case e.Flags.Identity != "":
		c.Identity, c.From = e.Flags.Identity, "--identity"
	case e.Getenv("ADOPAT_IDENTITY") != "":
		c.Identity, c.From = e.Getenv("ADOPAT_IDENTITY"), "ADOPAT_IDENTITY"
	case haveCredID:
		c.Identity, c.From = credID, "systemd credential "+CredentialIdentity
		c.Key.CredentialIdentity = true
	default:
		c.Identity = vault.DefaultIdentityPath(vaultPath)
	}
	if haveCredID && !c.Key.CredentialIdentity {
		c.Unused = append(c.Unused, fmt.Sprintf("systemd credential %s (%s): %s comes first", CredentialIdentity, credID, c.From))
	}
	credPass, haveCredPass := e.CredentialPath(CredentialPassphrase)
	passFile := e.Getenv("ADOPAT_PASSPHRASE_FILE")
	switch {
	case c.Key.CredentialIdentity:
		if haveCredPass {
			c.Unused = append(c.Unused, fmt.Sprintf("systemd credential %s (%s): the key is the credential %s, which has no passphrase", CredentialPassphrase, credPass, CredentialIdentity))
		}
		if passFile != "" {
			c.Unused = append(c.Unused, fmt.Sprintf("ADOPAT_PASSPHRASE_FILE (%s): the key is the credential %s, which has no passphrase", passFile, CredentialIdentity))
		}
	case haveCredPass:
		c.Key.PassphraseFile, c.Key.PassphraseCredential, c.Key.PassphraseFrom = credPass, true, "systemd credential "+CredentialPassphrase
		if passFile != "" {
			c.Unused = append(c.Unused, fmt.Sprintf("ADOPAT_PASSPHRASE_FILE (%s): the systemd credential %s comes first", passFile, CredentialPassphrase))
		}
	case passFile != "":
		c.Key.PassphraseFile, c.Key.PassphraseFrom = passFile, "ADOPAT_PASSPHRASE_FILE"
	}
	return c
}

// Key sources as list --json and doctor --json name them (key_source):
// a stable interface, values only ever added.
const (
	KeySourceIdentity             = "identity"                      // a plain identity file named by --identity or ADOPAT_IDENTITY
	KeySourceCredential           = "systemd-credential"            // $CREDENTIALS_DIRECTORY/adopat.identity
	KeySourceCredentialPassphrase = "systemd-credential-passphrase" // a protected identity file opened with $CREDENTIALS_DIRECTORY/adopat.passphrase
	KeySourcePassphraseFile       = "passphrase-file"               // a protected identity file opened with ADOPAT_PASSPHRASE_FILE
	KeySourceUnlocked             = "unlocked"                      // a protected identity file's unlocked copy in $XDG_RUNTIME_DIR
	KeySourceBesideVault          = "identity-beside-vault"         // a plain identity.txt beside the vault
	KeySourceLocked               = "locked"                        // a protected identity file and nothing to open it with: git gets no answer
	KeySourceNone                 = "none"                          // no key yet: the first add creates it
)

// KeyReport is the key's source for list and doctor: the key_source
// value, a line for people, and, when git cannot use it, why.
type KeyReport struct {
	Source string
	File   string // the identity file or credential
	Line   string
	Err    error
	// Locked: git gets no answer until it is unlocked.
	Locked bool
	// Unused are key sources present but not used (KeyChoice.Unused).
	Unused []string
}

// ReportKey says which key the vault v uses (choice c), without
// decrypting or prompting.
func ReportKey(v *vault.Store, c KeyChoice) KeyReport {
	ki, err := v.Key()
	id := v.IdentityPath()
	named := "identity " + id
	if c.From != "" && !c.Key.CredentialIdentity {
		named = "identity " + id + " (" + c.From + ")"
	}
	r := KeyReport{Err: err, Unused: c.Unused, File: id}
	if ki.State == vault.KeyPlain && !c.Key.CredentialIdentity && c.Key.PassphraseFile != "" {
		r.Unused = append(r.Unused, fmt.Sprintf("%s (%s): identity %s has no passphrase", c.Key.PassphraseFrom, c.Key.PassphraseFile, id))
	}
	switch {
	case c.Key.CredentialIdentity:
		r.Source, r.Line = KeySourceCredential, "systemd credential "+CredentialIdentity+" ("+id+")"
	case ki.State == vault.KeyMissing:
		r.Source, r.Line = KeySourceNone, "none yet; the first add creates "+named
		if c.Key.PassphraseFile != "" {
			r.Line += ", protected with the passphrase in " + c.Key.PassphraseFrom
		}
	case ki.State == vault.KeyPlain && c.From != "":
		r.Source, r.Line = KeySourceIdentity, named
	case ki.State == vault.KeyPlain:
		r.Source, r.Line = KeySourceBesideVault, named
	case ki.State == vault.KeyPassphraseFile && c.Key.PassphraseCredential:
		r.Source, r.Line = KeySourceCredentialPassphrase, named+", passphrase from systemd credential "+CredentialPassphrase+" ("+c.Key.PassphraseFile+")"
	case ki.State == vault.KeyPassphraseFile:
		r.Source, r.Line = KeySourcePassphraseFile, named+", passphrase from ADOPAT_PASSPHRASE_FILE ("+c.Key.PassphraseFile+")"
	case ki.State == vault.KeyUnlocked:
		r.Source, r.Line = KeySourceUnlocked, named+", unlocked until "+ki.Until.Local().Format("2006-01-02 15:04")
	default:
		r.Source, r.Line, r.Locked = KeySourceLocked, named+", passphrase-protected and locked", true
	}
	return r
}
