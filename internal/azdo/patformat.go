package azdo

// PATFormat says which of Azure DevOps' personal access token formats a
// string has, if any. It is how `import` tells a PAT from a password or
// another kind of token found beside an Azure DevOps URL, and how `add`
// notices input that is not a PAT at all.
type PATFormat int

const (
	// NotPAT: neither format (a password, an Entra access token, a
	// truncated paste...).
	NotPAT PATFormat = iota
	// PATLegacy: 52 characters, the base32 encoding (lower-case a-z and
	// 2-7, no padding) of a 256-bit key, as Azure DevOps issued PATs until
	// 2024 (and Azure DevOps Server still does).
	PATLegacy
	// PATCurrent: 84 characters of A-Z, a-z and 0-9 with the fixed
	// signature "AZDO" at characters 77 to 80.
	PATCurrent
)

// The formats, as Microsoft documents them:
//
//   - Azure DevOps release notes, Sprint 241 ("Improved PAT format"): the
//     token length grows from 52 to 84 characters, 52 of them random;
//     integrators should accept both lengths.
//   - Microsoft Purview, "Azure DevOps personal access token" sensitive
//     information type
//     (https://learn.microsoft.com/purview/sit-defn-azure-devops-personal-access-token):
//     84 characters of a-z, A-Z and 0-9 "with a fixed signature AZDO at
//     position 76-80"; its example, ...mnoAZDOabcd, has the signature at
//     the 0-based offset 76, followed by four characters.
//   - The 52-character form is the base32 encoding of a 256-bit key
//     (Purview's "Base32 encoded 256-bits symmetric key" pattern for the
//     same type); Azure DevOps writes it in lower case.
const (
	legacyPATLen  = 52
	currentPATLen = 84
	currentSigAt  = 76 // 0-based: characters 77 to 80
	currentSig    = "AZDO"
)

// RecognizePAT says which PAT format s has. It looks at the shape only: a
// string of the right shape may still be revoked, expired or made up.
func RecognizePAT(s string) PATFormat {
	switch len(s) {
	case legacyPATLen:
		for i := 0; i < len(s); i++ {
			if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
				return NotPAT
			}
		}
		return PATLegacy
	case currentPATLen:
		if s[currentSigAt:currentSigAt+len(currentSig)] != currentSig || !alnum(s) {
			return NotPAT
		}
		return PATCurrent
	}
	return NotPAT
}

// PATShapes describes both formats in a few words, for messages that say
// why a string was not taken for a PAT.
const PATShapes = "an Azure DevOps PAT is 84 letters and digits with AZDO at characters 77-80, or, in the older format, 52 lower-case letters and digits 2-7"

func (f PATFormat) String() string {
	switch f {
	case PATLegacy:
		return "52-character PAT"
	case PATCurrent:
		return "84-character PAT"
	}
	return "not a PAT"
}

// minTokenLike is the shortest secret TokenLike accepts: 32 characters
// of letters and digits carry at least 160 bits, which no password a
// person types has and every generated token of the usual shapes (hex,
// base32, base62 of 128 bits or more) does.
const minTokenLike = 32

// TokenLike reports a secret that is in neither PAT format but has a
// generated token's shape: at least 32 letters and digits and nothing
// else. Beside an Azure DevOps URL it is most likely a PAT in a shape this
// version does not know (a future format, a PAT mangled by a tool that
// changed its case); a password, a JWT (dots) or another service's token
// (GitHub's ghp_, GitLab's glpat-: an underscore or dash) is not.
func TokenLike(s string) bool { return len(s) >= minTokenLike && alnum(s) }

// alnum reports whether s is ASCII letters and digits only.
func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
