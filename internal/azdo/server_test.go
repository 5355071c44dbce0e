package azdo

import (
	"strings"
	"testing"
)

func TestParseServer(t *testing.T) {
	tests := []struct {
		raw  string
		want Server
	}{
		{"https://tfs.example.com", Server{"https", "tfs.example.com", ""}},
		{"https://tfs.example.com/", Server{"https", "tfs.example.com", ""}},
		{"https://TFS.Example.com:443/tfs/", Server{"https", "tfs.example.com", "tfs"}},
		{"https://tfs.example.com/tfs/DefaultCollection", Server{"https", "tfs.example.com", "tfs/DefaultCollection"}},
		{"http://legacy.lan:8080", Server{"http", "legacy.lan:8080", ""}},
		{"http://legacy.lan:80", Server{"http", "legacy.lan", ""}},
		{"https://legacy.lan:80", Server{"https", "legacy.lan:80", ""}},
		{"https://[::1]:8443", Server{"https", "[::1]:8443", ""}},
		{"https://[::1]:443", Server{"https", "[::1]", ""}},
		{"https://tfs.example.com.", Server{"https", "tfs.example.com", ""}},
	}
	for _, tt := range tests {
		got, err := ParseServer(tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("ParseServer(%q) = %+v, %v; want %+v", tt.raw, got, err, tt.want)
		}
	}
}

func TestParseServerRefuses(t *testing.T) {
	for _, raw := range []string{
		"", "tfs.example.com", "ftp://tfs.example.com", "ssh://tfs.example.com", "https://",
		"https://user@tfs.example.com", "https://u:p@tfs.example.com", "https://tfs.example.com/?q=1", "https://tfs.example.com/#f",
		"https://dev.azure.com", "https://DEV.AZURE.COM.", "http://dev.azure.com/fabrikam", "https://ssh.dev.azure.com",
		"https://fabrikam.visualstudio.com", "https://visualstudio.com", "https://vs-ssh.visualstudio.com:22",
		"https://tfs.example.com:notaport",
	} {
		if s, err := ParseServer(raw); err == nil {
			t.Errorf("ParseServer(%q) = %+v, want an error", raw, s)
		}
	}
}

func TestServerStringRoundTrips(t *testing.T) {
	// String percent-escapes what a URL cannot hold bare (a space, a
	// quote); the cli shell-quotes the rest (&, ') for the helper string.
	for _, raw := range []string{"https://tfs.example.com", "http://legacy.lan:8080/tfs", "https://[::1]:8443/a/b", "https://tfs.example.com/My%20Collection"} {
		s, err := ParseServer(raw)
		if err != nil {
			t.Fatal(err)
		}
		if s.String() != raw {
			t.Errorf("String() = %q, want %q", s.String(), raw)
		}
		if strings.ContainsAny(s.String(), " \t'\"") {
			t.Errorf("String() = %q is not one shell word", s.String())
		}
		if again, _ := ParseServer(s.String()); again != s {
			t.Errorf("reparsed %+v, want %+v", again, s)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	tests := []struct {
		scheme, host, want string
	}{
		{"https", "dev.azure.com", "dev.azure.com"},
		{"https", "DEV.Azure.COM", "dev.azure.com"},
		{"https", "dev.azure.com.", "dev.azure.com"},
		{"https", "dev.azure.com:443", "dev.azure.com"},
		{"https", "dev.azure.com.:443", "dev.azure.com"},
		{"https", "dev.azure.com:80", "dev.azure.com:80"},
		{"http", "legacy.lan:80", "legacy.lan"},
		{"http", "legacy.lan:443", "legacy.lan:443"},
		{"http", "Legacy.LAN:8080", "legacy.lan:8080"},
		{"https", "[::1]", "[::1]"},
		{"https", "[::1]:443", "[::1]"},
		{"https", "[::1]:8443", "[::1]:8443"},
		{"https", "[FE80::1]", "[fe80::1]"},
		// Not host names we would equate with a cloud host.
		{"https", "[dev.azure.com]", "[dev.azure.com]"},
		{"https", "[dev.azure.com]:443", "[dev.azure.com]:443"},
		{"https", "dev.azure.com..", "dev.azure.com."},
		{"https", "fabri\u212aam.visualstudio.com", "fabri\u212aam.visualstudio.com"},
		{"https", "", ""},
	}
	for _, tt := range tests {
		if got := NormalizeHost(tt.scheme, tt.host); got != tt.want {
			t.Errorf("NormalizeHost(%q, %q) = %q, want %q", tt.scheme, tt.host, got, tt.want)
		}
	}
}

func TestServerMatches(t *testing.T) {
	s := Server{Scheme: "https", Host: "tfs.example.com", Prefix: "tfs/Coll"}
	tests := []struct {
		protocol, host, path string
		want                 bool
	}{
		{"https", "tfs.example.com", "tfs/Coll/_git/x", true},
		{"https", "tfs.example.com", "/tfs/coll/", true},
		{"https", "tfs.example.com", "tfs/Coll", true},
		{"https", "tfs.example.com", "", true},
		{"https", "tfs.example.com:443", "tfs/Coll/x", true},
		{"https", "tfs.example.com", "tfs", false},
		{"https", "tfs.example.com", "tfs/Collection/x", false},
		{"https", "tfs.example.com", "other", false},
		{"http", "tfs.example.com", "tfs/Coll/x", false},
		{"https", "tfs.example.com:8443", "tfs/Coll/x", false},
		{"https", "tfs.example.com.evil", "tfs/Coll/x", false},
	}
	for _, tt := range tests {
		if got := s.Matches(tt.protocol, tt.host, tt.path); got != tt.want {
			t.Errorf("Matches(%q, %q, %q) = %v, want %v", tt.protocol, tt.host, tt.path, got, tt.want)
		}
	}
}
