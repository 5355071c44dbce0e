package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/importer"
	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/keyring"
)

// apply stores what the plan stores, reads each scope back, and takes out
// of its place each credential whose PAT the store now holds.
func (r *importRun) apply() error {
	if r.b == nil {
		return nil
	}
	if err := r.store(); err != nil {
		return fmt.Errorf("storing the imported PATs in %s: %w; nothing was taken out of its place", r.b.Describe(), err)
	}
	r.confirm()
	if !r.opts.keep {
		r.clean()
	}
	return nil
}

// store puts every PAT the plan stores in one Update. A scope that holds
// the same PAT already is left alone (nothing to write: a rerun writes
// nothing); one that came to hold another PAT since the plan read the
// store is left too, unless the plan replaces it, and confirm then finds
// the place's PAT missing and leaves the place.
func (r *importRun) store() error {
	// Nothing to store (a rerun that finds only what it leaves, or
	// places of PATs stored already): no write lock either, which would
	// rewrite the vault's lock file, so that a rerun changes no file.
	if !slices.ContainsFunc(r.decisions, func(d importer.Decision) bool { return d.Verdict == importer.Store }) {
		return nil
	}
	now := r.a.Now().UTC()
	return r.b.Store.Update(func(d *store.Data) (bool, error) {
		changed := false
		for i := range r.decisions {
			dec := &r.decisions[i]
			if dec.Verdict != importer.Store {
				continue
			}
			if j, ok := d.Find(dec.Scope.Scope()); ok && (d.Tokens[j].Secret == dec.Secret || !dec.Replaces) {
				continue
			}
			tok := dec.Scope
			tok.Label = "imported from " + importLabel(dec.Found)
			tok.Created = now
			tok.SetSecrets(dec.Secret, "")
			d.Put(tok)
			changed = true
		}
		return changed, nil
	})
}

// importLabel names where a PAT came from, for its label.
func importLabel(f *importer.Found) string {
	switch f.Place {
	case importer.InCredFile:
		return f.File
	case importer.InGCM:
		return "Git Credential Manager"
	}
	return f.Repo.Dir
}

// confirm reads back each scope a place is to be cleaned for: only a
// place whose PAT the store returns is cleaned, as migrate verifies a
// copy before clearing its source.
func (r *importRun) confirm() {
	got := map[string]string{}
	read := map[string]bool{}
	failed := map[string]bool{}
	for i := range r.decisions {
		dec := &r.decisions[i]
		if dec.Verdict == importer.Left {
			continue
		}
		scope := dec.Scope.Scope()
		if !read[scope] {
			read[scope] = true
			pat, _, err := r.b.Store.Secret(scope)
			if err != nil {
				r.note("cannot read %s back from %s: %v; the places of its PAT are left as they were", scope, r.b.Describe(), withHint(err))
				failed[scope] = true
			}
			got[scope] = pat
		}
		if failed[scope] {
			continue
		}
		want := dec.Secret
		if dec.Verdict == importer.Superseded {
			want = dec.By.Secret
		}
		r.outcomes[i].stored = got[scope] == want
		if !r.outcomes[i].stored {
			r.note("%s holds another PAT than the one found at %s (did something change the store while import ran?); that place is left as it was", scope, dec.Where())
		}
	}
}

// clean takes each stored credential out of its place: the credentials
// files' lines (one rewrite per file), the repositories' URLs (one git
// config per value), and with --remove-source GCM's entries.
func (r *importRun) clean() {
	byFile := map[string]map[string]bool{}
	var files []string
	for i := range r.decisions {
		dec := &r.decisions[i]
		if !r.outcomes[i].stored || dec.Place != importer.InCredFile {
			continue
		}
		if byFile[dec.File] == nil {
			byFile[dec.File] = map[string]bool{}
			files = append(files, dec.File)
		}
		byFile[dec.File][dec.Raw] = true
	}
	for _, f := range files {
		_, err := importer.RemoveCredLines(f, byFile[f])
		for i := range r.decisions {
			if dec := &r.decisions[i]; r.outcomes[i].stored && dec.Place == importer.InCredFile && dec.File == f {
				r.done(i, err)
			}
		}
	}
	for i := range r.decisions {
		dec := &r.decisions[i]
		if !r.outcomes[i].stored {
			continue
		}
		switch dec.Place {
		case importer.InRepo:
			url := dec.URL.Without(keptUser(dec))
			err := r.git.ReplaceURL(dec.Repo.Config(), dec.Key, dec.Value, url)
			if err == nil {
				r.outcomes[i].newURL = url
			}
			r.done(i, err)
		case importer.InGCM:
			if !r.opts.removeSource {
				continue
			}
			if dec.GCM.File != "" {
				r.done(i, importer.RemoveGCMFile(dec.GCM.File, dec.GCM.Secret))
			} else {
				r.done(i, keyring.DeleteForeign(keyring.DefaultTimeout, dec.GCM.Item, dec.GCM.Secret))
			}
		}
	}
}

// done records the end of one place's cleaning.
func (r *importRun) done(i int, err error) {
	r.outcomes[i].cleaned, r.outcomes[i].err = err == nil, err
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

// keptUser is the user name a cleaned URL keeps: for Azure DevOps cloud
// the organisation's name when the URL had it there (the form Azure
// DevOps' Clone button gives, https://ORG@dev.azure.com/..., which names
// the organisation to git even without useHttpPath); for a declared
// server its user name, which is part of the stored token's key. Never a
// user name that was itself the PAT.
func keptUser(d *importer.Decision) string {
	u := d.URL
	if _, fromUser, _ := u.Secret(); fromUser || u.User == "" {
		return ""
	}
	if d.Scope.IsServer() || azdo.EqualFold(u.User, d.Scope.Org) {
		return u.User
	}
	return ""
}

// gitAsksAdopat reports whether git, in the repository gitDir (none: git's
// global view), runs adopat for rawURL and, for dev.azure.com, sends the
// path adopat needs to tell the organisation: else a cleaned URL would
// make git prompt.
func (r *importRun) gitAsksAdopat(gitDir, rawURL string) bool {
	g := r.a.gitConfig()
	g.gitDir = gitDir
	get := func(key string) string {
		v, _, _ := g.getURLMatch(key, rawURL, false) // "" when unset or git fails
		return strings.TrimSpace(v)
	}
	if _, _, ours := parseHelper(get("credential.helper")); !ours {
		return false
	}
	u, ok := importer.ParseCredURL(rawURL)
	if ok && azdo.NormalizeHost("https", u.Host) == "dev.azure.com" && u.User == "" {
		return gitTrue(get("credential.useHttpPath"))
	}
	return true
}
