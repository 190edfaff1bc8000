package sla

import (
	"time"

	"sportello/app/convo"
)

// State is where a deadline stands.
type State string

const (
	Running  State = "running"
	Paused   State = "paused" // running, but outside business hours: the clock is stopped
	Met      State = "met"
	Breached State = "breached"
)

// Key names a deadline: an SLA metric or a platform reply window.
type Key string

const (
	KeyFirstResponse Key = Key(FirstResponse)
	KeyNextResponse  Key = Key(NextResponse)
	KeyResolution    Key = Key(Resolution)
	// KeyReplyWindow is the free reply window (Messenger, Instagram, WhatsApp: 24 h).
	KeyReplyWindow Key = "reply_window"
	// KeyHumanAgent is Messenger's and Instagram's HUMAN_AGENT extension (7 days).
	KeyHumanAgent Key = "human_agent"
	// KeyPrivateReply is the one private reply a public comment may get (7 days).
	KeyPrivateReply Key = "private_reply"
)

// Deadline is one clock of a conversation.
type Deadline struct {
	Key    Key
	Window bool      // a platform rule rather than an SLA target
	Start  time.Time // when the clock started
	Warn   time.Time // when to warn (zero: no warning)
	Due    time.Time
	State  State
	Done   time.Time // when it was met, or answered late
	// Target is the SLA target in business time (zero for windows).
	Target time.Duration
}

// Mode is what can be sent to the customer now.
type Mode string

const (
	ModeFree     Mode = "free"     // any reply
	ModeTagged   Mode = "tagged"   // only a human-written reply with the HUMAN_AGENT tag
	ModeTemplate Mode = "template" // only an approved template (WhatsApp)
	ModeClosed   Mode = "closed"   // nothing can be sent
	// ModeAwaiting: a private conversation the brand opened with a private
	// reply; Meta accepts nothing more until the customer answers.
	ModeAwaiting Mode = "awaiting"
)

// Reply says what can be sent now and until when.
type Reply struct {
	Mode  Mode
	Until time.Time // zero: no limit
	// PrivateReplyUntil is set while a public comment can still get its one private reply.
	PrivateReplyUntil time.Time
}

// Platform reply windows (platforms.md).
const (
	StandardWindow = 24 * time.Hour
	HumanAgent     = 7 * 24 * time.Hour
	PrivateReply   = 7 * 24 * time.Hour
)

// ReplyState applies the platform's reply windows to a conversation at now.
func ReplyState(c convo.Conversation, now time.Time) Reply {
	r := Reply{Mode: ModeFree}
	dm := c.Kind == convo.KindDM
	switch {
	case dm && (c.Platform == convo.PlatformMessenger || c.Platform == convo.PlatformInstagram) && c.LastIn.IsZero():
		r.Mode = ModeAwaiting
	case dm && (c.Platform == convo.PlatformMessenger || c.Platform == convo.PlatformInstagram):
		free, tagged := c.LastIn.Add(StandardWindow), c.LastIn.Add(HumanAgent)
		switch {
		case now.Before(free):
			r.Until = free
		case now.Before(tagged):
			r.Mode, r.Until = ModeTagged, tagged
		default:
			r.Mode = ModeClosed
		}
	case dm && c.Platform == convo.PlatformWhatsApp && !c.LastIn.IsZero():
		if free := c.LastIn.Add(StandardWindow); now.Before(free) {
			r.Until = free
		} else {
			r.Mode = ModeTemplate
		}
	}
	if c.Kind == convo.KindComment && (c.Platform == convo.PlatformFacebook || c.Platform == convo.PlatformInstagram) &&
		c.PrivateReplyAt.IsZero() && now.Before(c.Created.Add(PrivateReply)) {
		r.PrivateReplyUntil = c.Created.Add(PrivateReply)
	}
	return r
}

// Deadlines returns every deadline of a conversation at now: its SLA
// metrics and, while the customer waits, its platform reply windows.
func (p *Policy) Deadlines(c convo.Conversation, now time.Time) []Deadline {
	return p.deadlines(c, now, true)
}

