package sla_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/sla"
)

// t0 is when the customer first wrote in most tests: a Tuesday morning in Rome.
var t0 = rome("2026-02-10 10:00")

func at(d time.Duration) time.Time { return t0.Add(d) }

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func defaultPolicy(t testing.TB) sla.Policy {
	t.Helper()
	p := sla.DefaultPolicy("Europe/Rome")
	if err := p.Validate(); err != nil {
		t.Fatalf("DefaultPolicy.Validate() = %v, want nil", err)
	}
	return p
}

// waiting is a conversation whose customer wrote once at t0 and got no answer.
func waiting(p convo.Platform, k convo.Kind) convo.Conversation {
	return convo.Conversation{ID: "c1", AccountID: "acc", Platform: p, Kind: k, Public: k.Public(), Status: convo.StatusOpen,
		Priority: convo.PriorityNormal, Assignee: "anna", Created: t0, LastIn: t0, LastAt: t0, AwaitingSince: t0, MessageCount: 1}
}

// answered is c after the brand replied at r.
func answered(c convo.Conversation, r time.Time) convo.Conversation {
	if c.FirstOut.IsZero() {
		c.FirstOut = r
	}
	c.LastOut, c.LastAt, c.AwaitingSince = r, r, time.Time{}
	return c
}

// wroteAgain is c after the customer wrote again at w.
func wroteAgain(c convo.Conversation, w time.Time) convo.Conversation {
	c.LastIn, c.LastAt = w, w
	if c.AwaitingSince.IsZero() {
		c.AwaitingSince = w
	}
	return c
}

func TestReplyState(t *testing.T) {
	dm := func(p convo.Platform) convo.Conversation { return waiting(p, convo.KindDM) }
	comment := func(p convo.Platform) convo.Conversation { return waiting(p, convo.KindComment) }
	privateReplied := comment(convo.PlatformFacebook)
	privateReplied.PrivateReplyAt = at(hour)
	noInbound := dm(convo.PlatformMessenger)
	noInbound.LastIn = time.Time{}
	igNoInbound := dm(convo.PlatformInstagram)
	igNoInbound.LastIn = time.Time{}
	tests := []struct {
		name string
		c    convo.Conversation
		now  time.Time
		want sla.Reply
	}{
		{"messenger: free at once", dm(convo.PlatformMessenger), t0, sla.Reply{Mode: sla.ModeFree, Until: at(day)}},
		{"messenger: free just before 24 h", dm(convo.PlatformMessenger), at(day - time.Nanosecond), sla.Reply{Mode: sla.ModeFree, Until: at(day)}},
		{"messenger: tagged at 24 h", dm(convo.PlatformMessenger), at(day), sla.Reply{Mode: sla.ModeTagged, Until: at(7 * day)}},
		{"messenger: tagged on day 6", dm(convo.PlatformMessenger), at(6 * day), sla.Reply{Mode: sla.ModeTagged, Until: at(7 * day)}},
		{"messenger: closed at 7 d", dm(convo.PlatformMessenger), at(7 * day), sla.Reply{Mode: sla.ModeClosed}},
		{"messenger: closed after 30 d", dm(convo.PlatformMessenger), at(30 * day), sla.Reply{Mode: sla.ModeClosed}},
		{"messenger: window follows the last inbound", wroteAgain(answered(dm(convo.PlatformMessenger), at(hour)), at(3*day)), at(3*day + hour), sla.Reply{Mode: sla.ModeFree, Until: at(4 * day)}},
		{"messenger: opened by a private reply, customer silent", noInbound, at(hour), sla.Reply{Mode: sla.ModeAwaiting}},
		{"instagram dm: opened by a private reply, customer silent", igNoInbound, at(hour), sla.Reply{Mode: sla.ModeAwaiting}},
		{"instagram dm: free", dm(convo.PlatformInstagram), at(23 * hour), sla.Reply{Mode: sla.ModeFree, Until: at(day)}},
		{"instagram dm: tagged", dm(convo.PlatformInstagram), at(2 * day), sla.Reply{Mode: sla.ModeTagged, Until: at(7 * day)}},
		{"instagram dm: closed", dm(convo.PlatformInstagram), at(8 * day), sla.Reply{Mode: sla.ModeClosed}},
		{"whatsapp: free", dm(convo.PlatformWhatsApp), at(23 * hour), sla.Reply{Mode: sla.ModeFree, Until: at(day)}},
		{"whatsapp: template at 24 h", dm(convo.PlatformWhatsApp), at(day), sla.Reply{Mode: sla.ModeTemplate}},
		{"whatsapp: template after 7 d", dm(convo.PlatformWhatsApp), at(8 * day), sla.Reply{Mode: sla.ModeTemplate}},
		{"facebook comment: private reply open", comment(convo.PlatformFacebook), at(hour), sla.Reply{Mode: sla.ModeFree, PrivateReplyUntil: at(7 * day)}},
		{"facebook comment: private reply just before 7 d", comment(convo.PlatformFacebook), at(7*day - time.Nanosecond), sla.Reply{Mode: sla.ModeFree, PrivateReplyUntil: at(7 * day)}},
		{"facebook comment: private reply gone at 7 d", comment(convo.PlatformFacebook), at(7 * day), sla.Reply{Mode: sla.ModeFree}},
		{"facebook comment: private reply already sent", privateReplied, at(2 * hour), sla.Reply{Mode: sla.ModeFree}},
		{"instagram comment: private reply open", comment(convo.PlatformInstagram), at(6 * day), sla.Reply{Mode: sla.ModeFree, PrivateReplyUntil: at(7 * day)}},
		{"instagram comment: private reply gone", comment(convo.PlatformInstagram), at(8 * day), sla.Reply{Mode: sla.ModeFree}},
		{"x dm", dm(convo.PlatformX), at(30 * day), sla.Reply{Mode: sla.ModeFree}},
		{"x mention", waiting(convo.PlatformX, convo.KindMention), at(30 * day), sla.Reply{Mode: sla.ModeFree}},
		{"telegram", dm(convo.PlatformTelegram), at(30 * day), sla.Reply{Mode: sla.ModeFree}},
		{"email", waiting(convo.PlatformEmail, convo.KindEmail), at(30 * day), sla.Reply{Mode: sla.ModeFree}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sla.ReplyState(tt.c, tt.now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReplyState(%s %s, %v) mismatch (-want +got):\n%s", tt.c.Platform, tt.c.Kind, tt.now, diff)
			}
		})
	}
}

