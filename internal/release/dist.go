package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

// distOptions are what one release build needs; nothing else it reads
// (the clock, the checkout's path, the umask, the user) reaches the
// artefacts.
type distOptions struct {
	root       string // the module's directory
	out        string // where the artefacts go; must not exist or be empty
	version    string // 1.2.3 or 1.2.3-rc.1
	commit     string // the commit built, set in the binaries
	epoch      time.Time
	platforms  []platform
	maintainer string // the Debian package's Maintainer
}

var (
	versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$`)
	commitRE  = regexp.MustCompile(`^[0-9a-f]{7,64}(-dirty)?$`)
)

func (o *distOptions) check() error {
	o.version = strings.TrimPrefix(o.version, "v")
	if o.version == "" && commitRE.MatchString(o.commit) {
		// `make dist` of a commit with no release tag: a development
		// version that names it (and sorts before every release, in
		// Debian's order too: 0.0.0~dev...), the same on every build.
		o.version = devVersion(o.commit)
	}
	if !versionRE.MatchString(o.version) {
		return fmt.Errorf("version %q is not a release version: give MAJOR.MINOR.PATCH, optionally -PRERELEASE (make dist VERSION=1.2.3)", o.version)
	}
	if !commitRE.MatchString(o.commit) {
		return fmt.Errorf("commit %q is not a git commit hash (make dist sets it from git rev-parse HEAD)", o.commit)
	}
	if o.epoch.Unix() < 315532800 { // zip cannot store times before 1980
		return fmt.Errorf("SOURCE_DATE_EPOCH %d is before 1980: give the commit's time (git log -1 --format=%%ct)", o.epoch.Unix())
	}
	if len(o.platforms) == 0 {
		o.platforms = platforms
	}
	return nil
}

// archiveName is the name of p's archive without its extension:
// git-credential-adopat_1.2.3_linux_amd64.
func archiveName(version string, p platform) string {
	return "git-credential-adopat_" + version + "_" + p.goos + "_" + p.goarch
}

// dist builds the release into o.out: for each platform an archive (a
// .tar.gz, a .zip for Windows) holding both binaries, README.md, LICENSE,
// THIRD_PARTY_LICENSES and the man page (and on Linux the install/
// recipes), an SBOM of what the binaries contain; for Linux a Debian
// package; and SHA256SUMS over all of them. It returns the artefacts'
// names.
func dist(o distOptions) ([]string, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	if ents, err := os.ReadDir(o.out); err == nil && len(ents) > 0 {
		return nil, fmt.Errorf("%s is not empty: remove it first, so that nothing from an earlier build is shipped", o.out)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, err
	}

	// The committed THIRD_PARTY_LICENSES must be what the modules compiled
	// in say today, or a dependency's licence would ship unannounced.
	licenses, err := thirdPartyLicenses(o.root)
	if err != nil {
		return nil, err
	}
	if err := checkCommittedLicenses(o.root, licenses); err != nil {
		return nil, err
	}
	readme, err := os.ReadFile(filepath.Join(o.root, "README.md"))
	if err != nil {
		return nil, err
	}
	license, err := os.ReadFile(filepath.Join(o.root, "LICENSE"))
	if err != nil {
		return nil, err
	}
	recipes, err := installRecipes(o.root)
	if err != nil {
		return nil, err
	}
	man := []byte(cli.ManPage(o.version, o.epoch))

	work, err := os.MkdirTemp("", "adopat-dist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	for _, p := range o.platforms {
		paths, err := build(o.root, p, o.version, o.commit, filepath.Join(work, p.goos+"-"+p.goarch))
		if err != nil {
			return nil, err
		}
		var files []file
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			files = append(files, file{filepath.Base(path), 0o755, data})
		}
		files = append(files,
			file{"README.md", 0o644, readme},
			file{"LICENSE", 0o644, license},
			file{licensesFile, 0o644, licenses},
			file{"git-credential-adopat.1", 0o644, man},
		)
		if p.goos == "linux" {
			for _, r := range recipes {
				files = append(files, file{"install/" + r.name, r.mode, r.data})
			}
		}
		name := archiveName(o.version, p)
		write := writeTarGz
		ext := ".tar.gz"
		if p.goos == "windows" {
			write, ext = writeZip, ".zip"
		}
		if err := writeFile(filepath.Join(o.out, name+ext), func(w io.Writer) error { return write(w, name, files, o.epoch) }); err != nil {
			return nil, err
		}
		bom, err := sbom(p, o.version, paths, o.epoch)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(o.out, name+".cdx.json"), bom, 0o644); err != nil {
			return nil, err
		}
		if p.goos == "linux" {
			in := debInput{version: o.version, platform: p, binaries: paths, man: man, readme: readme,
				copyright: copyrightFile(license, licenses), examples: recipes, maintainer: o.maintainer, epoch: o.epoch}
			if err := buildDeb(in, filepath.Join(work, "deb-"+p.goarch), filepath.Join(o.out, debName(o.version, p))); err != nil {
				return nil, err
			}
		}
	}
	return writeSums(o.out)
}

// installRecipes are the files of install/ a binary release ships (the
// adopat-pull script and its systemd and cron recipes), with their paths
// below install/; install.sh, which builds from source, is left out.
func installRecipes(root string) ([]file, error) {
	dir := filepath.Join(root, "install")
	var files []file
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "install.sh" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		files = append(files, file{rel, mode, data})
		return nil
	})
	return files, err
}

// writeFile writes path through fill.
func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return f.Close()
}

// sumsFile lists the SHA-256 of every artefact, in the format sha256sum -c
// and shasum -a 256 -c read.
const sumsFile = "SHA256SUMS"

// writeSums writes SHA256SUMS over the files in dir, sorted by name, and
// returns their names.
func writeSums(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	var b strings.Builder
	for _, e := range ents {
		if !e.Type().IsRegular() || e.Name() == sumsFile {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), e.Name())
		names = append(names, e.Name())
	}
	slices.Sort(names) // ReadDir sorts already; the order is the format's
	return append(names, sumsFile), os.WriteFile(filepath.Join(dir, sumsFile), []byte(b.String()), 0o644)
}

// devVersion is the version of a build of commit without a release tag:
// 0.0.0-dev.gCOMMIT (12 hex digits; the g keeps an all-digit hash from
// being a numeric identifier, which semver forbids to start with 0),
// .dirty for a tree with uncommitted changes.
func devVersion(commit string) string {
	hash, dirty := strings.CutSuffix(commit, "-dirty")
	v := "0.0.0-dev.g" + hash[:min(12, len(hash))]
	if dirty {
		v += ".dirty"
	}
	return v
}
