package cli

import "runtime"

// Advice that names what exists on the platform the user is on: Unix
// modes, make install and systemd on Unix; DACLs, a directory on PATH and
// Credential Manager on Windows.

// installAdvice says how git-credential-adopat gets onto PATH.
func installAdvice() string {
	if runtime.GOOS == "windows" {
		return `put git-credential-adopat.exe and git-credential-adopat-manage.exe in a directory on PATH (e.g. %LOCALAPPDATA%\Programs\adopat, added to PATH in "Edit environment variables for your account")`
	}
	return "put git-credential-adopat and git-credential-adopat-manage side by side in a directory on PATH, e.g. ~/.local/bin (`make install` from a checkout does that; the Debian package uses /usr/bin)"
}

// keepPrivate says how a key file stays private.
func keepPrivate() string {
	if runtime.GOOS == "windows" {
		return "keep it private to you (icacls shows who may read it)"
	}
	return "keep it mode 0600"
}

// newDirPrivacy says how a store directory adopat creates is protected.
func newDirPrivacy() string {
	if runtime.GOOS == "windows" {
		return "private to you (an owner-only access rule)"
	}
	return "mode 0700"
}

// lockedKeyAdvice says how git's helper gets a passphrase-protected key
// opened without anyone typing.
func lockedKeyAdvice() string {
	if runtime.GOOS == "windows" {
		// No unlock on Windows: no RAM-backed directory (hints).
		return "give the passphrase in ADOPAT_PASSPHRASE_FILE, or keep tokens in Windows Credential Manager (git-credential-adopat migrate --to keyring)"
	}
	return "run `git-credential-adopat unlock`, or give the passphrase as the systemd credential " + credentialPassphrase + " or in ADOPAT_PASSPHRASE_FILE"
}

// filesHelp is --help's paragraph on where the files are.
func filesHelp() string {
	if runtime.GOOS == "windows" {
		return `
Files: the vault is %ADOPAT_VAULT% or %LOCALAPPDATA%\adopat\vault.age,
encrypted with age to the key in identity.txt beside it (%ADOPAT_IDENTITY%);
both must be private to you (no access rule for anyone but you, SYSTEM and
Administrators). With the keyring backend each PAT is a generic credential
in Credential Manager (git-credential-adopat:SCOPE) and the metadata sits in
%LOCALAPPDATA%\adopat\keyring-index.json. In CI, AZURE_DEVOPS_EXT_PAT or
SYSTEM_ACCESSTOKEN answers Azure DevOps without any store.

`
	}
	return `
Files: the vault is $ADOPAT_VAULT or $XDG_DATA_HOME/adopat/vault.age (else
~/.local/share/adopat/vault.age), encrypted with age to the key in
identity.txt beside it ($ADOPAT_IDENTITY); both must be mode 0600. With the
keyring backend each PAT is an item of the OS keyring (service
git-credential-adopat) and the metadata sits in
$XDG_CONFIG_HOME/adopat/keyring-index.json. In CI, AZURE_DEVOPS_EXT_PAT or
SYSTEM_ACCESSTOKEN answers Azure DevOps without any store.

`
}
