package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// maxExposure is the highest `systemd-analyze security` exposure the
// adopat-pull service may have (0 is best, 10 worst; "OK" is below 2.1).
const maxExposure = 2.0

// systemdAnalyze returns systemd-analyze's path (see requireTool).
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	return requireTool(t, "systemd-analyze", " (package systemd)")
}

// unitCopies copies install/systemd/adopat-pull.{service,timer} into a
// temporary directory, with the programs the service runs from
// /usr/local/bin replaced by an executable stub there (verify checks they
// exist), and returns the directory.
func unitCopies(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "stub")
	if err := os.WriteFile(stub, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"adopat-pull.service", "adopat-pull.timer"} {
		b, err := os.ReadFile(filepath.Join(root, "install", "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if name == "adopat-pull.service" {
			for _, prog := range []string{"/usr/local/bin/git-credential-adopat ", "/usr/local/bin/adopat-pull "} {
				if !strings.Contains(text, "="+prog) {
					t.Fatalf("%s does not run %s", name, prog)
				}
				text = strings.ReplaceAll(text, "="+prog, "="+stub+" ")
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The service and timer load without a warning.
func TestPullUnitsVerify(t *testing.T) {
	t.Parallel()
	sa := systemdAnalyze(t)
	dir := unitCopies(t)
	cmd := exec.Command(sa, "verify", "./adopat-pull.service", "./adopat-pull.timer")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

var exposureRE = regexp.MustCompile(`Overall exposure level for adopat-pull\.service: ([0-9]+(?:\.[0-9]+)?) `)

// The service's sandbox rates at most maxExposure.
func TestPullServiceExposure(t *testing.T) {
	t.Parallel()
	sa := systemdAnalyze(t)
	dir := unitCopies(t)
	cmd := exec.Command(sa, "security", "--offline=true", "--no-pager", "./adopat-pull.service")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	m := exposureRE.FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: %v; no overall exposure level in:\n%s", err, out)
	}
	score, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exposure %.1f\n%s", score, out)
	if score > maxExposure {
		t.Errorf("exposure %.1f, want at most %.1f:\n%s", score, maxExposure, out)
	}
}

// The timer runs every 15 minutes and catches up on a missed run;
// Persistent= works only with OnCalendar=.
func TestPullTimerSchedule(t *testing.T) {
	t.Parallel()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "install", "systemd", "adopat-pull.timer"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nOnCalendar=*:0/15\n", "\nPersistent=true\n", "\nWantedBy=timers.target\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("adopat-pull.timer lacks %q", strings.TrimSpace(want))
		}
	}
}

// The cron.d recipe runs adopat-pull as the service does: the same
// environment (but for what only systemd provides), base directory, list,
// limits and textfile names.
func TestPullCronMatchesService(t *testing.T) {
	t.Parallel()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	service, cron := read("install/systemd/adopat-pull.service"), read("install/cron/adopat-pull")
	cronEnv := map[string]string{}
	var job string
	for _, line := range strings.Split(cron, "\n") {
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "*/15 * * * * "):
			job = strings.TrimPrefix(line, "*/15 * * * * ")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("cron.d line neither a variable nor the job: %q", line)
			}
			cronEnv[k] = v
		}
	}
	for _, line := range strings.Split(service, "\n") {
		kv, ok := strings.CutPrefix(line, "Environment=")
		if !ok {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if k == "GIT_ASKPASS" { // adopat-pull empties it itself
			continue
		}
		if got, ok := cronEnv[k]; !ok || got != v {
			t.Errorf("cron.d sets %s=%q, the service %q", k, got, v)
		}
	}
	user, cmd, _ := strings.Cut(job, " ")
	if user != "adopat" || !strings.HasPrefix(cmd, "adopat-pull ") {
		t.Fatalf("cron.d job %q: want user adopat running adopat-pull", job)
	}
	var serviceCmd string
	for _, line := range strings.Split(service, "\n") {
		if c, ok := strings.CutPrefix(line, "ExecStart=/usr/local/bin/"); ok {
			serviceCmd = c
		}
	}
	norm := strings.NewReplacer("/run/adopat/", "METRICS/", "/var/lib/adopat/metrics/", "METRICS/")
	if norm.Replace(cmd) != norm.Replace(serviceCmd) {
		t.Errorf("cron.d runs\n\t%s\nthe service\n\t%s", cmd, serviceCmd)
	}
}
