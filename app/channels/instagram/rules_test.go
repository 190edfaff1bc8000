package instagram

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/graphsim/simtest"
	"sportello/app/convo"
	"sportello/app/store"
	"sportello/app/syncer"
)

const acct = "ig-auroracasa"

func dm(thread, text, tag string) channels.Outgoing {
	return channels.Outgoing{ThreadID: thread, ClientID: "o1", Text: text, Kind: convo.KindDM, Tag: tag}
}

func TestDirectWindows(t *testing.T) {
	for _, step := range []struct {
		after   time.Duration
		tag     string
		wantErr error
	}{
		{time.Hour, "", nil},
		{24*time.Hour + time.Second, "", channels.ErrOutOfWindow},
		{24*time.Hour + time.Second, "HUMAN_AGENT", nil},
		{7*24*time.Hour + time.Second, "HUMAN_AGENT", channels.ErrOutOfWindow},
	} {
		t.Run(fmt.Sprintf("%v %s", step.after, step.tag), func(t *testing.T) {
			d := newDesk(t, graphsim.Options{}, Options{})
			u := d.users[0]
			d.sim.UserMessage(d.acct.ID, u, "Avete la taglia M?")
			d.sim.Advance(step.after)
			_, err := d.ch.Send(t.Context(), dm(u.IGSID, "Sì, ancora disponibile!", step.tag))
			if !errors.Is(err, step.wantErr) || (step.wantErr == nil) != (err == nil) {
				t.Errorf("Send(tag %q) %v later = %v, want %v", step.tag, step.after, err, step.wantErr)
			}
		})
	}
}

func TestTextLimitInBytes(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.acct.ID, u, "Ciao")
	calls := len(d.sim.Requests())
	if _, err := d.ch.Send(t.Context(), dm(u.IGSID, strings.Repeat("è", 501), "")); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("Send(1002 bytes) = %v, want ErrRejected", err)
	}
	if len(d.sim.Requests()) != calls {
		t.Error("a reply over 1000 bytes went to the platform")
	}
	if _, err := d.ch.Send(t.Context(), dm(u.IGSID, strings.Repeat("è", 500), "")); err != nil {
		t.Errorf("Send(1000 bytes) = %v", err)
	}
}

func TestCommentThreads(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	a, b := d.users[0], d.users[1]
	top := d.sim.Comment(d.media[0], a, "Quanto costa?")
	d.sim.Advance(time.Second)
	r := d.sim.Comment(top, b, "Lo vorrei sapere anch'io")
	d.sim.Advance(time.Second)
	own := d.sim.Comment(d.media[1], nil, "Scriveteci le vostre domande")
	d.sim.Advance(time.Second)
	ownReply := d.sim.Comment(own, b, "Spedite all'estero?")
	items, cur := simtest.PullAll(t, d.ch, "")
	threads := map[string]string{}
	for _, it := range items {
		threads[it.Message.PlatformID] = it.ThreadID
		if it.Kind != convo.KindComment || !it.Public || it.Message.Direction != convo.DirIn {
			t.Errorf("item %+v", it)
		}
	}
	if len(items) != 3 || threads[top] != CommentThread(top) || threads[r] != CommentThread(top) || threads[ownReply] != CommentThread(own) {
		t.Fatalf("threads = %v", threads)
	}
	// A public reply goes to the top-level comment and comes back in its thread.
	d.sim.Advance(time.Minute)
	sent, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: CommentThread(top), Text: "Ti scriviamo in DM!", Kind: convo.KindComment, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	items, _ = simtest.PullAll(t, d.ch, cur)
	if len(items) != 1 || items[0].Message.PlatformID != sent.PlatformID || items[0].Message.Direction != convo.DirOut ||
		items[0].ThreadID != CommentThread(top) || items[0].Customer.Handle != a.IGSID {
		t.Errorf("after the public reply, pulled %+v", items)
	}
	// Hidden comments cannot be replied to.
	d.sim.Hide(top)
	if _, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: CommentThread(top), Text: "Ancora"}); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("reply to a hidden comment = %v, want ErrRejected", err)
	}
}

