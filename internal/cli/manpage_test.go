package cli

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

var manDate = time.Date(2026, 11, 30, 15, 51, 7, 0, time.UTC)

// The page is made from the command table: every command, its summary,
// paragraph, flags and examples, the common flags and the exit codes are
// there, so a command added to the table cannot be missing from it.
func TestManPageCoversTheCommandTable(t *testing.T) {
	page := ManPage("1.2.3", manDate)
	if page != ManPage("1.2.3", manDate) {
		t.Fatal("two pages of the same version and date differ")
	}
	want := []string{`.TH GIT-CREDENTIAL-ADOPAT 1 "2026-11-30" "git\-credential\-adopat 1.2.3"`}
	for _, s := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "COMMON FLAGS", "EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"} {
		want = append(want, ".SH \""+s+"\"\n")
	}
	// flat is the page's text with its source lines joined, as the
	// formatter fills them.
	flat := strings.Join(strings.Fields(page), " ")
	text := func(s string) string { return boldFlags(roff(strings.Join(strings.Fields(s), " "))) }
	var sections int
	for _, c := range commands() {
		sections++
		want = append(want, ".SS \""+c.name+"\"\n.B git-credential-adopat "+c.name+"\n")
		for _, s := range []string{upperFirst(c.summary) + ".", c.about, c.usage} {
			if !strings.Contains(flat, text(s)) {
				t.Errorf("%s: the page lacks %q", c.name, s)
			}
		}
		for _, ex := range c.examples {
			want = append(want, "\n"+roff(ex)+"\n")
		}
		if c.flags != nil {
			fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
			c.flags(fs)
			fs.VisitAll(func(f *pflag.Flag) {
				_, usage := pflag.UnquoteUsage(f)
				want = append(want, ".TP\n"+manFlagTag(f)+"\n")
				if !strings.Contains(flat, text(usage)) {
					t.Errorf("%s --%s: the page lacks its usage %q", c.name, f.Name, usage)
				}
			})
		}
		for _, name := range c.common {
			if !strings.Contains(flat, text("--"+name)) {
				t.Errorf("%s: the page does not name its common flag --%s", c.name, name)
			}
		}
	}
	for _, name := range allCommonFlags {
		want = append(want, `.TP`+"\n"+`\fB\-\-`+roff(name)+`\fR`)
	}
	for _, e := range exitCodes {
		if !strings.Contains(flat, ".TP .B "+string(rune('0'+e.code))+" "+text(e.meaning)) {
			t.Errorf("the page lacks exit code %d: %s", e.code, e.meaning)
		}
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if n := strings.Count(page, "\n.SS "); n != sections {
		t.Errorf("%d subsections, want one per command (%d)", n, sections)
	}
}

// manFlagTag is the tagged-paragraph tag flag writes.
func manFlagTag(f *pflag.Flag) string {
	var m manWriter
	m.flag(f, "")
	return strings.Split(m.String(), "\n")[1]
}

// Every environment variable the shipped code names (an upper-case name
// with an underscore, as a string literal) is in the page's ENVIRONMENT,
// so a new ADOPAT_ variable cannot go undocumented. The test-only
// packages, which the binaries do not link, are left out.
func TestManPageEnvironment(t *testing.T) {
	if runtime.GOOS == "windows" {
		// Under Wine (make test-windows) only the package's directory is
		// visible; the sources are the same, and the Linux run reads them.
		t.Skip("reads the whole module's sources; run by the Linux tests")
	}
	root := filepath.Join("..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	testOnly := []string{"internal/adotest", "internal/keyringtest", "internal/e2e", "internal/demo", "internal/store/storetest", "internal/release", "bench"}
	literal := regexp.MustCompile(`"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"`)
	documented := map[string]bool{}
	for _, v := range manEnvironment {
		for _, name := range strings.Split(v.name, ", ") {
			documented[name] = true
		}
	}
	found := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if slices.Contains(testOnly, rel) || strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || rel == "internal/cli/manpage.go" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllSubmatch(src, -1) {
			found[string(m[1])] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 10 {
		t.Fatalf("found only %d variable names in the code (%v): is the walk looking in the right place?", len(found), found)
	}
	for name, file := range found {
		if !documented[name] {
			t.Errorf("%s reads %s, which the man page's ENVIRONMENT (manEnvironment in manpage.go) does not describe", file, name)
		}
	}
}

// The page formats without a warning in groff (what man runs) and in
// mandoc's lint, the two man page formatters on Linux and the BSDs.
func TestManPageFormatsWithoutWarnings(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "git-credential-adopat.1")
	if err := os.WriteFile(page, []byte(ManPage("1.2.3", manDate)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []struct {
		name string
		args []string
	}{
		// -ww: every warning; -z: no output but the diagnostics.
		{"groff", []string{"-man", "-ww", "-z", "-Tutf8", page}},
		{"mandoc", []string{"-T", "lint", page}},
	} {
		if _, err := exec.LookPath(tool.name); err != nil {
			// Under Wine (make test-windows) there is no Windows groff or
			// mandoc; CI checks the page with the Linux tests.
			if os.Getenv("CI") != "" && runtime.GOOS != "windows" {
				t.Fatalf("CI is set and %s is missing: .ci/run installs it", tool.name)
			}
			t.Logf("%s is not installed; not checked", tool.name)
			continue
		}
		var out bytes.Buffer
		cmd := exec.Command(tool.name, tool.args...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil || out.Len() != 0 {
			t.Errorf("%s %s: %v\n%s", tool.name, strings.Join(tool.args, " "), err, out.String())
		}
	}
}

// roff escapes what the formatter would read as requests or escapes.
func TestRoffEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`.hidden request`:        `\&.hidden request`,
		`'quote`:                 `\&'quote`,
		`a\b`:                    `a\eb`,
		`--no-verify`:            `\-\-no\-verify`,
		"caf\u00e9 \u202e":       `caf\[u00E9] \[u202E]`,
		"tab\there":              `tab\[u0009]here`,
		`keep "quotes" & <tags>`: `keep "quotes" & <tags>`,
	} {
		if got := roff(in); got != want {
			t.Errorf("roff(%q) = %q, want %q", in, got, want)
		}
	}
	if got := boldFlags(roff("use --no-verify, not -x or a-b--c")); got != `use \fB\-\-no\-verify\fR, not \-x or a\-b\-\-c` {
		t.Errorf("boldFlags: %q", got)
	}
}

// The page ships in the Windows archives too: FILES says where adopat
// keeps its files there, which is not where the Unix paths say.
func TestManPageFilesOnWindows(t *testing.T) {
	page := ManPage("1.2.3", manDate)
	for _, want := range []string{`%LOCALAPPDATA%\eadopat\e`, "Credential Manager"} {
		if !strings.Contains(page, want) {
			t.Errorf("the man page does not say %q", want)
		}
	}
}