func TestClassOf(t *testing.T) {
	publicDM := waiting(convo.PlatformX, convo.KindDM)
	publicDM.Public = true
	tests := []struct {
		c    convo.Conversation
		want sla.Class
	}{
		{waiting(convo.PlatformMessenger, convo.KindDM), sla.ClassMessaging},
		{waiting(convo.PlatformWhatsApp, convo.KindDM), sla.ClassMessaging},
		{waiting(convo.PlatformTelegram, convo.KindDM), sla.ClassMessaging},
		{waiting(convo.PlatformFacebook, convo.KindComment), sla.ClassPublic},
		{waiting(convo.PlatformInstagram, convo.KindComment), sla.ClassPublic},
		{waiting(convo.PlatformX, convo.KindMention), sla.ClassPublic},
		{publicDM, sla.ClassPublic},
		{waiting(convo.PlatformEmail, convo.KindEmail), sla.ClassEmail},
	}
	for _, tt := range tests {
		if got := sla.ClassOf(tt.c); got != tt.want {
			t.Errorf("ClassOf(%s %s public=%v) = %s, want %s", tt.c.Platform, tt.c.Kind, tt.c.Public, got, tt.want)
		}
	}
}

func TestDefaultPolicyTargets(t *testing.T) {
	// Normal targets, scaled low ×2, high ×0.5, urgent ×0.25 (rounded down).
	want := map[sla.Class][4]sla.Targets{
		sla.ClassMessaging: {{30, 60, 2880}, {15, 30, 1440}, {7, 15, 720}, {3, 7, 360}},
		sla.ClassPublic:    {{20, 40, 960}, {10, 20, 480}, {5, 10, 240}, {2, 5, 120}},
		sla.ClassEmail:     {{480, 960, 3240}, {240, 480, 1620}, {120, 240, 810}, {60, 120, 405}},
	}
	p := defaultPolicy(t)
	for _, cl := range sla.Classes {
		if diff := cmp.Diff(want[cl], p.Classes[cl].Targets); diff != "" {
			t.Errorf("DefaultPolicy targets of %s mismatch (-want +got):\n%s", cl, diff)
		}
	}
	cals := map[sla.Class]string{sla.ClassMessaging: "always", sla.ClassPublic: "always", sla.ClassEmail: "business"}
	for cl, want := range cals {
		if got := p.Classes[cl].Calendar; got != want {
			t.Errorf("DefaultPolicy calendar of %s = %q, want %q", cl, got, want)
		}
	}
}

