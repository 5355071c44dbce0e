package cli

import (
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

// restoreOriginal removes what install set and puts back what it replaced.
func (g gitConfig) restoreOriginal(c credContext) error {
	saved := snapshotSection(c.url)
	installed, err := g.getAll(saved + ".installed")
	if err != nil {
		return err
	}
	key := "credential." + c.url + ".helper"
	current, err := g.getAll(key)
	if err != nil {
		return err
	}
	if slices.Equal(current, []string{"", c.helper}) {
		current = nil // exactly what install wrote: all of it goes
	} else {
		// The user changed the list since: take out only our values.
		current = slices.DeleteFunc(current, func(v string) bool { return v == "" || v == c.helper })
	}
	if len(installed) > 0 {
		original, err := g.getAll(saved + ".helper")
		if err != nil {
			return err
		}
		current = append(original, slices.DeleteFunc(current, func(v string) bool { return slices.Contains(original, v) })...)
	}
	if err := g.replaceAll(key, current); err != nil {
		return err
	}
	if c.cloud {
		var original []string
		if len(installed) > 0 {
			if original, err = g.getAll(saved + ".useHttpPath"); err != nil {
				return err
			}
		}
		if err := g.replaceAll("credential."+c.url+".useHttpPath", original); err != nil {
			return err
		}
	}
	if len(installed) > 0 {
		if _, err := g.run("--remove-section", saved); err != nil && !isNoSuchSection(err) {
			return err
		}
	}
	return nil
}

// getAll returns every value of key in this config file, none when unset.
func (g gitConfig) getAll(key string) ([]string, error) {
	out, err := g.run("--get-all", key)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n"), nil
}

func (g gitConfig) addAll(key string, values []string) error {
	for _, v := range values {
		if _, err := g.run("--add", key, v); err != nil {
			return err
		}
	}
	return nil
}

// replaceAll makes values the key's values. --replace-all writes the first
// one where the key already stood, so a restored setting lands back in its
// place in the user's file rather than at the end of the section.
func (g gitConfig) replaceAll(key string, values []string) error {
	if len(values) == 0 {
		if _, err := g.run("--unset-all", key); err != nil && !notFound(err) {
			return err
		}
		return nil
	}
	if _, err := g.run("--replace-all", key, values[0]); err != nil {
		return err
	}
	return g.addAll(key, values[1:])
}
