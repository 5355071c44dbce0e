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
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n%s.\n", usage, upperFirst(c.summary))
	if doc, ok := commandDocs[c.name]; ok {
		fmt.Fprintf(&b, "\n%s\n\nExamples:\n", wrap(doc.about, 76))
		for _, ex := range doc.examples {
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

// commandDocs is each command's paragraph and examples for its --help.
var commandDocs = map[string]struct {
	about    string
	examples []string
}{
	"add": {`Stores a PAT for an organisation (or one project of it), or for a
		declared Azure DevOps Server. The PAT is read from stdin when stdin is not a
		terminal, else from a prompt that does not echo; never from an argument. A
		second add for the same scope replaces the token. --expires and --scopes
		record what you chose in Azure DevOps, so that get, list and doctor can warn
		before expiry and flag broad scopes.`, []string{
		"git-credential-adopat add --org fabrikam --expires 30d --scopes vso.code",
		"pass show ado/fabrikam | git-credential-adopat add --org fabrikam --label laptop",
		"git-credential-adopat add --server https://tfs.example.com --username jdoe",
	}},
	"list": {`Shows one line per stored token: scope, label, username, created,
		expiry and days left, last use, recorded PAT scopes and status (active,
		expired, withdrawn), after a line naming the backend and why it was chosen.
		Never a secret. --json gives the same as a stable document for scripts.`, []string{
		"git-credential-adopat list",
		"git-credential-adopat list --json | jq -r '.tokens[] | select(.status != \"active\") | .scope'",
	}},
	"audit": {`Shows, for every token or the one SCOPE, when git was last answered
		with it, how many times and for which repositories, and the refusals erase
		recorded while it kept the token in service.`, []string{
		"git-credential-adopat audit",
		"git-credential-adopat audit fabrikam",
	}},
	"verify": {`Asks Azure DevOps whether each stored PAT (or the one for SCOPE) is
		valid and whose it is, and puts a withdrawn token it accepts back into
		service. Exits 2 when a PAT is invalid or could not be checked, so that a
		timer or a CI job notices.`, []string{
		"git-credential-adopat verify",
		"git-credential-adopat verify fabrikam --json",
	}},
	"rotate": {`Replaces the PAT of SCOPE with a new one, read like add's (stdin, or
		a prompt that does not echo). Azure DevOps is asked about the new PAT first
		and only a PAT it accepts is written; label, expiry, scopes and history are
		kept unless you give new ones. Revoke the old PAT in Azure DevOps
		afterwards.`, []string{
		"git-credential-adopat rotate fabrikam --expires 30d",
		"pass show ado/fabrikam-new | git-credential-adopat rotate fabrikam",
	}},
	"remove": {`Deletes the token for SCOPE (as list shows it) from the store, for
		good. At a terminal it asks first; --yes skips the question. Without a
		terminal, as in a script, it removes without asking. Revoke the PAT in
		Azure DevOps too if nothing needs it any more.`, []string{
		"git-credential-adopat remove fabrikam",
		"git-credential-adopat remove fabrikam/Website --yes",
	}},
	"restore": {`Puts a token that git withdrew (Azure DevOps called the PAT
		invalid after a 401) back into service, when you know the PAT is good.
		verify does this by itself for every PAT Azure DevOps accepts again.`, []string{
		"git-credential-adopat restore fabrikam",
	}},
	"install": {`Makes git ask adopat, and only adopat, for dev.azure.com and
		*.visualstudio.com URLs, in your global git config (--system: the system
		one, for all users). Each --server declares an Azure DevOps Server too.
		Running it again changes nothing; uninstall undoes it.`, []string{
		"git-credential-adopat install",
		"git-credential-adopat install --server https://tfs.example.com",
	}},
	"uninstall": {`Removes exactly what install set, puts back the helper settings
		install replaced, and leaves the rest of your git configuration alone.
		Give the same --server URLs as to install.`, []string{
		"git-credential-adopat uninstall",
		"git-credential-adopat uninstall --server https://tfs.example.com",
	}},
	"doctor": {`Checks the setup and says what to fix: the backend and why it was
		chosen, the store's files and their permissions, each token's expiry, state
		and scopes, that git finds the helper on PATH, and git's configuration.
		Exits 2 when it finds a problem.`, []string{
		"git-credential-adopat doctor",
	}},
	"metrics": {`Prints each token's expiry, last use, use count, state and
		privilege in the Prometheus text format; with --output FILE it replaces
		FILE atomically instead, for node_exporter's textfile collector.`, []string{
		"git-credential-adopat metrics",
		"git-credential-adopat metrics --output /var/lib/node_exporter/textfile/adopat.prom",
	}},
	"migrate": {`Moves every token, with its metadata, to the other backend (the OS
		keyring or the age vault), reads the destination back and checks each
		token, and only then clears the source; then records the new backend in
		the config file.`, []string{
		"git-credential-adopat migrate --to keyring",
		"git-credential-adopat migrate --to file",
	}},
	"passphrase": {`Encrypts the age vault's key with a passphrase, asked twice at
		the terminal. git is then answered only while the key is unlocked (see
		unlock); commands you run at a terminal ask for the passphrase. --remove
		stores the key without a passphrase again.`, []string{
		"git-credential-adopat passphrase",
		"git-credential-adopat passphrase --remove",
	}},
	"unlock": {`Asks for the vault key's passphrase at the terminal (never on
		stdin) and keeps the decrypted key in $XDG_RUNTIME_DIR, in RAM only, for
		--for, so that git is answered meanwhile. Without a RAM-backed runtime
		directory it refuses before asking.`, []string{
		"git-credential-adopat unlock",
		"git-credential-adopat unlock --for 30m",
	}},
	"lock": {`Deletes the unlocked key now: git gets no answers until the next
		unlock.`, []string{
		"git-credential-adopat lock",
	}},
	"get": {`git runs this action with a request (protocol, host, path) on stdin;
		it prints the matching credential, or nothing so that git asks the next
		helper. You need not run it yourself; ADOPAT_TRACE=1 shows what it
		decides, never a secret.`, []string{
		"ADOPAT_TRACE=1 git fetch",
	}},
	"store": {`git runs this action after a credential worked. When it is the PAT
		adopat gave, nothing changes (a withdrawn token goes back into service); a
		new PAT, typed at git's prompt, replaces the token that would have answered
		or is stored for the organisation or server. You need not run it yourself.`, []string{
		"ADOPAT_TRACE=1 git fetch",
	}},
	"erase": {`git runs this action after a server refused a credential. For
		Azure DevOps cloud adopat first asks Azure DevOps about the PAT and withdraws
		it only when it is invalid (restore brings it back); the token is never
		deleted. You need not run it yourself.`, []string{
		"ADOPAT_TRACE=1 git fetch",
	}},
	"version": {`Prints the version of this build.`, []string{
		"git-credential-adopat version",
		"git-credential-adopat --version",
	}},
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
