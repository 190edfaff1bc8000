package messenger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/graphsim/simtest"
	"sportello/app/convo"
	"sportello/app/store"
	"sportello/app/syncer"
)

const acct = "fb-page-messenger"

func send(ch *Channel, thread, text, tag string) error {
	_, err := ch.Send(context.Background(), channels.Outgoing{ThreadID: thread, ClientID: "o1", Text: text, Kind: convo.KindDM, Tag: tag})
	return err
}

func TestReplyWindows(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.page.ID, u, "Il pacco non è arrivato")
	for _, step := range []struct {
		after   time.Duration // since the customer's last message
		tag     string
		wantErr error
	}{
		{time.Minute, "", nil},
		{23 * time.Hour, "", nil},
		{25 * time.Hour, "", channels.ErrOutOfWindow},                          // RESPONSE: past 24 h
		{25 * time.Hour, "HUMAN_AGENT", nil},                                   // the human agent tag: up to 7 days
		{7*24*time.Hour - time.Minute, "HUMAN_AGENT", nil},                     // still inside
		{7*24*time.Hour + time.Minute, "HUMAN_AGENT", channels.ErrOutOfWindow}, // closed
		{7*24*time.Hour + time.Minute, "", channels.ErrOutOfWindow},
	} {
		t.Run(fmt.Sprintf("%v %s", step.after, step.tag), func(t *testing.T) {
			d2 := newDesk(t, graphsim.Options{}, Options{})
			d2.sim.UserMessage(d2.page.ID, d2.users[0], "Il pacco non è arrivato")
			d2.sim.Advance(step.after)
			err := send(d2.ch, d2.users[0].PSID, "Ci scusiamo, verifichiamo subito.", step.tag)
			if !errors.Is(err, step.wantErr) || (step.wantErr == nil) != (err == nil) {
				t.Errorf("Send(tag %q) %v after the last message = %v, want %v", step.tag, step.after, err, step.wantErr)
			}
		})
	}
	// A new customer message opens the window again.
	d.sim.Advance(8 * 24 * time.Hour)
	if err := send(d.ch, u.PSID, "Buongiorno!", ""); !errors.Is(err, channels.ErrOutOfWindow) {
		t.Fatalf("Send after 8 days = %v, want ErrOutOfWindow", err)
	}
	d.sim.UserMessage(d.page.ID, u, "Ci siete?")
	if err := send(d.ch, u.PSID, "Sì, eccoci!", ""); err != nil {
		t.Errorf("Send after the customer wrote again = %v", err)
	}
}

func TestSendRefusals(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.page.ID, u, "Salve")
	calls := len(d.sim.Requests())
	if err := send(d.ch, u.PSID, strings.Repeat("à", 2001), ""); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("Send(2001 characters) = %v, want ErrRejected", err)
	}
	if got := len(d.sim.Requests()); got != calls {
		t.Errorf("a reply over the limit made %d calls, want 0", got-calls)
	}
	if err := send(d.ch, u.PSID, strings.Repeat("à", 2000), ""); err != nil {
		t.Errorf("Send(2000 characters) = %v", err)
	}
	u.Unavailable = true
	if err := send(d.ch, u.PSID, "Ciao", ""); !errors.Is(err, channels.ErrRejected) || !strings.Contains(err.Error(), "551") {
		t.Errorf("Send to an unavailable person = %v, want ErrRejected (551)", err)
	}
	if err := send(d.ch, "24999999999999", "Ciao", ""); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("Send to nobody = %v, want ErrRejected", err)
	}
}

func TestExpiredToken(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	d.produce(3)
	st := simtest.OpenStore(t, d.sim)
	e := syncer.New(st, d.sim.Now, nil, nil)
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
		t.Fatal(err)
	}
	d.sim.ExpireToken(d.page.ID)
	d.produce(2)
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("SyncOnce with an expired token = %v, want ErrAuth", err)
	}
	if err := send(d.ch, d.users[0].PSID, "Ciao", ""); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("Send with an expired token = %v, want ErrAuth", err)
	}
}

