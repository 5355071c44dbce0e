// Command release makes git-credential-adopat's releases: archives for
// every platform, Debian packages, SBOMs and SHA256SUMS, the same bytes on
// every build of a commit. The Makefile runs it:
//
//	go run ./internal/release dist -version 1.2.3 -commit HASH -epoch SOURCE_DATE_EPOCH -out dist/release   (make dist)
//	go run ./internal/release check -version 1.2.3 -commit HASH -epoch SOURCE_DATE_EPOCH                     (make dist-check)
//	go run ./internal/release licenses [-check]                                                              (make licenses)
//	go run ./internal/release man -version 1.2.3 -epoch SOURCE_DATE_EPOCH -o FILE                            (make man)
//
// Run it from the module's directory. It needs Go and, for the Debian
// packages, dpkg-deb.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

// defaultMaintainer is the Debian package's Maintainer unless -maintainer
// (DEB_MAINTAINER) names someone.
const defaultMaintainer = "git-credential-adopat authors <" + homepage + ">"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("want a command: dist, check, licenses or man")
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	var (
		version    = fs.String("version", "", "the release's version, 1.2.3 or 1.2.3-rc.1 (a leading v is dropped)")
		commit     = fs.String("commit", "", "the commit built (git rev-parse HEAD)")
		epoch      = fs.Int64("epoch", 0, "SOURCE_DATE_EPOCH: every time in the artefacts (git log -1 --format=%ct)")
		out        = fs.String("out", "dist/release", "dist: where the artefacts go; it must not exist or be empty")
		plats      = fs.String("platforms", "", "OS/ARCH,... to build (default: all six)")
		maintainer = fs.String("maintainer", defaultMaintainer, "the Debian package's Maintainer, NAME <EMAIL>")
		fresh      = fs.Bool("fresh-cache", false, "check: build the second time with an empty Go build cache")
		checkOnly  = fs.Bool("check", false, "licenses: compare with the committed file instead of writing it")
		output     = fs.String("o", "", "man: the file to write")
	)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	o := distOptions{root: root, out: *out, version: *version, commit: *commit, epoch: time.Unix(*epoch, 0).UTC(), maintainer: *maintainer}
	if *plats != "" {
		for _, s := range strings.Split(*plats, ",") {
			p, err := parsePlatform(s)
			if err != nil {
				return err
			}
			o.platforms = append(o.platforms, p)
		}
	}
	switch args[0] {
	case "dist":
		names, err := dist(o)
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Println(filepath.Join(o.out, n))
		}
		return nil
	case "check":
		return checkReproducible(o, *fresh)
	case "licenses":
		text, err := thirdPartyLicenses(root)
		if err != nil {
			return err
		}
		if *checkOnly {
			return checkCommittedLicenses(root, text)
		}
		return os.WriteFile(filepath.Join(root, licensesFile), text, 0o644)
	case "man":
		if *output == "" || *version == "" {
			return fmt.Errorf("man: want -version and -o FILE")
		}
		return os.WriteFile(*output, []byte(cli.ManPage(*version, o.epoch)), 0o644)
	}
	return fmt.Errorf("unknown command %q: want dist, check, licenses or man", args[0])
}

// moduleRoot is the directory of go.mod, which must be the current one.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run it from the module's directory (go env GOMOD: %q)", gomod)
	}
	return filepath.Dir(gomod), nil
}
