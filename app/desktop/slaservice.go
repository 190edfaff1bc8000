package desktop

import (
	"sportello/app"
	"sportello/app/notify"
	"sportello/app/prefs"
	"sportello/app/sla"
)

// Span is an opening interval in minutes after local midnight.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Calendar is the business-hours calendar.
type Calendar struct {
	TimeZone        string   `json:"timeZone"`
	AlwaysOpen      bool     `json:"alwaysOpen"`
	Week            [][]Span `json:"week"` // 7 days, Sunday first
	ItalianHolidays bool     `json:"italianHolidays"`
	Holidays        []string `json:"holidays"` // YYYY-MM-DD
}

// Targets are SLA targets in minutes (0 = none).
type Targets struct {
	FirstResponse int `json:"firstResponse"`
	NextResponse  int `json:"nextResponse"`
	Resolution    int `json:"resolution"`
}

// ClassPolicy holds one class's targets by priority (low, normal, high, urgent).
type ClassPolicy struct {
	Class    string    `json:"class"`    // messaging, public, email
	Calendar string    `json:"calendar"` // always, business
	Targets  []Targets `json:"targets"`  // 4 entries
}

// Policy is the SLA configuration as the settings screen edits it.
type Policy struct {
	Classes           []ClassPolicy `json:"classes"`
	Business          Calendar      `json:"business"`
	WarnPercent       int           `json:"warnPercent"`
	WindowWarnMinutes int           `json:"windowWarnMinutes"`
	OSTimeZone        string        `json:"osTimeZone"` // read-only: the OS's zone
}

// NotifySettings are the notification preferences.
type NotifySettings struct {
	Native     bool `json:"native"`
	DND        bool `json:"dnd"`
	Quiet      bool `json:"quiet"`
	QuietStart int  `json:"quietStart"` // minutes after midnight
	QuietEnd   int  `json:"quietEnd"`
}

// SLAService edits SLA policies and lists notifications.
type SLAService struct{ core *app.App }

func fromPolicy(p sla.Policy) Policy {
	out := Policy{WarnPercent: int(p.WarnAt*100 + 0.5), WindowWarnMinutes: p.WindowWarnMinutes, OSTimeZone: prefs.TimeZone()}
	for _, cl := range sla.Classes {
		cp := p.Classes[cl]
		c := ClassPolicy{Class: string(cl), Calendar: cp.Calendar}
		for _, t := range cp.Targets {
			c.Targets = append(c.Targets, Targets(t))
		}
		out.Classes = append(out.Classes, c)
	}
	b := p.Business
	out.Business = Calendar{TimeZone: b.TimeZone, AlwaysOpen: b.AlwaysOpen, ItalianHolidays: b.ItalianHolidays, Holidays: append([]string{}, b.Holidays...)}
	for _, spans := range b.Week {
		day := []Span{}
		for _, s := range spans {
			day = append(day, Span(s))
		}
		out.Business.Week = append(out.Business.Week, day)
	}
	return out
}

func toPolicy(in Policy) (sla.Policy, error) {
	p := sla.Policy{Classes: map[sla.Class]sla.ClassPolicy{}, WarnAt: float64(in.WarnPercent) / 100, WindowWarnMinutes: in.WindowWarnMinutes}
	for _, c := range in.Classes {
		cp := sla.ClassPolicy{Calendar: c.Calendar}
		for i := 0; i < len(c.Targets) && i < 4; i++ {
			cp.Targets[i] = sla.Targets(c.Targets[i])
		}
		p.Classes[sla.Class(c.Class)] = cp
	}
	b := in.Business
	p.Business = sla.Calendar{TimeZone: b.TimeZone, AlwaysOpen: b.AlwaysOpen, ItalianHolidays: b.ItalianHolidays, Holidays: b.Holidays}
	for d := 0; d < 7 && d < len(b.Week); d++ {
		for _, s := range b.Week[d] {
			p.Business.Week[d] = append(p.Business.Week[d], sla.Span(s))
		}
	}
	return p, p.Validate()
}

// Policy returns the current SLA policy.
func (s *SLAService) Policy() (Policy, error) { return fromPolicy(s.core.SLA.Policy()), nil }

// DefaultPolicy returns the documented defaults (not saved).
func (s *SLAService) DefaultPolicy() (Policy, error) {
	return fromPolicy(sla.DefaultPolicy(prefs.TimeZone())), nil
}

// SavePolicy validates, saves and applies a policy; the queue reorders.
func (s *SLAService) SavePolicy(in Policy) (Policy, error) {
	p, err := toPolicy(in)
	if err != nil {
		return Policy{}, err
	}
	p, err = s.core.SetPolicy(p)
	if err != nil {
		return Policy{}, clean(err)
	}
	return fromPolicy(p), nil
}

// Notices returns the newest in-app notifications.
func (s *SLAService) Notices(limit int) ([]Notice, error) {
	ns, err := s.core.Notices.List(min(max(limit, 1), 500))
	if err != nil {
		return nil, clean(err)
	}
	out := make([]Notice, 0, len(ns))
	for _, n := range ns {
		out = append(out, toNotice(n))
	}
	return out, nil
}

// MarkNoticesRead marks every notification read.
func (s *SLAService) MarkNoticesRead() error { return clean(s.core.Notices.MarkAllRead()) }

// NotifySettings returns the notification preferences.
func (s *SLAService) NotifySettings() (NotifySettings, error) {
	return NotifySettings(s.core.NotifySettings()), nil
}

// SaveNotifySettings stores the notification preferences.
func (s *SLAService) SaveNotifySettings(in NotifySettings) (NotifySettings, error) {
	out, err := s.core.SaveNotifySettings(notify.Settings(in))
	return NotifySettings(out), clean(err)
}

// TestNotification shows a native notification now, so the agent can check
// the OS lets Sportello notify; the error says why not.
func (s *SLAService) TestNotification() error {
	return s.core.TestNotification()
}
