package cli

import "fmt"

// auditCmd is `audit`.
func auditCmd() *command {
	return newCommand("audit", storeFlags, runAudit, nil)
}

// runAudit shows, per token, when git was last answered with it, how often,
// and for which repositories: the "audit of use" of PAT hygiene, since
// Azure DevOps does not tell a PAT's owner where it is used.
func runAudit(a *App, o *options, args []string) error {
	if len(args) > 1 {
		return usagef("give at most one SCOPE")
	}
	b, d, err := a.loadWithUsage(o)
	if err != nil {
		return err
	}
	tokens, err := optionalScopeTokens(d, b, args)
	if err != nil {
		return err
	}
	now := a.Now()
	for i := range tokens {
		t := describe(&tokens[i], now)
		printf(a.Stdout, "%s  [%s] created %s, expires %s\n", t.Scope, t.Status, t.Created.Local().Format("2006-01-02"), expiresColumn(t))
		for _, r := range t.Refusals {
			printf(a.Stdout, "  refused %s for %s; kept in service (Azure DevOps said: %s)\n", r.At.Local().Format("2006-01-02 15:04"), r.Path, r.Verdict)
		}
		if t.LastUsed == nil {
			fmt.Fprintln(a.Stdout, "  never used by git since it was stored")
			continue
		}
		printf(a.Stdout, "  last used %s, %s\n", t.LastUsed.Local().Format("2006-01-02 15:04"), plural(t.Uses, "answer"))
		for _, r := range t.Repos {
			printf(a.Stdout, "    %-60s %5d×  last %s\n", r.Path, r.Uses, r.LastUsed.Local().Format("2006-01-02 15:04"))
		}
	}
	return nil
}
