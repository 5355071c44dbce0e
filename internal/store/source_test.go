package store

import (
	"testing"
	"time"
)

func TestParseEntra(t *testing.T) {
	for spec, want := range map[string]Source{
		"managed-identity": {Entra: EntraManagedIdentity},
		" managed-identity:0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11": {Entra: EntraManagedIdentity, ClientID: "0f3c0e4e-1d44-4e4b-9a1a-2f0cbb3c6a11"},
		"workload-identity": {Entra: EntraWorkloadIdentity},
		"azure-cli":         {Entra: EntraAzureCLI},
		"service-principal": {Entra: EntraServicePrincipal},
		"azure-pipelines":   {Entra: EntraAzurePipelines},
	} {
		if got, err := ParseEntra(spec); err != nil || got != want {
			t.Errorf("ParseEntra(%q) = %+v, %v; want %+v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "imds", "managed-identity:", "managed-identity:a b", "managed-identity:x/../y", "azure-cli:tenant", "Managed-Identity"} {
		if got, err := ParseEntra(bad); err == nil {
			t.Errorf("ParseEntra(%q) = %+v, want an error", bad, got)
		}
	}
}

// The cache is sent only while it ends more than CacheMargin later.
func TestCacheFresh(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { u := now.Add(d); return &u }
	src := &Source{Entra: EntraAzureCLI}
	for _, c := range []struct {
		tok  Token
		want bool
	}{
		{Token{Source: src, CacheUntil: at(time.Hour)}, true},
		{Token{Source: src, CacheUntil: at(CacheMargin + time.Second)}, true},
		{Token{Source: src, CacheUntil: at(CacheMargin)}, false},
		{Token{Source: src, CacheUntil: at(-time.Hour)}, false},
		{Token{Source: src}, false},
		{Token{CacheUntil: at(time.Hour)}, false}, // a PAT has no cache
	} {
		if got := c.tok.CacheFresh(now); got != c.want {
			t.Errorf("CacheFresh(%+v) = %v, want %v", c.tok, got, c.want)
		}
	}
}
