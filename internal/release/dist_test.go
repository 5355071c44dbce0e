package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/cli"
)

const (
	testVersion = "1.2.3-rc.1"
	testCommit  = "0123456789abcdef0123456789abcdef01234567"
)

var testEpoch = time.Unix(1796053867, 0).UTC()

var (
	distDir  string // the release built once for all the tests here
	distErr  error
	distOnce sync.Once
	tmpRoot  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// requireTool returns the path of tool; without it the test is skipped,
// unless CI is set: CI must run every test, and .ci/run installs the tool.
func requireTool(t *testing.T, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip(tool + " is not installed")
		}
		t.Fatal("CI is set and " + tool + " is missing: .ci/run installs it")
	}
	return p
}

// release is `make dist` for every platform, built once into a temporary
// directory, as a release would be.
func release(t *testing.T) string {
	t.Helper()
	requireTool(t, "dpkg-deb")
	distOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			distErr = err
			return
		}
		if tmpRoot, err = os.MkdirTemp("", "adopat-release-test-"); err != nil {
			distErr = err
			return
		}
		distDir = filepath.Join(tmpRoot, "dist")
		_, distErr = dist(distOptions{root: root, out: distDir, version: testVersion, commit: testCommit,
			epoch: testEpoch, maintainer: "Test <test@example.com>"})
	})
	if distErr != nil {
		t.Fatal(distErr)
	}
	return distDir
}

// The release holds, for each platform, an archive and an SBOM, a Debian
// package for each Linux one, and SHA256SUMS that sha256sum -c accepts.
func TestDistArtefacts(t *testing.T) {
	dir := release(t)
	var want []string
	for _, p := range platforms {
		name := "git-credential-adopat_1.2.3-rc.1_" + p.goos + "_" + p.goarch
		if p.goos == "windows" {
			want = append(want, name+".zip")
		} else {
			want = append(want, name+".tar.gz")
		}
		want = append(want, name+".cdx.json")
	}
	want = append(want, "git-credential-adopat_1.2.3~rc.1_amd64.deb", "git-credential-adopat_1.2.3~rc.1_arm64.deb", "SHA256SUMS")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("artefacts:\n%q\nwant\n%q", got, want)
	}
	requireTool(t, "sha256sum")
	cmd := exec.Command("sha256sum", "--check", "--strict", sumsFile)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Count(string(out), ": OK\n") != len(want)-1 {
		t.Errorf("sha256sum --check: %v\n%s", err, out)
	}
}

// archiveFiles returns the members of a .tar.gz or .zip: name to content,
// and name to mode.
func archiveFiles(t *testing.T, path string) (map[string][]byte, map[string]os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files, modes := map[string][]byte{}, map[string]os.FileMode{}
	if strings.HasSuffix(path, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if !f.Modified.Equal(testEpoch) {
				t.Errorf("%s: time %v, want %v", f.Name, f.Modified, testEpoch)
			}
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
			modes[f.Name] = f.Mode().Perm()
		}
		return files, modes
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Uid != 0 || h.Gid != 0 || !h.ModTime.Equal(testEpoch) {
			t.Errorf("%s: owner %d:%d, time %v; want 0:0, %v", h.Name, h.Uid, h.Gid, h.ModTime, testEpoch)
		}
		files[h.Name], _ = io.ReadAll(tr)
		modes[h.Name] = os.FileMode(h.Mode).Perm()
	}
	return files, modes
}

