package sla_test

import (
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"sportello/app/convo"
	"sportello/app/sla"
)

func newEngine(t testing.TB) *sla.Engine {
	t.Helper()
	return sla.NewEngine(defaultPolicy(t))
}

// slaEvent is the event OnWrite should produce for conversation c.
func slaEvent(typ convo.EventType, c convo.Conversation, key sla.Key, at, start, due time.Time) convo.Event {
	return convo.Event{ID: sla.EventID(typ, c.ID, key, start), Type: typ, At: at, ConvID: c.ID, Account: c.AccountID,
		Platform: c.Platform, Agent: c.Assignee, Data: string(key), Start: start, Due: due}
}

func TestOnWrite(t *testing.T) {
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	first := answered(dm, at(10*minute))
	again := wroteAgain(first, at(hour))
	resolve := func(c convo.Conversation, when time.Time) convo.Conversation {
		c.Status, c.ResolvedAt, c.AwaitingSince = convo.StatusResolved, when, time.Time{}
		return c
	}
	mail := waiting(convo.PlatformEmail, convo.KindEmail)
	mail.Created, mail.LastIn, mail.LastAt, mail.AwaitingSince = rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00")
	mailDue := rome("2026-02-16 12:00")
	reassigned, tagged, prioritised, snoozed, pending := dm, dm, dm, dm, first
	reassigned.Assignee = "bruno"
	tagged.Tags = []string{"refund"}
	prioritised.Priority = convo.PriorityUrgent
	snoozed.Status, snoozed.SnoozeUntil = convo.StatusSnoozed, at(hour)
	pending.Status = convo.StatusPending
	stillResolved := resolve(first, at(hour))
	stillResolved.Tags = []string{"done"}
	// a reply delivered after a later customer message: the customer still waits, from that message
	outOfOrder := again
	outOfOrder.LastIn, outOfOrder.LastOut, outOfOrder.AwaitingSince = at(hour+5*minute), at(hour+10*minute), at(hour+5*minute)
	// an outbound written before the customer's new message, delivered after it
	earlier := again
	earlier.LastOut = at(50 * minute)
	// the last outbound moved but the customer still waits from the same message
	stillWaiting := again
	stillWaiting.LastOut = at(hour + 10*minute)

	tests := []struct {
		name   string
		before *convo.Conversation
		after  convo.Conversation
		want   []convo.Event
	}{
		{"first response in time", &dm, first, []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyFirstResponse, at(10*minute), t0, at(15*minute)),
		}},
		{"first response in time, new conversation", nil, first, []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyFirstResponse, at(10*minute), t0, at(15*minute)),
		}},
		{"first response late: breached at the deadline", &dm, answered(dm, at(20*minute)), []convo.Event{
			slaEvent(convo.EvSLABreached, dm, sla.KeyFirstResponse, at(15*minute), t0, at(15*minute)),
		}},
		{"first response at the deadline: met", &dm, answered(dm, at(15*minute)), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyFirstResponse, at(15*minute), t0, at(15*minute)),
		}},
		{"first response on an urgent conversation", &prioritised, answered(prioritised, at(5*minute)), []convo.Event{
			slaEvent(convo.EvSLABreached, dm, sla.KeyFirstResponse, at(3*minute), t0, at(3*minute)),
		}},
		{"e-mail answered Monday morning: met in business hours", &mail, answered(mail, rome("2026-02-16 11:00")), []convo.Event{
			slaEvent(convo.EvSLAMet, mail, sla.KeyFirstResponse, rome("2026-02-16 11:00"), mail.Created, mailDue),
		}},
		{"e-mail answered Monday afternoon: breached", &mail, answered(mail, rome("2026-02-16 13:00")), []convo.Event{
			slaEvent(convo.EvSLABreached, mail, sla.KeyFirstResponse, mailDue, mail.Created, mailDue),
		}},
		{"next response in time", &again, answered(again, at(hour+20*minute)), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyNextResponse, at(hour+20*minute), at(hour), at(hour+30*minute)),
		}},
		{"next response late", &again, answered(again, at(2*hour)), []convo.Event{
			slaEvent(convo.EvSLABreached, dm, sla.KeyNextResponse, at(hour+30*minute), at(hour), at(hour+30*minute)),
		}},
		{"next response delivered after a later message", &again, outOfOrder, []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyNextResponse, at(hour+10*minute), at(hour), at(hour+30*minute)),
		}},
		{"resolved in time", &first, resolve(first, at(3*hour)), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyResolution, at(3*hour), t0, at(day)),
		}},
		{"resolved late", &first, resolve(first, at(30*hour)), []convo.Event{
			slaEvent(convo.EvSLABreached, dm, sla.KeyResolution, at(day), t0, at(day)),
		}},
		{"resolved without a time: the last message", &first, resolve(first, time.Time{}), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyResolution, at(10*minute), t0, at(day)),
		}},
		{"resolved from pending", &pending, resolve(pending, at(2*hour)), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyResolution, at(2*hour), t0, at(day)),
		}},
		{"answered and resolved at once", &dm, resolve(answered(dm, at(20*minute)), at(25*minute)), []convo.Event{
			slaEvent(convo.EvSLABreached, dm, sla.KeyFirstResponse, at(15*minute), t0, at(15*minute)),
			slaEvent(convo.EvSLAMet, dm, sla.KeyResolution, at(25*minute), t0, at(day)),
		}},
		{"resolved while waiting again: no next response", &again, resolve(again, at(2*hour)), []convo.Event{
			slaEvent(convo.EvSLAMet, dm, sla.KeyResolution, at(2*hour), t0, at(day)),
		}},
		{"an earlier outbound delivered late", &again, earlier, nil},
		{"outbound while still waiting from the same message", &again, stillWaiting, nil},
		{"unchanged", &dm, dm, nil},
		{"reassigned", &dm, reassigned, nil},
		{"tagged", &dm, tagged, nil},
		{"priority raised", &dm, prioritised, nil},
		{"snoozed", &dm, snoozed, nil},
		{"set pending", &first, pending, nil},
		{"another inbound while waiting", &dm, wroteAgain(dm, at(5*minute)), nil},
		{"the customer writes after the answer", &first, again, nil},
		{"a second outbound, nobody waiting", &first, answered(first, at(30*minute)), nil},
		{"a change to a resolved conversation", &stillResolved, stillResolved, nil},
		{"new conversation, not answered", nil, dm, nil},
	}
	e := newEngine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.OnWrite(tt.before, tt.after)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("OnWrite(%s) mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestEventID(t *testing.T) {
	start := at(0)
	id := sla.EventID(convo.EvSLABreached, "c1", sla.KeyFirstResponse, start)
	if got := sla.EventID(convo.EvSLABreached, "c1", sla.KeyFirstResponse, start.UTC()); got != id {
		t.Errorf("EventID(start in UTC) = %s, want %s (the same instant in Rome)", got, id)
	}
	if len(id) != len("e_")+20 || id[:2] != "e_" {
		t.Errorf("EventID = %q, want e_ and 20 hex digits", id)
	}
	others := map[string]string{
		"type":  sla.EventID(convo.EvSLAMet, "c1", sla.KeyFirstResponse, start),
		"conv":  sla.EventID(convo.EvSLABreached, "c2", sla.KeyFirstResponse, start),
		"key":   sla.EventID(convo.EvSLABreached, "c1", sla.KeyResolution, start),
		"start": sla.EventID(convo.EvSLABreached, "c1", sla.KeyFirstResponse, start.Add(time.Nanosecond)),
	}
	for what, other := range others {
		if other == id {
			t.Errorf("EventID with another %s = %s, want different from %s", what, other, id)
		}
	}
	// What the watcher records at a breach is what the store derives from a late answer.
	c := waiting(convo.PlatformMessenger, convo.KindDM)
	var fr sla.Deadline
	for _, d := range newEngine(t).Deadlines(c, at(20*minute)) {
		if d.Key == sla.KeyFirstResponse {
			fr = d
		}
	}
	watcher := sla.Record(convo.EvSLABreached, c, fr, fr.Due)
	late := newEngine(t).OnWrite(&c, answered(c, at(20*minute)))
	if len(late) != 1 {
		t.Fatalf("OnWrite(late answer) = %+v, want one event", late)
	}
	if diff := cmp.Diff(watcher, late[0]); diff != "" {
		t.Errorf("watcher's breach vs OnWrite's breach mismatch (-watcher +onwrite):\n%s", diff)
	}
}

