package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// What git runs on every fetch links none of the HTTP, TLS and command
// line machinery: Go initialises every linked package before main.
// (regexp is not on the list: filippo.io/age imports it.)
// The Windows build's graph is listed too (its Credential Manager and ACL
// code must not pull them in either); the Windows test run, under Wine,
// has no go command and leaves the check to this one.
func TestThinImportGraph(t *testing.T) {
	storetest.SkipOnWindows(t, "no go command under Wine; the Linux run lists the Windows build's imports")
	forbidden := []string{
		"net/http", "crypto/tls", "crypto/x509", "github.com/spf13/pflag", "golang.org/x/term",
		"github.com/adopat/git-credential-adopat/internal/cli", "github.com/adopat/git-credential-adopat/internal/adoapi",
		// Token sources are asked by the management binary only.
		"github.com/adopat/git-credential-adopat/internal/entra",
		"github.com/Azure/azure-sdk-for-go/sdk/azcore", "github.com/Azure/azure-sdk-for-go/sdk/azidentity",
		"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets",
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		cmd := exec.Command("go", "list", "-deps", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GOOS=%s go list -deps: %v", goos, err)
		}
		deps := strings.Fields(string(out))
		for _, f := range forbidden {
			if slices.Contains(deps, f) {
				t.Errorf("git-credential-adopat for %s links %s", goos, f)
			}
		}
	}
}

// get and store run in this process: they start no process at all, the
// management binary included, whether get answers or not.
func TestGetStartsNoProcess(t *testing.T) {
	storetest.SkipOnWindows(t, "the fake management binary is a shell script")
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker")
	helper := thinBinary(t, dir, "#!/bin/sh\necho \"$@\" >> "+marker+"\n")
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}

	// A vault with one token, its key beside it.
	data := filepath.Join(dir, "data")
	pat := strings.Repeat("a", 52)
	storetest.MustAdd(t, newVault(t, filepath.Join(data, "adopat", "vault.age")), "fabrikam", pat)

	env := []string{
		"PATH=" + empty, "HOME=" + dir, "XDG_DATA_HOME=" + data, "XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_RUNTIME_DIR=" + dir, "GIT_CONFIG_NOSYSTEM=1", "HTTPS_PROXY=http://127.0.0.1:1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "nobus"),
	}
	run := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		return runHelper(t, helper, env, dir, stdin, args...)
	}
	noMarker := func(what string) {
		t.Helper()
		if b, err := os.ReadFile(marker); err == nil {
			t.Errorf("%s ran the management binary: %q", what, b)
		}
	}

	req := "protocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/site\n\n"
	out, errOut, code := run(req, "--backend", "file", "get")
	if code != 0 || !strings.Contains(out, "password="+pat+"\n") {
		t.Fatalf("get: exit %d %q %s", code, out, errOut)
	}
	noMarker("get that answers")
	out, errOut, code = run(req, "get")
	if code != 0 || !strings.Contains(out, "password="+pat+"\n") {
		t.Fatalf("get (auto): exit %d %q %s", code, out, errOut)
	}
	noMarker("get with the auto backend")
	if out, errOut, code = run("protocol=https\nhost=github.com\n\n", "get"); code != 0 || out != "" {
		t.Fatalf("get for github.com: exit %d %q %s", code, out, errOut)
	}
	noMarker("get that does not answer")
	if out, errOut, code = run("protocol=https\nhost=dev.azure.com\npath=contoso/x/_git/y\n\n", "--server", "https://tfs.example.com", "get"); code != 0 || out != "" {
		t.Fatalf("get for contoso: exit %d %q %s", code, out, errOut)
	}
	noMarker("get for an organisation without a token")
	if _, errOut, code = run(strings.TrimSuffix(req, "\n")+"username=pat\npassword="+pat+"\n\n", "store"); code != 0 {
		t.Fatalf("store: exit %d %s", code, errOut)
	}
	noMarker("store")

	// Everything else is the management binary's, with the same argv.
	if _, errOut, code = run("", "--server", "https://tfs.example.com", "list", "--json"); code != 0 {
		t.Fatalf("list: exit %d %s", code, errOut)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "--server https://tfs.example.com list --json\n" {
		t.Errorf("list ran the management binary with %q (%v)", b, err)
	}
}