func TestDeadlines(t *testing.T) {
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	tg := waiting(convo.PlatformTelegram, convo.KindDM)
	// first response at 10 min, the customer writes again at 1 h
	again := wroteAgain(answered(tg, at(10*minute)), at(hour))
	resolved := answered(tg, at(10*minute))
	resolved.Status, resolved.ResolvedAt = convo.StatusResolved, at(2*hour)
	resolvedLate := resolved
	resolvedLate.ResolvedAt = at(30 * hour)
	resolvedNoTime := resolved
	resolvedNoTime.ResolvedAt = time.Time{}
	resolvedWaiting := tg
	resolvedWaiting.Status, resolvedWaiting.ResolvedAt = convo.StatusResolved, at(hour)
	fbPrivate := waiting(convo.PlatformFacebook, convo.KindComment)
	fbPrivate.PrivateReplyAt = at(minute)

	frDue, resDue := at(15*minute), at(day)
	fr := sla.Deadline{Key: sla.KeyFirstResponse, Start: t0, Warn: at(11*minute + 15*time.Second), Due: frDue, State: sla.Running, Target: 15 * minute}
	res := sla.Deadline{Key: sla.KeyResolution, Start: t0, Warn: at(18 * hour), Due: resDue, State: sla.Running, Target: day}
	with := func(d sla.Deadline, s sla.State, done time.Time) sla.Deadline {
		d.State, d.Done = s, done
		return d
	}
	window := func(k sla.Key, start, due time.Time, s sla.State) sla.Deadline {
		return sla.Deadline{Key: k, Window: true, Start: start, Warn: due.Add(-5 * minute), Due: due, State: s}
	}

	tests := []struct {
		name string
		c    convo.Conversation
		now  time.Time
		want []sla.Deadline
	}{
		{"messenger waiting: running, with both windows", dm, at(5 * minute), []sla.Deadline{
			fr, res,
			window(sla.KeyReplyWindow, t0, at(day), sla.Running),
			window(sla.KeyHumanAgent, t0, at(7*day), sla.Running),
		}},
		{"messenger waiting past 15 min: first response breached", dm, at(20 * minute), []sla.Deadline{
			with(fr, sla.Breached, time.Time{}), res,
			window(sla.KeyReplyWindow, t0, at(day), sla.Running),
			window(sla.KeyHumanAgent, t0, at(7*day), sla.Running),
		}},
		{"messenger waiting past 24 h: free window closed", dm, at(25 * hour), []sla.Deadline{
			with(fr, sla.Breached, time.Time{}), with(res, sla.Breached, time.Time{}),
			window(sla.KeyReplyWindow, t0, at(day), sla.Breached),
			window(sla.KeyHumanAgent, t0, at(7*day), sla.Running),
		}},
		{"answered in time: met, no windows", answered(dm, at(10*minute)), at(hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)), res,
		}},
		{"answered late: breached with its time", answered(dm, at(20*minute)), at(hour), []sla.Deadline{
			with(fr, sla.Breached, at(20*minute)), res,
		}},
		{"answered exactly at the deadline: met", answered(dm, frDue), at(hour), []sla.Deadline{
			with(fr, sla.Met, frDue), res,
		}},
		{"whatsapp waiting: one window", waiting(convo.PlatformWhatsApp, convo.KindDM), at(minute), []sla.Deadline{
			fr, res, window(sla.KeyReplyWindow, t0, at(day), sla.Running),
		}},
		{"telegram waiting: no windows", tg, at(minute), []sla.Deadline{fr, res}},
		{"next response after a first response", again, at(hour + 10*minute), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)),
			{Key: sla.KeyNextResponse, Start: at(hour), Warn: at(hour + 22*minute + 30*time.Second), Due: at(hour + 30*minute), State: sla.Running, Target: 30 * minute},
			res,
		}},
		{"next response breached", again, at(2 * hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)),
			{Key: sla.KeyNextResponse, Start: at(hour), Warn: at(hour + 22*minute + 30*time.Second), Due: at(hour + 30*minute), State: sla.Breached, Target: 30 * minute},
			res,
		}},
		{"next response counts from the first unanswered message", wroteAgain(again, at(hour+20*minute)), at(hour + 25*minute), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)),
			{Key: sla.KeyNextResponse, Start: at(hour), Warn: at(hour + 22*minute + 30*time.Second), Due: at(hour + 30*minute), State: sla.Running, Target: 30 * minute},
			res,
		}},
		{"next response answered: gone", answered(again, at(hour+5*minute)), at(2 * hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)), res,
		}},
		{"resolved in time", resolved, at(3 * hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)), with(res, sla.Met, at(2*hour)),
		}},
		{"resolved late", resolvedLate, at(31 * hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)), with(res, sla.Breached, at(30*hour)),
		}},
		{"resolved without a time: the last message", resolvedNoTime, at(3 * hour), []sla.Deadline{
			with(fr, sla.Met, at(10*minute)), with(res, sla.Met, at(10*minute)),
		}},
		{"resolved unanswered: no windows", resolvedWaiting, at(3 * hour), []sla.Deadline{
			with(fr, sla.Breached, time.Time{}), with(res, sla.Met, at(hour)),
		}},
		{"facebook comment: private reply window", waiting(convo.PlatformFacebook, convo.KindComment), at(minute), []sla.Deadline{
			// public targets at normal priority: 10 min and 8 h
			{Key: sla.KeyFirstResponse, Start: t0, Warn: at(7*minute + 30*time.Second), Due: at(10 * minute), State: sla.Running, Target: 10 * minute},
			{Key: sla.KeyResolution, Start: t0, Warn: at(6 * hour), Due: at(8 * hour), State: sla.Running, Target: 8 * hour},
			window(sla.KeyPrivateReply, t0, at(7*day), sla.Running),
		}},
		{"facebook comment: private reply sent", fbPrivate, at(minute), []sla.Deadline{
			{Key: sla.KeyFirstResponse, Start: t0, Warn: at(7*minute + 30*time.Second), Due: at(10 * minute), State: sla.Running, Target: 10 * minute},
			{Key: sla.KeyResolution, Start: t0, Warn: at(6 * hour), Due: at(8 * hour), State: sla.Running, Target: 8 * hour},
		}},
	}
	p := defaultPolicy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Deadlines(tt.c, tt.now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Deadlines(%s, %v) mismatch (-want +got):\n%s", tt.name, tt.now, diff)
			}
		})
	}
}

