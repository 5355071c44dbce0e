package cli

import (
	"fmt"
	"runtime/debug"

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
		usage := store.NewUsageLog(b.Path)
		h := &helper.Helper{Store: b.Store, Servers: servers, Now: a.Now, Stderr: a.Stderr,
			// Best effort: a read-only store directory must not cost git
			// its credential, nor print on every fetch.
			Used: func(u store.Use) { _ = usage.Record(u) }}
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
