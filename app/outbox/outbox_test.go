package outbox

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/demo"
	"sportello/app/convo"
	"sportello/app/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// flaky is a platform edge that fails the next sends as scripted, and can
// lose the answer of a send that did go out (the connection drops after).
type flaky struct {
	channels.Channel
	mu       sync.Mutex
	failures []error
	loseNext bool
	sends    int
}

func (f *flaky) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) > 0 {
		err := f.failures[0]
		f.failures = f.failures[1:]
		return channels.Sent{}, err
	}
	f.sends++
	s, err := f.Channel.Send(ctx, out)
	if err == nil && f.loseNext {
		f.loseNext = false
		return channels.Sent{}, errors.New("connection reset by peer")
	}
	return s, err
}

func (f *flaky) Find(ctx context.Context, thread, client, text string, since time.Time) (string, bool, error) {
	return f.Channel.(channels.Reconciler).Find(ctx, thread, client, text, since)
}

type env struct {
	t    *testing.T
	clk  *clock
	st   *store.Store
	ch   *flaky
	sim  *demo.Sim
	ob   *Outbox
	conv convo.Conversation
	cust convo.Identity
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	opts := store.Options{Now: clk.Now, InMemory: dir == ""}
	st, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sim := demo.New(demo.Options{Seed: 3, Anchor: clk.t, Now: clk.Now, HistoryConversations: 30})
	e := &env{t: t, clk: clk, st: st, sim: sim, ch: &flaky{Channel: sim.Channel("demo-telegram")}}
	b, err := e.ch.Pull(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest("demo-telegram", b.Items, b.Cursor); err != nil {
		t.Fatal(err)
	}
	in := b.Items[0]
	e.cust = in.Customer
	if e.conv, err = st.Conversation(store.ConvID("demo-telegram", in.ThreadID)); err != nil {
		t.Fatal(err)
	}
	e.ob = New(st, clk.Now, nil, func(string) (channels.Channel, bool) { return e.ch, true }, nil)
	return e
}

func (e *env) items() []Item {
	e.t.Helper()
	its, err := e.ob.Items(e.conv.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return its
}

// copies counts the replies with this text the platform received.
func (e *env) copies(text string) int {
	n := 0
	b, err := e.sim.Channel("demo-telegram").Pull(context.Background(), "999999.0")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, it := range b.Items {
		if it.Message.Text == text {
			n++
		}
	}
	return n
}

func TestSendGoesOutOnceAndShowsInTheThread(t *testing.T) {
	e := newEnv(t, "")
	if err := e.ob.SaveDraft(Draft{ConvID: e.conv.ID, Text: "Ciao, ci penso io"}); err != nil {
		t.Fatal(err)
	}
	it, err := e.ob.Send(e.conv, e.cust, "Ciao, ci penso io", "", "", "giulia")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := e.ob.Draft(e.conv.ID); d.Text != "" {
		t.Errorf("draft after sending = %q, want it cleared", d.Text)
	}
	e.ob.Pass(context.Background())
	got := e.items()
	if len(got) != 1 || got[0].State != Sent || got[0].ID != it.ID || got[0].PlatformID == "" {
		t.Fatalf("items = %+v, want one sent item with a platform ID", got)
	}
	msgs, _ := e.st.Messages(e.conv.ID, 0)
	if last := msgs[len(msgs)-1]; last.Text != "Ciao, ci penso io" || last.Direction != convo.DirOut {
		t.Errorf("last message = %+v, want the sent reply", last)
	}
	if n := e.copies("Ciao, ci penso io"); n != 1 {
		t.Errorf("platform received %d copies, want 1", n)
	}
	// The platform's echo on the next sync is the same message: stored once.
	b, _ := e.ch.Pull(context.Background(), "999999.0")
	res, err := e.st.Ingest("demo-telegram", b.Items, "")
	if err != nil || res.Stored != 0 {
		t.Errorf("echo ingest = %+v, %v; want 0 stored", res, err)
	}
}

func TestRetriesHonourRetryAfterAndKeepOrder(t *testing.T) {
	e := newEnv(t, "")
	e.ch.failures = []error{&channels.RateLimited{RetryAfter: 30 * time.Second}, channels.ErrOffline}
	for _, text := range []string{"primo", "secondo"} {
		if _, err := e.ob.Send(e.conv, e.cust, text, "", "", "giulia"); err != nil {
			t.Fatal(err)
		}
	}
	e.ob.Pass(context.Background())
	its := e.items()
	if its[0].State != Queued || !its[0].Next.Equal(e.clk.Now().Add(30*time.Second)) || its[1].State != Queued || its[1].Attempts != 0 {
		t.Fatalf("after 429: %+v, want the first waiting 30 s and the second untouched behind it", its)
	}
	e.clk.Add(29 * time.Second)
	e.ob.Pass(context.Background())
	if e.items()[0].Attempts != 1 {
		t.Fatal("retried before retry-after")
	}
	e.clk.Add(time.Second)
	e.ob.Pass(context.Background()) // offline
	if its := e.items(); its[0].State != Queued || its[0].Err == "" {
		t.Fatalf("after offline: %+v", its[0])
	}
	e.clk.Add(10 * time.Minute)
	e.ob.Pass(context.Background())
	its = e.items()
	if its[0].State != Sent || its[1].State != Sent || !its[0].SentAt.Before(its[1].SentAt) && !its[0].SentAt.Equal(its[1].SentAt) {
		t.Fatalf("after recovery: %+v, want both sent, in order", its)
	}
	if e.copies("primo") != 1 || e.copies("secondo") != 1 {
		t.Error("a reply reached the platform other than once")
	}
}

func TestLostAnswerIsReconciledNotResent(t *testing.T) {
	e := newEnv(t, "")
	e.ch.loseNext = true
	if _, err := e.ob.Send(e.conv, e.cust, "arrivato?", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	e.ob.Pass(context.Background())
	if it := e.items()[0]; it.State != Sending {
		t.Fatalf("after a lost answer: state %s, want sending (unknown outcome)", it.State)
	}
	e.clk.Add(10 * time.Minute)
	e.ob.Pass(context.Background())
	if it := e.items()[0]; it.State != Sent || it.PlatformID == "" {
		t.Fatalf("after reconciling: %+v, want sent with the platform's ID", it)
	}
	if n := e.copies("arrivato?"); n != 1 || e.ch.sends != 1 {
		t.Errorf("platform got %d copies (%d sends), want 1", n, e.ch.sends)
	}
}

func TestRefusedReplyKeepsItsText(t *testing.T) {
	e := newEnv(t, "")
	e.ch.failures = []error{channels.ErrOutOfWindow}
	it, err := e.ob.Send(e.conv, e.cust, "troppo tardi", "", "", "giulia")
	if err != nil {
		t.Fatal(err)
	}
	e.ob.Pass(context.Background())
	got := e.items()[0]
	if got.State != Failed || got.Text != "troppo tardi" || got.Err == "" {
		t.Fatalf("refused reply = %+v, want failed with its text and reason", got)
	}
	if _, err := e.ob.Retry(it.ID, "ecco, riprovo"); err != nil {
		t.Fatal(err)
	}
	e.ob.Pass(context.Background())
	if got := e.items()[0]; got.State != Sent || got.Text != "ecco, riprovo" {
		t.Errorf("after edit and retry = %+v", got)
	}
}

func TestSendValidates(t *testing.T) {
	e := newEnv(t, "")
	x := e.conv
	x.Platform, x.Kind = convo.PlatformX, convo.KindMention
	for _, tt := range []struct {
		name string
		c    convo.Conversation
		text string
		want error
	}{
		{"empty", e.conv, "  ", ErrEmpty},
		{"over X's 280", x, string(make([]byte, 281)), ErrTooLong},
	} {
		if _, err := e.ob.Send(tt.c, e.cust, tt.text, "", "", "g"); !errors.Is(err, tt.want) {
			t.Errorf("%s: Send = %v, want %v", tt.name, err, tt.want)
		}
	}
}
