package azdo

import (
	"strings"
	"testing"
)

func TestClassifyCloud(t *testing.T) {
	tests := []struct {
		name string
		r    Request
		want Target
	}{
		// dev.azure.com
		{"org only", Request{"https", "dev.azure.com", "fabrikam", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromPath}},
		{"org and project", Request{"https", "dev.azure.com", "fabrikam/Website/_git/site", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromPath}},
		{"default repository form", Request{"https", "dev.azure.com", "fabrikam/_git/Website", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromPath}},
		{"org-level _git without repo", Request{"https", "dev.azure.com", "fabrikam/_git", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromPath}},
		{"org-level API path", Request{"https", "dev.azure.com", "fabrikam/_apis/git", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromPath}},
		{"org case kept", Request{"https", "dev.azure.com", "Fabrikam/Web Site/_git/x", ""}, Target{Kind: Cloud, Org: "Fabrikam", Project: "Web Site", OrgFrom: FromPath}},
		{"path wins over username", Request{"https", "dev.azure.com", "contoso/p/_git/r", "fabrikam"}, Target{Kind: Cloud, Org: "contoso", Project: "p", OrgFrom: FromPath}},
		{"username gives the org without path", Request{"https", "dev.azure.com", "", "fabrikam"}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromUsername}},
		{"username case kept", Request{"https", "dev.azure.com", "", "FabriKam"}, Target{Kind: Cloud, Org: "FabriKam", OrgFrom: FromUsername}},
		{"host spelling", Request{"https", "Dev.Azure.Com.:443", "fabrikam", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromPath}},
		{"org with digits and hyphens", Request{"https", "dev.azure.com", "my-org-2", ""}, Target{Kind: Cloud, Org: "my-org-2", OrgFrom: FromPath}},
		// {org}.visualstudio.com
		{"visualstudio host", Request{"https", "fabrikam.visualstudio.com", "", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromHost}},
		{"visualstudio host upper case", Request{"https", "FABRIKAM.VISUALSTUDIO.COM", "", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromHost}},
		{"visualstudio project", Request{"https", "fabrikam.visualstudio.com", "Website/_git/site", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromHost}},
		{"visualstudio DefaultCollection", Request{"https", "fabrikam.visualstudio.com", "DefaultCollection/Website/_git/site", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromHost}},
		{"visualstudio defaultcollection any case", Request{"https", "fabrikam.visualstudio.com", "defaultCOLLECTION/_git/Website", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromHost}},
		{"visualstudio DefaultCollection alone", Request{"https", "fabrikam.visualstudio.com", "DefaultCollection", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromHost}},
		{"visualstudio DefaultCollection only leading", Request{"https", "fabrikam.visualstudio.com", "Website/DefaultCollection", ""}, Target{Kind: Cloud, Org: "fabrikam", Project: "Website", OrgFrom: FromHost}},
		{"visualstudio ignores username", Request{"https", "fabrikam.visualstudio.com", "", "contoso"}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromHost}},
		{"visualstudio default port", Request{"https", "fabrikam.visualstudio.com:443", "", ""}, Target{Kind: Cloud, Org: "fabrikam", OrgFrom: FromHost}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.r, nil); got != tt.want {
				t.Errorf("Classify(%+v) = %+v, want %+v", tt.r, got, tt.want)
			}
		})
	}
}

func TestClassifyNeedsPathWhenTheOrganisationIsUnknown(t *testing.T) {
	for _, r := range []Request{
		{"https", "dev.azure.com", "", ""},
		{"https", "dev.azure.com:443", "", ""},
		{"https", "DEV.AZURE.COM.", "", ""},
		{"https", "dev.azure.com", "", "john@contoso.com"},
		{"https", "dev.azure.com", "", "-fabrikam"},
		{"https", "dev.azure.com", "", strings.Repeat("a", 51)},
		{"https", "dev.azure.com", "", "fabri\u212aam"},
	} {
		if got := Classify(r, nil); got != (Target{NeedsPath: true}) {
			t.Errorf("Classify(%+v) = %+v, want NeedsPath", r, got)
		}
	}
}

