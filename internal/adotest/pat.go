package adotest

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// NewPAT returns a fresh random token shaped like an Azure DevOps PAT (52
// lower-case base32 characters), so that no test or demo depends on a
// fixed secret and a leak check can search for exactly this value.
func NewPAT() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails: crypto/rand aborts the program instead (Go 1.24+)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
