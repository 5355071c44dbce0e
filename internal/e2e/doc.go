// Package e2e holds the end-to-end tests of git-credential-adopat: the real
// git binary, configured the way a user configures it (`install`, `add`),
// clones from the in-process Azure DevOps stand-in (internal/adotest)
// through the built helper binary.
//
// The tests live in package e2e_test; this file only documents them.
package e2e
