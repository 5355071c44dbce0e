// Command git-credential-adopat-manage is git-credential-adopat's
// management binary: every command (add, list, verify, install, doctor,
// erase, ...). git-credential-adopat runs get and store itself and hands
// everything else to this binary, installed beside it, so that git's
// every-fetch get links none of the HTTP, TLS and command line machinery.
// See ARCHITECTURE.md, "Two binaries".
package main

import (
	"os"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

func main() {
	os.Exit(cli.NewApp().Run(os.Args[1:]))
}
