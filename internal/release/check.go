package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// checkReproducible builds the release twice, each time in a copy of the
// source tree of its own (at paths of different lengths), under a
// different umask, time zone and locale, and fails unless both
// SHA256SUMS are the same, byte for byte; then no path, clock, umask or
// user of the builder reaches an artefact. Each copy builds with its own
// release tool (go run ./internal/release dist in the copy), so a change
// to the tool is checked too. freshCache gives the second build an empty
// Go build cache, so that it compiles everything again rather than reuse
// the first build's objects (slower: the standard library for every
// platform).
func checkReproducible(o distOptions, freshCache bool) error {
	if err := o.check(); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "adopat-dist-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files, err := sourceFiles(o.root)
	if err != nil {
		return err
	}
	var plats []string
	for _, p := range o.platforms {
		plats = append(plats, p.String())
	}
	runs := []struct {
		dir, umask string
		env        []string
	}{
		{filepath.Join(tmp, "a"), "022", []string{"TZ=UTC", "LC_ALL=C"}},
		{filepath.Join(tmp, "second", "build", "elsewhere"), "077", []string{"TZ=Pacific/Chatham", "LC_ALL=C.UTF-8"}},
	}
	if freshCache {
		runs[1].env = append(runs[1].env, "GOCACHE="+filepath.Join(tmp, "gocache"))
	}
	var sums [][]byte
	for i, r := range runs {
		src := filepath.Join(r.dir, "src")
		if err := copyFiles(o.root, src, files); err != nil {
			return err
		}
		out := filepath.Join(r.dir, "out")
		args := []string{"go", "run", "./internal/release", "dist", "-version", o.version, "-commit", o.commit,
			"-epoch", strconv.FormatInt(o.epoch.Unix(), 10), "-out", out, "-platforms", strings.Join(plats, ","), "-maintainer", o.maintainer}
		cmd := exec.Command("sh", append([]string{"-c", `umask "$0" && exec "$@"`, r.umask}, args...)...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), r.env...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		fmt.Fprintf(os.Stderr, "dist-check: build %d of 2 in %s (umask %s)\n", i+1, src, r.umask)
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %d in %s: %v", i+1, src, err)
		}
		b, err := os.ReadFile(filepath.Join(out, sumsFile))
		if err != nil {
			return err
		}
		sums = append(sums, b)
	}
	if !bytes.Equal(sums[0], sums[1]) {
		return fmt.Errorf("the two builds differ:\n--- %s\n%s--- %s\n%s(compare the artefacts with diffoscope to see where)",
			runs[0].dir, sums[0], runs[1].dir, sums[1])
	}
	fmt.Fprintf(os.Stderr, "dist-check: both builds gave the same %s:\n%s", sumsFile, sums[0])
	return nil
}

// sourceFiles are the files a build of the working tree sees: git's
// tracked and untracked-but-not-ignored files, as they are now (uncommitted
// changes included), those deleted left out.
func sourceFiles(root string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %v (dist-check copies the git working tree)", root, err)
	}
	var files []string
	for _, f := range strings.Split(string(out), "\x00") {
		if f == "" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(root, f)); err == nil {
			files = append(files, f)
		}
	}
	return files, nil
}

// copyFiles copies files (relative to from) to the same paths below to,
// keeping the executable bit.
func copyFiles(from, to string, files []string) error {
	for _, f := range files {
		src, dst := filepath.Join(from, f), filepath.Join(to, f)
		info, err := os.Lstat(src)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if info.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, dst); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
