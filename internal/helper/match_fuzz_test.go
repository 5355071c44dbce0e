package helper

import (
	"bytes"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// FuzzMatch drives get with arbitrary protocol, host, path and username
// and checks the matcher's promises: no answer for a path that is not
// canonical, nor for a host that is neither Azure DevOps cloud nor the
// declared server; a cloud answer only with a token of the organisation
// (and project) the request names, compared ASCII case-insensitively.
//
//	go test -run '^$' -fuzz '^FuzzMatch$' -fuzztime 30s ./internal/helper/
func FuzzMatch(f *testing.F) {
	for _, seed := range [][4]string{
		{"https", "dev.azure.com", "fabrikam/Website/_git/web", ""},
		{"https", "dev.azure.com", "fabrikam/../contoso/Shop/_git/shop", ""},
		{"https", "dev.azure.com", "contoso/%2e%2e/fabrikam", ""},
		{"https", "dev.azure.com", "fabrikam//Website/_git/web", ""},
		{"https", "dev.azure.com", "/fabrikam", ""},
		{"https", "dev.azure.com", "", "fabrikam"},
		{"https", "dev.azure.com", "", "contoso"},
		{"https", "Dev.Azure.Com.:443", "FABRIKAM/website/_git/x/", ""},
		{"https", "fabrikam.visualstudio.com", "DefaultCollection/Website/_git/web", ""},
		{"https", "fabri\u212aam.visualstudio.com", "", ""},
		{"https", "dev.azure.com", "fabrikam/\u017febsite/_git/x", ""},
		{"https", "dev.azure.com.evil.example", "fabrikam", ""},
		{"http", "dev.azure.com", "fabrikam", ""},
		{"https", "tfs.example.com", "tfs/DefaultCollection/_git/r", "u"},
		{"https", "tfs.example.com", "tfs/../x", "u"},
		{"https", "tfs.example.com:8443", "tfs", "u"},
		{"https", "dev.azure.com", "fabrikam\\..\\contoso", ""},
		{"https", "dev.azure.com", "fabrikam/p\x7f", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	servers := []azdo.Server{{Scheme: "https", Host: "tfs.example.com", Prefix: "tfs"}}
	tokens := []store.Token{
		{Org: "fabrikam", Secret: "pat-fabrikam"},
		{Org: "fabrikam", Project: "Website", Secret: "pat-fabrikam-website"},
		{Org: "contoso", Secret: "pat-contoso"},
		{Protocol: "https", Host: "tfs.example.com", Username: "u", Secret: "pat-tfs"},
	}
	f.Fuzz(func(t *testing.T, protocol, host, path, username string) {
		var in strings.Builder
		for _, kv := range [][2]string{{"protocol", protocol}, {"host", host}, {"path", path}, {"username", username}} {
			if strings.ContainsAny(kv[1], "\n\x00") {
				return // not a credential line git can send
			}
			if kv[1] != "" || kv[0] == "username" && username != "" {
				in.WriteString(kv[0] + "=" + kv[1] + "\n")
			}
		}
		h := &Helper{Store: newFakeStore(tokens...), Servers: servers, Stderr: &bytes.Buffer{}}
		var out bytes.Buffer
		if err := h.Run("get", strings.NewReader(in.String()+"\n"), &out); err != nil {
			return // refused input: nothing written, checked below
		}
		answer := out.String()
		if answer == "" {
			return
		}
		// Read back what git would read: the request as the helper saw it.
		c, err := ReadCredential(strings.NewReader(in.String()))
		if err != nil {
			t.Fatalf("answered %q for input it cannot read back: %v", answer, err)
		}
		if why := azdo.NonCanonical(c.Path); why != "" {
			t.Fatalf("answered for a non-canonical path %q (%s): %q", c.Path, why, answer)
		}
		pw := password(answer)
		target := azdo.Classify(azdo.Request{Protocol: c.Protocol, Host: c.Host, Path: c.Path, Username: c.Username}, servers)
		switch target.Kind {
		case azdo.None:
			t.Fatalf("answered %q for a host that is not ours: %+v", answer, c)
		case azdo.OnPrem:
			if pw != "pat-tfs" {
				t.Fatalf("declared server answered with %q", pw)
			}
		case azdo.Cloud:
			want := "pat-" + strings.ToLower(target.Org)
			if azdo.EqualFold(target.Org, "fabrikam") && azdo.EqualFold(target.Project, "Website") {
				want = "pat-fabrikam-website"
			}
			if pw != want {
				t.Fatalf("cloud request for %q/%q answered with %q, want %q", target.Org, target.Project, pw, want)
			}
		}
	})
}

func password(answer string) string {
	for _, line := range strings.Split(answer, "\n") {
		if v, ok := strings.CutPrefix(line, "password="); ok {
			return v
		}
	}
	return ""
}
