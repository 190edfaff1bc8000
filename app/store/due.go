package store

import (
	"time"

	"sportello/app/convo"
)

// Response targets used until the SLA engine plugs in through Options.Due.
// Messaging customers expect minutes; public items need speed first; e-mail hours.
var defaultTargets = map[convo.Kind]struct{ first, next time.Duration }{
	convo.KindDM:      {15 * time.Minute, 30 * time.Minute},
	convo.KindComment: {10 * time.Minute, 20 * time.Minute},
	convo.KindMention: {10 * time.Minute, 20 * time.Minute},
	convo.KindEmail:   {4 * time.Hour, 8 * time.Hour},
}

// DefaultDue is a conversation's due instant from a simple per-kind
// first/next-response target: zero when nothing is due.
func DefaultDue(c convo.Conversation) time.Time {
	switch c.Status {
	case convo.StatusResolved, convo.StatusPending:
		return time.Time{}
	case convo.StatusSnoozed:
		return c.SnoozeUntil
	}
	if c.AwaitingSince.IsZero() {
		return time.Time{}
	}
	t := defaultTargets[c.Kind]
	if c.LastOut.IsZero() {
		return c.AwaitingSince.Add(t.first)
	}
	return c.AwaitingSince.Add(t.next)
}