// deadlines computes the deadlines; without states, now is not used and the
// result depends only on the conversation.
func (p *Policy) deadlines(c convo.Conversation, now time.Time, states bool) []Deadline {
	cl := ClassOf(c)
	cal := p.calendarOf(cl)
	prio := min(max(int(c.Priority), 0), 3)
	targets := p.Classes[cl].Targets[prio]
	var out []Deadline
	sla := func(key Key, m Metric, start, done time.Time) {
		target := targets.of(m)
		if target <= 0 || start.IsZero() {
			return
		}
		d := Deadline{Key: key, Start: start, Target: target, Due: cal.Add(start, target)}
		if d.Due.IsZero() {
			return // the calendar never gets there: nothing to promise
		}
		d.Warn = cal.Add(start, time.Duration(float64(target)*p.WarnAt))
		switch {
		case !done.IsZero():
			d.Done = done
			d.State = Met
			if done.After(d.Due) {
				d.State = Breached
			}
		case !states:
		case !now.Before(d.Due):
			d.State = Breached
		case !cal.IsOpen(now):
			d.State = Paused
		default:
			d.State = Running
		}
		out = append(out, d)
	}
	firstIn := c.Created
	sla(KeyFirstResponse, FirstResponse, firstIn, c.FirstOut)
	if !c.FirstOut.IsZero() && !c.AwaitingSince.IsZero() && c.AwaitingSince.After(c.FirstOut) {
		sla(KeyNextResponse, NextResponse, c.AwaitingSince, time.Time{})
	}
	resolved := time.Time{}
	if c.Status == convo.StatusResolved {
		resolved = c.ResolvedAt
		if resolved.IsZero() {
			resolved = c.LastAt
		}
	}
	sla(KeyResolution, Resolution, firstIn, resolved)

	// Reply windows matter while the customer waits for an answer.
	if c.AwaitingSince.IsZero() || c.Status == convo.StatusResolved {
		return out
	}
	warn := time.Duration(p.WindowWarnMinutes) * time.Minute
	window := func(key Key, start, due time.Time) {
		d := Deadline{Key: key, Window: true, Start: start, Due: due, Warn: due.Add(-warn), State: Running}
		if states && !now.Before(due) {
			d.State = Breached // closed unanswered
		}
		out = append(out, d)
	}
	privateUntil := time.Time{}
	if c.Kind == convo.KindComment && (c.Platform == convo.PlatformFacebook || c.Platform == convo.PlatformInstagram) && c.PrivateReplyAt.IsZero() {
		privateUntil = c.Created.Add(PrivateReply)
	}
	switch {
	case c.Kind != convo.KindDM:
	case c.Platform == convo.PlatformMessenger || c.Platform == convo.PlatformInstagram:
		window(KeyReplyWindow, c.LastIn, c.LastIn.Add(StandardWindow))
		window(KeyHumanAgent, c.LastIn, c.LastIn.Add(HumanAgent))
	case c.Platform == convo.PlatformWhatsApp:
		window(KeyReplyWindow, c.LastIn, c.LastIn.Add(StandardWindow))
	}
	if !privateUntil.IsZero() {
		window(KeyPrivateReply, c.Created, privateUntil)
	}
	return out
}

// Due is a conversation's due instant: the earliest deadline not yet met
// (an overdue one stays due, so it stays on top). Zero when nothing is due.
// It depends only on the conversation, so the store can index it.
func (p *Policy) Due(c convo.Conversation) time.Time {
	switch c.Status {
	case convo.StatusResolved:
		return time.Time{}
	case convo.StatusSnoozed:
		return c.SnoozeUntil
	}
	var due time.Time
	for _, d := range p.deadlines(c, time.Time{}, false) {
		if !d.Done.IsZero() {
			continue
		}
		if c.Status == convo.StatusPending && !d.Window && d.Key != KeyResolution {
			continue // waiting on the customer: response clocks don't apply
		}
		if due.IsZero() || d.Due.Before(due) {
			due = d.Due
		}
	}
	return due
}
