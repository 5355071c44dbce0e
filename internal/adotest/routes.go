package adotest

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// repo is one bare repository and the URL it was added under.
type repo struct {
	url string
	dir string // absolute path of the bare repository
	rel string // dir relative to the backend's GIT_PROJECT_ROOT
}

// route maps one URL form of a repository to it.
type route struct {
	origin origin
	prefix string // path without trailing slash, compared case-insensitively
	repo   *repo
}

// matches reports whether p is the route's prefix or below it, and returns
// the remainder for git http-backend. Azure DevOps paths are
// case-insensitive, so the comparison is too.
func (rt route) matches(o origin, p string) (rest string, ok bool) {
	n := len(rt.prefix)
	if o != rt.origin || len(p) < n || !strings.EqualFold(p[:n], rt.prefix) {
		return "", false
	}
	if len(p) > n && p[n] != '/' {
		return "", false
	}
	return p[n:], true
}

// lookup finds the repository with the longest prefix matching o and p.
func (s *Server) lookup(o origin, p string) (*repo, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var best *route
	var bestRest string
	for i := range s.routes {
		if rest, ok := s.routes[i].matches(o, p); ok && (best == nil || len(s.routes[i].prefix) > len(best.prefix)) {
			best, bestRest = &s.routes[i], rest
		}
	}
	if best == nil {
		return nil, "", false
	}
	return best.repo, bestRest, true
}

// parseRepoURL splits a repository URL into its origin and the path forms
// Azure DevOps would answer to.
func (s *Server) parseRepoURL(repoURL string) (origin, []string, error) {
	u, err := url.Parse(repoURL)
	if err != nil {
		return origin{}, nil, err
	}
	scheme := strings.ToLower(u.Scheme)
	var defaultPort string
	switch scheme {
	case "https":
		defaultPort = "443"
	case "http":
		defaultPort = "80"
	default:
		return origin{}, nil, fmt.Errorf("adotest: %q: scheme must be https or http", repoURL)
	}
	hp, err := hostPort(u.Host, defaultPort)
	if err != nil {
		return origin{}, nil, err
	}
	o := origin{scheme: scheme, hp: hp}
	p := strings.TrimRight(u.Path, "/")
	kind, _ := s.classify(o)
	var forms []string
	switch kind {
	case hostDevAzure:
		segs := splitPath(p)
		if len(segs) < 3 {
			return o, nil, fmt.Errorf("adotest: %q: want https://dev.azure.com/{org}/{project}/_git/{repo}", repoURL)
		}
		forms, err = cloudForms([]string{segs[0]}, segs[1:])
	case hostVS:
		segs := splitPath(p)
		if len(segs) > 0 && strings.EqualFold(segs[0], "DefaultCollection") {
			segs = segs[1:]
		}
		// Azure DevOps serves the legacy host with and without the
		// collection segment; register both so either clone URL works.
		var a, b []string
		if a, err = cloudForms(nil, segs); err == nil {
			b, err = cloudForms([]string{"DefaultCollection"}, segs)
		}
		forms = append(a, b...)
	case hostExtra:
		if p == "" {
			return o, nil, fmt.Errorf("adotest: %q: a repository needs a path", repoURL)
		}
		forms = []string{p}
	default:
		return o, nil, fmt.Errorf("adotest: %q: host is not dev.azure.com, *.visualstudio.com or a declared extra host", repoURL)
	}
	return o, forms, err
}

// cloudForms expands "{project}/_git/{repo}" (or "_git/{repo}") below base
// into every path Azure DevOps answers to: a project's default repository,
// named like the project, is also reachable as "_git/{project}".
func cloudForms(base, segs []string) ([]string, error) {
	var project, name string
	switch {
	case len(segs) == 3 && strings.EqualFold(segs[1], "_git"):
		project, name = segs[0], segs[2]
	case len(segs) == 2 && strings.EqualFold(segs[0], "_git"):
		project, name = segs[1], segs[1]
	default:
		return nil, fmt.Errorf("adotest: path %q: want {project}/_git/{repo}", strings.Join(segs, "/"))
	}
	forms := []string{joinPath(base, project, "_git", name)}
	if strings.EqualFold(project, name) {
		forms = append(forms, joinPath(base, "_git", name))
	}
	return forms, nil
}

func splitPath(p string) []string {
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}

func joinPath(base []string, more ...string) string {
	return "/" + strings.Join(append(append([]string(nil), base...), more...), "/")
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// repoDirName numbers repositories so two URLs ending in the same name
// never share a directory; the name part only helps a human browsing Dir.
func repoDirName(n int, p string) string {
	name := unsafeName.ReplaceAllString(path.Base(p), "_")
	return fmt.Sprintf("%03d-%s.git", n, strings.Trim(name, "."))
}
