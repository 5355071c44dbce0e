package cli

import (
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/pflag"
)

// helpFiles hold each command's help, help/NAME.txt: a line "summary: ...",
// an optional line "usage: ..." (the arguments after the command name), a
// blank line, the paragraph of its --help (wrapped when shown), a blank
// line, and "Examples:" followed by one example a line, indented.
//
//go:embed help/*.txt
var helpFiles embed.FS

// commandHelp is the help of one command, from its help file.
type commandHelp struct {
	summary, usage, about string
	examples              []string
}

// helpTexts are the parsed help files by command name, read once.
var helpTexts = sync.OnceValue(func() map[string]commandHelp {
	entries, err := helpFiles.ReadDir("help")
	if err != nil {
		panic(err)
	}
	texts := map[string]commandHelp{}
	for _, e := range entries {
		raw, err := helpFiles.ReadFile("help/" + e.Name())
		if err != nil {
			panic(err)
		}
		name := strings.TrimSuffix(e.Name(), ".txt")
		h, err := parseHelp(string(raw))
		if err != nil {
			panic(fmt.Sprintf("help/%s: %v", e.Name(), err))
		}
		texts[name] = h
	}
	return texts
})

// parseHelp parses one help file.
func parseHelp(text string) (commandHelp, error) {
	var h commandHelp
	parts := strings.Split(strings.TrimSpace(text), "\n\n")
	if len(parts) != 3 {
		return h, fmt.Errorf("want a header, a paragraph and examples separated by blank lines, got %d parts", len(parts))
	}
	for _, line := range strings.Split(parts[0], "\n") {
		key, value, _ := strings.Cut(line, ": ")
		switch key {
		case "summary":
			h.summary = value
		case "usage":
			h.usage = value
		default:
			return h, fmt.Errorf("unknown header line %q", line)
		}
	}
	h.about = parts[1]
	examples, ok := strings.CutPrefix(parts[2], "Examples:\n")
	if !ok || h.summary == "" {
		return h, fmt.Errorf("want a summary line and an Examples: block")
	}
	for _, ex := range strings.Split(examples, "\n") {
		h.examples = append(h.examples, strings.TrimSpace(ex))
	}
	return h, nil
}

// newCommand is the command called name, with its help from
// help/NAME.txt, the common flags it takes, its run function and its own
// flags (nil for none).
func newCommand(name string, common []string, run func(a *App, o *options, args []string) error, flags func(fs *pflag.FlagSet)) *command {
	h, ok := helpTexts()[name]
	if !ok {
		panic("no help/" + name + ".txt")
	}
	return &command{name: name, summary: h.summary, usage: h.usage, about: h.about, examples: h.examples,
		common: common, flags: flags, run: run}
}

// Tagline says what the program is, in --help, the man page's NAME and the
// Debian package's description.
const Tagline = "a git credential helper for Azure DevOps personal access tokens"

// synopsis is the command line, after the program name.
const synopsis = "[--backend keyring|file|auto] [--vault FILE] [--server URL]... COMMAND [flags]"

// exitCodes are the exit codes and what each means, for --help and the man
// page.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{ExitOK, `success (for get: also "no answer", so git asks the next helper)`},
	{ExitUsage, "usage error: unknown command or flag, missing or bad argument, no such scope"},
	{ExitRuntime, "runtime error: unreadable or locked store, bad credential input, git failed"},
}

// exitCodesHelp is the "Exit codes:" block that ends every --help.
var exitCodesHelp = func() string {
	var b strings.Builder
	b.WriteString("Exit codes:\n")
	for _, e := range exitCodes {
		fmt.Fprintf(&b, "  %d  %s\n", e.code, e.meaning)
	}
	return b.String()
}()

func mainUsage() string {
	var b strings.Builder
	b.WriteString("git-credential-adopat: " + Tagline + ".\n\nUsage: git-credential-adopat " + synopsis + "\n")
	b.WriteString(`
Set up:
  git-credential-adopat install
  git-credential-adopat add --org fabrikam --expires 30d --scopes vso.code   (PAT on stdin or prompt)
  git clone https://dev.azure.com/fabrikam/Project/_git/repo

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	b.WriteString(filesHelp())
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
