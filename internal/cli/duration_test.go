package cli

import (
	"strings"
	"testing"
	"time"
)

const day = 24 * time.Hour

// One grammar for every duration: a whole number and one unit, each
// setting with the units that make sense for it; "m" is never a unit.
func TestParseSpan(t *testing.T) {
	cases := []struct {
		setting spanSetting
		raw     string
		want    time.Duration
		err     string // part of the error; "" for success
	}{
		{expirySpan, "30d", 30 * day, ""},
		{expirySpan, "12w", 84 * day, ""},
		{expirySpan, "36h", 36 * time.Hour, ""},
		{expirySpan, " 30D ", 30 * day, ""},
		{expirySpan, "1m", 0, "--expires 1m: m could mean minutes or months; write 30d for a month, or 1h"},
		{expirySpan, "1M", 0, "M could mean minutes or months"},
		{expirySpan, "1mo", 0, "months differ in length; write 30d"},
		{expirySpan, "1y", 0, "years differ in length; write 365d, or a date such as 2026-12-31"},
		{expirySpan, "90s", 0, "seconds are not a unit for this setting; use h (hours), d (days), w (weeks)"},
		{expirySpan, "30min", 0, "minutes are not a unit for this setting"},
		{expirySpan, "0", 0, "must be more than zero"},
		{expirySpan, "0d", 0, "must be more than zero"},
		{expirySpan, "-1d", 0, "cannot be negative"},
		{expirySpan, "30", 0, "give a unit (h (hours), d (days), w (weeks)), such as 30d, or a date"},
		{expirySpan, "1.5d", 0, "whole number"},
		{expirySpan, "1h30m", 0, "whole number"},
		{expirySpan, "soon", 0, "give a whole number and one unit"},
		{expirySpan, "", 0, "give a duration"},
		{expirySpan, "3x", 0, `unknown unit "x"`},
		{expirySpan, "99999999999999999999d", 0, "longer than a century"},
		{expirySpan, "213504d", 0, "longer than a century"},
		{unlockSpan, "30d", 30 * day, ""},
		{unlockSpan, "8h", 8 * time.Hour, ""},
		{unlockSpan, "30min", 30 * time.Minute, ""},
		{unlockSpan, "1s", time.Second, ""},
		{unlockSpan, "30m", 0, "--for 30m: m could mean minutes or months; write 30min for half an hour, or 30d for a month"},
		{unlockSpan, "0s", 0, "must be more than zero"},
		{keyringSpan, "3s", 3 * time.Second, ""},
		{keyringSpan, "500ms", 500 * time.Millisecond, ""},
		{keyringSpan, "10min", 10 * time.Minute, ""},
		{keyringSpan, "10m", 0, "write 30min"},
		{keyringSpan, "2d", 0, "days are not a unit for this setting; use ms (milliseconds), s (seconds), min (minutes), h (hours)"},
		{warningSpan, "7d", 7 * day, ""},
		{warningSpan, "2w", 14 * day, ""},
		{warningSpan, "36h", 36 * time.Hour, ""},
		{warningSpan, "1m", 0, "m could mean minutes or months"},
	}
	for _, c := range cases {
		got, err := parseSpan(c.setting, c.raw)
		switch {
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s %q = %v, %v; want %v", c.setting.Name, c.raw, got, err, c.want)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s %q = %v, %v; want an error with %q", c.setting.Name, c.raw, got, err, c.err)
		}
	}
}

// The one-year limit is the same for days and for the date they land on;
// a date may be in the past (recording an expired PAT), a duration not.
func TestParseExpiresOneYearLimitIsTheSameForDaysAndDates(t *testing.T) {
	now := fixedNow // 2026-11-26 12:00 UTC
	latest := now.AddDate(0, 0, maxLifetimeDays).Format("2006-01-02")
	after := now.AddDate(0, 0, maxLifetimeDays+1).Format("2006-01-02")
	cases := []struct {
		raw   string
		cloud bool
		day   string // the expiry's date; "" when refused
	}{
		{"366d", true, latest},
		{latest, true, latest},
		{"367d", true, ""},
		{after, true, ""},
		{"53w", true, ""},
		{"52w", true, now.AddDate(0, 0, 364).Format("2006-01-02")},
		{"367d", false, after}, // Azure DevOps Server sets its own limits
		{"2026-01-31", true, "2026-01-31"},
		{"2026-02-30", true, ""},
		{"2027-01-31T10:00:00Z", true, "2027-01-31"},
		{"0", true, ""},
	}
	for _, c := range cases {
		got, err := parseExpires(c.raw, now, c.cloud)
		switch {
		case c.day == "" && err == nil:
			t.Errorf("--expires %s (cloud %v) = %v, want refused", c.raw, c.cloud, got)
		case c.day != "" && (err != nil || got.In(now.Location()).Format("2006-01-02") != c.day):
			t.Errorf("--expires %s (cloud %v) = %v, %v; want %s", c.raw, c.cloud, got, err, c.day)
		}
	}
	if _, err := parseExpires(after, now, true); err == nil || !strings.Contains(err.Error(), "at most one year; the latest expiry is "+latest) {
		t.Errorf("over a year: %v", err)
	}
}

// Every place a duration is set speaks the same grammar.
func TestDurationSettingsShareOneGrammar(t *testing.T) {
	ta := newTestApp(t)
	for _, c := range []struct {
		args []string
		env  map[string]string
		say  string
	}{
		{[]string{"add", "--org", "fabrikam", "--expires", "1m"}, nil, "--expires 1m: m could mean minutes or months; write 30d for a month, or 1h"},
		{[]string{"unlock", "--for", "30m"}, nil, "--for 30m: m could mean minutes or months"},
		{[]string{"list", "--keyring-timeout", "3"}, nil, "keyring timeout 3: give a unit"},
		{[]string{"get"}, map[string]string{"ADOPAT_EXPIRY_WARNING": "1m"}, "expiry warning 1m: m could mean minutes or months"},
	} {
		for k, v := range c.env {
			ta.env[k] = v
		}
		code := ta.run("protocol=https\nhost=dev.azure.com\npath=fabrikam/p/_git/r\n", c.args...)
		if code != ExitUsage || !strings.Contains(ta.stderr.String(), c.say) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, ta.stderr, c.say)
		}
		for k := range c.env {
			delete(ta.env, k)
		}
	}
}
