package gitaction

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/backends"
)

// parseArgs takes exactly what git can give a helper for get and store:
// the common flags of the helper string, in either form, before or after
// the action. Anything else goes to the management binary, which reports
// the mistakes with its help; so a wrong yes here would answer a command
// line the management binary would refuse.
func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		action  string
		flags   backends.Flags
		servers []string
	}{
		{args: []string{"get"}, action: "get"},
		{args: []string{"store"}, action: "store"},
		{args: []string{"capability"}, action: "capability"},
		{args: []string{"--server", "https://tfs.example.com/tfs", "get"}, action: "get", servers: []string{"https://tfs.example.com/tfs"}},
		{args: []string{"--server=https://a.example", "--server", "https://b.example", "store"}, action: "store", servers: []string{"https://a.example", "https://b.example"}},
		{args: []string{"get", "--vault", "/v/vault.age", "--identity=/k/id.txt", "--backend", "file", "--keyring-timeout", "5s"}, action: "get",
			flags: backends.Flags{Vault: "/v/vault.age", Identity: "/k/id.txt", Backend: "file", KeyringTimeout: "5s"}},
	} {
		action, f, servers, ok := parseArgs(tc.args)
		if !ok || action != tc.action || f != tc.flags || !slices.Equal(servers, tc.servers) {
			t.Errorf("parseArgs(%q) = %q %+v %q %v, want %q %+v %q true", tc.args, action, f, servers, ok, tc.action, tc.flags, tc.servers)
		}
	}
	for _, args := range [][]string{
		nil,
		{"erase"},                       // asks Azure DevOps: the management binary's
		{"list"},                        // a management command
		{"fill"},                        // a future git action: the management binary ignores it as git asks
		{"get", "extra"},                // two words
		{"get", "store"},                // two actions
		{"--server"},                    // a flag without its value
		{"get", "--vault"},              // likewise, after the action
		{"-h", "get"},                   // a short flag
		{"--help", "get"},               // help
		{"--sever", "https://x", "get"}, // a misspelt flag: reported by the management binary
		{"--", "get"},
		{"--json", "get"},
	} {
		if action, _, _, ok := parseArgs(args); ok {
			t.Errorf("parseArgs(%q) = %q, ok; want it left to the management binary", args, action)
		}
	}
}

// Without the management binary beside it or on PATH, the message says
// what to do for every way of installing, not only from a checkout: a
// release archive or package user has no Makefile and no install/.
func TestMissingManageBinarySaysKeepThemTogether(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stderr strings.Builder
	if code := RunManage([]string{"version"}, strings.NewReader(""), io.Discard, &stderr); code != exitRuntime {
		t.Fatalf("exit %d, want %d", code, exitRuntime)
	}
	for _, want := range []string{ManageName, "beside git-credential-adopat", "release archive"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("%q does not say %q", stderr.String(), want)
		}
	}
}