// checkStore compares the store with the simulator: every message once.
func checkStore(t *testing.T, st *store.Store, d *desk) {
	t.Helper()
	want := d.sim.Messages(d.page.ID)
	byThread := map[string][]string{}
	for _, m := range want {
		byThread[m.Thread] = append(byThread[m.Thread], m.ID)
	}
	for thread, ids := range byThread {
		msgs, err := st.Messages(store.ConvID(acct, thread), 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, m.PlatformID)
		}
		slices.Sort(got)
		slices.Sort(ids)
		if !slices.Equal(got, ids) {
			t.Errorf("thread %s: store has %d messages %v, platform %d %v", thread, len(got), got, len(ids), ids)
		}
	}
}

func TestThrottlingThenRecovery(t *testing.T) {
	for _, code := range []int{4, 17, 32, 613, 80001, 80006} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			d := newDesk(t, graphsim.Options{}, Options{PerPull: 3})
			d.produce(16) // 8 conversations: three Pulls
			st := simtest.OpenStore(t, d.sim)
			e := syncer.New(st, d.sim.Now, nil, nil)
			// The listing and the first Pull pass; reading the fourth conversation is throttled.
			d.sim.Fail(graphsim.Fault{Code: code, Regain: 2, Match: "/t_", Skip: 3})
			_, err := e.SyncOnce(t.Context(), acct, d.ch)
			var rl *channels.RateLimited
			if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Minute {
				t.Fatalf("SyncOnce = %v, want RateLimited for 2m", err)
			}
			calls := len(d.sim.Requests())
			d.sim.Advance(time.Minute)
			if _, err := e.SyncOnce(t.Context(), acct, d.ch); !errors.As(err, &rl) {
				t.Errorf("SyncOnce a minute later = %v, want still RateLimited", err)
			}
			if got := len(d.sim.Requests()); got != calls {
				t.Errorf("%d calls while throttled, want 0", got-calls)
			}
			d.sim.Advance(time.Minute)
			if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
				t.Fatalf("SyncOnce after the wait = %v, want recovery", err)
			}
			checkStore(t, st, d)
		})
	}
}

func TestTransientErrorsThenRecovery(t *testing.T) {
	for _, f := range []graphsim.Fault{{Code: 2}, {Status: 503}, {Drop: true}, {Code: 1, Status: 500}} {
		d := newDesk(t, graphsim.Options{}, Options{})
		d.produce(5)
		st := simtest.OpenStore(t, d.sim)
		e := syncer.New(st, d.sim.Now, nil, nil)
		d.sim.Fail(f)
		_, err := e.SyncOnce(t.Context(), acct, d.ch)
		if err == nil || errors.Is(err, channels.ErrAuth) || errors.Is(err, channels.ErrRejected) {
			t.Errorf("SyncOnce with %+v = %v, want a temporary error", f, err)
		}
		if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
			t.Errorf("SyncOnce after %+v = %v, want recovery", f, err)
		}
		checkStore(t, st, d)
	}
}

// TestStaysUnderBudget polls every 15 s for four hours against an hourly
// budget the poller would exhaust in minutes: the usage headers slow it down
// before Meta throttles, and everything still arrives.
func TestStaysUnderBudget(t *testing.T) {
	d := newDesk(t, graphsim.Options{CallBudget: 120}, Options{PerPull: 10})
	st := simtest.OpenStore(t, d.sim)
	e := syncer.New(st, d.sim.Now, nil, nil)
	polls := 0
	for i := range 4 * 60 * 4 {
		d.sim.Advance(15 * time.Second)
		if i%8 == 0 {
			d.sim.UserMessage(d.page.ID, d.users[i%len(d.users)], fmt.Sprint("messaggio ", i))
		}
		polls++
		if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
			t.Fatalf("poll %d: %v (usage %d%%)", i, err, d.ch.API().Usage().Max())
		}
	}
	calls := len(d.sim.Requests())
	if calls > 4*120 {
		t.Errorf("%d calls in 4 hours, want at most the budget %d", calls, 4*120)
	}
	// The poller resumes when the usage falls: nothing is lost.
	for range 40 {
		d.sim.Advance(time.Minute)
		if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
			t.Fatal(err)
		}
	}
	checkStore(t, st, d)
	t.Logf("%d polls, %d calls, final usage %d%%", polls, calls, d.ch.API().Usage().Max())
}

