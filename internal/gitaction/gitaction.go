// Package gitaction runs git's helper actions (get, store, erase): it sets
// up a helper.Helper from the common flags, the environment and the
// config file, exactly as the management commands would, and it is what
// the thin main that git runs uses for get and store, so that they link
// and initialise none of the HTTP, TLS and command line machinery (see
// ARCHITECTURE.md, "Two binaries").
package gitaction

import (
	"io"
	"os"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/span"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/journal"
)

// Setup is what one helper action reads and writes.
type Setup struct {
	Env    *backends.Env // the store's choice: flags, environment, config
	Stderr io.Writer
	// LookupEnv tells set-but-empty from unset (ADOPAT_ENV_ORG).
	LookupEnv func(string) (string, bool)
	Now       func() time.Time
	// Servers are the --server values, not yet validated.
	Servers []string
	// Check is erase's question to Azure DevOps; nil leaves every token
	// in service (helper.Helper.Check).
	Check helper.Checker
}

// Helper sets up the helper for one of git's actions: the store chosen
// by the backend table, never prompting, the usage journal beside it, the
// environment's CI token, the expiry warning and the trace.
func (s *Setup) Helper() (*helper.Helper, error) {
	servers, err := ParseServers(s.Servers)
	if err != nil {
		return nil, err
	}
	b, err := s.Env.Open(false)
	if err != nil {
		return nil, err
	}
	warnWithin, err := ExpiryWarning(s.Env)
	if err != nil {
		return nil, err
	}
	usage := journal.New(b.Path)
	return &helper.Helper{Store: b.Store, Servers: servers, Now: s.Now, Stderr: s.Stderr,
		// Best effort: a read-only store directory must not cost git
		// its credential, nor print on every fetch.
		Used: func(u store.Use) {
			u.Dir, _ = os.Getwd() // git runs its helpers in the repository
			_ = usage.Record(u)
		},
		Env:        helper.EnvTokenFrom(s.LookupEnv),
		Check:      s.Check,
		Trace:      Trace(s.Env.Getenv, s.Stderr),
		WarnWithin: warnWithin,
		WarnOnce:   func(scope string) bool { return usage.WarnOnce(scope, s.Now()) },
	}, nil
}

// ParseServers validates the --server values.
func ParseServers(raw []string) ([]azdo.Server, error) {
	var out []azdo.Server
	for _, r := range raw {
		s, err := azdo.ParseServer(r)
		if err != nil {
			return nil, backends.Usagef("%v", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// Trace is where ADOPAT_TRACE sends the helper's decisions: stderr for
// 1, 2 or true (as GIT_TRACE takes them), nowhere when unset, 0 or false.
func Trace(getenv func(string) string, stderr io.Writer) io.Writer {
	switch strings.ToLower(strings.TrimSpace(getenv("ADOPAT_TRACE"))) {
	case "", "0", "false", "no", "off":
		return nil
	}
	return stderr
}

// DefaultExpiryWarning is how long before expiry get starts to warn.
const DefaultExpiryWarning = 7 * 24 * time.Hour

// ExpiryWarning reads ADOPAT_EXPIRY_WARNING or the config's
// expiry-warning in the grammar of internal/span: "7d", "2w", "36h"; "0"
// turns the warning off.
func ExpiryWarning(e *backends.Env) (time.Duration, error) {
	cfg, err := e.ReadConfig()
	if err != nil {
		return 0, err
	}
	raw := backends.FirstNonEmpty(e.Getenv("ADOPAT_EXPIRY_WARNING"), cfg["expiry-warning"])
	if raw == "" {
		return DefaultExpiryWarning, nil
	}
	if strings.TrimSpace(raw) == "0" {
		return 0, nil
	}
	d, err := span.Parse(span.Warning, raw)
	if err != nil {
		return 0, backends.Usagef("%v (ADOPAT_EXPIRY_WARNING or expiry-warning in the config; 0 for none)", err)
	}
	return d, nil
}
