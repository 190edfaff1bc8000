package sla_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome must resolve even where the OS has no zoneinfo

	"sportello/app/sla"
)

// romeLoc is read-only: every test shares it.
var romeLoc = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// rome is a wall-clock time in Rome, "2006-01-02 15:04".
func rome(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, romeLoc)
	if err != nil {
		panic(err)
	}
	return t
}

// valid returns c validated, failing the test if it is not.
func valid(t testing.TB, c sla.Calendar) *sla.Calendar {
	t.Helper()
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate(%+v) = %v, want nil", c, err)
	}
	return &c
}

func office(t testing.TB) *sla.Calendar { return valid(t, sla.OfficeHours("Europe/Rome")) }

// roundTheClock is a 24/7 calendar spelled as a week of 0–1440 spans.
func roundTheClock(t testing.TB) *sla.Calendar {
	c := sla.Calendar{TimeZone: "Europe/Rome"}
	for d := range c.Week {
		c.Week[d] = []sla.Span{{Start: 0, End: 24 * 60}}
	}
	return valid(t, c)
}

func TestCalendarAddOfficeHours(t *testing.T) {
	// 2026-02-09 is a Monday with no holiday in its week.
	tests := []struct {
		name  string
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a day", rome("2026-02-09 10:00"), 2 * time.Hour, rome("2026-02-09 12:00")},
		{"no lunch break", rome("2026-02-09 12:30"), 3 * time.Hour, rome("2026-02-09 15:30")},
		{"up to closing", rome("2026-02-09 10:00"), 8 * time.Hour, rome("2026-02-09 18:00")},
		{"zero while open", rome("2026-02-09 10:00"), 0, rome("2026-02-09 10:00")},
		{"evening into the next morning", rome("2026-02-09 17:00"), 2 * time.Hour, rome("2026-02-10 10:00")},
		{"one second past closing", rome("2026-02-09 17:00"), time.Hour + time.Second, rome("2026-02-10 09:00").Add(time.Second)},
		{"Friday evening to Monday", rome("2026-02-13 17:30"), time.Hour, rome("2026-02-16 09:30")},
		{"27 business hours", rome("2026-02-09 10:00"), 27 * time.Hour, rome("2026-02-12 10:00")},
		{"a whole business week", rome("2026-02-09 09:00"), 45 * time.Hour, rome("2026-02-13 18:00")},
		{"two business weeks", rome("2026-02-09 09:00"), 90 * time.Hour, rome("2026-02-20 18:00")},
		{"before opening", rome("2026-02-09 07:00"), time.Hour, rome("2026-02-09 10:00")},
		{"after closing", rome("2026-02-09 19:00"), time.Hour, rome("2026-02-10 10:00")},
		{"at closing", rome("2026-02-09 18:00"), time.Minute, rome("2026-02-10 09:01")},
		{"on a Saturday", rome("2026-02-14 12:00"), 9 * time.Hour, rome("2026-02-16 18:00")},
		{"on a Sunday", rome("2026-02-15 12:00"), 30 * time.Minute, rome("2026-02-16 09:30")},
		{"instant given in UTC", rome("2026-02-09 17:00").UTC(), 2 * time.Hour, rome("2026-02-10 10:00")},
		// Holidays on weekdays.
		{"over Liberation Day (Fri 2025-04-25)", rome("2025-04-24 17:00"), 2 * time.Hour, rome("2025-04-28 10:00")},
		{"over Easter Monday 2025", rome("2025-04-18 17:00"), 2 * time.Hour, rome("2025-04-22 10:00")},
		{"over Christmas 2025", rome("2025-12-24 17:00"), 2 * time.Hour, rome("2025-12-29 10:00")},
		{"over New Year 2026", rome("2025-12-31 17:00"), 2 * time.Hour, rome("2026-01-02 10:00")},
		{"over Epiphany 2026", rome("2026-01-05 17:00"), 2 * time.Hour, rome("2026-01-07 10:00")},
		{"over St Francis 2027", rome("2027-10-01 17:00"), 2 * time.Hour, rome("2027-10-05 10:00")},
		{"Oct 4 2024 is a working day", rome("2024-10-03 17:00"), 2 * time.Hour, rome("2024-10-04 10:00")},
		{"starting on a holiday", rome("2026-06-02 10:00"), time.Hour, rome("2026-06-03 10:00")},
		// Office hours keep 9 wall-clock hours across the DST changes.
		{"across the spring change", rome("2026-03-27 17:00"), 2 * time.Hour, rome("2026-03-30 10:00")},
		{"across the autumn change", rome("2026-10-23 17:00"), 2 * time.Hour, rome("2026-10-26 10:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := office(t)
			if got := c.Add(tt.start, tt.d); !got.Equal(tt.want) {
				t.Errorf("Add(%v, %v) = %v, want %v", tt.start, tt.d, got, tt.want)
			}
			// Add and Between are inverses.
			if got := c.Between(tt.start, tt.want); got != tt.d {
				t.Errorf("Between(%v, %v) = %v, want %v", tt.start, tt.want, got, tt.d)
			}
		})
	}
}