// Each archive holds both binaries, built for its platform with the
// version and commit, beside README.md, LICENSE, THIRD_PARTY_LICENSES and
// the man page (and on Linux the install/ recipes); the Linux binaries
// run here and say their version (the arm64 ones under qemu).
func TestArchives(t *testing.T) {
	dir := release(t)
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range platforms {
		t.Run(p.goos+"_"+p.goarch, func(t *testing.T) {
			name := archiveName(testVersion, p)
			path := filepath.Join(dir, name+".tar.gz")
			if p.goos == "windows" {
				path = filepath.Join(dir, name+".zip")
			}
			files, modes := archiveFiles(t, path)
			want := map[string]os.FileMode{
				name + "/": 0o755, name + "/README.md": 0o644, name + "/LICENSE": 0o644,
				name + "/THIRD_PARTY_LICENSES": 0o644, name + "/git-credential-adopat.1": 0o644,
			}
			for _, b := range binaries {
				want[name+"/"+p.exe(b)] = 0o755
			}
			if p.goos == "linux" {
				for _, f := range []string{"install/", "install/adopat-pull", "install/cron/", "install/cron/adopat-pull",
					"install/systemd/", "install/systemd/adopat-pull.service", "install/systemd/adopat-pull.timer"} {
					want[name+"/"+f] = 0o644
					if strings.HasSuffix(f, "/") || f == "install/adopat-pull" {
						want[name+"/"+f] = 0o755
					}
				}
			}
			if len(modes) != len(want) {
				t.Errorf("%d members, want %d: %v", len(modes), len(want), modes)
			}
			for n, m := range want {
				if got, ok := modes[n]; !ok || got != m {
					t.Errorf("%s: mode %v (present %v), want %v", n, got, ok, m)
				}
			}
			for _, f := range []string{"README.md", "LICENSE", licensesFile} {
				src, _ := os.ReadFile(filepath.Join(root, f))
				if !bytes.Equal(files[name+"/"+f], src) {
					t.Errorf("%s is not the checkout's", f)
				}
			}
			if string(files[name+"/git-credential-adopat.1"]) != cli.ManPage(testVersion, testEpoch) {
				t.Error("the man page is not ManPage(version, SOURCE_DATE_EPOCH)")
			}
			tmp := t.TempDir()
			for _, b := range binaries {
				bin := filepath.Join(tmp, p.exe(b))
				if err := os.WriteFile(bin, files[name+"/"+p.exe(b)], 0o755); err != nil {
					t.Fatal(err)
				}
				checkBuildInfo(t, bin, p)
			}
			if p.goos == "linux" || p == (platform{goos: "windows", goarch: "amd64"}) {
				runBinaries(t, p, tmp)
			}
		})
	}
}

// checkBuildInfo checks that bin was built for p by the release build:
// trimmed paths, no VCS stamp, the version and commit set, static.
func checkBuildInfo(t *testing.T, bin string, p platform) {
	t.Helper()
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for k, v := range map[string]string{"GOOS": p.goos, "GOARCH": p.goarch, "CGO_ENABLED": "0", "-trimpath": "true"} {
		if settings[k] != v {
			t.Errorf("%s: %s=%q, want %q", filepath.Base(bin), k, settings[k], v)
		}
	}
	if _, ok := settings["vcs.revision"]; ok {
		t.Errorf("%s: stamped with the checkout's VCS state", filepath.Base(bin))
	}
	// -trimpath leaves -ldflags out of the build info; the values are in
	// the management binary's data (the thin one has no cli package).
	if data, _ := os.ReadFile(bin); strings.Contains(bin, "manage") && (!bytes.Contains(data, []byte(testVersion)) || !bytes.Contains(data, []byte(testCommit))) {
		t.Errorf("%s: the version or the commit is not set", filepath.Base(bin))
	}
}

