package cli

import (
	"fmt"
	"strings"

	"github.com/adopat/git-credential-adopat/internal/importer"
)

// report says, one line per credential found (scope and place, never a
// secret), what moved, what was left and why; then what import did not
// touch, a summary, and the next step.
func (r *importRun) report() {
	a := r.a
	width := len("SCOPE")
	for i := range r.decisions {
		width = max(width, len(r.scopeText(i)))
	}
	var stored, cleaned, left int
	for i := range r.decisions {
		dec, o := &r.decisions[i], &r.outcomes[i]
		verb, detail := r.line(i)
		printf(a.Stdout, "%-11s %-*s %s%s\n", verb, width, r.scopeText(i), dec.Where(), detail)
		if dec.Verdict == importer.Left {
			left++
		}
		if dec.Verdict == importer.Store && (r.opts.dryRun || o.stored) {
			stored++
		}
		if o.cleaned || r.opts.dryRun && r.wouldClean(dec) {
			cleaned++
		}
	}
	seen := map[string]bool{}
	for _, e := range r.exposed {
		if seen[e.File+"\n"+e.Key] { // a repository's config read as git's too, when run inside it
			continue
		}
		seen[e.File+"\n"+e.Key] = true
		what := e.Key
		if u := e.URL.Redacted(); !strings.Contains(e.Key, u) {
			what += " (" + u + ")"
		}
		printf(a.Stdout, "%-11s %-*s %s %s: %s\n", "exposed", width, "", e.File, what, e.Why)
	}
	for _, s := range r.skipped {
		printf(a.Stdout, "%-11s %-*s %s: %s\n", "skipped", width, "", s.Path, s.Why)
	}
	for _, n := range r.notes {
		fmt.Fprintf(a.Stderr, "note: %s\n", n) // escaped when noted
	}
	for _, w := range r.gitWarnings() {
		printf(a.Stderr, "note: %s\n", w)
	}
	r.summary(stored, cleaned, left)
}

// scopeText is the scope column of decision i: "-" when none is known.
func (r *importRun) scopeText(i int) string {
	if s := r.decisions[i].Scope; s.Org != "" || s.IsServer() {
		return s.Scope()
	}
	return "-"
}

// line is the verb and the text after the place of decision i.
func (r *importRun) line(i int) (verb, detail string) {
	dec, o := &r.decisions[i], &r.outcomes[i]
	dry := r.opts.dryRun
	org := ""
	if f := dec.OrgFrom; f != "" && f != "path" && f != "host" {
		org = " (organisation from " + f + ")"
	}
	switch dec.Verdict {
	case importer.Left:
		return "left", ": " + dec.Why
	case importer.Superseded:
		switch {
		case r.opts.keep:
			return "kept", ": superseded (" + dec.Why + "); left there (--keep)"
		case dry:
			return "superseded", ": " + dec.Why + "; the line would be removed"
		case o.cleaned:
			return "removed", ": " + dec.Why
		case !o.stored:
			return "left", ": " + dec.Scope.Scope() + " does not hold the PAT of " + dec.By.Where() + " after all (see the note below); left in place"
		}
		return "left", ": superseded, but could not be removed: " + o.err.Error()
	case importer.Store:
		verb = "stored"
		if dry {
			verb = "would store"
		}
		if dec.Replaces {
			org += " (replacing the PAT stored before)"
		}
		if dec.Unusual {
			org += " (in neither PAT format, but shaped like a generated token: check it with verify)"
		}
		if !dry && !o.stored {
			return "left", org + ": " + dec.Scope.Scope() + " does not hold it after all (see the note below); left in place"
		}
	default: // Stored
		verb = "already"
		from := "already stored"
		if dec.By != nil {
			from = "stored from " + dec.By.Where()
		}
		org += " (the same PAT is " + from + ")"
		if !dry && !o.stored {
			return "left", org + ": but " + dec.Scope.Scope() + " does not hold it after all (see the note below); left in place"
		}
	}
	return verb, org + r.placeAction(i)
}

