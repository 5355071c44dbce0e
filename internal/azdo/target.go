// Package azdo holds the Azure DevOps URL rules: which git credential
// requests belong to Azure DevOps, and to which organisation and project.
//
// URL forms, from the Azure DevOps documentation ("Clone an existing Git
// repo", and "Organization URL" for the legacy host):
//
//	https://dev.azure.com/{org}/{project}/_git/{repo}
//	https://{org}@dev.azure.com/{org}/{project}/_git/{repo}
//	https://{org}.visualstudio.com/[DefaultCollection/]{project}/_git/{repo}
//
// A project's default repository can also be reached as {org}/_git/{project}.
package azdo

import "strings"

// Kind says who serves a request.
type Kind int

const (
	// None: not ours; the helper stays silent so the next helper can try.
	None Kind = iota
	// Cloud: Azure DevOps Services (dev.azure.com, *.visualstudio.com).
	Cloud
	// OnPrem: a server the user declared with --server.
	OnPrem
)

// Target is the outcome of classifying one request.
type Target struct {
	Kind    Kind
	Org     string // Cloud: organisation as written in the URL
	Project string // Cloud: project when the path names one
	Server  Server // OnPrem: the declared server that matched
	// OrgFrom says where Org came from: the path, the host name
	// ({org}.visualstudio.com) or, for dev.azure.com without a path, the
	// URL's username. A username is chosen by whoever wrote the URL and
	// need not match the path git fetches, so a request named that way
	// never takes a token out of service.
	OrgFrom OrgSource
	// NeedsPath is set for a dev.azure.com request that carries neither a
	// path nor a username, so the organisation cannot be known.
	NeedsPath bool
	// Refused, when set, says why a request for an Azure DevOps or
	// declared host gets no answer at all (see NonCanonical); Kind is None.
	Refused string
}

// OrgSource says which part of the URL named the organisation.
type OrgSource int

const (
	FromPath OrgSource = iota + 1
	FromHost
	FromUsername
)

func (s OrgSource) String() string {
	switch s {
	case FromPath:
		return "path"
	case FromHost:
		return "host"
	case FromUsername:
		return "username"
	}
	return "none"
}

// Request is the part of a git credential request that decides the target.
type Request struct {
	Protocol, Host, Path, Username string
}

// Classify decides whether a request is for Azure DevOps cloud, for one of
// the declared servers, or for nobody we know.
func Classify(r Request, servers []Server) Target {
	if why := NonCanonical(r.Path); why != "" {
		if ours(r, servers) {
			return Target{Refused: why}
		}
		return Target{}
	}
	for _, s := range servers {
		if s.Matches(r.Protocol, r.Host, r.Path) {
			return Target{Kind: OnPrem, Server: s}
		}
	}
	if r.Protocol != "https" {
		return Target{}
	}
	host := NormalizeHost("https", r.Host)
	switch {
	case host == "dev.azure.com":
		return devAzure(r)
	case strings.HasSuffix(host, ".visualstudio.com"):
		label := strings.TrimSuffix(host, ".visualstudio.com")
		// vs-ssh.visualstudio.com is the SSH endpoint, never an HTTPS remote.
		if !ValidOrg(label) || label == "vs-ssh" {
			return Target{}
		}
		segs := segments(r.Path)
		if len(segs) > 0 && EqualFold(segs[0], "DefaultCollection") {
			segs = segs[1:]
		}
		return Target{Kind: Cloud, Org: label, Project: project(segs), OrgFrom: FromHost}
	}
	return Target{}
}

// devAzure takes the organisation from the first path segment (git sends
// the path only with credential.useHttpPath), else from the URL username.
func devAzure(r Request) Target {
	segs := segments(r.Path)
	if len(segs) > 0 && ValidOrg(segs[0]) {
		return Target{Kind: Cloud, Org: segs[0], Project: project(segs[1:]), OrgFrom: FromPath}
	}
	if len(segs) == 0 && ValidOrg(r.Username) {
		return Target{Kind: Cloud, Org: r.Username, OrgFrom: FromUsername}
	}
	if len(segs) == 0 {
		return Target{NeedsPath: true}
	}
	return Target{}
}

// project reads the project from the path after the organisation:
// "{project}/_git/{repo}" or "_git/{project}" (the project's default repo).
func project(segs []string) string {
	switch {
	case len(segs) == 0:
		return ""
	case segs[0] == "_git" && len(segs) > 1:
		return segs[1]
	case strings.HasPrefix(segs[0], "_"):
		return ""
	}
	return segs[0]
}

// segments splits a canonical path (see NonCanonical): only a trailing
// slash can leave an empty segment.
func segments(path string) []string {
	if path = strings.TrimSuffix(path, "/"); path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// ours reports whether a request is for a host this helper answers:
// Azure DevOps cloud or a declared server. Only those hear why a path was
// refused; other hosts are none of our business.
func ours(r Request, servers []Server) bool {
	for _, s := range servers {
		if s.Matches(r.Protocol, r.Host, "") {
			return true
		}
	}
	if r.Protocol != "https" {
		return false
	}
	host := NormalizeHost("https", r.Host)
	if host == "dev.azure.com" {
		return true
	}
	label, ok := strings.CutSuffix(host, ".visualstudio.com")
	return ok && ValidOrg(label) && label != "vs-ssh"
}

// cloudHost reports whether a host name belongs to Azure DevOps cloud, so
// that it is never declared as an on-premises server by mistake.
func cloudHost(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	return name == "dev.azure.com" || strings.HasSuffix(name, ".dev.azure.com") ||
		name == "visualstudio.com" || strings.HasSuffix(name, ".visualstudio.com")
}

// ValidOrg reports whether name can be an Azure DevOps organisation: it
// must work as the host label of {org}.visualstudio.com. That is 1 to 50
// ASCII letters, digits and hyphens, not starting or ending with a hyphen.
// Checked byte by byte, ASCII only: no case folding, under which non-ASCII
// letters would fold to ASCII ones (U+212A KELVIN SIGN to k). Hand-written
// rather than a regular expression, so the helper git runs on every
// credential request does not link or compile package regexp.
func ValidOrg(name string) bool {
	if len(name) == 0 || len(name) > 50 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
