package fbcomments

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/graphsim/simtest"
	"sportello/app/channels/messenger"
	"sportello/app/convo"
	"sportello/app/store"
	"sportello/app/syncer"
)

const (
	acct   = "fb-page-comments"
	dmAcct = "fb-page-messenger"
)

func (d *desk) messenger(t *testing.T) *messenger.Channel {
	t.Helper()
	return simtest.Build(t, messenger.New, messenger.Options{Graph: simtest.Graph(d.sim, d.page), PageID: d.page.ID})
}

func TestThreads(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	a, b := d.users[0], d.users[1]
	top := d.sim.Comment(d.posts[0], a, "Il divano è arrivato rotto!")
	d.sim.Advance(time.Minute)
	r1 := d.sim.Comment(top, b, "Anche a me")
	d.sim.Advance(time.Minute)
	r2 := d.sim.Comment(r1, a, "@Commentatore 1 che disastro") // a reply to a reply joins the top-level comment
	d.sim.Advance(time.Minute)
	pr := d.sim.Comment(top, nil, "Ci dispiace, scriviamo in privato")
	d.sim.Advance(time.Minute)
	own := d.sim.Comment(d.posts[1], nil, "Scrivete qui le vostre domande!") // the Page's own: no conversation
	d.sim.Advance(time.Minute)
	q := d.sim.Comment(own, b, "Spedite in Svizzera?")
	items, _ := simtest.PullAll(t, d.ch, "")
	type row struct {
		id, thread string
		dir        convo.Direction
		customer   string
	}
	var got []row
	for _, it := range items {
		if !it.Public || it.Kind != convo.KindComment || it.Subject == "" {
			t.Errorf("item %s: public %v kind %s subject %q", it.Message.PlatformID, it.Public, it.Kind, it.Subject)
		}
		got = append(got, row{it.Message.PlatformID, it.ThreadID, it.Message.Direction, it.Customer.Handle})
	}
	want := []row{
		{top, top, convo.DirIn, a.ASID},
		{r1, top, convo.DirIn, b.ASID},
		{r2, top, convo.DirIn, a.ASID},
		{pr, top, convo.DirOut, a.ASID},
		{q, own, convo.DirIn, b.ASID},
	}
	if !slices.Equal(got, want) {
		t.Errorf("items =\n%v\nwant\n%v", got, want)
	}
}

// TestPrivateReply moves a public comment to a private conversation: one
// private reply per comment, within 7 days, and the thread it opens is the
// customer's Messenger thread, so both conversations can be linked.
func TestPrivateReply(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	dm := d.messenger(t)
	st := simtest.OpenStore(t, d.sim)
	e := syncer.New(st, d.sim.Now, nil, nil)
	u := d.users[0]
	comment := d.sim.Comment(d.posts[0], u, "Ordine 48213 mai arrivato, vergogna!")
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SyncOnce(t.Context(), dmAcct, dm); err != nil {
		t.Fatal(err)
	}
	d.sim.Advance(10 * time.Minute)
	thread, sent, err := d.ch.PrivateReply(t.Context(), comment, "Ciao, ti abbiamo scritto in privato per risolvere subito.")
	if err != nil {
		t.Fatalf("PrivateReply() = %v", err)
	}
	if thread != u.PSID || sent.PlatformID == "" || !sent.At.Equal(d.sim.Now().Truncate(time.Second)) {
		t.Errorf("PrivateReply() = %q, %+v; want the customer's PSID %s, a message ID and the server time", thread, sent, u.PSID)
	}
	// The public follow-up.
	if _, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: comment, Text: "Ti abbiamo scritto in privato 📩", Kind: convo.KindComment, Public: true}); err != nil {
		t.Fatal(err)
	}
	// Once only.
	_, _, err = d.ch.PrivateReply(t.Context(), comment, "Di nuovo")
	if !errors.Is(err, channels.ErrRejected) || !strings.Contains(err.Error(), "10900") {
		t.Errorf("second PrivateReply() = %v, want ErrRejected (10900)", err)
	}
	// The private message comes back in the Messenger account, in the thread returned.
	if _, err := e.SyncOnce(t.Context(), dmAcct, dm); err != nil {
		t.Fatal(err)
	}
	if _, err := e.SyncOnce(t.Context(), acct, d.ch); err != nil {
		t.Fatal(err)
	}
	private, err := st.Conversation(store.ConvID(dmAcct, thread))
	if err != nil {
		t.Fatalf("the private conversation is not in the store: %v", err)
	}
	msgs, _ := st.Messages(private.ID, 0)
	if private.Kind != convo.KindDM || private.Public || len(msgs) != 1 || msgs[0].PlatformID != sent.PlatformID || msgs[0].Direction != convo.DirOut {
		t.Errorf("private conversation %+v with %+v, want the private reply as its one outbound message", private, msgs)
	}
	public, err := st.Conversation(store.ConvID(acct, comment))
	if err != nil {
		t.Fatal(err)
	}
	if pm, _ := st.Messages(public.ID, 0); len(pm) != 2 || pm[1].Direction != convo.DirOut {
		t.Errorf("public conversation messages = %+v, want the comment and the public follow-up", pm)
	}
	// The private reply does not open the 24 h window: the customer must answer first.
	out := channels.Outgoing{ThreadID: thread, Text: "Ci sei?", Kind: convo.KindDM}
	if _, err := dm.Send(t.Context(), out); !errors.Is(err, channels.ErrOutOfWindow) {
		t.Errorf("Messenger Send before the customer answered = %v, want ErrOutOfWindow", err)
	}
	d.sim.UserMessage(d.page.ID, u, "Grazie, il mio indirizzo è via Roma 1")
	if _, err := dm.Send(t.Context(), out); err != nil {
		t.Errorf("Messenger Send after the customer answered = %v", err)
	}
}

