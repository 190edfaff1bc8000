package sla_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/store"
)

// openStore is an in-memory store wired to e the way app.New wires it.
func openStore(t *testing.T, e *sla.Engine) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Now: func() time.Time { return at(day) }, Due: e.Due, OnWrite: e.OnWrite})
	if err != nil {
		t.Fatalf("store.Open(in memory) = %v, want nil", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// message is one message of thread on the customer's platform.
func message(p convo.Platform, kind convo.Kind, thread, id string, dir convo.Direction, when time.Time) convo.Inbound {
	return convo.Inbound{ThreadID: thread, Kind: kind, Public: kind.Public(),
		Customer: convo.Identity{Platform: p, Handle: "cust-" + thread, DisplayName: "Giulia Rossi"},
		Message:  convo.Message{PlatformID: id, Direction: dir, Author: "x", Text: "ciao", At: when}}
}

func ingest(t *testing.T, st *store.Store, items ...convo.Inbound) {
	t.Helper()
	res, err := st.Ingest("acc", items, "")
	if err != nil || len(res.Rejected) > 0 {
		t.Fatalf("Ingest = %+v, %v, want no error", res, err)
	}
}

// slaEvents are the SLA events of conversation conv stored for t0's UTC day.
func slaEvents(t *testing.T, st *store.Store, conv string) []convo.Event {
	t.Helper()
	var out []convo.Event
	err := st.Events(t0.UTC().Format("20060102"), func(e convo.Event) error {
		if e.ConvID == conv && (e.Type == convo.EvSLAMet || e.Type == convo.EvSLABreached) {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Events = %v, want nil", err)
	}
	return out
}

func conversation(t *testing.T, st *store.Store, id string) convo.Conversation {
	t.Helper()
	c, err := st.Conversation(id)
	if err != nil {
		t.Fatalf("Conversation(%s) = %v, want nil", id, err)
	}
	return c
}

func TestStoreRecordsSLAOnce(t *testing.T) {
	e := newEngine(t)
	conv := store.ConvID("acc", "t1")
	want := func(typ convo.EventType, at, due time.Time) []convo.Event {
		return []convo.Event{{ID: sla.EventID(typ, conv, sla.KeyFirstResponse, t0), Type: typ, At: at, ConvID: conv, Account: "acc",
			Platform: convo.PlatformMessenger, Data: string(sla.KeyFirstResponse), Start: t0, Due: due}}
	}
	tests := []struct {
		name    string
		watcher bool          // the watcher recorded the breach before the answer came
		answer  time.Duration // after t0
		want    []convo.Event
	}{
		{"answered in time", false, 10 * minute, want(convo.EvSLAMet, at(10*minute), at(15*minute))},
		{"answered 20 minutes later", false, 20 * minute, want(convo.EvSLABreached, at(15*minute), at(15*minute))},
		{"breach seen by the watcher, then answered", true, 20 * minute, want(convo.EvSLABreached, at(15*minute), at(15*minute))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t, e)
			ingest(t, st, message(convo.PlatformMessenger, convo.KindDM, "t1", "in1", convo.DirIn, t0))
			if got := conversation(t, st, conv).Due; !got.Equal(at(15 * minute)) {
				t.Errorf("Due after the inbound = %v, want %v", got, at(15*minute))
			}
			if tt.watcher {
				_, err := st.UpdateConversation(conv, func(c *convo.Conversation) ([]convo.Event, error) {
					for _, d := range e.Deadlines(*c, at(16*minute)) {
						if d.Key == sla.KeyFirstResponse && d.State == sla.Breached {
							return []convo.Event{sla.Record(convo.EvSLABreached, *c, d, d.Due)}, nil
						}
					}
					t.Errorf("Deadlines(%v) has no breached first response", at(16*minute))
					return nil, nil
				})
				if err != nil {
					t.Fatalf("UpdateConversation = %v, want nil", err)
				}
			}
			ingest(t, st, message(convo.PlatformMessenger, convo.KindDM, "t1", "out1", convo.DirOut, at(tt.answer)))
			// A redelivered answer and an unrelated later message add nothing.
			ingest(t, st, message(convo.PlatformMessenger, convo.KindDM, "t1", "out1", convo.DirOut, at(tt.answer)))
			ingest(t, st, message(convo.PlatformMessenger, convo.KindDM, "t1", "out2", convo.DirOut, at(tt.answer+minute)))
			if diff := cmp.Diff(tt.want, slaEvents(t, st, conv)); diff != "" {
				t.Errorf("SLA events mismatch (-want +got):\n%s", diff)
			}
			if got := conversation(t, st, conv).Due; !got.Equal(at(day)) {
				t.Errorf("Due after the answer = %v, want the resolution %v", got, at(day))
			}
		})
	}
}

func TestStoreNextResponseAndResolution(t *testing.T) {
	e := newEngine(t)
	st := openStore(t, e)
	conv := store.ConvID("acc", "t1")
	ingest(t, st,
		message(convo.PlatformTelegram, convo.KindDM, "t1", "in1", convo.DirIn, t0),
		message(convo.PlatformTelegram, convo.KindDM, "t1", "out1", convo.DirOut, at(5*minute)),
	)
	ingest(t, st, message(convo.PlatformTelegram, convo.KindDM, "t1", "in2", convo.DirIn, at(hour)))
	if got, want := conversation(t, st, conv).Due, at(hour+30*minute); !got.Equal(want) {
		t.Errorf("Due while waiting again = %v, want the next response %v", got, want)
	}
	ingest(t, st, message(convo.PlatformTelegram, convo.KindDM, "t1", "out2", convo.DirOut, at(2*hour)))
	if _, err := st.UpdateConversation(conv, func(c *convo.Conversation) ([]convo.Event, error) {
		c.Status, c.ResolvedAt = convo.StatusResolved, at(3*hour)
		return nil, nil
	}); err != nil {
		t.Fatalf("UpdateConversation(resolve) = %v, want nil", err)
	}
	c := conversation(t, st, conv)
	if !c.Due.IsZero() {
		t.Errorf("Due after resolving = %v, want zero", c.Due)
	}
	ev := func(typ convo.EventType, key sla.Key, when, start, due time.Time) convo.Event {
		return convo.Event{ID: sla.EventID(typ, conv, key, start), Type: typ, At: when, ConvID: conv, Account: "acc",
			Platform: convo.PlatformTelegram, Data: string(key), Start: start, Due: due}
	}
	want := []convo.Event{
		ev(convo.EvSLAMet, sla.KeyFirstResponse, at(5*minute), t0, at(15*minute)),
		ev(convo.EvSLABreached, sla.KeyNextResponse, at(hour+30*minute), at(hour), at(hour+30*minute)),
		ev(convo.EvSLAMet, sla.KeyResolution, at(3*hour), t0, at(day)),
	}
	if diff := cmp.Diff(want, slaEvents(t, st, conv)); diff != "" {
		t.Errorf("SLA events mismatch (-want +got):\n%s", diff)
	}
}

func TestStoreRedue(t *testing.T) {
	e := newEngine(t)
	st := openStore(t, e)
	dm, mail := store.ConvID("acc", "dm"), store.ConvID("acc", "mail")
	// Tuesday 10:00 in Rome: the DM is due in 15 minutes, the e-mail in 4 business hours.
	ingest(t, st,
		message(convo.PlatformMessenger, convo.KindDM, "dm", "in1", convo.DirIn, t0),
		message(convo.PlatformEmail, convo.KindEmail, "mail", "in2", convo.DirIn, t0),
	)
	order := func() []string {
		t.Helper()
		cs, err := st.FirstDue(10)
		if err != nil {
			t.Fatalf("FirstDue = %v, want nil", err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	dues := func() (time.Time, time.Time) {
		t.Helper()
		return conversation(t, st, dm).Due, conversation(t, st, mail).Due
	}
	check := func(step string, wantDM, wantMail time.Time, wantOrder []string) {
		t.Helper()
		gotDM, gotMail := dues()
		if !gotDM.Equal(wantDM) || !gotMail.Equal(wantMail) {
			t.Errorf("%s: Due(dm), Due(mail) = %v, %v, want %v, %v", step, gotDM, gotMail, wantDM, wantMail)
		}
		if diff := cmp.Diff(wantOrder, order()); diff != "" {
			t.Errorf("%s: queue order mismatch (-want +got):\n%s", step, diff)
		}
	}
	redue := func(step, fp string, want int) {
		t.Helper()
		if n, err := st.Redue(fp); n != want || err != nil {
			t.Errorf("%s: Redue(%s) = %d, %v, want %d, nil", step, fp, n, err, want)
		}
	}
	check("before", at(15*minute), at(4*hour), []string{dm, mail})
	old := e.Fingerprint()
	redue("first run", old, 0) // nothing stale; the fingerprint is remembered

	slow := defaultPolicy(t)
	cp := slow.Classes[sla.ClassMessaging]
	cp.Targets[convo.PriorityNormal].FirstResponse = 8 * 60
	slow.Classes[sla.ClassMessaging] = cp
	if err := e.SetPolicy(slow); err != nil {
		t.Fatalf("SetPolicy = %v, want nil", err)
	}
	if e.Fingerprint() == old {
		t.Fatalf("Fingerprint unchanged after SetPolicy")
	}
	// Under the remembered fingerprint nothing is recomputed.
	redue("same fingerprint", old, 0)
	check("same fingerprint", at(15*minute), at(4*hour), []string{dm, mail})

	redue("new policy", e.Fingerprint(), 1)
	check("new policy", at(8*hour), at(4*hour), []string{mail, dm})
	redue("again", e.Fingerprint(), 0)
	check("again", at(8*hour), at(4*hour), []string{mail, dm})

	// Back to the default policy: the DM moves up again.
	if err := e.SetPolicy(defaultPolicy(t)); err != nil {
		t.Fatalf("SetPolicy(default) = %v, want nil", err)
	}
	redue("default again", old, 1)
	check("default again", at(15*minute), at(4*hour), []string{dm, mail})
}
