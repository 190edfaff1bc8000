package queue

import (
	"fmt"
	"strings"
	"time"

	"sportello/app/convo"
	"sportello/app/store"
)

func (q *Queue) act(id, agent string, fn func(c *convo.Conversation, now time.Time) ([]convo.Event, error)) (convo.Conversation, error) {
	now := q.now().UTC()
	return q.st.UpdateConversation(id, func(c *convo.Conversation) ([]convo.Event, error) {
		evs, err := fn(c, now)
		for i := range evs {
			e := &evs[i]
			e.ID = store.ID("e_", string(e.Type), id, now.String(), e.Data)
			e.At, e.ConvID, e.Account, e.Platform, e.Agent = now, id, c.AccountID, c.Platform, agent
		}
		return evs, err
	})
}

// Assign gives a conversation to agent ("" unassigns it).
func (q *Queue) Assign(id, agent string) (convo.Conversation, error) {
	agent = strings.TrimSpace(agent)
	return q.act(id, agent, func(c *convo.Conversation, _ time.Time) ([]convo.Event, error) {
		if c.Assignee == agent {
			return nil, nil
		}
		c.Assignee = agent
		return []convo.Event{{Type: convo.EvAssign, Data: agent}}, nil
	})
}

// Snooze hides a conversation until the given instant, when it comes back.
func (q *Queue) Snooze(id, agent string, until time.Time) (convo.Conversation, error) {
	return q.act(id, agent, func(c *convo.Conversation, now time.Time) ([]convo.Event, error) {
		if !until.After(now) {
			return nil, fmt.Errorf("snooze until %s: the time has already passed: %w", until.Format(time.RFC3339), ErrInvalid)
		}
		c.Status, c.SnoozeUntil = convo.StatusSnoozed, until.UTC()
		return []convo.Event{{Type: convo.EvStatus, Data: string(convo.StatusSnoozed)}}, nil
	})
}

// Resolve closes a conversation.
func (q *Queue) Resolve(id, agent string) (convo.Conversation, error) {
	return q.setStatus(id, agent, convo.StatusResolved)
}

// Reopen puts a conversation back in the open queue.
func (q *Queue) Reopen(id, agent string) (convo.Conversation, error) {
	return q.setStatus(id, agent, convo.StatusOpen)
}

// SetPending marks a conversation as waiting on the customer.
func (q *Queue) SetPending(id, agent string) (convo.Conversation, error) {
	return q.setStatus(id, agent, convo.StatusPending)
}

func (q *Queue) setStatus(id, agent string, s convo.Status) (convo.Conversation, error) {
	return q.act(id, agent, func(c *convo.Conversation, now time.Time) ([]convo.Event, error) {
		if c.Status == s {
			return nil, nil
		}
		c.Status, c.SnoozeUntil, c.ResolvedAt = s, time.Time{}, time.Time{}
		if s == convo.StatusResolved {
			c.ResolvedAt = now
			// Resolved means handled: if the customer writes again, the clock
			// starts from that new message, not from the old one.
			c.AwaitingSince = time.Time{}
		}
		return []convo.Event{{Type: convo.EvStatus, Data: string(s)}}, nil
	})
}
