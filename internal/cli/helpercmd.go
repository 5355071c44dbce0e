package cli

import (
	"fmt"
	"runtime/debug"
	"time"

	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// helperAction runs one of git's helper actions. stdout carries only
// protocol lines; stderr stays silent unless the user must act.
func helperAction(action string) func(a *App, o *options, args []string) error {
	return func(a *App, o *options, args []string) error {
		servers, err := o.parseServers()
		if err != nil {
			return err
		}
		b, err := a.openStore(o, false)
		if err != nil {
			return err
		}
		warnWithin, err := a.expiryWarning()
		if err != nil {
			return err
		}
		usage := store.NewUsageLog(b.Path)
		h := &helper.Helper{Store: b.Store, Servers: servers, Now: a.Now, Stderr: a.Stderr,
			// Best effort: a read-only store directory must not cost git
			// its credential, nor print on every fetch.
			Used:       func(u store.Use) { _ = usage.Record(u) },
			Env:        helper.EnvTokenFrom(a.Getenv),
			WarnWithin: warnWithin,
			WarnOnce:   func(scope string) bool { return usage.WarnOnce(scope, a.Now()) },
		}
		return h.Run(action, a.Stdin, a.Stdout)
	}
}

// Version is set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = ""

func runVersion(a *App, o *options, args []string) error {
	v := Version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintf(a.Stdout, "git-credential-adopat %s\n", v)
	return nil
}

// defaultExpiryWarning is how long before expiry get starts to warn.
const defaultExpiryWarning = 7 * 24 * time.Hour

// expiryWarning reads ADOPAT_EXPIRY_WARNING or the config's
// expiry-warning: "7d", "2w", "36h"; "0" turns the warning off.
func (a *App) expiryWarning() (time.Duration, error) {
	cfg, err := a.readConfig()
	if err != nil {
		return 0, err
	}
	raw := firstNonEmpty(a.Getenv("ADOPAT_EXPIRY_WARNING"), cfg["expiry-warning"])
	if raw == "" {
		return defaultExpiryWarning, nil
	}
	if raw == "0" {
		return 0, nil
	}
	if n, unit, ok := countUnit(raw); ok {
		return time.Duration(n) * unit, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < 0 {
		return 0, usagef("expiry warning %q: give a duration such as 7d, 2w or 36h", raw)
	}
	return d, nil
}
