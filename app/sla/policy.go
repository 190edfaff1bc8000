package sla

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"sportello/app/convo"
)

// Metric is one SLA clock.
type Metric string

const (
	FirstResponse Metric = "first_response"
	NextResponse  Metric = "next_response"
	Resolution    Metric = "resolution"
)

// Class groups conversation kinds that share targets.
type Class string

const (
	ClassMessaging Class = "messaging" // private messages (DMs)
	ClassPublic    Class = "public"    // public comments and mentions
	ClassEmail     Class = "email"
)

// Classes in display order.
var Classes = []Class{ClassMessaging, ClassPublic, ClassEmail}

// ClassOf is the class of a conversation.
func ClassOf(c convo.Conversation) Class {
	switch {
	case c.Kind == convo.KindEmail:
		return ClassEmail
	case c.Public || c.Kind == convo.KindComment || c.Kind == convo.KindMention:
		return ClassPublic
	}
	return ClassMessaging
}

// Targets are the three SLA targets, in minutes of business time (0 = none).
type Targets struct {
	FirstResponse int `json:"firstResponse"`
	NextResponse  int `json:"nextResponse"`
	Resolution    int `json:"resolution"`
}

func (t Targets) of(m Metric) time.Duration {
	switch m {
	case FirstResponse:
		return time.Duration(t.FirstResponse) * time.Minute
	case NextResponse:
		return time.Duration(t.NextResponse) * time.Minute
	}
	return time.Duration(t.Resolution) * time.Minute
}

// ClassPolicy is the policy of one class: targets per priority and its calendar.
type ClassPolicy struct {
	// Targets by priority: index 0 low, 1 normal, 2 high, 3 urgent.
	Targets [4]Targets `json:"targets"`
	// Calendar is "always" (24/7) or "business" (the business calendar).
	Calendar string `json:"calendar"`
}

// Policy is the whole SLA configuration.
type Policy struct {
	Classes  map[Class]ClassPolicy `json:"classes"`
	Business Calendar              `json:"business"`
	// WarnAt is the share of a target elapsed that raises a warning (0.75 = 75%).
	WarnAt float64 `json:"warnAt"`
	// WindowWarn is how long before a platform reply window closes to warn.
	WindowWarnMinutes int `json:"windowWarnMinutes"`
}

// DefaultPolicy is what a new desk starts with. Customers on messaging
// channels expect an answer within minutes, around the clock; a public
// complaint needs speed first, so public items get the tightest targets;
// e-mail is counted in business hours of the office calendar.
func DefaultPolicy(tz string) Policy {
	scale := func(t Targets, f float64) Targets {
		return Targets{int(float64(t.FirstResponse) * f), int(float64(t.NextResponse) * f), int(float64(t.Resolution) * f)}
	}
	by := func(normal Targets) [4]Targets {
		return [4]Targets{scale(normal, 2), normal, scale(normal, 0.5), scale(normal, 0.25)}
	}
	return Policy{
		Classes: map[Class]ClassPolicy{
			ClassMessaging: {Targets: by(Targets{FirstResponse: 15, NextResponse: 30, Resolution: 24 * 60}), Calendar: "always"},
			ClassPublic:    {Targets: by(Targets{FirstResponse: 10, NextResponse: 20, Resolution: 8 * 60}), Calendar: "always"},
			ClassEmail:     {Targets: by(Targets{FirstResponse: 4 * 60, NextResponse: 8 * 60, Resolution: 3 * 9 * 60}), Calendar: "business"},
		},
		Business:          OfficeHours(tz),
		WarnAt:            0.75,
		WindowWarnMinutes: 5,
	}
}

// Validate checks a policy (and loads its calendar's time zone).
func (p *Policy) Validate() error {
	if err := p.Business.Validate(); err != nil {
		return err
	}
	if !(p.WarnAt > 0 && p.WarnAt < 1) { // NaN too
		return fmt.Errorf("warning threshold %.0f%% must be between 1%% and 99%%: %w", p.WarnAt*100, ErrCalendar)
	}
	if p.WindowWarnMinutes < 0 || p.WindowWarnMinutes > 24*60 {
		return fmt.Errorf("window warning of %d minutes: %w", p.WindowWarnMinutes, ErrCalendar)
	}
	for _, cl := range Classes {
		cp, ok := p.Classes[cl]
		if !ok {
			return fmt.Errorf("no targets for %s: %w", cl, ErrCalendar)
		}
		if cp.Calendar != "always" && cp.Calendar != "business" {
			return fmt.Errorf("%s: unknown calendar %q: %w", cl, cp.Calendar, ErrCalendar)
		}
		for _, t := range cp.Targets {
			if t.FirstResponse < 0 || t.NextResponse < 0 || t.Resolution < 0 {
				return fmt.Errorf("%s: negative target: %w", cl, ErrCalendar)
			}
		}
	}
	return nil
}

// clone is a deep copy, so a policy handed out or taken in by the engine
// shares no map or slice with the one it uses.
func (p Policy) clone() Policy {
	p.Classes = maps.Clone(p.Classes)
	p.Business.Holidays = slices.Clone(p.Business.Holidays)
	for d := range p.Business.Week {
		p.Business.Week[d] = slices.Clone(p.Business.Week[d])
	}
	return p
}

func (p *Policy) calendarOf(cl Class) *Calendar {
	if p.Classes[cl].Calendar == "business" {
		return &p.Business
	}
	a := Always(p.Business.TimeZone)
	return &a
}
