package helper

import (
	"fmt"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
)

// Tracing (ADOPAT_TRACE=1) shows why the helper answered as it did, the
// way GIT_TRACE does for git. It must be safe to paste into an issue: a
// password, refresh token or credential is named as present, never shown.

func (h *Helper) tracef(format string, args ...any) {
	if h.Trace != nil {
		fmt.Fprintf(h.Trace, "git-credential-adopat: trace: "+format+"\n", escapeArgs(args)...)
	}
}

// traceRequest shows the request: the keys that locate it with their
// values, the secret ones only as present.
func (h *Helper) traceRequest(action string, c *Credential) {
	if h.Trace == nil {
		return
	}
	parts := []string{"protocol=" + c.Protocol, "host=" + c.Host, "path=" + c.Path}
	if c.HasUsername {
		parts = append(parts, "username="+c.Username)
	}
	for _, secret := range []struct {
		name    string
		present bool
	}{
		{"password", c.HasPassword},
		{"oauth_refresh_token", c.OAuthRefreshToken != ""},
		{"credential", c.Credential != ""},
	} {
		if secret.present {
			parts = append(parts, secret.name+"=(hidden)")
		}
	}
	h.tracef("%s: %s", action, strings.Join(parts, " "))
}

func (h *Helper) traceTarget(t azdo.Target) {
	switch {
	case t.Refused != "":
		h.tracef("no answer: %s", t.Refused)
	case t.Kind == azdo.Cloud && t.Project != "":
		h.tracef("target: Azure DevOps organisation %s (from the %s), project %s", t.Org, t.OrgFrom.String(), t.Project)
	case t.Kind == azdo.Cloud:
		h.tracef("target: Azure DevOps organisation %s (from the %s)", t.Org, t.OrgFrom.String())
	case t.Kind == azdo.OnPrem:
		h.tracef("target: declared server %s", t.Server.String())
	case t.NeedsPath:
		h.tracef("target: dev.azure.com, organisation unknown (no path, no username)")
	default:
		h.tracef("target: none (not Azure DevOps nor a declared server)")
	}
}
