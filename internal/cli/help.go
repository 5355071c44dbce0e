package cli

import (
	"fmt"
	"strings"
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
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
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
	fs, _ := c.flagSet(&options{})
	// pflag marks bool flags "[=true|false]"; blanks keep the columns.
	flags := strings.ReplaceAll(fs.FlagUsages(), "[=true|false]", strings.Repeat(" ", len("[=true|false]")))
	usage := strings.TrimSpace("git-credential-adopat " + c.name + " " + c.usage)
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n%s.\n", usage, upperFirst(c.summary))
	if c.about != "" {
		fmt.Fprintf(&b, "\n%s\n\nExamples:\n", wrap(c.about, 76))
		for _, ex := range c.examples {
			fmt.Fprintf(&b, "  %s\n", ex)
		}
	}
	fmt.Fprintf(&b, "\nFlags:\n%s\n%s", flags, exitCodesHelp)
	return b.String()
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && n+1+len(w) > width {
			b.WriteString("\n")
			n = 0
		} else if i > 0 {
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