func TestDeadlinesEmailBusinessHours(t *testing.T) {
	// An e-mail on Friday at 17:00: 4 business hours end on Monday at 12:00.
	mail := waiting(convo.PlatformEmail, convo.KindEmail)
	mail.Created, mail.LastIn, mail.LastAt, mail.AwaitingSince = rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00")
	tests := []struct {
		now  time.Time
		want sla.State
	}{
		{rome("2026-02-13 17:30"), sla.Running},
		{rome("2026-02-13 18:00"), sla.Paused},
		{rome("2026-02-14 12:00"), sla.Paused}, // Saturday
		{rome("2026-02-16 08:59"), sla.Paused},
		{rome("2026-02-16 09:00"), sla.Running},
		{rome("2026-02-16 11:59"), sla.Running},
		{rome("2026-02-16 12:00"), sla.Breached},
		{rome("2026-02-16 20:00"), sla.Breached}, // closed, but overdue is overdue
	}
	p := defaultPolicy(t)
	for _, tt := range tests {
		ds := p.Deadlines(mail, tt.now)
		if len(ds) == 0 || ds[0].Key != sla.KeyFirstResponse {
			t.Fatalf("Deadlines(e-mail, %v) = %+v, want the first response first", tt.now, ds)
		}
		fr := ds[0]
		if fr.State != tt.want {
			t.Errorf("Deadlines(e-mail, %v) first response state = %s, want %s", tt.now, fr.State, tt.want)
		}
		if want := rome("2026-02-16 12:00"); !fr.Due.Equal(want) {
			t.Errorf("Deadlines(e-mail, %v) first response due = %v, want %v", tt.now, fr.Due, want)
		}
		if want := rome("2026-02-16 11:00"); !fr.Warn.Equal(want) { // 75% of 4 h
			t.Errorf("Deadlines(e-mail, %v) first response warn = %v, want %v", tt.now, fr.Warn, want)
		}
	}
	// Resolution: 27 business hours from Friday 17:00 (1 + 9 + 9 + 8) is Wednesday 17:00.
	ds := p.Deadlines(mail, mail.Created)
	if got, want := ds[len(ds)-1], rome("2026-02-18 17:00"); got.Key != sla.KeyResolution || !got.Due.Equal(want) {
		t.Errorf("Deadlines(e-mail) last = %s due %v, want resolution due %v", got.Key, got.Due, want)
	}
}

