// Command git-credential-adopat is a git credential helper for Azure DevOps
// personal access tokens. See README.md, or run it with --help.
package main

import (
	"os"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

func main() {
	os.Exit(cli.NewApp().Run(os.Args[1:]))
}