func TestPrivateReply(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	st := simtest.OpenStore(t, d.sim)
	e := syncer.New(st, d.sim.Now, nil, nil)
	u := d.users[2]
	comment := d.sim.Comment(d.media[0], u, "Il mio ordine è in ritardo")
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
		t.Fatal(err)
	}
	d.sim.Advance(time.Hour)
	thread, sent, err := d.ch.PrivateReply(t.Context(), CommentThread(comment), "Ciao! Ti scriviamo qui per i dettagli.")
	if err != nil || thread != u.IGSID || sent.PlatformID == "" {
		t.Fatalf("PrivateReply() = %q, %+v, %v; want the customer's IGSID %s", thread, sent, err, u.IGSID)
	}
	if _, _, err := d.ch.PrivateReply(t.Context(), comment, "Di nuovo"); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("second PrivateReply() = %v, want ErrRejected", err)
	}
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
		t.Fatal(err)
	}
	// Both conversations are in the store, in the same account.
	public, err := st.Conversation(store.ConvID(acct, CommentThread(comment)))
	if err != nil || !public.Public || public.Kind != convo.KindComment {
		t.Fatalf("public conversation = %+v, %v", public, err)
	}
	private, err := st.Conversation(store.ConvID(acct, thread))
	if err != nil || private.Public || private.Kind != convo.KindDM {
		t.Fatalf("private conversation = %+v, %v", private, err)
	}
	if msgs, _ := st.Messages(private.ID, 0); len(msgs) != 1 || msgs[0].PlatformID != sent.PlatformID {
		t.Errorf("private conversation messages = %+v, want the private reply", msgs)
	}
	late := d.sim.Comment(d.media[1], u, "Altro commento")
	d.sim.Advance(7*24*time.Hour + time.Second)
	if _, _, err := d.ch.PrivateReply(t.Context(), late, "Ciao"); !errors.Is(err, channels.ErrOutOfWindow) {
		t.Errorf("PrivateReply() after 7 days = %v, want ErrOutOfWindow", err)
	}
}

func TestDetailCap(t *testing.T) {
	d := newDesk(t, graphsim.Options{MessagePage: 6}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.acct.ID, u, "prima")
	_, cur := simtest.PullAll(t, d.ch, "")
	for i := range 24 {
		d.sim.Advance(2 * time.Second)
		d.sim.UserMessage(d.acct.ID, u, fmt.Sprint("raffica ", i))
	}
	items, _ := simtest.PullAll(t, d.ch, cur)
	var msgs, notes int
	for _, it := range items {
		switch {
		case it.Message.Direction == convo.DirNote && it.ThreadID == u.IGSID:
			notes++
		case it.Message.Direction == convo.DirIn:
			msgs++
		}
	}
	if msgs != 20 || notes != 1 {
		t.Errorf("after 24 messages: %d messages and %d notes, want 20 and a note", msgs, notes)
	}
}

func TestExpiredToken(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	d.produce(3)
	d.sim.ExpireToken(d.acct.ID)
	if _, err := d.ch.Pull(t.Context(), ""); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("Pull with an expired token = %v, want ErrAuth", err)
	}
}

func TestFindAfterLostAnswer(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	u := d.users[0]
	d.sim.UserMessage(d.acct.ID, u, "Ciao")
	top := d.sim.Comment(d.media[0], u, "Info?")
	since := d.sim.Now()
	for _, thread := range []string{u.IGSID, CommentThread(top)} {
		d.sim.Fail(graphsim.Fault{Match: "POST", Drop: true, After: true})
		if _, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: thread, Text: "Risposta " + thread}); err == nil {
			t.Fatal("Send with the answer lost = nil error")
		}
		if id, found, err := d.ch.Find(t.Context(), thread, "", "Risposta "+thread, since); err != nil || !found || id == "" {
			t.Errorf("Find(%s) = %q, %v, %v; want the reply", thread, id, found, err)
		}
		if _, found, _ := d.ch.Find(t.Context(), thread, "", "mai scritto", since); found {
			t.Errorf("Find(%s, text never sent) = found", thread)
		}
	}
}

func TestRestartMidSync(t *testing.T) {
	for _, crashAt := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("crash at pull ", crashAt), func(t *testing.T) {
			d := newDesk(t, graphsim.Options{PageSize: 2, MessagePage: 2}, Options{PerPull: 1})
			d.produce(45)
			st := simtest.OpenStore(t, d.sim)
			e := syncer.New(st, d.sim.Now, nil, nil)
			stored := simtest.SyncCrashing(t, e, acct, d.ch, crashAt)
			d.sim.Advance(time.Minute)
			d.produce(9)
			more, dups := simtest.Resume(t, d.sim, e, acct, d.channel(t, Options{PerPull: 1}))
			stored += more
			want := len(d.sim.Messages(d.acct.ID)) + len(d.sim.Comments(d.acct.ID))
			if stored != want || dups != 0 {
				t.Errorf("stored %d with %d duplicates, want %d and none", stored, dups, want)
			}
			for _, m := range d.sim.Messages(d.acct.ID) {
				if msgs, _ := st.Messages(store.ConvID(acct, m.Thread), 0); !hasOnce(msgs, m.ID) {
					t.Errorf("DM %s not stored exactly once", m.ID)
				}
			}
			for _, c := range d.sim.Comments(d.acct.ID) {
				if msgs, _ := st.Messages(store.ConvID(acct, CommentThread(c.Top)), 0); !hasOnce(msgs, c.ID) {
					t.Errorf("comment %s not stored exactly once", c.ID)
				}
			}
		})
	}
}

func hasOnce(msgs []convo.Message, id string) bool { return simtest.Count(msgs, id) == 1 }