func TestPrivateReplyLimits(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	old := d.sim.Comment(d.posts[0], d.users[0], "Commento vecchio")
	d.sim.Advance(7*24*time.Hour - time.Minute)
	if _, _, err := d.ch.PrivateReply(t.Context(), old, "Ciao"); err != nil {
		t.Errorf("PrivateReply() 7 days minus a minute after = %v", err)
	}
	old2 := d.sim.Comment(d.posts[1], d.users[2], "Un altro")
	d.sim.Advance(7*24*time.Hour + time.Second)
	if _, _, err := d.ch.PrivateReply(t.Context(), old2, "Ciao"); !errors.Is(err, channels.ErrOutOfWindow) {
		t.Errorf("PrivateReply() after 7 days = %v, want ErrOutOfWindow", err)
	}
	own := d.sim.Comment(d.posts[0], nil, "Commento della Pagina")
	if _, _, err := d.ch.PrivateReply(t.Context(), own, "Ciao"); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("PrivateReply() to the Page's own comment = %v, want ErrRejected", err)
	}
	if _, _, err := d.ch.PrivateReply(t.Context(), "123_456", "Ciao"); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("PrivateReply() to no comment = %v, want ErrRejected", err)
	}
	calls := len(d.sim.Requests())
	if _, _, err := d.ch.PrivateReply(t.Context(), own, strings.Repeat("x", 2001)); !errors.Is(err, channels.ErrRejected) {
		t.Errorf("PrivateReply(2001 characters) = %v, want ErrRejected", err)
	}
	if len(d.sim.Requests()) != calls {
		t.Error("a private reply over the Messenger limit was sent to the platform")
	}
}

func TestExpiredToken(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	d.produce(2)
	d.sim.ExpireToken(d.page.ID)
	if _, err := d.ch.Pull(t.Context(), ""); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("Pull with an expired token = %v, want ErrAuth", err)
	}
	if _, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: d.tops[0], Text: "Ciao"}); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("Send with an expired token = %v, want ErrAuth", err)
	}
}

func TestFindAfterLostAnswer(t *testing.T) {
	d := newDesk(t, graphsim.Options{}, Options{})
	top := d.sim.Comment(d.posts[0], d.users[0], "Info?")
	d.sim.Advance(time.Minute)
	since := d.sim.Now()
	d.sim.Fail(graphsim.Fault{Match: "POST", Drop: true, After: true})
	if _, err := d.ch.Send(t.Context(), channels.Outgoing{ThreadID: top, Text: "Ti rispondiamo in privato"}); err == nil {
		t.Fatal("Send with the answer lost = nil error")
	}
	id, found, err := d.ch.Find(t.Context(), top, "", "Ti rispondiamo in privato", since)
	cs := d.sim.Comments(d.page.ID)
	if err != nil || !found || id != cs[len(cs)-1].ID {
		t.Errorf("Find() = %q, %v, %v; want %s", id, found, err, cs[len(cs)-1].ID)
	}
	if _, found, _ := d.ch.Find(t.Context(), top, "", "mai scritto", since); found {
		t.Error("Find(text never sent) = found")
	}
}

func TestRestartMidSync(t *testing.T) {
	for _, crashAt := range []int{1, 2, 4} {
		t.Run(fmt.Sprint("crash at pull ", crashAt), func(t *testing.T) {
			d := newDesk(t, graphsim.Options{PageSize: 2}, Options{PerPull: 1})
			for range 3 {
				d.posts = append(d.posts, d.sim.AddPost(d.page.ID, "Altro post"))
			}
			d.produce(40)
			st := simtest.OpenStore(t, d.sim)
			e := syncer.New(st, d.sim.Now, nil, nil)
			stored := simtest.SyncCrashing(t, e, acct, d.ch, crashAt)
			d.sim.Advance(time.Minute)
			d.produce(6)
			d.sim.Comment(d.tops[0], nil, "Risposta della Pagina")
			more, dups := simtest.Resume(t, d.sim, e, acct, d.channel(t, Options{PerPull: 1}))
			stored += more
			want := d.sim.Comments(d.page.ID)
			if stored != len(want) || dups != 0 {
				t.Errorf("stored %d with %d duplicates, want %d and none", stored, dups, len(want))
			}
			for _, c := range want {
				msgs, err := st.Messages(store.ConvID(acct, c.Top), 0)
				if err != nil {
					t.Fatal(err)
				}
				if n := simtest.Count(msgs, c.ID); n != 1 {
					t.Errorf("comment %s stored %d times in thread %s", c.ID, n, c.Top)
				}
			}
		})
	}
}
