package cli

import (
	"regexp"
	"slices"
	"strings"
)

// install replaces the helper list (and, for Azure DevOps cloud, the
// useHttpPath setting) of each credential URL. What was there before is
// kept in the same config file, in a section git ignores:
//
//	[adopat "https://dev.azure.com"]
//		installed = true
//		helper = manager
//		useHttpPath = true
//
// so uninstall can put the user's own settings back instead of deleting
// them (a useHttpPath = true or helper = manager the user had set for
// Azure DevOps before must survive install + uninstall).
func snapshotSection(url string) string { return "adopat." + url }

// saveOriginal records the URL's settings once, before the first install.
func (g gitConfig) saveOriginal(c credContext) error {
	saved := snapshotSection(c.url)
	if v, err := g.getAll(saved + ".installed"); err != nil || len(v) > 0 {
		return err
	}
	helpers, err := g.getAll("credential." + c.url + ".helper")
	if err != nil {
		return err
	}
	// An install from before snapshots left its own helper: that is not
	// the user's, and uninstall must not put it back.
	helpers, _ = withoutHelper(helpers, c.ours)
	if err := g.addAll(saved+".helper", helpers); err != nil {
		return err
	}
	if c.cloud {
		use, err := g.getAll("credential." + c.url + ".useHttpPath")
		if err != nil {
			return err
		}
		if err := g.addAll(saved+".useHttpPath", use); err != nil {
			return err
		}
	}
	return g.addAll(saved+".installed", []string{"true"})
}

// restoreOriginal removes what install set for c and puts back what it
// replaced, and reports whether it changed anything. It touches only
// values install wrote: the pair "" then c.helper, and for the cloud a
// useHttpPath that still says true. Everything else is the user's (a
// useHttpPath = false, their own empty helper resetting the list, another
// helper) and stays, installed or not.
func (g gitConfig) restoreOriginal(c credContext) (bool, error) {
	saved := snapshotSection(c.url)
	installed, err := g.getAll(saved + ".installed")
	if err != nil {
		return false, err
	}
	snapshot := len(installed) > 0
	ours, err := g.restoreHelpers(c, snapshot)
	if err != nil {
		return false, err
	}
	changed := ours
	if c.cloud {
		use, err := g.getAll("credential." + c.url + ".useHttpPath")
		if err != nil {
			return false, err
		}
		// install wrote true; one the user changed since is theirs. Without
		// a snapshot (an install older than snapshots) it is install's only
		// when install's helper was there too.
		if slices.Equal(use, []string{"true"}) && (snapshot || ours) {
			var original []string
			if snapshot {
				if original, err = g.getAll(saved + ".useHttpPath"); err != nil {
					return false, err
				}
			}
			if !slices.Equal(original, use) {
				if err := g.replaceAll("credential."+c.url+".useHttpPath", original); err != nil {
					return false, err
				}
				changed = true
			}
		}
	}
	if snapshot {
		if err := g.removeSection(saved); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// restoreHelpers takes install's helper values out of c's list and, with a
// snapshot, puts back the list install replaced. ours reports whether
// install's helper was there (and so was removed).
func (g gitConfig) restoreHelpers(c credContext, snapshot bool) (ours bool, err error) {
	key := "credential." + c.url + ".helper"
	current, err := g.getAll(key)
	if err != nil {
		return false, err
	}
	rest, ours := withoutHelper(current, func(v string) bool { return v == c.helper })
	if !ours {
		return false, nil // never installed, or the user took it out
	}
	var original []string
	if snapshot {
		if original, err = g.getAll(snapshotSection(c.url) + ".helper"); err != nil {
			return false, err
		}
	}
	if slices.Equal(current, []string{"", c.helper}) && len(original) == 2 && original[0] == "" && original[1] != "" {
		// install put adopat in the line of the user's one helper after
		// their own reset (setHelper): swap it back in place.
		return true, g.replaceValues(key, original[1], "^"+regexp.QuoteMeta(c.helper)+"$")
	}
	if slices.Equal(current, []string{"", c.helper}) && len(original) > 0 {
		// As install left it: the empty value stands where the user's first
		// helper stood, so that is where it goes back (value patterns are
		// regular expressions).
		if err := g.unset(key, "^"+regexp.QuoteMeta(c.helper)+"$"); err != nil {
			return false, err
		}
		// An empty first value is already there: rewriting it would only
		// respell the line.
		if original[0] != "" {
			if err := g.replaceValues(key, original[0], "^$"); err != nil {
				return false, err
			}
		}
		return true, g.addAll(key, original[1:])
	}
	// The user changed the list since: what they added stays, after what
	// install had replaced.
	rest = append(original, slices.DeleteFunc(rest, func(v string) bool { return slices.Contains(original, v) })...)
	return true, g.replaceAll(key, rest)
}

// withoutHelper takes install's helper (those isHelper accepts) out of a
// helper list, with the empty value install writes right before it; an
// empty value anywhere else is the user's own reset and stays. ours
// reports whether the helper was there.
func withoutHelper(values []string, isHelper func(string) bool) (rest []string, ours bool) {
	for i, v := range values {
		switch {
		case isHelper(v):
			ours = true
		case v == "" && i+1 < len(values) && isHelper(values[i+1]):
		default:
			rest = append(rest, v)
		}
	}
	return rest, ours
}

// installedServers finds the declared servers install wrote into this
// file that known does not already cover: every credential.URL.helper
// whose value is an adopat --server helper string. orphans are snapshot
// sections left without any credential entry of ours, which only adopat
// reads.
func (g gitConfig) installedServers(known []credContext) (found []credContext, orphans []string, err error) {
	isKnown := func(url, helper string) bool {
		return slices.ContainsFunc(known, func(c credContext) bool { return c.url == url && (helper == "" || c.helper == helper) })
	}
	helpers, err := g.getRegexp(`^credential\..*\.helper$`)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range helpers {
		value := e.value
		url, ok := credentialKeyURL(e.key, "helper")
		if !ok {
			continue
		}
		if s, ok := parseServerHelper(value); ok && !isKnown(url, value) {
			c := credContext{url: url, helper: value, name: s.CredentialURL()}
			found, known = append(found, c), append(known, c)
		}
	}
	snapshots, err := g.getRegexp(`^adopat\..*\.installed$`)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range snapshots {
		key := e.key
		if url, ok := strings.CutPrefix(key, "adopat."); ok && key != "" {
			url = strings.TrimSuffix(url, ".installed")
			if !isKnown(url, "") {
				orphans = append(orphans, url)
			}
		}
	}
	return found, orphans, nil
}

// credentialKeyURL is the URL of a key credential.URL.NAME as git config
// prints it (section and name lower-cased, the URL as written).
func credentialKeyURL(key, name string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "credential.")
	if !ok {
		return "", false
	}
	url, ok := strings.CutSuffix(rest, "."+strings.ToLower(name))
	return url, ok && url != ""
}
