package stats_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/queue"
	"sportello/app/sla"
	"sportello/app/stats"
	"sportello/app/store"
)

const zone = "Europe/Rome"

var rome = func() *time.Location {
	l, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return l
}()

// at is a wall-clock time in Rome on a day of November 2026.
func at(day, hh, mm int) time.Time { return time.Date(2026, 11, day, hh, mm, 0, 0, rome) }

// desk is the real store with the real SLA engine and queue, in memory.
type desk struct {
	t      *testing.T
	clk    *testclock.Clock
	st     *store.Store
	engine *sla.Engine
	q      *queue.Queue
	seq    int
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	clk := testclock.New(at(1, 12, 0))
	engine := sla.NewEngine(sla.DefaultPolicy(zone))
	st, err := store.Open("", store.Options{InMemory: true, Now: clk.Now, Due: engine.Due, OnWrite: engine.OnWrite})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &desk{t: t, clk: clk, st: st, engine: engine, q: queue.New(st, clk.Now, nil)}
	for _, a := range []convo.Account{
		{ID: "wa-1", Platform: convo.PlatformWhatsApp, Name: "Aurora WhatsApp"},
		{ID: "fb-1", Platform: convo.PlatformFacebook, Name: "Aurora Page"},
		{ID: "mail-1", Platform: convo.PlatformEmail, Name: "Aurora Mail"},
		{ID: "tg-1", Platform: convo.PlatformTelegram, Name: "Aurora Bot"},
		{ID: "ig-1", Platform: convo.PlatformInstagram, Name: "Aurora Instagram"},
		{ID: "ms-1", Platform: convo.PlatformMessenger, Name: "Aurora Messenger"},
	} {
		if err := st.PutAccount(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.q.Load(); err != nil {
		t.Fatal(err)
	}
	return d
}

// who is a customer on one platform, optionally known by an e-mail address too.
type who struct {
	platform convo.Platform
	handle   string
	name     string
	aka      string // e-mail address
}

// msg ingests one message of thread on account and returns the conversation ID.
func (d *desk) msg(account, thread string, kind convo.Kind, c who, dir convo.Direction, t time.Time) string {
	d.t.Helper()
	d.clk.Set(t)
	d.seq++
	in := convo.Inbound{ThreadID: thread, Kind: kind, Public: kind.Public(), Customer: convo.Identity{Platform: c.platform, Handle: c.handle, DisplayName: c.name},
		Message: convo.Message{PlatformID: fmt.Sprintf("m%d", d.seq), Direction: dir, Author: c.name, Text: "testo", At: t}}
	if c.aka != "" {
		in.AKA = []convo.Identity{{Platform: convo.PlatformEmail, Handle: c.aka}}
	}
	if _, err := d.st.Ingest(account, []convo.Inbound{in}, ""); err != nil {
		d.t.Fatal(err)
	}
	return store.ConvID(account, thread)
}

func (d *desk) resolve(id, agent string, t time.Time) {
	d.t.Helper()
	d.clk.Set(t)
	if _, err := d.q.Resolve(id, agent); err != nil {
		d.t.Fatal(err)
	}
}

func (d *desk) assign(id, agent string, t time.Time) {
	d.t.Helper()
	d.clk.Set(t)
	if _, err := d.q.Assign(id, agent); err != nil {
		d.t.Fatal(err)
	}
}

// windowExpired records the reply window's expiry as the SLA watcher does.
func (d *desk) windowExpired(id string, now time.Time) {
	d.t.Helper()
	d.clk.Set(now)
	_, err := d.st.UpdateConversation(id, func(c *convo.Conversation) ([]convo.Event, error) {
		for _, dl := range d.engine.Deadlines(*c, now) {
			if dl.Key == sla.KeyReplyWindow && !now.Before(dl.Due) {
				return []convo.Event{sla.Record(convo.EvWindowExpired, *c, dl, dl.Due)}, nil
			}
		}
		return nil, fmt.Errorf("no expired reply window at %s", now)
	})
	if err != nil {
		d.t.Fatal(err)
	}
}

func (d *desk) privateReply(id string, t time.Time) {
	d.t.Helper()
	if _, err := d.st.UpdateConversation(id, func(c *convo.Conversation) ([]convo.Event, error) {
		c.PrivateReplyAt = t.UTC()
		return nil, nil
	}); err != nil {
		d.t.Fatal(err)
	}
}

// handBuiltDay builds Monday 23 November 2026 in Rome (UTC+1), with the days
// around it, and returns the conversation IDs by letter.
func handBuiltDay(t *testing.T) (*desk, map[string]string) {
	d := newDesk(t)
	in, out := convo.DirIn, convo.DirOut
	anna := who{convo.PlatformWhatsApp, "+39111", "Anna Bianchi", ""}
	bruno := who{convo.PlatformFacebook, "fb-bruno", "Bruno Verdi", ""}
	carlaMail := who{convo.PlatformEmail, "carla@example.com", "Carla Rossi", ""}
	carlaWA := who{convo.PlatformWhatsApp, "+39333", "Carla", "carla@example.com"}
	dario := who{convo.PlatformEmail, "dario@example.com", "Dario Neri", ""}
	franco := who{convo.PlatformWhatsApp, "+39555", "Franco Gialli", ""}
	gina := who{convo.PlatformTelegram, "tg-gina", "=SUM(1+1) Gina", ""} // a name a spreadsheet must not run
	hugo := who{convo.PlatformMessenger, "ms-hugo", "Hugo Viola", ""}
	ivo := who{convo.PlatformInstagram, "ig-ivo", "Ivo Rosa", ""}
	ids := map[string]string{}

	// H: resolved long ago (before the 7 days read), assigned today only.
	ids["H"] = d.msg("ms-1", "h", convo.KindDM, hugo, in, at(10, 9, 0))
	d.msg("ms-1", "h", convo.KindDM, hugo, out, at(10, 9, 5))
	d.resolve(ids["H"], "giulia", at(10, 9, 30))
	// C: Carla's e-mail, resolved on Friday (within the 7 days before).
	ids["C"] = d.msg("mail-1", "c", convo.KindEmail, carlaMail, in, at(20, 17, 0))
	d.msg("mail-1", "c", convo.KindEmail, carlaMail, out, at(20, 17, 30))
	d.resolve(ids["C"], "giulia", at(20, 17, 45))
	// F: Franco wrote on Sunday and waited; his 24-hour window closes Monday 10:00.
	ids["F"] = d.msg("wa-1", "f", convo.KindDM, franco, in, at(22, 10, 0))
	// D: Dario's e-mail arrives Sunday evening, answered Monday at 9:30.
	ids["D"] = d.msg("mail-1", "d", convo.KindEmail, dario, in, at(22, 20, 0))
	// J: answered on Sunday just before midnight: not Monday's.
	ids["J"] = d.msg("ig-1", "j", convo.KindDM, ivo, in, at(22, 23, 50))
	d.msg("ig-1", "j", convo.KindDM, ivo, out, at(22, 23, 55))

	// Monday.
	ids["I"] = d.msg("ig-1", "i", convo.KindDM, ivo, in, at(23, 0, 30)) // Sunday 23:30 UTC
	d.msg("ig-1", "i", convo.KindDM, ivo, out, at(23, 0, 40))
	ids["A"] = d.msg("wa-1", "a", convo.KindDM, anna, in, at(23, 9, 0))
	d.msg("wa-1", "a", convo.KindDM, anna, out, at(23, 9, 10))
	d.msg("wa-1", "a", convo.KindDM, anna, in, at(23, 9, 20))
	d.assign(ids["H"], "giulia", at(23, 9, 25))
	d.msg("mail-1", "d", convo.KindEmail, dario, out, at(23, 9, 30))
	d.msg("wa-1", "a", convo.KindDM, anna, out, at(23, 10, 0)) // next response 40 min: breached (target 30)
	ids["B"] = d.msg("fb-1", "b", convo.KindComment, bruno, in, at(23, 10, 0))
	d.windowExpired(ids["F"], at(23, 10, 0))
	d.msg("fb-1", "b", convo.KindComment, bruno, out, at(23, 10, 3))
	d.privateReply(ids["B"], at(23, 10, 5))
	d.assign(ids["A"], "giulia", at(23, 10, 30))
	d.resolve(ids["A"], "giulia", at(23, 11, 0))
	ids["E"] = d.msg("wa-1", "e", convo.KindDM, carlaWA, in, at(23, 12, 0)) // Carla again, on WhatsApp
	d.assign(ids["E"], "marco", at(23, 12, 10))
	d.msg("wa-1", "e", convo.KindDM, carlaWA, out, at(23, 12, 20)) // first response 20 min: breached (target 15)
	d.msg("wa-1", "e", convo.KindDM, carlaWA, in, at(23, 12, 30))
	d.msg("wa-1", "e", convo.KindDM, carlaWA, out, at(23, 12, 40))
	d.resolve(ids["E"], "marco", at(23, 13, 0))
	d.msg("wa-1", "a", convo.KindDM, anna, in, at(23, 15, 0)) // Anna back after the resolution
	d.msg("wa-1", "f", convo.KindDM, franco, out, at(23, 16, 0))
	ids["G"] = d.msg("tg-1", "g", convo.KindDM, gina, in, at(23, 17, 0))
	d.clk.Set(at(23, 17, 5))
	if _, err := d.st.AddNote(ids["G"], "marco", "call her back", at(23, 17, 5)); err != nil {
		t.Fatal(err)
	}
	// Tuesday 00:10 in Rome is still Monday in UTC: not Monday's.
	ids["K"] = d.msg("tg-1", "k", convo.KindDM, gina, in, at(24, 0, 10))
	return d, ids
}

func mins(m int) time.Duration { return time.Duration(m) * time.Minute }

func TestHandBuiltDay(t *testing.T) {
	d, ids := handBuiltDay(t)
	rep, err := stats.Build(d.st, d.engine.Policy(), "2026-11-23", "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	want := stats.Figures{
		Conversations: 8, Inbound: 8, PublicInbound: 1, Outbound: 8, New: 5, NeededReply: 7, Replied: 6,
		// 3m, 10m, 10m, 20m, 13h30m, 30h
		FirstResponse: stats.Durations{N: 6, Median: mins(15), Mean: 7*time.Hour + 22*time.Minute + 10*time.Second, P90: 30 * time.Hour},
		// Dario's e-mail counts only Monday 9:00–9:30 of business time.
		FirstResponseBusiness: stats.Durations{N: 6, Median: mins(15), Mean: 5*time.Hour + 12*time.Minute + 10*time.Second, P90: 30 * time.Hour},
		NextResponse:          stats.Durations{N: 2, Median: mins(25), Mean: mins(25), P90: mins(40)},
		NextResponseBusiness:  stats.Durations{N: 2, Median: mins(25), Mean: mins(25), P90: mins(40)},
		// Franco's first-response breach was recorded Sunday, at its deadline.
		SLA:            [3]stats.SLACount{{Met: 4, Breached: 1}, {Met: 1, Breached: 1}, {Met: 2}},
		Breaches:       2,
		WindowsExpired: 1, Resolved: 2, RepeatContacts: 2, Backlog: 6,
		PublicConversations: 1, MovedToPrivate: 1,
	}
	if diff := cmp.Diff(want, rep.Total); diff != "" {
		t.Errorf("Total (-want +got):\n%s", diff)
	}

	type rowWant struct {
		New, NeededReply, Replied, Resolved, Repeat, Open, Private bool
		In, Out                                                    int
		Agent                                                      string
		First, FirstBiz                                            time.Duration
		Next                                                       []time.Duration
		SLA                                                        [3]stats.SLACount
		Windows                                                    int
	}
	wantRows := map[string]rowWant{
		"A": {New: true, NeededReply: true, Replied: true, Resolved: true, Repeat: true, Open: true, In: 3, Out: 2, Agent: "giulia",
			First: mins(10), FirstBiz: mins(10), Next: []time.Duration{mins(40)}, SLA: [3]stats.SLACount{{Met: 1}, {Breached: 1}, {Met: 1}}},
		"B": {New: true, NeededReply: true, Replied: true, Open: true, Private: true, In: 1, Out: 1, First: mins(3), FirstBiz: mins(3), SLA: [3]stats.SLACount{{Met: 1}}},
		"D": {NeededReply: true, Replied: true, Open: true, Out: 1, First: 13*time.Hour + 30*time.Minute, FirstBiz: mins(30), SLA: [3]stats.SLACount{{Met: 1}}},
		"E": {New: true, NeededReply: true, Replied: true, Resolved: true, Repeat: true, In: 2, Out: 2, Agent: "marco",
			First: mins(20), FirstBiz: mins(20), Next: []time.Duration{mins(10)}, SLA: [3]stats.SLACount{{Breached: 1}, {Met: 1}, {Met: 1}}},
		"F": {NeededReply: true, Replied: true, Open: true, Out: 1, First: 30 * time.Hour, FirstBiz: 30 * time.Hour, Windows: 1},
		"G": {New: true, NeededReply: true, Open: true, In: 1},
		"H": {Agent: "giulia"},
		"I": {New: true, NeededReply: true, Replied: true, Open: true, In: 1, Out: 1, First: mins(10), FirstBiz: mins(10), SLA: [3]stats.SLACount{{Met: 1}}},
	}
	got := map[string]rowWant{}
	letter := map[string]string{}
	for l, id := range ids {
		letter[id] = l
	}
	for _, r := range rep.Rows {
		l, ok := letter[r.ConvID]
		if !ok {
			t.Errorf("row for an unknown conversation %s", r.ConvID)
			continue
		}
		g := rowWant{New: r.New, NeededReply: r.NeededReply, Replied: r.Replied, Resolved: r.Resolved, Repeat: r.RepeatContact, Open: r.OpenAtEnd,
			Private: r.MovedToPrivate, In: r.Inbound, Out: r.Outbound, Agent: r.Agent, SLA: r.SLA, Windows: r.WindowsExpired}
		if r.FirstResponse != nil {
			g.First, g.FirstBiz = r.FirstResponse.Wall, r.FirstResponse.Business
		}
		for _, x := range r.NextResponses {
			g.Next = append(g.Next, x.Wall)
		}
		got[l] = g
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	groups := func(gs []stats.Group) map[string]int {
		m := map[string]int{}
		for _, g := range gs {
			m[g.Key] = g.Conversations
		}
		return m
	}
	if diff := cmp.Diff(map[string]int{"giulia": 2, "marco": 1, "": 5}, groups(rep.ByAgent)); diff != "" {
		t.Errorf("by agent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"whatsapp": 3, "facebook": 1, "email": 1, "telegram": 1, "instagram": 1, "messenger": 1}, groups(rep.ByPlatform)); diff != "" {
		t.Errorf("by platform (-want +got):\n%s", diff)
	}
	if got := rep.ByAgent[len(rep.ByAgent)-1].Key; got != "" {
		t.Errorf("last agent group = %q, want the unassigned", got)
	}
	var hourIn, hourOut [24]int
	for h, v := range rep.Hourly {
		hourIn[h], hourOut[h] = v.Inbound, v.Outbound
	}
	if want := [24]int{0: 1, 9: 2, 10: 1, 12: 2, 15: 1, 17: 1}; hourIn != want {
		t.Errorf("inbound by hour = %v, want %v", hourIn, want)
	}
	if want := [24]int{0: 1, 9: 2, 10: 2, 12: 2, 16: 1}; hourOut != want {
		t.Errorf("outbound by hour = %v, want %v", hourOut, want)
	}
	var bins []int
	for _, b := range rep.FirstResponses {
		bins = append(bins, b.Count)
	}
	if diff := cmp.Diff([]int{0, 1, 2, 1, 0, 0, 1, 1}, bins); diff != "" {
		t.Errorf("first-response distribution (-want +got):\n%s", diff)
	}
	if len(rep.Daily) != 1 || rep.Daily[0].Inbound != 8 || rep.Daily[0].New != 5 {
		t.Errorf("daily = %+v, want one day with 8 inbound and 5 new", rep.Daily)
	}
}

// A range is the same computation over longer bounds: Sunday and Monday together.
func TestRange(t *testing.T) {
	d, _ := handBuiltDay(t)
	rep, err := stats.Build(d.st, d.engine.Policy(), "2026-11-22", "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Daily) != 2 || rep.Daily[0].Date != "2026-11-22" || rep.Daily[1].Date != "2026-11-23" {
		t.Fatalf("daily = %+v, want Sunday and Monday", rep.Daily)
	}
	// Sunday: Franco, Dario and J write (3); J is answered (1 reply).
	if rep.Daily[0].Inbound != 3 || rep.Daily[0].Outbound != 1 {
		t.Errorf("Sunday = %+v, want 3 inbound, 1 outbound", rep.Daily[0])
	}
	// Franco's first-response breach (Sunday 10:15) is in the range now.
	if got := rep.Total.SLA[stats.SLAFirst]; got != (stats.SLACount{Met: 5, Breached: 2}) {
		t.Errorf("first-response SLA over two days = %+v, want 5 met (J too), 2 breached", got)
	}
	if rep.Total.Conversations != 9 {
		t.Errorf("conversations over two days = %d, want 9 (J joins)", rep.Total.Conversations)
	}
}

func TestEmptyDayAndInvalid(t *testing.T) {
	d, _ := handBuiltDay(t)
	rep, err := stats.Build(d.st, d.engine.Policy(), "2026-12-25", "")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Empty() || rep.Total != (stats.Figures{}) {
		t.Errorf("Christmas = %+v, want an empty report", rep.Total)
	}
	for _, c := range []struct{ from, to string }{{"2026-13-01", ""}, {"23/11/2026", ""}, {"2026-11-23", "2026-11-01"}, {"2026-01-01", "2026-12-31"}} {
		if _, err := stats.Build(d.st, d.engine.Policy(), c.from, c.to); err == nil {
			t.Errorf("Build(%q, %q) = nil error, want one", c.from, c.to)
		}
	}
}
