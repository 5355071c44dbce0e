// Command agefloor is the least a get from an age vault must do, with
// nothing else: read the request, parse the X25519 identity, decrypt the
// vault, decode the one token line that answers and print it. bench times
// it beside git-credential-adopat get (bench/RESULTS.md, "Floors"): the
// difference between the two is what adopat's own get costs above the
// design's floor (store selection, the no-follow and privacy checks, the
// usage journal, request matching).
//
//	agefloor IDENTITY VAULT ORG < request
//
// It is a measuring stick, not a helper: no locking, no checks, no
// journal; it finds the token by its encoding-2 line prefix only.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"filippo.io/age"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: agefloor IDENTITY VAULT ORG < request")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "agefloor:", err)
		os.Exit(1)
	}
}

func run(identityPath, vaultPath, org string) error {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && in.Text() != "" {
	}
	idText, err := os.ReadFile(identityPath)
	if err != nil {
		return err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(idText))
	if err != nil {
		return err
	}
	f, err := os.Open(vaultPath)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := age.Decrypt(f, ids...)
	if err != nil {
		return err
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	prefix := []byte(`{"org":"` + org + `"`)
	for line := range bytes.Lines(plain) {
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		var t struct {
			Username string `json:"username"`
			Secret   string `json:"secret"`
		}
		if err := json.Unmarshal(bytes.TrimRight(line, ",\n"), &t); err != nil {
			return err
		}
		_, err = fmt.Printf("username=%s\npassword=%s\n", t.Username, t.Secret)
		return err
	}
	return fmt.Errorf("no token for %s", org)
}