func TestDeadlinesPriority(t *testing.T) {
	tests := []struct {
		c        convo.Conversation
		priority convo.Priority
		want     time.Duration // first response target
	}{
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.PriorityLow, 30 * minute},
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.PriorityNormal, 15 * minute},
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.PriorityHigh, 7 * minute},
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.PriorityUrgent, 3 * minute},
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.Priority(-1), 30 * minute}, // clamped to low
		{waiting(convo.PlatformMessenger, convo.KindDM), convo.Priority(9), 3 * minute},   // clamped to urgent
		{waiting(convo.PlatformFacebook, convo.KindComment), convo.PriorityLow, 20 * minute},
		{waiting(convo.PlatformFacebook, convo.KindComment), convo.PriorityHigh, 5 * minute},
		{waiting(convo.PlatformX, convo.KindMention), convo.PriorityUrgent, 2 * minute},
		{waiting(convo.PlatformEmail, convo.KindEmail), convo.PriorityLow, 8 * hour},
		{waiting(convo.PlatformEmail, convo.KindEmail), convo.PriorityUrgent, hour},
	}
	p := defaultPolicy(t)
	for _, tt := range tests {
		c := tt.c
		c.Priority = tt.priority
		ds := p.Deadlines(c, t0)
		if len(ds) == 0 || ds[0].Key != sla.KeyFirstResponse {
			t.Fatalf("Deadlines(%s, priority %d) = %+v, want the first response first", c.Kind, c.Priority, ds)
		}
		if got := ds[0].Target; got != tt.want {
			t.Errorf("Deadlines(%s %s, priority %d) first response target = %v, want %v", c.Platform, c.Kind, c.Priority, got, tt.want)
		}
		if got, want := ds[0].Due, p.Business.Add(t0, tt.want); sla.ClassOf(c) == sla.ClassEmail && !got.Equal(want) {
			t.Errorf("Deadlines(%s, priority %d) first response due = %v, want %v", c.Kind, c.Priority, got, want)
		}
		if got, want := ds[0].Due, t0.Add(tt.want); sla.ClassOf(c) != sla.ClassEmail && !got.Equal(want) {
			t.Errorf("Deadlines(%s, priority %d) first response due = %v, want %v", c.Kind, c.Priority, got, want)
		}
		if got := sla.DefaultPolicy("Europe/Rome").Classes[sla.ClassOf(c)].Targets[min(max(int(c.Priority), 0), 3)].FirstResponse; time.Duration(got)*minute != tt.want {
			t.Errorf("DefaultPolicy first response of %s priority %d = %d min, want %v", sla.ClassOf(c), c.Priority, got, tt.want)
		}
	}
}

func TestDeadlinesZeroTargets(t *testing.T) {
	p := defaultPolicy(t)
	p.Classes[sla.ClassMessaging] = sla.ClassPolicy{Calendar: "always"} // no targets at all
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	want := []sla.Deadline{
		{Key: sla.KeyReplyWindow, Window: true, Start: t0, Warn: at(day - 5*minute), Due: at(day), State: sla.Running},
		{Key: sla.KeyHumanAgent, Window: true, Start: t0, Warn: at(7*day - 5*minute), Due: at(7 * day), State: sla.Running},
	}
	if diff := cmp.Diff(want, p.Deadlines(dm, t0)); diff != "" {
		t.Errorf("Deadlines(no targets) mismatch (-want +got):\n%s", diff)
	}
	if got, want := p.Due(dm), at(day); !got.Equal(want) {
		t.Errorf("Due(no targets, messenger) = %v, want the reply window %v", got, want)
	}
	if got := p.Due(waiting(convo.PlatformTelegram, convo.KindDM)); !got.IsZero() {
		t.Errorf("Due(no targets, telegram) = %v, want zero", got)
	}
}

