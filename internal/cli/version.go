package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at build time by the Makefile and the release
// build (internal/release): -ldflags "-X ...cli.Version=1.2.3 -X
// ...cli.Commit=HASH". Release builds use -buildvcs=false so that the
// binary does not depend on the state of the checkout it was built in
// (reproducible builds), hence the commit given explicitly.
var (
	Version = ""
	Commit  = ""
)

// versionCmd is `version` (and `--version`).
func versionCmd() *command {
	return newCommand("version", []string{}, runVersion, nil)
}

// runVersion prints the version, the commit and the Go toolchain, one a
// line; the first line alone is what earlier versions printed.
func runVersion(a *App, o *options, args []string) error {
	v, c := buildVersion()
	fmt.Fprintf(a.Stdout, "git-credential-adopat %s\ncommit: %s\ngo: %s %s/%s\n", v, c, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildVersion is the version and commit set at build time, else what the
// binary's build info knows: the module version `go install ...@v1.2.3`
// records, and the commit go build stamps from a checkout (vcs.revision,
// "-dirty" when vcs.modified).
func buildVersion() (version, commit string) {
	version, commit = Version, Commit
	bi, ok := debug.ReadBuildInfo()
	if version == "" {
		version = "devel"
		if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
	}
	if commit == "" && ok {
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if commit != "" && modified {
			commit += "-dirty"
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	return version, commit
}
