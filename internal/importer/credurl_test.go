package importer

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/helper"
)

func TestParseCredURLSplitsAsGitDoes(t *testing.T) {
	pat := adotest.NewPAT()
	cases := []struct {
		raw                          string
		user, pass, host, path       string
		hasUser, hasPass, ok         bool
		secret                       string
		without, withoutKeep, redact string
	}{
		{raw: "https://fabrikam:" + pat + "@dev.azure.com/fabrikam/Web/_git/web", user: "fabrikam", pass: pat, host: "dev.azure.com", path: "fabrikam/Web/_git/web",
			hasUser: true, hasPass: true, ok: true, secret: pat,
			without: "https://dev.azure.com/fabrikam/Web/_git/web", withoutKeep: "https://fabrikam@dev.azure.com/fabrikam/Web/_git/web",
			redact: "https://fabrikam:***@dev.azure.com/fabrikam/Web/_git/web"},
		// The PAT as the user name, no password: a form people paste.
		{raw: "https://" + pat + "@dev.azure.com/fabrikam/_git/web", user: pat, host: "dev.azure.com", path: "fabrikam/_git/web",
			hasUser: true, ok: true, secret: pat,
			without: "https://dev.azure.com/fabrikam/_git/web", withoutKeep: "https://fabrikam@dev.azure.com/fabrikam/_git/web",
			redact: "https://***@dev.azure.com/fabrikam/_git/web"},
		// Percent-encoded user, as credential-store writes an e-mail.
		{raw: "https://jdoe%40example.com:" + pat + "@dev.azure.com", user: "jdoe@example.com", pass: pat, host: "dev.azure.com",
			hasUser: true, hasPass: true, ok: true, secret: pat,
			without: "https://dev.azure.com", withoutKeep: "https://fabrikam@dev.azure.com",
			redact: "https://jdoe%40example.com:***@dev.azure.com"},
		// A user alone is no credential.
		{raw: "https://fabrikam@dev.azure.com/fabrikam/Web/_git/web", user: "fabrikam", host: "dev.azure.com", path: "fabrikam/Web/_git/web",
			hasUser: true, ok: true,
			without: "https://dev.azure.com/fabrikam/Web/_git/web", withoutKeep: "https://fabrikam@dev.azure.com/fabrikam/Web/_git/web",
			redact: "https://fabrikam@dev.azure.com/fabrikam/Web/_git/web"},
		// An "@" after the host's end is the path's.
		{raw: "https://dev.azure.com/fabrikam/a@b", host: "dev.azure.com", path: "fabrikam/a@b", ok: true,
			without: "https://dev.azure.com/fabrikam/a@b", withoutKeep: "https://fabrikam@dev.azure.com/fabrikam/a@b", redact: "https://dev.azure.com/fabrikam/a@b"},
		// A port stays with the host; trailing slashes leave the path.
		{raw: "http://u:s3cr3t@tfs.example.com:8080/tfs/Coll//", user: "u", pass: "s3cr3t", host: "tfs.example.com:8080", path: "tfs/Coll",
			hasUser: true, hasPass: true, ok: true, secret: "s3cr3t",
			without: "http://tfs.example.com:8080/tfs/Coll//", withoutKeep: "http://fabrikam@tfs.example.com:8080/tfs/Coll//",
			redact: "http://u:***@tfs.example.com:8080/tfs/Coll//"},
		{raw: "dev.azure.com/fabrikam"},
		{raw: "://x"},
		{raw: "https://u:p%0a@dev.azure.com"}, // a decoded newline: git refuses the URL
	}
	for _, c := range cases {
		u, ok := ParseCredURL(c.raw)
		if ok != c.ok {
			t.Errorf("%q: ok %v", c.raw, ok)
			continue
		}
		if !ok {
			continue
		}
		if u.User != c.user || u.Password != c.pass || u.Host != c.host || u.Path != c.path || u.HasUser != c.hasUser || u.HasPass != c.hasPass {
			t.Errorf("%q: got user %q pass %q host %q path %q hasUser %v hasPass %v", c.raw, u.User, u.Password, u.Host, u.Path, u.HasUser, u.HasPass)
		}
		if secret, _, has := u.Secret(); secret != c.secret || has != (c.secret != "") {
			t.Errorf("%q: secret %q", c.raw, secret)
		}
		if got := u.Without(""); got != c.without {
			t.Errorf("%q: Without(\"\") = %q, want %q", c.raw, got, c.without)
		}
		if got := u.Without("fabrikam"); got != c.withoutKeep {
			t.Errorf("%q: Without(fabrikam) = %q, want %q", c.raw, got, c.withoutKeep)
		}
		if got := u.Redacted(); got != c.redact {
			t.Errorf("%q: Redacted = %q, want %q", c.raw, got, c.redact)
		}
		if c.secret != "" && (strings.Contains(u.Redacted(), c.secret) || strings.Contains(u.Without(""), c.secret)) {
			t.Errorf("%q: the secret survived", c.raw)
		}
	}
}

func TestEscapeUserinfoAsCredentialStoreWrites(t *testing.T) {
	if got := escapeUserinfo("jdoe@example.com:x y"); got != "jdoe%40example.com%3Ax%20y" {
		t.Errorf("got %q", got)
	}
	if got := helper.URLDecode("%41%zz%4"); got != "A%zz%4" {
		t.Errorf("helper.URLDecode = %q", got)
	}
}