func TestSetPolicy(t *testing.T) {
	change := func(f func(p *sla.Policy)) sla.Policy {
		p := sla.DefaultPolicy("Europe/Rome")
		f(&p)
		return p
	}
	invalid := []struct {
		name string
		p    sla.Policy
	}{
		{"bad time zone", sla.DefaultPolicy("Europe/Atlantis")},
		{"no business hours", change(func(p *sla.Policy) { p.Business.Week = [7][]sla.Span{} })},
		{"bad holiday", change(func(p *sla.Policy) { p.Business.Holidays = []string{"Ferragosto"} })},
		{"warning at 0", change(func(p *sla.Policy) { p.WarnAt = 0 })},
		{"warning at 100%", change(func(p *sla.Policy) { p.WarnAt = 1 })},
		{"warning not a number", change(func(p *sla.Policy) { p.WarnAt = math.NaN() })},
		{"negative window warning", change(func(p *sla.Policy) { p.WindowWarnMinutes = -1 })},
		{"window warning over a day", change(func(p *sla.Policy) { p.WindowWarnMinutes = 24*60 + 1 })},
		{"a class missing", change(func(p *sla.Policy) { delete(p.Classes, sla.ClassPublic) })},
		{"no classes", change(func(p *sla.Policy) { p.Classes = nil })},
		{"unknown calendar", change(func(p *sla.Policy) {
			cp := p.Classes[sla.ClassEmail]
			cp.Calendar = "weekdays"
			p.Classes[sla.ClassEmail] = cp
		})},
		{"negative target", change(func(p *sla.Policy) {
			cp := p.Classes[sla.ClassMessaging]
			cp.Targets[3].NextResponse = -5
			p.Classes[sla.ClassMessaging] = cp
		})},
	}
	e := newEngine(t)
	fp := e.Fingerprint()
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.SetPolicy(tt.p); !errors.Is(err, sla.ErrCalendar) {
				t.Errorf("SetPolicy(%s) = %v, want an error wrapping ErrCalendar", tt.name, err)
			}
			if got := e.Fingerprint(); got != fp {
				t.Errorf("Fingerprint after a refused policy = %s, want %s", got, fp)
			}
			if got, want := e.Due(dm), at(15*minute); !got.Equal(want) {
				t.Errorf("Due after a refused policy = %v, want %v", got, want)
			}
		})
	}

	if fp2 := newEngine(t).Fingerprint(); fp2 != fp {
		t.Errorf("Fingerprint of the same policy = %s, want %s", fp2, fp)
	}
	faster := change(func(p *sla.Policy) {
		cp := p.Classes[sla.ClassMessaging]
		cp.Targets[convo.PriorityNormal].FirstResponse = 5
		p.Classes[sla.ClassMessaging] = cp
	})
	if err := e.SetPolicy(faster); err != nil {
		t.Fatalf("SetPolicy(faster) = %v, want nil", err)
	}
	fpFaster := e.Fingerprint()
	if fpFaster == fp {
		t.Errorf("Fingerprint after a policy change = %s, want a new one", fpFaster)
	}
	if got, want := e.Due(dm), at(5*minute); !got.Equal(want) {
		t.Errorf("Due under the new policy = %v, want %v", got, want)
	}
	for name, p := range map[string]sla.Policy{
		"holiday added": change(func(p *sla.Policy) { p.Business.Holidays = []string{"2026-08-14"} }),
		"hours changed": change(func(p *sla.Policy) { p.Business.Week[time.Saturday] = []sla.Span{{540, 720}} }),
		"time zone":     sla.DefaultPolicy("Europe/London"),
		"warn at":       change(func(p *sla.Policy) { p.WarnAt = 0.5 }),
	} {
		if err := e.SetPolicy(p); err != nil {
			t.Fatalf("SetPolicy(%s) = %v, want nil", name, err)
		}
		if got := e.Fingerprint(); got == fp || got == fpFaster {
			t.Errorf("Fingerprint after %s = %s, want a new one", name, got)
		}
	}
	if err := e.SetPolicy(sla.DefaultPolicy("Europe/Rome")); err != nil {
		t.Fatalf("SetPolicy(default) = %v, want nil", err)
	}
	if got := e.Fingerprint(); got != fp {
		t.Errorf("Fingerprint back on the default policy = %s, want %s", got, fp)
	}
	if diff := cmp.Diff(sla.DefaultPolicy("Europe/Rome"), e.Policy(), cmpopts.IgnoreUnexported(sla.Calendar{})); diff != "" {
		t.Errorf("Policy() mismatch (-want +got):\n%s", diff)
	}
}

