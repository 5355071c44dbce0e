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
	return "`make install` puts it in ~/.local/bin"
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