// A token source's get: answered in this process from a fresh cache; a
// cache within the safety margin of its end is never sent, and the
// request, exactly as git sent it, goes to the management binary on its
// stdin, whose answer and exit code are git's.
func TestSourceGetHandsOverOnlyWhenStale(t *testing.T) {
	storetest.SkipOnWindows(t, "the fake management binary is a shell script")
	dir := t.TempDir()
	marker := filepath.Join(dir, "marker")
	cat, err := exec.LookPath("cat")
	if err != nil {
		t.Fatal(err)
	}
	helper := thinBinary(t, dir, "#!/bin/sh\necho \"$@\" >> "+marker+"\n"+cat+" >> "+marker+"\necho password=from-manage\nexit 3\n")
	vaultPath := filepath.Join(dir, "data", "vault.age")
	v := newVault(t, vaultPath)
	setCache := func(secret string, until time.Time) {
		t.Helper()
		err := v.Update(func(d *store.Data) (bool, error) {
			d.Put(store.Token{Org: "fabrikam", Secret: secret, CacheUntil: &until, Source: &store.Source{Entra: store.EntraManagedIdentity}})
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"PATH=" + filepath.Join(dir, "empty"), "HOME=" + dir, "ADOPAT_VAULT=" + vaultPath, "GIT_CONFIG_NOSYSTEM=1",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"), "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(dir, "nobus")}
	req := "capability[]=authtype\nprotocol=https\nhost=dev.azure.com\npath=fabrikam/Website/_git/site\n\n"
	get := func() (string, int) {
		t.Helper()
		out, errOut, code := runHelper(t, helper, env, dir, req, "--backend", "file", "get")
		if errOut != "" {
			t.Errorf("stderr: %s", errOut)
		}
		return out, code
	}
	token := strings.Repeat("t", 40)
	setCache(token, time.Now().Add(time.Hour))
	if out, code := get(); code != 0 || !strings.Contains(out, "authtype=Bearer\ncredential="+token+"\nephemeral=1\n") {
		t.Fatalf("get from a fresh cache: exit %d %q", code, out)
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("a get from a fresh cache ran the management binary: %q", b)
	}
	setCache(token, time.Now().Add(store.CacheMargin-time.Minute))
	out, code := get()
	if code != 3 || out != "password=from-manage\n" || strings.Contains(out, token) {
		t.Errorf("get with a cache within the margin: exit %d %q, want the management binary's answer and exit code", code, out)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "--backend file get\n"+req {
		t.Errorf("the management binary got %q (%v), want the same argv and the request as git sent it", b, err)
	}
}

// thinBinary builds git-credential-adopat into dir/bin, with a fake
// git-credential-adopat-manage beside it running script, and returns the
// helper's path.
func thinBinary(t *testing.T, dir, script string) string {
	t.Helper()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	helper := filepath.Join(bin, "git-credential-adopat")
	if out, err := exec.Command("go", "build", "-o", helper, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(bin, "git-credential-adopat-manage"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return helper
}

// newVault is an empty vault at path, its new key beside it.
func newVault(t *testing.T, path string) *vault.Store {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	idPath := vault.DefaultIdentityPath(path)
	if err := os.WriteFile(idPath, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return vault.New(path, idPath)
}

// runHelper runs helper with args, env and stdin, in dir: its stdout,
// stderr and exit code.
func runHelper(t *testing.T, helper string, env []string, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(helper, args...)
	cmd.Env, cmd.Dir, cmd.Stdin = env, dir, strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	return stdout.String(), stderr.String(), code
}
