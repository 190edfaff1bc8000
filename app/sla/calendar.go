// Package sla is Sportello's deadline engine: SLA policies, business-hours
// calendars, the platforms' reply windows, and the deadlines of a
// conversation computed from them. Everything here is a pure function of its
// inputs; the watcher that acts on the deadlines lives in watcher.go.
package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Span is one opening interval of a day, in minutes after local midnight: [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Calendar says when the desk is open. SLA clocks run only while it is.
type Calendar struct {
	TimeZone string `json:"timeZone"` // IANA name, e.g. Europe/Rome
	// AlwaysOpen makes the calendar 24/7: the other fields are then ignored.
	AlwaysOpen bool `json:"alwaysOpen"`
	// Week holds the opening spans of each weekday, indexed by time.Weekday (0 = Sunday).
	Week [7][]Span `json:"week"`
	// ItalianHolidays closes the desk on Italy's national holidays (Easter Monday included).
	ItalianHolidays bool `json:"italianHolidays"`
	// Holidays are extra closed days, "YYYY-MM-DD" in the calendar's time zone.
	Holidays []string `json:"holidays"`

	loc *time.Location
}

// ErrCalendar is returned for a calendar that cannot be used.
var ErrCalendar = errors.New("invalid calendar")

// OfficeHours is the default business calendar: Monday to Friday 9:00–18:00
// with Italian holidays, in the given time zone.
func OfficeHours(tz string) Calendar {
	c := Calendar{TimeZone: tz, ItalianHolidays: true}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []Span{{9 * 60, 18 * 60}}
	}
	return c
}

// Always is a 24/7 calendar.
func Always(tz string) Calendar { return Calendar{TimeZone: tz, AlwaysOpen: true} }

// Validate checks the calendar and loads its time zone.
func (c *Calendar) Validate() error {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return fmt.Errorf("time zone %q: %w", c.TimeZone, ErrCalendar)
	}
	c.loc = loc
	if c.AlwaysOpen {
		return nil
	}
	open := false
	for d, spans := range c.Week {
		for i, s := range spans {
			if s.Start < 0 || s.End > 24*60 || s.Start >= s.End {
				return fmt.Errorf("%s: hours %s–%s: %w", time.Weekday(d), hhmm(s.Start), hhmm(s.End), ErrCalendar)
			}
			if i > 0 && s.Start < spans[i-1].End {
				return fmt.Errorf("%s: overlapping or unordered hours: %w", time.Weekday(d), ErrCalendar)
			}
			open = true
		}
	}
	if !open {
		return fmt.Errorf("no opening hours in the week: %w", ErrCalendar)
	}
	for _, h := range c.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			return fmt.Errorf("holiday %q is not a YYYY-MM-DD date: %w", h, ErrCalendar)
		}
	}
	return nil
}

func hhmm(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

func (c *Calendar) location() *time.Location {
	if c.loc == nil {
		if err := c.Validate(); err != nil {
			c.loc = time.UTC
		}
	}
	return c.loc
}

// Closed reports whether the whole local day of t is a holiday.
func (c *Calendar) Closed(y int, m time.Month, d int) bool {
	if c.ItalianHolidays && ItalianHoliday(y, m, d) {
		return true
	}
	return slices.Contains(c.Holidays, fmt.Sprintf("%04d-%02d-%02d", y, m, d))
}

// maxDays bounds every walk through the calendar (a calendar open one hour a
// year still terminates; an empty one was refused by Validate).
const maxDays = 3 * 366

// openIntervals calls fn with each open interval [a, b) from the day of t
// onwards, in order, until fn returns false.
func (c *Calendar) openIntervals(t time.Time, fn func(a, b time.Time) bool) {
	loc := c.location()
	lt := t.In(loc)
	y, m, d := lt.Date()
	for i := range maxDays {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		dy, dm, dd := day.Date()
		if c.Closed(dy, dm, dd) {
			continue
		}
		for _, s := range c.Week[day.Weekday()] {
			a := wallClock(dy, dm, dd, s.Start, loc)
			b := wallClock(dy, dm, dd, s.End, loc)
			if s.End == 24*60 {
				b = wallClock(dy, dm, dd+1, 0, loc)
			}
			if !b.After(t) {
				continue
			}
			if !fn(a, b) {
				return
			}
		}
	}
}

// wallClock is the instant of minute m of a local day. A wall clock that a
// DST change skips maps to the change itself: time.Date would move it an hour
// later, past the start of the day's next span, and the spans would overlap.
func wallClock(y int, mo time.Month, d, m int, loc *time.Location) time.Time {
	t := time.Date(y, mo, d, m/60, m%60, 0, 0, loc)
	if h, mm, _ := t.Clock(); h*60+mm != m {
		t, _ = t.ZoneBounds()
	}
	return t
}

// Add returns the instant when d of business time has passed after start.
// A zero result means the calendar never accumulates d (within three years).
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c.AlwaysOpen {
		return start.Add(d)
	}
	var out time.Time
	left := d
	c.openIntervals(start, func(a, b time.Time) bool {
		if a.Before(start) {
			a = start
		}
		if avail := b.Sub(a); left <= avail {
			out = a.Add(left)
			return false
		} else {
			left -= avail
		}
		return true
	})
	if d <= 0 && out.IsZero() {
		return start
	}
	return out
}

// Between returns the business time from a to b (0 if b is before a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.AlwaysOpen {
		return b.Sub(a)
	}
	var total time.Duration
	c.openIntervals(a, func(x, y time.Time) bool {
		if !x.Before(b) {
			return false
		}
		if x.Before(a) {
			x = a
		}
		if y.After(b) {
			y = b
		}
		total += y.Sub(x)
		return true
	})
	return total
}

// IsOpen reports whether the desk is open at t.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.AlwaysOpen {
		return true
	}
	open := false
	c.openIntervals(t, func(a, b time.Time) bool {
		open = !t.Before(a) && t.Before(b)
		return false
	})
	return open
}

// Easter returns Easter Sunday of year y (Gregorian; anonymous algorithm).
func Easter(y int) (time.Month, int) {
	a := y % 19
	b, c := y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}

// ItalianHoliday reports whether the date is a national holiday in Italy.
func ItalianHoliday(y int, m time.Month, d int) bool {
	switch {
	case m == time.January && (d == 1 || d == 6),
		m == time.April && d == 25,
		m == time.May && d == 1,
		m == time.June && d == 2,
		m == time.August && d == 15,
		m == time.November && d == 1,
		m == time.December && (d == 8 || d == 25 || d == 26):
		return true
	case m == time.October && d == 4 && y >= 2026:
		// St Francis of Assisi, a national holiday again from 2026.
		return true
	}
	em, ed := Easter(y)
	easter := time.Date(y, em, ed, 0, 0, 0, 0, time.UTC)
	for _, h := range []time.Time{easter, easter.AddDate(0, 0, 1)} {
		if h.Month() == m && h.Day() == d {
			return true
		}
	}
	return false
}