func TestClassifyIgnoresEverythingElse(t *testing.T) {
	tests := []struct {
		name string
		r    Request
	}{
		{"http dev.azure.com", Request{"http", "dev.azure.com", "fabrikam", ""}},
		{"http visualstudio", Request{"http", "fabrikam.visualstudio.com", "", ""}},
		{"ssh dev.azure.com", Request{"ssh", "dev.azure.com", "fabrikam", ""}},
		{"protocol case", Request{"HTTPS", "dev.azure.com", "fabrikam", ""}},
		{"no protocol", Request{"", "dev.azure.com", "fabrikam", ""}},
		{"other port", Request{"https", "dev.azure.com:8443", "fabrikam", ""}},
		{"port 80", Request{"https", "dev.azure.com:80", "fabrikam", ""}},
		{"visualstudio other port", Request{"https", "fabrikam.visualstudio.com:8443", "", ""}},
		{"suffix appended", Request{"https", "dev.azure.com.evil.example", "fabrikam", ""}},
		{"prefix glued", Request{"https", "evildev.azure.com", "fabrikam", ""}},
		{"hyphen for dot", Request{"https", "dev-azure.com", "fabrikam", ""}},
		{"subdomain", Request{"https", "x.dev.azure.com", "fabrikam", ""}},
		{"SSH endpoint", Request{"https", "ssh.dev.azure.com", "v3/fabrikam/p/r", ""}},
		{"visualstudio SSH endpoint", Request{"https", "vs-ssh.visualstudio.com", "v3/fabrikam/p/r", ""}},
		{"visualstudio with suffix", Request{"https", "fabrikam.visualstudio.com.evil.example", "", ""}},
		{"visualstudio nested", Request{"https", "a.fabrikam.visualstudio.com", "", ""}},
		{"visualstudio bare", Request{"https", "visualstudio.com", "fabrikam", ""}},
		{"visualstudio empty label", Request{"https", ".visualstudio.com", "", ""}},
		{"visualstudio label with hyphen edge", Request{"https", "-fabrikam.visualstudio.com", "", ""}},
		{"visualstudio label with underscore", Request{"https", "fab_rikam.visualstudio.com", "", ""}},
		{"visualstudio Kelvin sign", Request{"https", "fabri\u212aam.visualstudio.com", "", ""}},
		{"bracketed host", Request{"https", "[dev.azure.com]", "fabrikam", ""}},
		{"bracketed host and port", Request{"https", "[dev.azure.com]:443", "fabrikam", ""}},
		{"two trailing dots", Request{"https", "dev.azure.com..", "fabrikam", ""}},
		{"whitespace", Request{"https", " dev.azure.com", "fabrikam", ""}},
		{"dev.azure.com API path", Request{"https", "dev.azure.com", "_apis/connectionData", ""}},
		{"dev.azure.com API path with username", Request{"https", "dev.azure.com", "_git/x", "fabrikam"}},
		{"org with Kelvin sign", Request{"https", "dev.azure.com", "fabri\u212aam/p/_git/r", ""}},
		{"org with dot", Request{"https", "dev.azure.com", "fabrikam.evil/p", ""}},
		{"org too long", Request{"https", "dev.azure.com", strings.Repeat("a", 51), ""}},
		{"other host", Request{"https", "github.com", "fabrikam/repo", ""}},
		{"empty request", Request{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.r, nil); got != (Target{}) {
				t.Errorf("Classify(%+v) = %+v, want None", tt.r, got)
			}
		})
	}
}

func TestClassifyDeclaredServers(t *testing.T) {
	servers := mustServers(t, "https://tfs.example.com/tfs", "http://legacy.lan:8080", "https://git.example.org")
	tests := []struct {
		name string
		r    Request
		want string // matching server, "" for None
	}{
		{"prefix and more", Request{"https", "tfs.example.com", "tfs/DefaultCollection/_git/x", ""}, "https://tfs.example.com/tfs"},
		{"prefix exactly", Request{"https", "tfs.example.com", "tfs", ""}, "https://tfs.example.com/tfs"},
		{"prefix any case", Request{"https", "TFS.example.com", "TFS/x", ""}, "https://tfs.example.com/tfs"},
		{"no path matches the host", Request{"https", "tfs.example.com", "", ""}, "https://tfs.example.com/tfs"},
		{"default port", Request{"https", "tfs.example.com:443", "tfs/x", ""}, "https://tfs.example.com/tfs"},
		{"outside the prefix", Request{"https", "tfs.example.com", "other/x", ""}, ""},
		{"prefix is a path segment, not a string prefix", Request{"https", "tfs.example.com", "tfsx/y", ""}, ""},
		{"http on https server", Request{"http", "tfs.example.com", "tfs/x", ""}, ""},
		{"http server", Request{"http", "legacy.lan:8080", "coll/_git/x", ""}, "http://legacy.lan:8080"},
		{"http server, https request", Request{"https", "legacy.lan:8080", "", ""}, ""},
		{"http server, other port", Request{"http", "legacy.lan", "", ""}, ""},
		{"http server, port 8081", Request{"http", "legacy.lan:8081", "", ""}, ""},
		{"whole host", Request{"https", "git.example.org", "any/thing", ""}, "https://git.example.org"},
		{"subdomain of declared host", Request{"https", "x.git.example.org", "", ""}, ""},
		{"declared host with suffix", Request{"https", "git.example.org.evil.example", "", ""}, ""},
		{"cloud still classified with servers declared", Request{"https", "dev.azure.com", "fabrikam", ""}, "cloud"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.r, servers)
			switch tt.want {
			case "":
				if got != (Target{}) {
					t.Errorf("got %+v, want None", got)
				}
			case "cloud":
				if got.Kind != Cloud {
					t.Errorf("got %+v, want Cloud", got)
				}
			default:
				if got.Kind != OnPrem || got.Server.String() != tt.want {
					t.Errorf("got %+v, want OnPrem %s", got, tt.want)
				}
			}
		})
	}
}

func TestValidOrg(t *testing.T) {
	tests := map[string]bool{
		"fabrikam": true, "Fabrikam": true, "a": true, "my-org": true, "org2": true,
		strings.Repeat("a", 50): true,
		"":                      false, "-org": false, "org-": false, "my_org": false, "my.org": false,
		"my org": false, strings.Repeat("a", 51): false, "fabri\u212aam": false, "ƒabrikam": false,
	}
	for name, want := range tests {
		if got := ValidOrg(name); got != want {
			t.Errorf("ValidOrg(%q) = %v, want %v", name, got, want)
		}
	}
}

func mustServers(t *testing.T, raws ...string) []Server {
	t.Helper()
	var out []Server
	for _, raw := range raws {
		s, err := ParseServer(raw)
		if err != nil {
			t.Fatalf("ParseServer(%q): %v", raw, err)
		}
		out = append(out, s)
	}
	return out
}
