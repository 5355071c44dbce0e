package cli

import "github.com/adopat/git-credential-adopat/internal/hints"

// The advice for store errors is internal/hints', shared with git's
// helper actions.
var keyringAdvice = hints.KeyringAdvice

func withHint(err error) string { return hints.WithHint(err) }