func TestCalendarBetweenOfficeHours(t *testing.T) {
	tests := []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"within a day", rome("2026-02-09 10:00"), rome("2026-02-09 12:30"), 150 * time.Minute},
		{"b before a", rome("2026-02-09 12:00"), rome("2026-02-09 10:00"), 0},
		{"a equals b", rome("2026-02-09 12:00"), rome("2026-02-09 12:00"), 0},
		{"night only", rome("2026-02-09 18:00"), rome("2026-02-10 09:00"), 0},
		{"weekend only", rome("2026-02-13 18:00"), rome("2026-02-16 09:00"), 0},
		{"over the weekend", rome("2026-02-13 17:00"), rome("2026-02-16 10:00"), 2 * time.Hour},
		{"a whole day", rome("2026-02-09 00:00"), rome("2026-02-10 00:00"), 9 * time.Hour},
		{"a whole week", rome("2026-02-09 00:00"), rome("2026-02-16 00:00"), 45 * time.Hour},
		{"a Sunday", rome("2026-02-15 00:00"), rome("2026-02-15 23:59"), 0},
		{"Easter week 2026", rome("2026-04-06 00:00"), rome("2026-04-13 00:00"), 36 * time.Hour},
		{"Christmas week 2025", rome("2025-12-22 00:00"), rome("2025-12-29 00:00"), 27 * time.Hour},
		{"DST spring Monday keeps 9 h", rome("2026-03-30 00:00"), rome("2026-03-31 00:00"), 9 * time.Hour},
		{"DST autumn Monday keeps 9 h", rome("2026-10-26 00:00"), rome("2026-10-27 00:00"), 9 * time.Hour},
		{"DST spring weekend", rome("2026-03-27 00:00"), rome("2026-03-31 00:00"), 18 * time.Hour},
		{"DST autumn weekend", rome("2026-10-23 00:00"), rome("2026-10-27 00:00"), 18 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := office(t).Between(tt.a, tt.b); got != tt.want {
				t.Errorf("Between(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestCalendarIsOpenOfficeHours(t *testing.T) {
	tests := []struct {
		at   time.Time
		want bool
	}{
		{rome("2026-02-09 08:59"), false},
		{rome("2026-02-09 09:00").Add(-time.Nanosecond), false},
		{rome("2026-02-09 09:00"), true},
		{rome("2026-02-09 13:00"), true},
		{rome("2026-02-09 17:59"), true},
		{rome("2026-02-09 18:00"), false},
		{rome("2026-02-09 23:00"), false},
		{rome("2026-02-13 12:00"), true},  // Friday
		{rome("2026-02-14 12:00"), false}, // Saturday
		{rome("2026-02-15 12:00"), false}, // Sunday
		{rome("2026-03-30 09:30"), true},  // the Monday after the spring change
		{rome("2026-10-26 17:30"), true},  // the Monday after the autumn change
		{rome("2026-10-26 18:30"), false},
		{time.Date(2026, time.February, 9, 8, 30, 0, 0, time.UTC), true},   // 09:30 in Rome
		{time.Date(2026, time.February, 9, 17, 30, 0, 0, time.UTC), false}, // 18:30 in Rome
	}
	for _, tt := range tests {
		if got := office(t).IsOpen(tt.at); got != tt.want {
			t.Errorf("IsOpen(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestItalianHolidays(t *testing.T) {
	// Every date here is a weekday, so only the holiday can close the desk.
	holidays := []string{
		"2025-01-01", "2026-01-01", "2024-01-01",
		"2025-01-06", "2026-01-06", "2027-01-06",
		"2024-04-25", "2025-04-25",
		"2024-05-01", "2025-05-01", "2026-05-01",
		"2025-06-02", "2026-06-02", "2027-06-02",
		"2024-08-15", "2025-08-15",
		"2027-11-01",
		"2025-12-08", "2026-12-08", "2027-12-08",
		"2025-12-25", "2025-12-26", "2026-12-25", "2024-12-26",
		"2027-10-04", // St Francis, a holiday from 2026
		// Easter Monday.
		"2024-04-01", "2025-04-21", "2026-04-06", "2027-03-29", "2038-04-26",
	}
	for _, day := range holidays {
		t.Run(day, func(t *testing.T) {
			d, _ := time.Parse(time.DateOnly, day)
			if got := sla.ItalianHoliday(d.Date()); !got {
				t.Errorf("ItalianHoliday(%s) = false, want true", day)
			}
			noon := rome(day + " 12:00")
			if got := office(t).IsOpen(noon); got {
				t.Errorf("OfficeHours.IsOpen(%v) = true, want false", noon)
			}
			without := sla.OfficeHours("Europe/Rome")
			without.ItalianHolidays = false
			if got := valid(t, without).IsOpen(noon); !got {
				t.Errorf("IsOpen(%v) without Italian holidays = false, want true", noon)
			}
		})
	}
	workdays := []string{
		"2024-10-04", "2025-10-03", // St Francis was not a holiday before 2026
		"2025-04-22", "2026-04-07", "2026-03-30", // the days after Easter Monday
		"2025-04-18", // Good Friday is no national holiday
		"2026-02-09", "2025-12-24", "2025-12-31", "2026-01-07",
	}
	for _, day := range workdays {
		d, _ := time.Parse(time.DateOnly, day)
		if got := sla.ItalianHoliday(d.Date()); got {
			t.Errorf("ItalianHoliday(%s) = true, want false", day)
		}
		if noon := rome(day + " 12:00"); !office(t).IsOpen(noon) {
			t.Errorf("OfficeHours.IsOpen(%v) = false, want true", noon)
		}
	}
	// Weekend days are holidays too when they fall on one (the calendar is closed anyway).
	for _, day := range []string{"2025-10-04", "2026-10-04"} {
		d, _ := time.Parse(time.DateOnly, day)
		want := d.Year() >= 2026
		if got := sla.ItalianHoliday(d.Date()); got != want {
			t.Errorf("ItalianHoliday(%s) = %v, want %v", day, got, want)
		}
	}
}

func TestEaster(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{1818, time.March, 22}, // earliest possible
		{1943, time.April, 25}, // latest possible
		{2000, time.April, 23},
		{2008, time.March, 23},
		{2011, time.April, 24},
		{2019, time.April, 21},
		{2024, time.March, 31},
		{2025, time.April, 20},
		{2026, time.April, 5},
		{2027, time.March, 28},
		{2028, time.April, 16},
		{2029, time.April, 1},
		{2030, time.April, 21},
		{2038, time.April, 25},
		{2285, time.March, 22},
	}
	for _, tt := range tests {
		m, d := sla.Easter(tt.year)
		if m != tt.month || d != tt.day {
			t.Errorf("Easter(%d) = %s %d, want %s %d", tt.year, m, d, tt.month, tt.day)
		}
		if !sla.ItalianHoliday(tt.year, tt.month, tt.day) {
			t.Errorf("ItalianHoliday(Easter %d) = false, want true", tt.year)
		}
		monday := time.Date(tt.year, tt.month, tt.day+1, 0, 0, 0, 0, time.UTC)
		if !sla.ItalianHoliday(monday.Date()) {
			t.Errorf("ItalianHoliday(Easter Monday %s) = false, want true", monday.Format(time.DateOnly))
		}
		if monday.Weekday() != time.Monday {
			t.Errorf("Easter(%d)+1 is a %s, want Monday", tt.year, monday.Weekday())
		}
	}
}

func TestCalendarCustomHolidays(t *testing.T) {
	c := sla.OfficeHours("Europe/Rome")
	c.Holidays = []string{"2026-02-10", "2026-02-12"} // Tuesday and Thursday
	cal := valid(t, c)
	if got := cal.IsOpen(rome("2026-02-10 12:00")); got {
		t.Errorf("IsOpen(custom holiday) = true, want false")
	}
	if got, want := cal.Add(rome("2026-02-09 17:00"), 2*time.Hour), rome("2026-02-11 10:00"); !got.Equal(want) {
		t.Errorf("Add(Mon 17:00, 2h) = %v, want %v", got, want)
	}
	if got, want := cal.Between(rome("2026-02-09 00:00"), rome("2026-02-16 00:00")), 27*time.Hour; got != want {
		t.Errorf("Between(week with two custom holidays) = %v, want %v", got, want)
	}
	if !cal.Closed(2026, time.February, 12) || cal.Closed(2026, time.February, 11) {
		t.Errorf("Closed(Feb 12, Feb 11) = %v, %v, want true, false", cal.Closed(2026, time.February, 12), cal.Closed(2026, time.February, 11))
	}
	// Custom holidays apply without the Italian ones too.
	c.ItalianHolidays = false
	cal = valid(t, c)
	if got := cal.IsOpen(rome("2026-02-12 12:00")); got {
		t.Errorf("IsOpen(custom holiday, no Italian holidays) = true, want false")
	}
	if got := cal.IsOpen(rome("2026-06-02 12:00")); !got {
		t.Errorf("IsOpen(Jun 2, no Italian holidays) = false, want true")
	}
}

func TestCalendarDST(t *testing.T) {
	// Europe/Rome: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
	week, always := roundTheClock(t), valid(t, sla.Always("Europe/Rome"))
	for name, c := range map[string]*sla.Calendar{"week of 0–1440": week, "AlwaysOpen": always} {
		t.Run(name, func(t *testing.T) {
			adds := []struct {
				start time.Time
				d     time.Duration
				want  time.Time
			}{
				// 24 real hours: the wall clock says 25 h in spring and 23 h in autumn.
				{rome("2026-03-28 12:00"), 24 * time.Hour, rome("2026-03-29 13:00")},
				{rome("2026-10-24 12:00"), 24 * time.Hour, rome("2026-10-25 11:00")},
				{rome("2026-03-29 01:30"), time.Hour, rome("2026-03-29 03:30")},
				{rome("2026-03-28 00:00"), 71 * time.Hour, rome("2026-03-31 00:00")},
				{rome("2026-10-24 00:00"), 73 * time.Hour, rome("2026-10-27 00:00")},
			}
			for _, tt := range adds {
				got := c.Add(tt.start, tt.d)
				if !got.Equal(tt.want) {
					t.Errorf("Add(%v, %v) = %v, want %v", tt.start, tt.d, got, tt.want)
				}
				if !got.Equal(tt.start.Add(tt.d)) {
					t.Errorf("Add(%v, %v) = %v, want the real-time %v", tt.start, tt.d, got, tt.start.Add(tt.d))
				}
			}
			betweens := []struct {
				a, b time.Time
				want time.Duration
			}{
				{rome("2026-03-29 00:00"), rome("2026-03-30 00:00"), 23 * time.Hour},
				{rome("2026-10-25 00:00"), rome("2026-10-26 00:00"), 25 * time.Hour},
				{rome("2026-03-28 00:00"), rome("2026-03-29 00:00"), 24 * time.Hour},
				{rome("2026-03-29 01:00"), rome("2026-03-29 04:00"), 2 * time.Hour},
				{rome("2026-10-25 01:00"), rome("2026-10-25 04:00"), 4 * time.Hour},
			}
			for _, tt := range betweens {
				if got := c.Between(tt.a, tt.b); got != tt.want {
					t.Errorf("Between(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
				}
			}
			for _, at := range []time.Time{rome("2026-03-29 01:59"), rome("2026-03-29 03:00"), rome("2026-10-25 02:30")} {
				if !c.IsOpen(at) {
					t.Errorf("IsOpen(%v) = false, want true", at)
				}
			}
		})
	}

	// A desk open on Sundays keeps 9 wall-clock hours on both change days.
	sunday := sla.OfficeHours("Europe/Rome")
	sunday.Week[time.Sunday] = []sla.Span{{Start: 9 * 60, End: 18 * 60}}
	cal := valid(t, sunday)
	for _, day := range []string{"2026-03-29", "2026-10-25"} {
		if got := cal.Between(rome(day+" 00:00"), rome(day+" 23:59")); got != 9*time.Hour {
			t.Errorf("Between(%s, Sunday 9–18) = %v, want 9h", day, got)
		}
		if got, want := cal.Add(rome(day+" 08:00"), 9*time.Hour), rome(day+" 18:00"); !got.Equal(want) {
			t.Errorf("Add(%s 08:00, 9h) = %v, want %v", day, got, want)
		}
	}
}

// A span whose end falls in the hour the spring change skips must not
// overlap the next span (time.Date moves such a wall clock an hour later).
func TestCalendarSpanEndingInSkippedHour(t *testing.T) {
	tests := []struct {
		name   string
		spans  []sla.Span
		day    time.Duration // business time on 2026-03-29
		closed []time.Time
		open   []time.Time
	}{
		{
			name:  "closed 02:30–03:00, which does not exist that night",
			spans: []sla.Span{{0, 150}, {180, 24 * 60}},
			day:   23 * time.Hour,
			open:  []time.Time{rome("2026-03-29 01:59"), rome("2026-03-29 03:00"), rome("2026-03-29 03:15")},
		},
		{
			name:   "closed 02:30–03:20",
			spans:  []sla.Span{{0, 150}, {200, 24 * 60}},
			day:    23*time.Hour - 20*time.Minute,
			closed: []time.Time{rome("2026-03-29 03:00"), rome("2026-03-29 03:10")},
			open:   []time.Time{rome("2026-03-29 01:59"), rome("2026-03-29 03:20")},
		},
		{
			name:   "open only 02:10–02:50, which does not exist that night",
			spans:  []sla.Span{{130, 170}},
			day:    0,
			closed: []time.Time{rome("2026-03-29 03:00"), rome("2026-03-29 03:30")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sla.Calendar{TimeZone: "Europe/Rome"}
			for d := range c.Week {
				c.Week[d] = tt.spans
			}
			cal := valid(t, c)
			a, b := rome("2026-03-29 00:00"), rome("2026-03-30 00:00")
			if got := cal.Between(a, b); got != tt.day {
				t.Errorf("Between(%v, %v) = %v, want %v", a, b, got, tt.day)
			}
			if tt.day > 0 {
				if got, want := cal.Add(a, tt.day), cal.Add(b, 0); !got.Equal(want) {
					t.Errorf("Add(%v, %v) = %v, want %v", a, tt.day, got, want)
				}
			}
			for _, at := range tt.closed {
				if cal.IsOpen(at) {
					t.Errorf("IsOpen(%v) = true, want false", at)
				}
			}
			for _, at := range tt.open {
				if !cal.IsOpen(at) {
					t.Errorf("IsOpen(%v) = false, want true", at)
				}
			}
		})
	}
}

func TestCalendarValidate(t *testing.T) {
	with := func(f func(c *sla.Calendar)) sla.Calendar {
		c := sla.OfficeHours("Europe/Rome")
		f(&c)
		return c
	}
	tests := []struct {
		name string
		cal  sla.Calendar
		ok   bool
	}{
		{"office hours", sla.OfficeHours("Europe/Rome"), true},
		{"UTC", sla.OfficeHours("UTC"), true},
		{"always", sla.Always("Europe/Rome"), true},
		{"round the clock", sla.Calendar{TimeZone: "Europe/Rome", Week: [7][]sla.Span{{{0, 1440}}}}, true},
		{"split day", with(func(c *sla.Calendar) { c.Week[1] = []sla.Span{{540, 780}, {840, 1080}} }), true},
		{"adjacent spans", with(func(c *sla.Calendar) { c.Week[1] = []sla.Span{{540, 780}, {780, 1080}} }), true},
		{"custom holiday", with(func(c *sla.Calendar) { c.Holidays = []string{"2026-08-14"} }), true},
		{"bad zone", sla.OfficeHours("Europe/Nowhere"), false},
		{"bad zone, always open", sla.Always("Mars/Olympus"), false},
		{"overlapping spans", with(func(c *sla.Calendar) { c.Week[2] = []sla.Span{{540, 780}, {720, 1080}} }), false},
		{"unordered spans", with(func(c *sla.Calendar) { c.Week[2] = []sla.Span{{840, 1080}, {540, 780}} }), false},
		{"empty span", with(func(c *sla.Calendar) { c.Week[3] = []sla.Span{{600, 600}} }), false},
		{"backwards span", with(func(c *sla.Calendar) { c.Week[3] = []sla.Span{{700, 600}} }), false},
		{"negative start", with(func(c *sla.Calendar) { c.Week[3] = []sla.Span{{-60, 600}} }), false},
		{"past midnight", with(func(c *sla.Calendar) { c.Week[5] = []sla.Span{{1200, 1500}} }), false},
		{"no hours", sla.Calendar{TimeZone: "Europe/Rome", ItalianHolidays: true}, false},
		{"bad holiday", with(func(c *sla.Calendar) { c.Holidays = []string{"2026-13-01"} }), false},
		{"holiday not YYYY-MM-DD", with(func(c *sla.Calendar) { c.Holidays = []string{"1/5/2026"} }), false},
		{"holiday without padding", with(func(c *sla.Calendar) { c.Holidays = []string{"2026-5-1"} }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cal.Validate()
			if tt.ok && err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, sla.ErrCalendar) {
				t.Errorf("Validate() = %v, want an error wrapping ErrCalendar", err)
			}
		})
	}
}

// TestCalendarAddBetweenProperty checks, for random instants and durations,
// that Between undoes Add and that Between is additive.
func TestCalendarAddBetweenProperty(t *testing.T) {
	split := sla.OfficeHours("Europe/Rome")
	split.Week[time.Wednesday] = []sla.Span{{9 * 60, 13 * 60}, {14 * 60, 18 * 60}}
	split.Week[time.Saturday] = []sla.Span{{9 * 60, 12 * 60}}
	split.Holidays = []string{"2026-08-14", "2027-12-24"}
	night := sla.Calendar{TimeZone: "Europe/Rome"} // spans around the DST hours
	for d := range night.Week {
		night.Week[d] = []sla.Span{{0, 150}, {180, 200}, {200, 7 * 60}, {22 * 60, 24 * 60}}
	}
	sunday := sla.Calendar{TimeZone: "Europe/Rome"}
	sunday.Week[time.Sunday] = []sla.Span{{60, 240}}
	cals := map[string]*sla.Calendar{
		"office":          office(t),
		"split":           valid(t, split),
		"round the clock": roundTheClock(t),
		"always":          valid(t, sla.Always("Europe/Rome")),
		"night":           valid(t, night),
		"sunday night":    valid(t, sunday),
		"new york":        valid(t, sla.OfficeHours("America/New_York")),
	}
	// Starts spread over 2024–2027, and some close to Rome's DST changes.
	changes := []time.Time{rome("2025-03-30 00:00"), rome("2025-10-26 00:00"), rome("2026-03-29 00:00"), rome("2026-10-25 00:00")}
	lo, hi := rome("2024-01-01 00:00"), rome("2028-01-01 00:00")
	for name, c := range cals {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			for i := range 400 {
				var start time.Time
				if i%2 == 0 {
					start = lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo)))))
				} else {
					start = changes[r.IntN(len(changes))].Add(time.Duration(r.Int64N(int64(72*time.Hour))) - 24*time.Hour)
				}
				d := time.Duration(r.Int64N(int64(120 * time.Hour)))
				if i%5 == 0 {
					d = time.Duration(r.Int64N(int64(3 * time.Hour)))
				}
				end := c.Add(start, d)
				if end.Before(start) {
					t.Fatalf("Add(%v, %v) = %v, before the start", start, d, end)
				}
				if got := c.Between(start, end); got != d {
					t.Fatalf("Between(%v, Add(%v, %v) = %v) = %v, want %v", start, start, d, end, got, d)
				}
				mid := start.Add(time.Duration(r.Int64N(int64(end.Sub(start)) + 1)))
				if sum, whole := c.Between(start, mid)+c.Between(mid, end), c.Between(start, end); sum != whole {
					t.Fatalf("Between(%v, %v) + Between(%v, %v) = %v, want Between(%v, %v) = %v", start, mid, mid, end, sum, start, end, whole)
				}
				if d > 0 && end.After(start) && !c.IsOpen(end.Add(-time.Nanosecond)) {
					t.Fatalf("IsOpen(Add(%v, %v) - 1ns) = false, want true (the last business instant)", start, d)
				}
			}
		})
	}
}

func ExampleCalendar_Add() {
	c := sla.OfficeHours("Europe/Rome")
	if err := c.Validate(); err != nil {
		panic(err)
	}
	friday := time.Date(2026, time.April, 24, 17, 0, 0, 0, romeLoc)
	// Apr 25 is Saturday in 2026; four business hours from Friday 17:00 end Monday at 12:00.
	fmt.Println(c.Add(friday, 4*time.Hour).Format("Mon 2006-01-02 15:04"))
	// Output: Mon 2026-04-27 12:00
}
