package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// .ci/wine runs as root and chroots into its cache, by default in /tmp: a
// cache another user made (or can write to) would run that user's
// programs as root. Such a cache is refused before anything in it runs.
func TestWineRefusesACacheOthersControl(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip(".ci/wine needs root")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	for name, prepare := range map[string]func(cache string) error{
		"owned by another user": func(cache string) error { return os.Lchown(cache, 65534, 65534) },
		"writable by others":    func(cache string) error { return os.Chmod(cache, 0o777) },
		"its root owned by another user": func(cache string) error {
			return os.Lchown(filepath.Join(cache, "root"), 65534, 65534)
		},
	} {
		t.Run(name, func(t *testing.T) {
			cache := filepath.Join(t.TempDir(), "cache")
			ran := filepath.Join(t.TempDir(), "ran")
			// A fake root whose programs leave a mark when run.
			for _, d := range []string{"root/opt/wine", "root/usr/bin", "root/bin", "root/dev", "root/proc"} {
				if err := os.MkdirAll(filepath.Join(cache, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			mark := "#!/bin/sh\ntouch " + ran + "\n"
			for _, p := range []string{"root/usr/bin/env", "root/bin/sh"} {
				if err := os.WriteFile(filepath.Join(cache, p), []byte(mark), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(cache, "recipe"), []byte("trixie-wine-1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := prepare(cache); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(filepath.Join(root, ".ci", "wine"), "/bin/true")
			cmd.Env = append(os.Environ(), "ADOPAT_WINE_CACHE="+cache, "ADOPAT_WINE_STATE=")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 125 || !strings.Contains(string(out), cache) {
				t.Errorf(".ci/wine with a cache %s: %v\n%s", name, err, out)
			}
			if _, err := os.Stat(ran); err == nil {
				t.Errorf("a program in a cache %s was run as root", name)
			}
		})
	}
}