// runBinaries runs the binaries in dir: `version` (the thin binary hands
// it to the manage one beside it) says the version, commit and platform,
// and the thin binary answers a get for a host it does not serve with
// nothing. A binary for arm64 on amd64 runs under qemu-aarch64, which can
// run one process but not the one it execs: there each binary is run
// itself. The windows/amd64 ones run under Wine 10 (.ci/wine, which needs
// root and its cached root from `.ci/wine --setup`, as .ci/run makes).
func runBinaries(t *testing.T, p platform, dir string) {
	t.Helper()
	var emu []string
	if p.goos == "windows" {
		emu = []string{wineWrapper(t)}
	} else if p.goarch != runtime.GOARCH {
		if p.goarch != "arm64" || runtime.GOARCH != "amd64" {
			t.Logf("cannot run %s binaries here", p)
			return
		}
		emu = []string{requireTool(t, "qemu-aarch64")}
	}
	home := t.TempDir()
	run := func(stdin string, args ...string) (string, error) {
		args = append(emu, args...)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_CONFIG_GLOBAL="+filepath.Join(home, ".gitconfig"), "ADOPAT_BACKEND=file", "AZURE_DEVOPS_EXT_PAT=", "SYSTEM_ACCESSTOKEN=")
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	versionOf := filepath.Join(dir, p.exe("git-credential-adopat"))
	if emu != nil && p.goos != "windows" {
		versionOf = filepath.Join(dir, p.exe("git-credential-adopat-manage"))
	}
	want := fmt.Sprintf("git-credential-adopat %s\ncommit: %s\ngo: %s %s\n", testVersion, testCommit, runtime.Version(), p)
	if out, err := run("", versionOf, "version"); err != nil || out != want {
		t.Errorf("%s version: %v\n%s\nwant\n%s", versionOf, err, out, want)
	}
	if p.goos == "windows" {
		out, err := run("", versionOf, "version")
		out = strings.ReplaceAll(out, "\r\n", "\n")
		if err != nil || out != want {
			t.Errorf("%s version under Wine: %v\n%s\nwant\n%s", versionOf, err, out, want)
		}
		return
	}
	if out, err := run("protocol=https\nhost=example.com\n\n", filepath.Join(dir, "git-credential-adopat"), "get"); err != nil || out != "" {
		t.Errorf("get for example.com: %v, output %q; want no answer", err, out)
	}
}

// The SBOM names the modules `go list -deps` says the platform's binaries
// link, with their versions, the standard library, and each binary's
// SHA-256; it is valid JSON in CycloneDX 1.5's shape.
func TestSBOM(t *testing.T) {
	dir := release(t)
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	mods, err := compiledModules(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range platforms {
		name := archiveName(testVersion, p)
		raw, err := os.ReadFile(filepath.Join(dir, name+".cdx.json"))
		if err != nil {
			t.Fatal(err)
		}
		var bom cdxBOM
		if err := json.Unmarshal(raw, &bom); err != nil {
			t.Fatal(err)
		}
		if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") ||
			bom.Metadata.Timestamp != "2026-11-30T15:51:07Z" || bom.Metadata.Component.Version != testVersion {
			t.Errorf("%s: header %+v %+v", p, bom, bom.Metadata)
		}
		var want, got []string
		for _, m := range mods {
			if slices.Contains(m.platforms, p) {
				want = append(want, m.path+"@"+m.version)
			}
		}
		want = append(want, "std@"+runtime.Version())
		files, _ := archiveFiles(t, filepath.Join(dir, name+map[bool]string{true: ".zip", false: ".tar.gz"}[p.goos == "windows"]))
		for _, c := range bom.Components {
			switch c.Type {
			case "library":
				got = append(got, c.Name+"@"+c.Version)
			case "application":
				bin := files[name+"/"+c.Name]
				if len(c.Hashes) != 1 || c.Hashes[0].Content != fmt.Sprintf("%x", sha256.Sum256(bin)) {
					t.Errorf("%s: %s's hash %v is not the shipped binary's", p, c.Name, c.Hashes)
				}
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: SBOM modules\n%q\nwant (go list -deps)\n%q", p, got, want)
		}
	}
}

// The committed THIRD_PARTY_LICENSES is what the generator makes from the
// module cache today: a new or upgraded dependency fails here until
// `make licenses` is run and its licence committed.
func TestThirdPartyLicensesUpToDate(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	text, err := thirdPartyLicenses(root)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join(root, licensesFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, text) {
		t.Fatalf("%s is out of date: run make licenses and commit it", licensesFile)
	}
	for _, m := range []string{"filippo.io/age", "golang.org/x/crypto", "github.com/danieljoos/wincred", "The Go standard library"} {
		if !bytes.Contains(text, []byte("\n"+m)) {
			t.Errorf("%s lacks %s", licensesFile, m)
		}
	}
}

// wineWrapper is .ci/wine, when it can run here: as root, with the Wine
// root `.ci/wine --setup` caches. Without them the Windows binaries are
// not run, except under CI, which must run them (.ci/run sets Wine up).
func wineWrapper(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(root, ".ci", "wine")
	cache := os.Getenv("ADOPAT_WINE_CACHE")
	if cache == "" {
		cache = "/tmp/adopat-wine"
	}
	_, statErr := os.Stat(filepath.Join(cache, "root", "opt", "wine"))
	if os.Geteuid() != 0 || statErr != nil {
		if os.Getenv("CI") == "" {
			t.Skip("the Windows binaries run under .ci/wine, which needs root and `.ci/wine --setup`")
		}
		t.Fatalf("CI is set but .ci/wine cannot run (root: %v, %v): .ci/run runs `.ci/wine --setup`", os.Geteuid() == 0, statErr)
	}
	return wrapper
}

// `make dist` without VERSION: a commit tagged vX.Y.Z gets that version
// from the Makefile; any other commit a development version named after
// it, valid for semver and sorting before every release in Debian's order.
func TestDevVersionWithoutVERSION(t *testing.T) {
	for commit, want := range map[string]string{
		testCommit:            "0.0.0-dev.g0123456789ab",
		testCommit + "-dirty": "0.0.0-dev.g0123456789ab.dirty",
		"0123456":             "0.0.0-dev.g0123456",
	} {
		o := distOptions{commit: commit, epoch: testEpoch}
		if err := o.check(); err != nil || o.version != want {
			t.Errorf("commit %s: version %q, %v; want %q", commit, o.version, err, want)
		}
		if deb := debVersion(o.version); !strings.HasPrefix(deb, "0.0.0~dev.g") {
			t.Errorf("Debian version %q does not sort before 0.0.0", deb)
		}
	}
	if o := (distOptions{version: "latest", commit: testCommit, epoch: testEpoch}); o.check() == nil {
		t.Error("a version that is not one was accepted")
	}
}
