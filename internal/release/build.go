package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

// platform is one GOOS/GOARCH a release is built for.
type platform struct{ goos, goarch string }

func (p platform) String() string { return p.goos + "/" + p.goarch }

// exe is name as an executable's file name on p.
func (p platform) exe(name string) string {
	if p.goos == "windows" {
		return name + ".exe"
	}
	return name
}

// platforms are the release's platforms; the Makefile's PLATFORMS (make
// cross) are the same.
var platforms = []platform{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func parsePlatform(s string) (platform, error) {
	goos, goarch, ok := strings.Cut(s, "/")
	for _, p := range platforms {
		if ok && p.goos == goos && p.goarch == goarch {
			return p, nil
		}
	}
	return platform{}, fmt.Errorf("unknown platform %q: want one of %v", s, platforms)
}

// binaries are the two programs, shipped side by side: the thin one git
// runs, and the management one it hands every other command to
// (ARCHITECTURE.md, "Two binaries").
var binaries = []string{"git-credential-adopat", "git-credential-adopat-manage"}

// modulePath is the project's module.
const modulePath = "github.com/adopat/git-credential-adopat"

// cliPackage is where the version and commit are set (cli.Version,
// cli.Commit).
const cliPackage = modulePath + "/internal/cli"

// description is the one line that says what the program is, for the
// Debian package and the SBOM: --help's, without the article.
var description = strings.TrimPrefix(cli.Tagline, "a ")

// goEnv is the environment of the go commands a release runs for p: the
// caller's, with the settings that change the code generated fixed, so
// that a GOFLAGS, GOAMD64 or CGO_ENABLED of the person building cannot
// make their binaries differ from anyone else's. Go's own (GOROOT,
// GOCACHE, GOMODCACHE, GOPROXY, PATH) are kept.
func goEnv(p platform) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOAMD64", "GOARM64", "GOEXPERIMENT", "GOARM", "GO386", "GOWORK":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOOS="+p.goos, "GOARCH="+p.goarch, "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off",
		"GOAMD64=v1", "GOARM64=v8.0") // the baseline CPUs, Go's defaults
}

// build builds both binaries for p into dir, from the module at root, and
// returns their paths in binaries' order. -trimpath keeps the build
// directory out of the binaries; -buildvcs=false keeps the checkout's
// state out (the commit is given); -s -w drop the symbol table and DWARF.
func build(root string, p platform, version, commit, dir string) ([]string, error) {
	ldflags := fmt.Sprintf("-s -w -X %s.Version=%s -X %s.Commit=%s", cliPackage, version, cliPackage, commit)
	var paths []string
	for _, name := range binaries {
		out := filepath.Join(dir, p.exe(name))
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-mod=readonly", "-ldflags", ldflags, "-o", out, "./cmd/"+name)
		cmd.Dir, cmd.Env = root, goEnv(p)
		if b, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go build %s for %s: %v\n%s", name, p, err, b)
		}
		paths = append(paths, out)
	}
	return paths, nil
}
