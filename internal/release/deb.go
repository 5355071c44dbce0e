package main

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// debPackage is the Debian package's name, and its documentation
// directory's.
const debPackage = "git-credential-adopat"

// homepage is the project's page, for the package and the copyright file.
const homepage = "https://github.com/adopat/git-credential-adopat"

// debInput is what goes into one Debian package.
type debInput struct {
	version    string // the release's version; debVersion makes Debian's
	platform   platform
	binaries   []string // paths, in binaries' order
	man        []byte   // git-credential-adopat.1, roff
	readme     []byte
	copyright  []byte // copyrightFile's
	examples   []file // the install/ recipes
	maintainer string
	epoch      time.Time
}

// debVersion is version in Debian's ordering: a pre-release 1.2.3-rc.1
// becomes 1.2.3~rc.1, which sorts before 1.2.3 as in semantic versioning
// (and a hyphen would start a Debian revision).
func debVersion(version string) string { return strings.Replace(version, "-", "~", 1) }

// debName is the package's file name, Debian's way:
// git-credential-adopat_1.2.3_amd64.deb (Go's amd64 and arm64 are Debian's
// names too).
func debName(version string, p platform) string {
	return debPackage + "_" + debVersion(version) + "_" + p.goarch + ".deb"
}

// gzipBytes is data compressed as gzip -n -9 would: no name, no time.
func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression) // a valid level: no error
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// copyrightFile is /usr/share/doc/PACKAGE/copyright, which Debian requires
// to hold the copyright and licence of everything in the package
// (Debian Policy 12.5): the project's LICENSE, then the licences of the
// code compiled in with it. Plain text, not the machine-readable format,
// which has no place for modules that come with no source.
func copyrightFile(license, thirdParty []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "git-credential-adopat\n%s\n\n%s\n", homepage, bytes.TrimRight(license, "\n"))
	fmt.Fprintf(&b, "\n%s\n\n%s", strings.Repeat("#", 79), thirdParty)
	return b.Bytes()
}

// debFiles are the package's files below its root: the binaries in
// /usr/bin, the man page (and the manage binary's name for it, a link),
// the README, the copyright file and the install/ recipes as examples.
func debFiles(in debInput) (files []file, links map[string]string, err error) {
	doc := "usr/share/doc/" + debPackage + "/"
	for _, path := range in.binaries {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, file{"usr/bin/" + filepath.Base(path), 0o755, data})
	}
	files = append(files,
		file{"usr/share/man/man1/git-credential-adopat.1.gz", 0o644, gzipBytes(in.man)},
		file{doc + "README.md.gz", 0o644, gzipBytes(in.readme)},
		file{doc + "copyright", 0o644, in.copyright},
	)
	for _, ex := range in.examples {
		// Examples, not programs: Debian keeps /usr/share/doc free of
		// executables; the README's `install -m 0755` sets the mode.
		files = append(files, file{doc + "examples/" + ex.name, 0o644, ex.data})
	}
	links = map[string]string{"usr/share/man/man1/git-credential-adopat-manage.1.gz": "git-credential-adopat.1.gz"}
	return files, links, nil
}

// control is the package's DEBIAN/control (Debian Policy 5.3, 5.6).
func control(in debInput, files []file) []byte {
	// Installed-Size: KiB, each file rounded up, as dpkg-gencontrol
	// counts; a directory or link counts 1.
	size := 0
	dirs := map[string]bool{}
	for _, f := range files {
		size += (len(f.data) + 1023) / 1024
		for d := filepath.Dir(f.name); d != "."; d = filepath.Dir(d) {
			dirs[d] = true
		}
	}
	size += len(dirs) + 1
	long := []string{
		"git-credential-adopat answers git's credential requests for Azure DevOps",
		"(dev.azure.com, *.visualstudio.com and declared Azure DevOps Server",
		"collections) with the personal access token stored for the organisation,",
		"project or server, from an age-encrypted vault or the OS keyring, so that",
		"no PAT sits in a clone URL, a script, .git/config or a log.",
		".",
		"Run `git-credential-adopat install` once to point git at it, then",
		"`git-credential-adopat add --org ORG` to store a PAT.",
	}
	var b strings.Builder
	for _, kv := range [][2]string{
		{"Package", debPackage},
		{"Version", debVersion(in.version)},
		{"Architecture", in.platform.goarch},
		{"Maintainer", in.maintainer},
		{"Installed-Size", strconv.Itoa(size)},
		// git runs the helper and the management commands run git; the
		// binaries are static (CGO_ENABLED=0), so nothing else.
		{"Depends", "git"},
		{"Section", "vcs"},
		{"Priority", "optional"},
		{"Homepage", homepage},
		{"Description", description + "\n " + strings.Join(long, "\n ")},
	} {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	return []byte(b.String())
}

// md5sums is DEBIAN/md5sums, which dpkg --verify checks the installed
// files against.
func md5sums(files []file) []byte {
	var lines []string
	for _, f := range files {
		sum := md5.Sum(f.data)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+f.name+"\n")
	}
	slices.Sort(lines)
	return []byte(strings.Join(lines, ""))
}

// buildDeb stages the package in stage (an empty directory) and builds
// out with Debian's dpkg-deb: owner root, SOURCE_DATE_EPOCH for the ar
// header and to clamp every time, one compression thread (xz splits its
// output differently with more), so the package is the same on every
// machine. Modes and times are set on the staged files, not left to the
// umask.
func buildDeb(in debInput, stage, out string) error {
	files, links, err := debFiles(in)
	if err != nil {
		return err
	}
	all := append(slices.Clone(files),
		file{"DEBIAN/control", 0o644, control(in, files)},
		file{"DEBIAN/md5sums", 0o644, md5sums(files)},
	)
	for _, f := range all {
		p := filepath.Join(stage, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			return err
		}
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(stage, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	err = filepath.WalkDir(stage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return err // a link's time is clamped by dpkg-deb
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		} else if rel, _ := filepath.Rel(stage, p); slices.ContainsFunc(all, func(f file) bool { return filepath.FromSlash(f.name) == rel && f.mode == 0o755 }) {
			mode = 0o755
		}
		if err := os.Chmod(p, mode); err != nil {
			return err
		}
		return os.Chtimes(p, in.epoch, in.epoch)
	})
	if err != nil {
		return err
	}
	cmd := exec.Command("dpkg-deb", "--root-owner-group", "--threads-max=1", "-Zxz", "-z6", "--build", stage, out)
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(in.epoch.Unix(), 10))
	b, err := cmd.CombinedOutput()
	if err != nil || bytes.Contains(b, []byte("warning")) {
		// A warning (a malformed field, a file dpkg-deb frowns on) fails
		// the release rather than ship unnoticed.
		return fmt.Errorf("dpkg-deb --build: %v\n%s", err, b)
	}
	return nil
}