func TestDue(t *testing.T) {
	dm := waiting(convo.PlatformMessenger, convo.KindDM)
	tg := waiting(convo.PlatformTelegram, convo.KindDM)
	pending := answered(tg, at(10*minute))
	pending.Status = convo.StatusPending
	pendingUnanswered := tg
	pendingUnanswered.Status = convo.StatusPending
	pendingMessenger := dm
	pendingMessenger.Status = convo.StatusPending
	snoozed := dm
	snoozed.Status, snoozed.SnoozeUntil = convo.StatusSnoozed, at(3*hour)
	snoozedNoTime := dm
	snoozedNoTime.Status = convo.StatusSnoozed
	resolved := answered(dm, at(10*minute))
	resolved.Status, resolved.ResolvedAt = convo.StatusResolved, at(hour)
	resolvedUnanswered := dm
	resolvedUnanswered.Status = convo.StatusResolved
	mail := waiting(convo.PlatformEmail, convo.KindEmail)
	mail.Created, mail.LastIn, mail.LastAt, mail.AwaitingSince = rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00"), rome("2026-02-13 17:00")
	comment := waiting(convo.PlatformFacebook, convo.KindComment)
	comment.Priority = convo.PriorityHigh

	tests := []struct {
		name string
		c    convo.Conversation
		want time.Time
	}{
		{"waiting: the first response", dm, at(15 * minute)},
		{"answered: the resolution", answered(dm, at(10*minute)), at(day)},
		{"answered late: the resolution", answered(dm, at(20*minute)), at(day)},
		{"waiting again: the next response", wroteAgain(answered(tg, at(10*minute)), at(hour)), at(hour + 30*minute)},
		{"waiting again, written twice: from the first unanswered", wroteAgain(wroteAgain(answered(tg, at(10*minute)), at(hour)), at(hour+20*minute)), at(hour + 30*minute)},
		{"waiting again on messenger: the next response before the window", wroteAgain(answered(dm, at(10*minute)), at(hour)), at(hour + 30*minute)},
		{"pending: the resolution only", pending, at(day)},
		{"pending and unanswered: response clocks ignored", pendingUnanswered, at(day)},
		{"pending messenger: the reply window still counts", pendingMessenger, at(day)},
		{"snoozed: the snooze end", snoozed, at(3 * hour)},
		{"snoozed without an end", snoozedNoTime, time.Time{}},
		{"resolved", resolved, time.Time{}},
		{"resolved unanswered", resolvedUnanswered, time.Time{}},
		{"e-mail on Friday evening: Monday noon", mail, rome("2026-02-16 12:00")},
		{"public comment, high priority", comment, at(5 * minute)},
	}
	p := defaultPolicy(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Due(tt.c)
			if !got.Equal(tt.want) {
				t.Errorf("Due(%s) = %v, want %v", tt.name, got, tt.want)
			}
			// Due depends on the conversation only: asking again, later, gives the same.
			if again := p.Due(tt.c); !again.Equal(got) {
				t.Errorf("Due(%s) a second time = %v, want %v", tt.name, again, got)
			}
			// It is the earliest open deadline that Deadlines reports, whatever now is.
			for _, now := range []time.Time{t0, at(time.Hour), at(30 * day)} {
				if tt.c.Status != convo.StatusOpen {
					break
				}
				var earliest time.Time
				for _, d := range p.Deadlines(tt.c, now) {
					if d.State == sla.Met || (!d.Done.IsZero()) {
						continue
					}
					if earliest.IsZero() || d.Due.Before(earliest) {
						earliest = d.Due
					}
				}
				if !earliest.Equal(got) {
					t.Errorf("earliest open deadline of Deadlines(%s, %v) = %v, want Due = %v", tt.name, now, earliest, got)
				}
			}
		})
	}
}
