package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// baselineFlag names another git-credential-adopat (a build of main, say)
// timed on the same 1-token vault in the same interleaved run, so that a
// change's cost to the PAT get path is measured under the same load.
var baselineFlag = flag.String("baseline", "", "another git-credential-adopat binary (with its git-credential-adopat-manage beside it) to time on the same 1-token vault, for a before/after ratio")

// baselineScenario is the PAT get of -baseline, copied beside the binary
// under test's home, on the vault of adopat-get-vault-1.
func (h *harness) baselineScenario(scenarios []*scenario) ([]*scenario, error) {
	if *baselineFlag == "" {
		return nil, nil
	}
	var v1 *scenario
	for _, sc := range scenarios {
		if sc.name == "adopat-get-vault-1" {
			v1 = sc
		}
	}
	if v1 == nil {
		return nil, fmt.Errorf("-baseline needs the 1-token vault scenario")
	}
	dir := filepath.Join(h.root, "baseline")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range []string{"git-credential-adopat", "git-credential-adopat-manage"} {
		if err := copyFile(filepath.Join(filepath.Dir(*baselineFlag), name), filepath.Join(dir, name), 0o755); err != nil {
			return nil, err
		}
	}
	return []*scenario{{name: "baseline-get-vault-1", argv: []string{filepath.Join(dir, "git-credential-adopat"), "get"}, env: v1.env, stdin: v1.stdin, want: v1.want}}, nil
}

// sourceScenarios time a token source's get (add --entra azure-cli, with
// a fake `az` that prints a token as `az account get-access-token` does):
// answered from the encrypted cache (what nearly every get of a source
// is), and with the cache dropped before each run (erase, untimed), which
// hands the request to the management binary, runs az and writes the
// cache: what a mint costs, about once an hour per organisation.
func (h *harness) sourceScenarios() ([]*scenario, error) {
	if runtime.GOOS == "windows" {
		return nil, nil // the fake az is a shell script
	}
	token := newPAT() + newPAT()
	azDir := filepath.Join(h.root, "az")
	if err := os.MkdirAll(azDir, 0o755); err != nil {
		return nil, err
	}
	exp := time.Now().Add(3 * time.Hour)
	script := "#!/bin/sh\ncat <<'JSON'\n{\"accessToken\": \"" + token + "\", \"expiresOn\": \"" + exp.Local().Format("2006-01-02 15:04:05.000000") +
		"\", \"expires_on\": " + strconv.FormatInt(exp.Unix(), 10) + ", \"tokenType\": \"Bearer\"}\nJSON\n"
	if err := os.WriteFile(filepath.Join(azDir, "az"), []byte(script), 0o755); err != nil {
		return nil, err
	}
	var out []*scenario
	for _, name := range []string{"source-cached", "source-mint"} {
		hm, err := h.newHome(name, "ADOPAT_BACKEND=file", "ADOPAT_LOOPBACK_ONLY=1")
		if err != nil {
			return nil, err
		}
		for i, kv := range hm.env {
			if p, ok := strings.CutPrefix(kv, "PATH="); ok {
				hm.env[i] = "PATH=" + azDir + string(os.PathListSeparator) + p
			}
		}
		if _, err := h.exec(hm.env, "", h.bin, "add", "--org", org(0), "--entra", "azure-cli", "--no-verify"); err != nil {
			return nil, err
		}
		req, err := h.request(name, org(0), "")
		if err != nil {
			return nil, err
		}
		sc := &scenario{name: "adopat-get-" + name, argv: []string{h.bin, "get"}, env: hm.env, stdin: req, want: answers(token)}
		if name == "source-mint" {
			erase := "protocol=https\nhost=dev.azure.com\npath=" + org(0) + "/proj/_git/repo\nusername=adopat\npassword=" + token + "\n\n"
			env := hm.env
			sc.prepare = func() error {
				_, err := h.exec(env, erase, h.bin, "erase")
				return err
			}
		}
		out = append(out, sc)
	}
	return out, nil
}