func TestNewEngineInvalidPolicy(t *testing.T) {
	e := sla.NewEngine(sla.DefaultPolicy("Nowhere/Else"))
	if got := e.Policy().Business.TimeZone; got != "UTC" {
		t.Errorf("NewEngine(invalid).Policy().Business.TimeZone = %q, want UTC (the default policy)", got)
	}
	if got, want := e.Fingerprint(), sla.NewEngine(sla.DefaultPolicy("UTC")).Fingerprint(); got != want {
		t.Errorf("NewEngine(invalid).Fingerprint() = %s, want the UTC default's %s", got, want)
	}
}

// The policy an engine hands out is a copy: editing it changes nothing
// until SetPolicy.
func TestPolicyIsACopy(t *testing.T) {
	e := newEngine(t)
	fp := e.Fingerprint()
	p := e.Policy()
	cp := p.Classes[sla.ClassMessaging]
	cp.Targets[convo.PriorityNormal].FirstResponse = 1
	p.Classes[sla.ClassMessaging] = cp
	p.Business.Week[time.Monday][0].End = 10 * 60
	if got := e.Fingerprint(); got != fp {
		t.Errorf("Fingerprint after editing the copy = %s, want %s", got, fp)
	}
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	if got, want := e.Due(dm), at(15*minute); !got.Equal(want) {
		t.Errorf("Due after editing the copy = %v, want %v", got, want)
	}
	// And the engine keeps no reference to what SetPolicy was given.
	given := sla.DefaultPolicy("Europe/Rome")
	if err := e.SetPolicy(given); err != nil {
		t.Fatalf("SetPolicy = %v, want nil", err)
	}
	given.Classes[sla.ClassMessaging] = cp
	if got, want := e.Due(dm), at(15*minute); !got.Equal(want) {
		t.Errorf("Due after editing the policy given to SetPolicy = %v, want %v", got, want)
	}
}

// TestEngineConcurrent is for the race detector: the store, the watcher and
// the settings page use one engine at once.
func TestEngineConcurrent(t *testing.T) {
	e := newEngine(t)
	policies := []sla.Policy{sla.DefaultPolicy("Europe/Rome"), sla.DefaultPolicy("UTC")}
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	mail := waiting(convo.PlatformEmail, convo.KindEmail)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				switch (g + i) % 5 {
				case 0:
					if err := e.SetPolicy(policies[i%2]); err != nil {
						t.Errorf("SetPolicy = %v, want nil", err)
					}
				case 1:
					e.Due(mail)
					e.Due(dm)
				case 2:
					e.Deadlines(mail, at(time.Duration(i)*hour))
				case 3:
					e.OnWrite(&mail, answered(mail, at(time.Duration(i)*hour)))
				case 4:
					e.Fingerprint()
					p := e.Policy()
					p.Business.IsOpen(at(time.Duration(i) * hour))
				}
			}
		})
	}
	wg.Wait()
}
