// Package importer reads the places where PATs were kept before adopat,
// and takes them out again: the files git's credential-store writes
// (~/.git-credentials), Git Credential Manager's plaintext store, and the
// remote and submodule URLs in repositories' .git/config. It finds the
// credentials (Find*), decides with the token store's content which of them
// to store and which to leave (Plan), and removes from each place exactly
// what was stored (Remove*), keeping everything else as it was.
//
// It never stores a token itself (the caller does, through store.Update)
// and never prints a secret: what it reports names the place (a file and
// line, a repository and config key, a redacted URL) and the scope.
package importer
