package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

const exitCodesHelp = `Exit codes:
  0  success (for get: also "no answer", so git asks the next helper)
  1  usage error: unknown command or flag, missing or bad argument, no such scope
  2  runtime error: unreadable or locked store, bad credential input, git failed
`

func mainUsage() string {
	var b strings.Builder
	b.WriteString(`git-credential-adopat: a git credential helper for Azure DevOps personal access tokens.

Usage: git-credential-adopat [--backend keyring|file|auto] [--vault FILE] [--server URL]... COMMAND [flags]

Set up:
  git-credential-adopat install
  git-credential-adopat add --org fabrikam --expires 30d --scopes vso.code   (PAT on stdin or prompt)
  git clone https://dev.azure.com/fabrikam/Project/_git/repo

Commands:
`)
	cmds := commands()
	for _, name := range commandOrder {
		fmt.Fprintf(&b, "  %-11s %s\n", name, cmds[name].summary)
	}
	b.WriteString(`
Files: the vault is $ADOPAT_VAULT or $XDG_DATA_HOME/adopat/vault.age (else
~/.local/share/adopat/vault.age), encrypted with age to the key in
identity.txt beside it ($ADOPAT_IDENTITY); both must be mode 0600. With the
keyring backend each PAT is an item of the OS keyring (service
git-credential-adopat) and the metadata sits in
$XDG_CONFIG_HOME/adopat/keyring-index.json. In CI, AZURE_DEVOPS_EXT_PAT or
SYSTEM_ACCESSTOKEN answers Azure DevOps without any store.

`)
	b.WriteString(exitCodesHelp)
	b.WriteString("\nRun git-credential-adopat COMMAND --help for a command's flags.\n")
	return b.String()
}

func commandUsage(c *command) string {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	o := &options{}
	o.common(fs, c.name)
	if c.flags != nil {
		c.flags(fs, o)
	}
	fs.BoolP("help", "h", false, "show help")
	// pflag marks bool flags "[=true|false]"; blanks keep the columns.
	flags := strings.ReplaceAll(fs.FlagUsages(), "[=true|false]", strings.Repeat(" ", len("[=true|false]")))
	usage := strings.TrimSpace("git-credential-adopat " + c.name + " " + c.usage)
	return fmt.Sprintf("Usage: %s\n\n%s.\n\nFlags:\n%s\n%s", usage, upperFirst(c.summary), flags, exitCodesHelp)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
