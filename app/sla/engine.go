package sla

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"sportello/app/convo"
)

// Engine holds the current policy; the store asks it for due instants and
// for the SLA events a change produces. It is safe for concurrent use.
type Engine struct {
	mu     sync.RWMutex
	policy Policy
}

// NewEngine starts with p (which must be valid).
func NewEngine(p Policy) *Engine {
	if err := p.Validate(); err != nil {
		p = DefaultPolicy("UTC")
		_ = p.Validate()
	}
	return &Engine{policy: p.clone()}
}

// Policy returns a copy of the current policy.
func (e *Engine) Policy() Policy {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.policy.clone()
}

// SetPolicy replaces the policy after validating it.
func (e *Engine) SetPolicy(p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p = p.clone()
	e.mu.Lock()
	e.policy = p
	e.mu.Unlock()
	return nil
}

// Fingerprint identifies the policy, so the store knows when due instants
// computed under another one must be recomputed.
func (e *Engine) Fingerprint() string {
	p := e.Policy()
	b, _ := json.Marshal(p)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// Due is the conversation's due instant under the current policy.
func (e *Engine) Due(c convo.Conversation) time.Time {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.policy.Due(c)
}

// Deadlines are the conversation's deadlines at now under the current policy.
func (e *Engine) Deadlines(c convo.Conversation, now time.Time) []Deadline {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.policy.Deadlines(c, now)
}

// Plan is the conversation's deadlines without their states (cheap: no
// look at the calendar's opening hours now).
func (e *Engine) Plan(c convo.Conversation) []Deadline {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.policy.deadlines(c, time.Time{}, false)
}

// EventID is the ID of an SLA event: the same whoever records it (the store
// when an answer arrives late, or the watcher when the deadline passes), so
// it is stored once.
func EventID(t convo.EventType, conv string, key Key, start time.Time) string {
	h := sha256.Sum256([]byte(strings.Join([]string{string(t), conv, string(key), start.UTC().Format(time.RFC3339Nano)}, "\x00")))
	return "e_" + hex.EncodeToString(h[:10])
}

// Record is an SLA event for deadline d of conversation c.
func Record(t convo.EventType, c convo.Conversation, d Deadline, at time.Time) convo.Event {
	return convo.Event{ID: EventID(t, c.ID, d.Key, d.Start), Type: t, At: at, ConvID: c.ID, Account: c.AccountID,
		Platform: c.Platform, Agent: c.Assignee, Data: string(d.Key), Start: d.Start, Due: d.Due}
}

// OnWrite returns the met and breached records of the targets that the
// change from before to after completes: a first or next response sent, or
// the conversation resolved. A breach already recorded by the watcher has
// the same ID and is not stored twice.
func (e *Engine) OnWrite(before *convo.Conversation, after convo.Conversation) []convo.Event {
	if before == nil {
		before = &convo.Conversation{}
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []convo.Event
	done := func(key Key, deadlines []Deadline) {
		for _, d := range deadlines {
			if d.Key != key || d.Done.IsZero() {
				continue
			}
			if d.State == Met {
				out = append(out, Record(convo.EvSLAMet, after, d, d.Done))
			} else {
				out = append(out, Record(convo.EvSLABreached, after, d, d.Due))
			}
		}
	}
	if before.FirstOut.IsZero() && !after.FirstOut.IsZero() {
		done(KeyFirstResponse, e.policy.deadlines(after, time.Time{}, false))
	}
	// A next response: the customer was waiting after the first response and no longer is.
	if !before.FirstOut.IsZero() && !before.AwaitingSince.IsZero() && before.AwaitingSince.After(before.FirstOut) &&
		!after.AwaitingSince.Equal(before.AwaitingSince) && after.LastOut.After(before.AwaitingSince) {
		for _, d := range e.policy.deadlines(*before, time.Time{}, false) {
			if d.Key == KeyNextResponse {
				d.Done = after.LastOut
				d.State = Met
				if d.Done.After(d.Due) {
					d.State = Breached
				}
				done(KeyNextResponse, []Deadline{d})
			}
		}
	}
	if before.Status != convo.StatusResolved && after.Status == convo.StatusResolved {
		done(KeyResolution, e.policy.deadlines(after, time.Time{}, false))
	}
	return out
}