func TestRestartMidSync(t *testing.T) {
	for _, crashAt := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprint("crash at pull ", crashAt), func(t *testing.T) {
			d := newDesk(t, graphsim.Options{PageSize: 4, MessagePage: 3}, Options{PerPull: 3})
			for i := range 14 {
				d.users = append(d.users, d.sim.NewUser(fmt.Sprint("Storico ", i)))
			}
			for i := range 60 {
				d.sim.Advance(time.Duration(1+i%5) * time.Minute)
				u := d.users[(i*7)%len(d.users)]
				d.sim.UserMessage(d.page.ID, u, fmt.Sprint("domanda ", i))
				if i%4 == 0 {
					d.sim.AccountMessage(d.page.ID, u, fmt.Sprint("risposta ", i))
				}
			}
			st := simtest.OpenStore(t, d.sim)
			e := syncer.New(st, d.sim.Now, nil, nil)
			var total store.IngestResult
			total.Stored = simtest.SyncCrashing(t, e, acct, d.ch, crashAt)
			if cur, _ := st.Cursor(acct); crashAt > 1 && !strings.Contains(cur, `"walk"`) {
				t.Fatalf("cursor after the crash = %q, want a walk in progress", cur)
			}
			// Life goes on while Sportello is down.
			d.sim.Advance(time.Minute)
			d.sim.UserMessage(d.page.ID, d.users[0], "sono ancora qui")
			d.sim.UserMessage(d.page.ID, d.users[len(d.users)-1], "e io?")
			d.sim.UserMessage(d.page.ID, d.sim.NewUser("Nuova Cliente"), "prima volta")
			d.sim.AccountMessage(d.page.ID, d.users[3], "risposta da Business Suite")
			// A new instance resumes from the stored cursor.
			stored, dups := simtest.Resume(t, d.sim, e, acct, d.channel(t, Options{PerPull: 3}))
			total.Stored += stored
			total.Duplicates += dups
			checkStore(t, st, d)
			if want := len(d.sim.Messages(d.page.ID)); total.Stored != want || total.Duplicates != 0 {
				t.Errorf("stored %d with %d duplicates, want %d and none delivered twice", total.Stored, total.Duplicates, want)
			}
		})
	}
}

// TestConversationMovingDuringListing: a conversation that jumps to the top
// while the listing is paged still has its earlier message delivered.
func TestConversationMovingDuringListing(t *testing.T) {
	d := newDesk(t, graphsim.Options{PageSize: 2}, Options{})
	var cur string
	_, cur = simtest.PullAll(t, d.ch, cur)
	var ids []string
	for _, u := range d.users { // eight conversations, oldest first
		d.sim.Advance(time.Minute)
		ids = append(ids, d.sim.UserMessage(d.page.ID, u, "nuovo messaggio"))
	}
	// While the second page is read, the oldest conversation gets a new message.
	var late string
	d.sim.OnCall("after=", func() {
		d.sim.Advance(time.Second)
		late = d.sim.UserMessage(d.page.ID, d.users[0], "ancora io")
	})
	items, cur := simtest.PullAll(t, d.ch, cur)
	got := map[string]int{}
	for _, it := range items {
		got[it.Message.PlatformID]++
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("message %s delivered %d times, want once", id, got[id])
		}
	}
	items, _ = simtest.PullAll(t, d.ch, cur)
	for _, it := range items {
		got[it.Message.PlatformID]++
	}
	if got[late] != 1 {
		t.Errorf("the message that moved the conversation was delivered %d times, want once", got[late])
	}
}

func TestSameSecond(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	d.sim.UserMessage(d.page.ID, d.users[0], "uno")
	items, cur := simtest.PullAll(t, d.ch, "")
	if len(items) != 1 {
		t.Fatalf("first pull = %d items", len(items))
	}
	// Same second as the checkpoint: neither lost nor repeated.
	d.sim.UserMessage(d.page.ID, d.users[0], "due")
	d.sim.UserMessage(d.page.ID, d.users[1], "tre")
	items, cur = simtest.PullAll(t, d.ch, cur)
	if len(items) != 2 {
		t.Errorf("pull in the same second = %d items, want 2", len(items))
	}
	d.sim.Advance(time.Second)
	if items, _ = simtest.PullAll(t, d.ch, cur); len(items) != 0 {
		t.Errorf("pull with nothing new = %d items", len(items))
	}
}