// placeAction says what happened, or would, to the place of decision i.
func (r *importRun) placeAction(i int) string {
	dec, o := &r.decisions[i], &r.outcomes[i]
	dry := r.opts.dryRun
	switch {
	case r.opts.keep:
		return "; left there (--keep)"
	case dec.Place == importer.InGCM && !r.opts.removeSource:
		return "; still in Git Credential Manager (--remove-source deletes it there)"
	case o.err != nil:
		return "; but it could not be taken out: " + o.err.Error()
	}
	switch dec.Place {
	case importer.InCredFile:
		if dry {
			return "; the line would be removed"
		}
		return "; line removed"
	case importer.InRepo:
		if dry {
			return "; the URL would become " + dec.URL.Without(keptUser(dec))
		}
		return "; the URL is now " + o.newURL
	}
	if dry {
		return "; it would be deleted from Git Credential Manager"
	}
	return "; deleted from Git Credential Manager"
}

// wouldClean: a dry run's decision whose place a real run would clean.
func (r *importRun) wouldClean(dec *importer.Decision) bool {
	return dec.Verdict != importer.Left && !r.opts.keep && (dec.Place != importer.InGCM || r.opts.removeSource)
}

// summary is the last line, and the next step.
func (r *importRun) summary(stored, cleaned, left int) {
	a := r.a
	where := strings.Join(r.searched, ", ")
	if len(r.unread) > 0 {
		where += "; not read: " + strings.Join(r.unread, ", ")
	}
	switch {
	case len(r.decisions) == 0 && len(r.searched) == 0:
		printf(a.Stdout, "nothing to move: there is no %s%s\n", strings.Join(r.absent, ", no "), where)
		return
	case len(r.decisions) == 0:
		printf(a.Stdout, "nothing to move: no Azure DevOps PAT in %s\n", where)
		return
	case r.opts.dryRun:
		printf(a.Stdout, "dry run: would store %s in %s and take %s out of where %s kept, leaving %d; nothing was changed\n",
			plural(stored, "PAT"), r.b.Describe(), plural(cleaned, "credential"), isAre(cleaned), left)
		return
	case stored == 0 && cleaned == 0 && left == 0:
		printf(a.Stdout, "nothing to move: every Azure DevOps PAT in %s is stored already\n", where)
	case stored == 0 && cleaned == 0:
		printf(a.Stdout, "nothing moved: %d left where %s (see above)\n", left, isAre(left))
	default:
		printf(a.Stdout, "imported: %s stored in %s, %s taken out of where %s kept, %d left where %s\n",
			plural(stored, "PAT"), r.b.Describe(), plural(cleaned, "credential"), wasWere(cleaned), left, isAre(left))
	}
	if stored > 0 || cleaned > 0 {
		fmt.Fprintln(a.Stdout, "next: git-credential-adopat verify  (asks Azure DevOps whether each PAT works; import does not ask, and records no expiry)")
	}
}

// gitWarnings names the places git will not ask adopat for the URLs
// import cleaned or the organisations it stored: there, git would prompt
// (or fail) where the PAT in the URL or file used to answer.
func (r *importRun) gitWarnings() []string {
	if r.opts.dryRun || r.b == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for i := range r.decisions {
		dec, o := &r.decisions[i], &r.outcomes[i]
		var gitDir, url string
		switch {
		case dec.Place == importer.InRepo && o.cleaned:
			gitDir, url = dec.Repo.GitDir, o.newURL
		case o.stored && !dec.Scope.IsServer() && dec.Place != importer.InRepo:
			url = "https://dev.azure.com/" + dec.Scope.Org + "/_git/x"
		default:
			continue
		}
		if seen[gitDir+"\n"+url] {
			continue
		}
		seen[gitDir+"\n"+url] = true
		if r.gitAsksAdopat(gitDir, url) {
			continue
		}
		if gitDir != "" {
			out = append(out, fmt.Sprintf("git does not ask adopat for %s in %s (or sends it no path), so a fetch there will prompt: run `git-credential-adopat install`", url, dec.Repo.Dir))
		} else {
			out = append(out, fmt.Sprintf("git does not ask adopat for https://dev.azure.com/%s/... yet: run `git-credential-adopat install`", dec.Scope.Org))
		}
	}
	return out
}

// isAre and wasWere agree the summary's verbs with a count.
func isAre(n int) string {
	if n == 1 {
		return "it is"
	}
	return "they are"
}

func wasWere(n int) string {
	if n == 1 {
		return "it was"
	}
	return "they were"
}
