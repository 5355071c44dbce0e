// Command git-credential-adopat is a git credential helper for Azure DevOps
// personal access tokens. See README.md, or run it with --help.
//
// git runs it on every fetch, so it is kept thin: get and store run here
// (internal/gitaction), and every other command, erase included, is
// handed to git-credential-adopat-manage beside it. This package must not
// import internal/cli (main_test.go checks the import graph).
package main

import (
	"os"

	"github.com/adopat/git-credential-adopat/internal/gitaction"
)

func main() {
	if code, ok := gitaction.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); ok {
		os.Exit(code)
	}
	os.Exit(gitaction.ExecManage(os.Args[1:]))
}
