package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/adopat/git-credential-adopat/internal/helper"
)

// maxLifetimeDays is Azure DevOps' longest PAT lifetime, one year ("Use
// personal access tokens", Azure DevOps docs), with a day of slack for
// leap years and time zones. It is counted in calendar days, so "366d" and
// the date it lands on are both accepted, and a day later both refused.
const maxLifetimeDays = 366

// parseExpires reads --expires: a duration in the one grammar of
// duration.go (30d, 12w, 36h), a date (the PAT then lasts through that
// day, local time) or an RFC 3339 time. A duration is always in the
// future; a date may be in the past, to record a PAT that has expired.
func parseExpires(s string, now time.Time, cloud bool) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := expiryTime(strings.TrimSpace(s), now)
	if err != nil {
		return nil, err
	}
	if latest := latestExpiry(now); cloud && t.After(latest) {
		return nil, fmt.Errorf("--expires %s: Azure DevOps PATs last at most one year; the latest expiry is %s (%dd)", s, latest.Format("2006-01-02"), maxLifetimeDays)
	}
	t = t.UTC()
	return &t, nil
}

// latestExpiry is the end of the last day a PAT created now can reach.
func latestExpiry(now time.Time) time.Time {
	y, m, d := now.Date()
	return time.Date(y, m, d+maxLifetimeDays+1, 0, 0, 0, 0, now.Location()).Add(-time.Second)
}

func expiryTime(s string, now time.Time) (time.Time, error) {
	if isDate(s) {
		day, err := time.ParseInLocation("2006-01-02", s, now.Location())
		if err != nil {
			return time.Time{}, fmt.Errorf("--expires %s: not a date of the calendar; write it as YYYY-MM-DD, e.g. 2026-12-31", s)
		}
		return day.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := parseSpan(expirySpan, s)
	if err != nil {
		return time.Time{}, err
	}
	return now.Add(d), nil
}

// isDate reports whether s has the shape of YYYY-MM-DD.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range []byte(s) {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func expirySuffix(t *time.Time, now time.Time) string {
	switch {
	case t == nil:
		return " (no expiry recorded: add --expires to be warned before it lapses)"
	case !t.After(now):
		return fmt.Sprintf(" (EXPIRED %s)", t.Format("2006-01-02"))
	}
	return fmt.Sprintf(" (expires %s, %s left)", t.Format("2006-01-02"), plural(helper.DaysLeft(*t, now), "day"))
}

// plural counts things in English: "1 day", "3 days".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
