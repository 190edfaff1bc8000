package stats

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is returned for a period or format the statistics refuse.
var ErrInvalid = errors.New("invalid request")

// MaxDays is the longest range one report covers.
const MaxDays = 92

// Period is a range of whole days in the team's time zone: [Start, End).
type Period struct {
	From string // first day, YYYY-MM-DD
	To   string // last day, YYYY-MM-DD (inclusive)
	Zone string // IANA time zone
	// Start is From's midnight and End is the midnight after To, in Zone.
	Start, End time.Time
	loc        *time.Location
}

// NewPeriod is the days from..to (YYYY-MM-DD, inclusive) in the time zone zone.
func NewPeriod(from, to, zone string) (Period, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Period{}, fmt.Errorf("time zone %q: %w", zone, ErrInvalid)
	}
	f, err := ParseDate(from, loc)
	if err != nil {
		return Period{}, err
	}
	if to == "" {
		to = from
	}
	t, err := ParseDate(to, loc)
	if err != nil {
		return Period{}, err
	}
	if t.Before(f) {
		return Period{}, fmt.Errorf("the range ends (%s) before it starts (%s): %w", to, from, ErrInvalid)
	}
	days := 0
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		if days++; days > MaxDays {
			return Period{}, fmt.Errorf("a report covers at most %d days (%s to %s is longer): %w", MaxDays, from, to, ErrInvalid)
		}
	}
	return Period{From: f.Format(time.DateOnly), To: t.Format(time.DateOnly), Zone: zone,
		Start: f, End: t.AddDate(0, 0, 1), loc: loc}, nil
}

// ParseDate reads a YYYY-MM-DD date as its midnight in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid date %q: use YYYY-MM-DD, e.g. 2026-11-23: %w", s, ErrInvalid)
	}
	return d, nil
}

// Location is the period's time zone.
func (p Period) Location() *time.Location {
	if p.loc == nil {
		return time.UTC
	}
	return p.loc
}

// Days lists the period's dates (YYYY-MM-DD).
func (p Period) Days() []string {
	var out []string
	for d := p.Start; d.Before(p.End); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// String is "2026-11-23" for one day, "2026-11-23 – 2026-11-29" for a range.
func (p Period) String() string {
	if p.From == p.To {
		return p.From
	}
	return p.From + " – " + p.To
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }
