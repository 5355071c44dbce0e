package cli

import (
	"github.com/spf13/pflag"
)

// commandOrder is the order --help lists commands in.
var commandOrder = []string{"add", "list", "audit", "verify", "rotate", "remove", "restore", "install", "uninstall", "doctor", "metrics", "migrate", "passphrase", "unlock", "lock", "get", "store", "erase", "version"}

func commands() map[string]*command {
	return map[string]*command{
		"add": {name: "add", summary: "store a PAT (read from stdin, or a no-echo prompt)",
			usage: "--org ORG [--project PROJECT] | --server URL [--username NAME]  [--label TEXT] [--expires 30d|YYYY-MM-DD] [--scopes vso.code,...]",
			flags: addFlags, run: runAdd},
		"list": {name: "list", summary: "show stored tokens, never their secrets",
			usage: "[--json]",
			flags: func(fs *pflag.FlagSet, o *options) { fs.BoolVar(&o.json, "json", false, "machine-readable output") },
			run:   runList},
		"audit": {name: "audit", summary: "when and where git used each token (no secrets)", usage: "[SCOPE]", run: runAudit},
		"verify": {name: "verify", summary: "ask Azure DevOps whether each PAT (or one) is valid, and whose it is",
			usage: "[SCOPE] [--json]",
			flags: func(fs *pflag.FlagSet, o *options) { fs.BoolVar(&o.json, "json", false, "machine-readable output") },
			run:   runVerify},
		"rotate": {name: "rotate", summary: "replace a token's PAT after Azure DevOps accepted the new one",
			usage: "SCOPE [--expires 30d] [--scopes ...] [--label ...] [--no-verify]", flags: rotateFlags, run: runRotate},
		"remove": {name: "remove", summary: "delete a token for good", usage: "SCOPE [--yes]",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation at a terminal")
			},
			run: runRemove},
		"restore": {name: "restore", summary: "put a token git withdrew (after a 401) back into service",
			usage: "SCOPE", run: runRestore},
		"install": {name: "install", summary: "make git ask adopat for Azure DevOps URLs (global git config)",
			usage: "[--system] [--server URL]...",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.BoolVar(&o.system, "system", false, "write the system git config (all users) instead of the global one")
			},
			run: runInstall},
		"uninstall": {name: "uninstall", summary: "remove what install set, leaving other settings alone",
			usage: "[--system] [--server URL]...",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.BoolVar(&o.system, "system", false, "edit the system git config instead of the global one")
			},
			run: runUninstall},
		"doctor": {name: "doctor", summary: "check the setup: backend and why, files, git config, tokens",
			run: runDoctor},
		"metrics": {name: "metrics", summary: "token expiry, use and state in Prometheus text format",
			usage: "[--output FILE]",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.StringVar(&o.output, "output", "", "write to FILE (replaced atomically, for node_exporter's textfile collector) instead of stdout")
			},
			run: runMetrics},
		"migrate": {name: "migrate", summary: "move every token to the other backend, verified before the source is cleared",
			usage: "--to keyring|file",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.StringVar(&o.migrateTo, "to", "", "the destination backend: keyring or file")
			},
			run: runMigrate},
		"passphrase": {name: "passphrase", summary: "protect the vault key with a passphrase (or --remove it)",
			usage: "[--remove]",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.BoolVar(&o.remove, "remove", false, "store the key without a passphrase again")
			},
			run: runPassphrase},
		"unlock": {name: "unlock", summary: "unlock a passphrase-protected vault for git for a while",
			usage: "[--for 8h]",
			flags: func(fs *pflag.FlagSet, o *options) {
				fs.StringVar(&o.unlockTT, "for", "8h", "how long the vault stays unlocked")
			},
			run: runUnlock},
		"lock":    {name: "lock", summary: "forget the unlocked key now", run: runLock},
		"get":     {name: "get", summary: "git helper action: print the credential for a request", run: helperAction("get")},
		"store":   {name: "store", summary: "git helper action: remember a credential that worked", run: helperAction("store")},
		"erase":   {name: "erase", summary: "git helper action: withdraw a rejected credential (kept, restorable)", run: helperAction("erase")},
		"version": {name: "version", summary: "print the version", run: runVersion},
	}
}
