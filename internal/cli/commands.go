package cli

import (
	"github.com/spf13/pflag"
)

// command is one command: its help, the common flags it takes, and its own
// flags and run function. Each command's constructor (addCmd in add.go,
// listCmd in list.go, ...) binds its own flags to an options value of its
// own (addOptions, ...) that its run function reads, so a command, its
// flags and what it does are found in one file; newCommand (help.go) takes
// its help from help/NAME.txt.
type command struct {
	name     string
	summary  string
	usage    string   // the arguments after the command name
	about    string   // the paragraph of its --help
	examples []string // the examples of its --help
	// common are the common flags it takes (commonFlagNames); the others
	// are refused ("--server does not apply to version") and its --help
	// shows only these. Never nil: a command that takes none says so with
	// an empty list.
	common []string
	flags  func(fs *pflag.FlagSet) // its own flags; nil for none
	run    func(a *App, o *options, args []string) error
}

// commands are every command, in the order --help lists them. Each call
// builds them anew, with options of their own.
func commands() []*command {
	return []*command{
		addCmd(), listCmd(), auditCmd(), verifyCmd(), rotateCmd(), removeCmd(), restoreCmd(),
		installCmd(), uninstallCmd(), doctorCmd(), metricsCmd(), migrateCmd(), importCmd(),
		passphraseCmd(), unlockCmd(), lockCmd(),
		getCmd(), storeCmd(), eraseCmd(), capabilityCmd(), versionCmd(),
	}
}

// withOptions is the run function of a command with options of its own:
// run with the common flags and opts, which its flags were bound to.
func withOptions[T any](opts *T, run func(a *App, o *options, opts *T, args []string) error) func(a *App, o *options, args []string) error {
	return func(a *App, o *options, args []string) error { return run(a, o, opts, args) }
}

// jsonOptions are the flags of a command whose only own flag is --json.
type jsonOptions struct {
	json bool
}

// jsonCommand is a command whose only own flag is --json, for
// machine-readable output.
func jsonCommand(name string, common []string, run func(a *App, o *options, opts *jsonOptions, args []string) error) *command {
	opts := &jsonOptions{}
	return newCommand(name, common, withOptions(opts, run), func(fs *pflag.FlagSet) {
		fs.BoolVar(&opts.json, "json", false, "machine-readable output")
	})
}

// findCommand is the command called name.
func findCommand(name string) (*command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return nil, false
}

// commandNames are the names of all commands, in help order.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// flagSet is the flag set of c: the common flags it takes, its own, and
// --help.
func (c *command) flagSet(o *options) (*pflag.FlagSet, *bool) {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	o.register(fs, c.common)
	if c.flags != nil {
		c.flags(fs)
	}
	return fs, fs.BoolP("help", "h", false, "show help")
}