func TestDetailCap(t *testing.T) {
	d := newDesk(t, graphsim.Options{MessagePage: 7}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.page.ID, u, "prima")
	_, cur := simtest.PullAll(t, d.ch, "")
	for i := range 25 { // more than the API shows in detail
		d.sim.Advance(3 * time.Second)
		d.sim.UserMessage(d.page.ID, u, fmt.Sprint("raffica ", i))
	}
	items, cur := simtest.PullAll(t, d.ch, cur)
	var msgs, notes int
	for _, it := range items {
		switch it.Message.Direction {
		case convo.DirIn:
			msgs++
		case convo.DirNote:
			notes++
			if it.Message.Text != graph.GapText || it.ThreadID != u.PSID {
				t.Errorf("gap note = %+v", it)
			}
		}
	}
	if msgs != 20 || notes != 1 {
		t.Errorf("pull after 25 messages = %d messages and %d notes, want the 20 the API shows and one note", msgs, notes)
	}
	// The note is stored like any item and is not repeated.
	st := simtest.OpenStore(t, d.sim)
	if _, err := st.Ingest(acct, items, cur); err != nil {
		t.Fatal(err)
	}
	d.sim.Advance(time.Minute)
	d.sim.UserMessage(d.page.ID, u, "dopo")
	items, _ = simtest.PullAll(t, d.ch, cur)
	if len(items) != 1 || items[0].Message.Text != "dopo" {
		t.Errorf("next pull = %+v, want just the new message", items)
	}
}

func TestAttachments(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	d.sim.UserMessage(d.page.ID, d.users[0], "ecco le foto",
		graphsim.Attachment{Name: "IMG_2031.jpg", MimeType: "image/jpeg", Size: 1843200, URL: "https://scontent.example/IMG_2031.jpg"},
		graphsim.Attachment{Name: "fattura.pdf", MimeType: "application/pdf", Size: 52311, URL: "https://cdn.example/fattura.pdf"},
		graphsim.Attachment{Name: "audioclip.mp4", MimeType: "audio/mpeg", Size: 90000, URL: "https://cdn.example/a.mp4"})
	items, _ := simtest.PullAll(t, d.ch, "")
	if len(items) != 1 {
		t.Fatalf("pulled %d items", len(items))
	}
	got := items[0].Message.Attachments
	want := []convo.Attachment{
		{Type: "image", Name: "IMG_2031.jpg", Size: 1843200, URL: "https://scontent.example/IMG_2031.jpg"},
		{Type: "file", Name: "fattura.pdf", Size: 52311, URL: "https://cdn.example/fattura.pdf"},
		{Type: "audio", Name: "audioclip.mp4", Size: 90000, URL: "https://cdn.example/a.mp4"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("attachments = %+v, want %+v", got, want)
	}
}

// TestFindAfterLostAnswer: the reply went out but its answer was lost; Find
// reads the thread back and finds it, so the outbox does not send it twice.
func TestFindAfterLostAnswer(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.page.ID, u, "Salve")
	d.sim.Advance(time.Minute)
	since := d.sim.Now()
	d.sim.Fail(graphsim.Fault{Match: "POST", Drop: true, After: true})
	err := send(d.ch, u.PSID, "Le scriviamo subito.", "")
	if err == nil || errors.Is(err, channels.ErrOffline) {
		t.Fatalf("Send with the answer lost = %v, want an error with unknown outcome (not ErrOffline)", err)
	}
	id, found, err := d.ch.Find(t.Context(), u.PSID, "o1", "Le scriviamo subito.", since)
	if err != nil || !found {
		t.Fatalf("Find() = %q, %v, %v; want the reply", id, found, err)
	}
	msgs := d.sim.Messages(d.page.ID)
	if last := msgs[len(msgs)-1]; last.ID != id || !last.FromSelf {
		t.Errorf("Find() = %s, want %s", id, last.ID)
	}
	if _, found, _ := d.ch.Find(t.Context(), u.PSID, "o2", "Un'altra risposta", since); found {
		t.Error("Find(text never sent) = found")
	}
	if _, found, _ := d.ch.Find(t.Context(), u.PSID, "o1", "Le scriviamo subito.", since.Add(time.Hour)); found {
		t.Error("Find(since after the reply) = found")
	}
	if _, found, err := d.ch.Find(t.Context(), "2499", "o1", "x", since); found || err != nil {
		t.Errorf("Find(unknown customer) = %v, %v", found, err)
	}
}
