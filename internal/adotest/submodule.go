package adotest

import (
	"fmt"
	"strings"
)

// Submodule is one entry of a .gitmodules file.
type Submodule struct {
	Name, Path, URL string
	Commit          string // the gitlink's commit id; it need not exist
}

// AddSubmodules commits, on top of repoURL's main branch, a .gitmodules
// with the given entries (URLs written as given, however hostile) and
// their gitlinks, so a clone with --recurse-submodules fetches each URL.
// Tests use it to play a repository whose author chose the submodule URLs.
func (s *Server) AddSubmodules(repoURL string, subs ...Submodule) error {
	dir, err := s.RepoDir(repoURL)
	if err != nil {
		return err
	}
	var modules, links strings.Builder
	for _, sm := range subs {
		if strings.ContainsAny(sm.Name+sm.Path+sm.URL, "\n\"") {
			return fmt.Errorf("adotest: submodule %q: no newlines or quotes", sm.Name)
		}
		fmt.Fprintf(&modules, "[submodule %q]\n\tpath = %s\n\turl = %s\n", sm.Name, sm.Path, sm.URL)
		fmt.Fprintf(&links, "M 160000 %s %s\n", sm.Commit, sm.Path)
	}
	msg := "Add submodules\n"
	who := "adotest <adotest@example.test> " + commitTime
	stream := fmt.Sprintf("commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s\nfrom refs/heads/main^0\n"+
		"M 100644 inline .gitmodules\ndata %d\n%s\n%s",
		who, who, len(msg), msg, modules.Len(), modules.String(), links.String())
	return s.git(stream, "--git-dir="+dir, "fast-import", "--quiet")
}
