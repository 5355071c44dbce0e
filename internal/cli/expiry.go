package cli

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxLifetime is Azure DevOps' longest PAT lifetime: one year ("Use
// personal access tokens", Azure DevOps docs). A day of slack covers time
// zones and leap years.
const maxLifetime = 366 * 24 * time.Hour

// parseExpires reads --expires: "30d", "12w", a Go duration such as "720h",
// a date (the PAT then lasts through that day, local time) or RFC 3339.
func parseExpires(s string, now time.Time, cloud bool) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := expiryTime(strings.TrimSpace(s), now)
	if err != nil {
		return nil, err
	}
	// A date in the past is accepted: recording a PAT that has already
	// expired keeps its history, and it is never sent; callers say so.
	if cloud && t.Sub(now) > maxLifetime {
		return nil, errors.New("Azure DevOps PATs last at most one year")
	}
	t = t.UTC()
	return &t, nil
}

func expiryTime(s string, now time.Time) (time.Time, error) {
	if n, unit, ok := countUnit(s); ok {
		return now.Add(time.Duration(n) * unit), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d <= maxDays*24*time.Hour {
		return now.Add(d), nil
	}
	if day, err := time.ParseInLocation("2006-01-02", s, now.Location()); err == nil {
		return day.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a duration (30d, 12w, 720h) or a date (2026-12-31)", s)
}

// maxDays keeps "NNNd" far from time.Duration's overflow (about 292
// years), where a huge count would wrap into the past or the present.
const maxDays = 100 * 366

func countUnit(s string) (int, time.Duration, bool) {
	units := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if len(s) < 2 {
		return 0, 0, false
	}
	unit, ok := units[s[len(s)-1]]
	n, err := strconv.Atoi(s[:len(s)-1])
	if !ok || err != nil || n <= 0 || n > maxDays/int(unit/(24*time.Hour)) {
		return 0, 0, false
	}
	return n, unit, true
}

// daysLeft counts days until t, to the nearest day: "--expires 10d" reads
// back as 10 days left, not 9 and some hours.
func daysLeft(t, now time.Time) int {
	return int(math.Round(t.Sub(now).Hours() / 24))
}

func expirySuffix(t *time.Time, now time.Time) string {
	switch {
	case t == nil:
		return " (no expiry recorded: add --expires to be warned before it lapses)"
	case !t.After(now):
		return fmt.Sprintf(" (EXPIRED %s)", t.Format("2006-01-02"))
	}
	return fmt.Sprintf(" (expires %s, %s left)", t.Format("2006-01-02"), plural(daysLeft(*t, now), "day"))
}

// plural counts things in English: "1 day", "3 days".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}
