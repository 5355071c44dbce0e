// Package span is the one grammar for every duration adopat reads.
package span

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// One grammar for every duration adopat reads (--expires, rotate --expires,
// unlock --for, --keyring-timeout, ADOPAT_EXPIRY_WARNING): a whole number
// and one unit,
//
//	ms  milliseconds   s  seconds   min  minutes
//	h   hours          d  days      w    weeks
//
// each setting taking the units that make sense for it. "m" and "M" are
// refused everywhere (minutes or months?), and so are months and years,
// whose length varies: "--expires 1m" once meant one minute and left a PAT
// recorded as dead a minute later.

// spanUnit is one unit of the grammar.
type spanUnit struct {
	name string
	size time.Duration
}

var spanUnits = []spanUnit{
	{"ms", time.Millisecond}, {"s", time.Second}, {"min", time.Minute},
	{"h", time.Hour}, {"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour},
}

// Setting is what one setting accepts.
type Setting struct {
	Name    string   // as the user wrote it: "--expires", "unlock --for"
	units   []string // accepted units, smallest first
	example string   // a typical value, for messages
	// month is the suggestion for someone who meant a month.
	month string
	dates bool // a date (YYYY-MM-DD) is accepted too
}

var (
	Expiry         = Setting{Name: "--expires", units: []string{"h", "d", "w"}, example: "30d", month: "30d", dates: true}
	Warning        = Setting{Name: "expiry warning", units: []string{"h", "d", "w"}, example: "7d", month: "30d"}
	Unlock         = Setting{Name: "--for", units: []string{"s", "min", "h", "d", "w"}, example: "8h", month: "30d"}
	KeyringTimeout = Setting{Name: "keyring timeout", units: []string{"ms", "s", "min", "h"}, example: "3s", month: "30d"}
	maxSpanCount   = 100 * 366 * 24 * time.Hour // far from time.Duration's overflow (292 years)
)

// Parse reads one duration for setting s. Zero and negative durations
// are refused: every setting needs some time to pass.
func Parse(s Setting, raw string) (time.Duration, error) {
	v := strings.TrimSpace(raw)
	digits := 0
	for digits < len(v) && v[digits] >= '0' && v[digits] <= '9' {
		digits++
	}
	num, unit := v[:digits], v[digits:]
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s %s: %s", s.Name, raw, fmt.Sprintf(format, args...))
	}
	switch {
	case v == "":
		return 0, bad("give a duration such as %s", s.example)
	case strings.HasPrefix(v, "-"):
		return 0, bad("a duration cannot be negative; give one such as %s", s.example)
	case num == "" || strings.ContainsAny(unit, "0123456789.,:"):
		return 0, bad("give a whole number and one unit (%s), such as %s%s", unitList(s), s.example, s.orDate())
	case strings.Trim(num, "0") == "":
		return 0, bad("a duration must be more than zero; give one such as %s", s.example)
	case unit == "":
		return 0, bad("give a unit (%s), such as %s%s", unitList(s), s.example, s.orDate())
	}
	size, err := s.unit(unit)
	if err != nil {
		return 0, bad("%v", err)
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n > int64(maxSpanCount/size) {
		return 0, bad("longer than a century; no setting here needs that")
	}
	return time.Duration(n) * size, nil
}

// unit finds the size of a unit this setting accepts, or says what to
// write instead.
func (s Setting) unit(u string) (time.Duration, error) {
	allowed := func(name string) bool {
		for _, a := range s.units {
			if a == name {
				return true
			}
		}
		return false
	}
	switch {
	case u == "m" || u == "M":
		if allowed("min") {
			return 0, fmt.Errorf("%s could mean minutes or months; write 30min for half an hour, or %s for a month", u, s.month)
		}
		return 0, fmt.Errorf("%s could mean minutes or months; write %s for a month, or 1h", u, s.month)
	case strings.HasPrefix(strings.ToLower(u), "mo"):
		return 0, fmt.Errorf("months differ in length; write %s, or 4w", s.month)
	case strings.HasPrefix(strings.ToLower(u), "y"):
		return 0, fmt.Errorf("years differ in length; write 365d%s", s.orDate())
	}
	lu := strings.ToLower(u)
	for _, su := range spanUnits {
		if su.name != lu && !(su.name == "min" && (lu == "mins" || lu == "minute" || lu == "minutes")) {
			continue
		}
		if !allowed(su.name) {
			return 0, fmt.Errorf("%s are not a unit for this setting; use %s", unitName(su.name), unitList(s))
		}
		return su.size, nil
	}
	return 0, fmt.Errorf("unknown unit %q; use %s", u, unitList(s))
}

func (s Setting) orDate() string {
	if s.dates {
		return ", or a date such as 2026-12-31"
	}
	return ""
}

func unitList(s Setting) string {
	var parts []string
	for _, u := range s.units {
		parts = append(parts, u+" ("+unitName(u)+")")
	}
	return strings.Join(parts, ", ")
}

func unitName(u string) string {
	return map[string]string{"ms": "milliseconds", "s": "seconds", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}[u]
}
