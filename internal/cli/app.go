// Package cli is the git-credential-adopat command line: the helper actions
// git runs (get, store, erase) and the commands people run.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
	"github.com/adopat/git-credential-adopat/internal/backends"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
)

// Exit codes, documented in --help and the README.
const (
	ExitOK      = 0
	ExitUsage   = 1 // bad command line
	ExitRuntime = 2 // the command could not do its work
)

// App holds everything a command touches, so tests can inject it.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// LookupEnv tells set-but-empty from unset where that matters
	// (ADOPAT_ENV_ORG); nil falls back to Getenv.
	LookupEnv func(string) (string, bool)
	Now       func() time.Time
	// Terminal reports whether stdin is an interactive terminal,
	// OutputTerminal the same of stdout; Prompt reads a secret without
	// echo from the terminal.
	Terminal       func() bool
	OutputTerminal func() bool
	Prompt         func(prompt string) (string, error)
	// Ask reads a visible answer (an expiry, y/N) from the terminal; nil
	// uses Prompt.
	Ask func(prompt string) (string, error)
	// Git is the git executable: install, uninstall and doctor read and
	// write git's configuration with it, and verify asks it for git's
	// network settings.
	Git string
	// Executable is this program's path, for the helper string install
	// writes (helperCommand); nil is selfPath. TempRoots are directories
	// whose files may vanish, where install never points git; nil is the
	// system's temporary directories.
	Executable func() (string, error)
	TempRoots  []string
	// AzureDevOps is the client for a question to Azure DevOps at rawURL
	// (a connectionData URL); askGit is false for git's helper actions,
	// which spawn no process. Nil, as in the released program: a client
	// that follows git's CA and proxy settings for rawURL (azdoClient).
	// Tests point it at the stand-in.
	AzureDevOps func(rawURL string, askGit bool) (*adoapi.Client, error)
	// Mint asks a token source (Microsoft Entra ID, Key Vault) for a
	// fresh secret; nil, as in the released program, is internal/entra.
	// Tests give a fake.
	Mint helper.Minter
	// ProbeKeyring asks whether an OS keyring answers here, for the auto
	// backend choice and doctor; nil is keyring.Probe.
	ProbeKeyring func(timeout time.Duration) (ok bool, reason string)

	config map[string]string // the config file, once read
}

// NewApp wires an App to the real process.
func NewApp() *App {
	return &App{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, LookupEnv: os.LookupEnv, Now: time.Now,
		Terminal: stdinIsTerminal, OutputTerminal: stdoutIsTerminal, Prompt: promptTerminal, Ask: askTerminal,
		Git: "git", ProbeKeyring: keyring.Probe,
	}
}

// probe asks ProbeKeyring.
func (a *App) probe(timeout time.Duration) (bool, string) {
	if a.ProbeKeyring == nil {
		return keyring.Probe(timeout)
	}
	return a.ProbeKeyring(timeout)
}

// usageError marks a mistake on the command line (exit 1).
type usageError = backends.UsageError

func usagef(format string, args ...any) error { return backends.Usagef(format, args...) }

// Run executes one command line (without the program name) and returns the
// process exit code.
func (a *App) Run(args []string) int {
	a.config = nil
	name, rest := splitCommand(args)
	cmd, ok := findCommand(name)
	switch {
	case name == "" && hasHelpFlag(rest), name == "help" && (helpTopic(rest) == "" || helpTopic(rest) == "help"):
		fmt.Fprint(a.Stdout, mainUsage())
		return ExitOK
	case name == "" && hasVersionFlag(rest):
		name, cmd, ok, rest = "version", versionCmd(), true, nil
	case name == "":
		if err := unknownFlagIn(rest); err != nil {
			printf(a.Stderr, "git-credential-adopat: %v\nsee: git-credential-adopat --help\n", err)
		} else {
			fmt.Fprint(a.Stderr, mainUsage())
		}
		return ExitUsage
	case name == "help":
		// Nobody but a person asks for help: an unknown topic is a
		// usage error, never git's silent ignore.
		topic := helpTopic(rest)
		if c, found := findCommand(topic); found {
			fmt.Fprint(a.Stdout, commandUsage(c))
			return ExitOK
		}
		printf(a.Stderr, "git-credential-adopat help: unknown command %q%s\nsee: git-credential-adopat --help\n", topic, didYouMean(commandSuggestions(topic), true))
		return ExitUsage
	}
	if !ok {
		return a.unknownCommand(name, rest)
	}
	o := &options{}
	fs, help := cmd.flagSet(o)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(rest); err != nil {
		printf(a.Stderr, "git-credential-adopat %s: %v\nsee: git-credential-adopat %s --help\n", name, flagError(fs, name, err), name)
		return ExitUsage
	}
	if *help {
		fmt.Fprint(a.Stdout, commandUsage(cmd))
		return ExitOK
	}
	err := cmd.run(a, o, fs.Args())
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		printf(a.Stderr, "git-credential-adopat %s: %v\nsee: git-credential-adopat %s --help\n", name, err, name)
		return ExitUsage
	default:
		printf(a.Stderr, "git-credential-adopat: %s\n", withHint(err))
		return ExitRuntime
	}
}

// unknownCommand answers a command word we do not know: a typo of one of
// ours, or a word git could not have sent, is a usage error; any other
// word may be an action a later git sends, which gitcredentials(7) asks
// helpers to ignore silently (see suggest.go for the reasoning). git never
// gives a helper a terminal on stdin or stdout, so a person typing at one
// is told about any unknown word.
func (a *App) unknownCommand(name string, rest []string) int {
	suggestions := commandSuggestions(name)
	if len(suggestions) == 0 && gitActionWord.MatchString(name) && !a.Terminal() && !a.OutputTerminal() {
		return ExitOK
	}
	// `adopat --sever URL get` in a helper string makes "URL" the word;
	// the misspelt flag is the mistake to report.
	if len(suggestions) == 0 && !gitActionWord.MatchString(name) {
		if err := unknownFlagIn(rest); err != nil {
			printf(a.Stderr, "git-credential-adopat: %v (so %q was taken for the command)\nsee: git-credential-adopat --help\n", err, name)
			return ExitUsage
		}
	}
	printf(a.Stderr, "git-credential-adopat: unknown command %q%s\nsee: git-credential-adopat --help\n", name, didYouMean(suggestions, true))
	return ExitUsage
}

// unknownFlagIn reports the first flag in args that no command takes.
func unknownFlagIn(args []string) error {
	fs := pflag.NewFlagSet("", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	(&options{}).register(fs, allCommonFlags)
	fs.BoolP("help", "h", false, "")
	fs.Bool("version", false, "")
	if err := fs.Parse(args); err != nil {
		var ne *pflag.NotExistError
		if errors.As(err, &ne) {
			return flagError(fs, "", err)
		}
	}
	return nil
}

// helpTopic is the command `help` was asked about, "" for none.
func helpTopic(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

func hasHelpFlag(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" {
			return true
		}
	}
	return false
}

func hasVersionFlag(args []string) bool {
	for _, a := range args {
		if a == "--version" {
			return true
		}
	}
	return false
}
