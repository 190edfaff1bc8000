package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/demo"
	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/store"
)

// flaky is a platform edge that fails the next sends as scripted (a nil
// failure lets that send through), and can lose the answer of a send that
// did go out (the connection drops after).
type flaky struct {
	channels.Channel
	mu       sync.Mutex
	failures []error
	loseNext bool
	sends    int
	// after runs once a send has reached the platform, before it answers.
	after func()
	// clientOnly makes Find match client IDs only, as a platform that
	// echoes them does.
	clientOnly bool
	delivered  []channels.Outgoing
	pids       []string
}

func (f *flaky) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failures) > 0 {
		err := f.failures[0]
		f.failures = f.failures[1:]
		if err != nil {
			return channels.Sent{}, err
		}
	}
	f.sends++
	s, err := f.Channel.Send(ctx, out)
	if err == nil {
		f.delivered = append(f.delivered, out)
		f.pids = append(f.pids, s.PlatformID)
		if f.after != nil {
			f.after()
		}
	}
	if err == nil && f.loseNext {
		f.loseNext = false
		return channels.Sent{}, errors.New("connection reset by peer")
	}
	return s, err
}

func (f *flaky) Find(ctx context.Context, thread, client, text string, since time.Time) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clientOnly {
		for i, out := range f.delivered {
			if out.ThreadID == thread && out.ClientID == client {
				return f.pids[i], true, nil
			}
		}
		return "", false, nil
	}
	return f.Channel.(channels.Reconciler).Find(ctx, thread, client, text, since)
}

// texts are the texts the platform received, in order.
func (f *flaky) texts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, o := range f.delivered {
		out = append(out, o.Text)
	}
	return out
}

type env struct {
	t    *testing.T
	free atomic.Int64 // the free disk space the store sees
	clk  *testclock.Clock
	st   *store.Store
	ch   *flaky
	sim  *demo.Sim
	ob   *Outbox
	conv convo.Conversation
	cust convo.Identity
}

func newEnv(t *testing.T, dir string) *env {
	t.Helper()
	clk := testclock.New(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	e := &env{t: t, clk: clk}
	e.free.Store(1 << 40)
	opts := store.Options{Now: clk.Now, InMemory: dir == "", FreeSpace: func(string) (int64, error) { return e.free.Load(), nil }}
	st, err := store.Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sim := demo.New(demo.Options{Seed: 3, Anchor: clk.Now(), Now: clk.Now, HistoryConversations: 30})
	e.st, e.sim, e.ch = st, sim, &flaky{Channel: sim.Channel("demo-telegram")}
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

// Two replies with the same text in the same instant (a double click, a
// frozen or coarse clock) are two replies: reconciling the second must not
// find the first.
func TestSameTextSameInstantAreTwoReplies(t *testing.T) {
	e := newEnv(t, "")
	e.ch.clientOnly = true
	e.ch.failures = []error{nil, errors.New("503 service unavailable")}
	a, err := e.ob.Send(e.conv, e.cust, "ok", "", "", "giulia")
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.ob.Send(e.conv, e.cust, "ok", "", "", "giulia")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID || a.Seq >= b.Seq {
		t.Fatalf("IDs %s and %s, sequences %d and %d: want two replies, in order", a.ID, b.ID, a.Seq, b.Seq)
	}
	e.ob.Pass(context.Background()) // the first goes out; the second's outcome is unknown
	e.clk.Add(10 * time.Minute)
	e.ob.Pass(context.Background())
	if got := e.ch.texts(); !slices.Equal(got, []string{"ok", "ok"}) {
		t.Errorf("the platform received %q, want both replies", got)
	}
	its := e.items()
	if len(its) != 2 || its[0].State != Sent || its[1].State != Sent || its[0].PlatformID == its[1].PlatformID {
		t.Errorf("items = %+v, want both sent with their own platform IDs", its)
	}
}

// A new process whose clock is behind the last one's (or a clock set back
// by hand) still queues new replies after the old ones.
func TestOrderSurvivesAClockGoingBack(t *testing.T) {
	e := newEnv(t, t.TempDir())
	if _, err := e.ob.Send(e.conv, e.cust, "primo", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	back := e.clk.Now().Add(-time.Hour)
	ob := New(e.st, func() time.Time { return back }, nil, func(string) (channels.Channel, bool) { return e.ch, true }, nil)
	if _, err := ob.Send(e.conv, e.cust, "secondo", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	if its := e.items(); len(its) != 2 || its[0].Text != "primo" || its[1].Text != "secondo" {
		t.Fatalf("outbox = %+v, want primo then secondo", its)
	}
	ob.Pass(context.Background())
	if got := e.ch.texts(); !slices.Equal(got, []string{"primo", "secondo"}) {
		t.Errorf("the platform received %q, want primo then secondo", got)
	}
}

// A full disk neither makes the outbox spin nor send twice: before sending
// nothing goes out; after sending, the reply is found on the platform once
// the disk has room again.
func TestFullDiskNeitherSpinsNorDoubles(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, t.TempDir())
	if _, err := e.ob.Send(e.conv, e.cust, "prima del disco pieno", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	e.free.Store(0)
	e.clk.Add(time.Second) // the store reads free space again
	if wait := e.ob.Pass(ctx); wait <= 0 || wait > minBackoff {
		t.Errorf("Pass with a full disk = %s, want a short wait, neither 0 (a busy loop) nor an hour", wait)
	}
	if n := e.ch.sends; n != 0 {
		t.Fatalf("%d sends while the outbox could not record them, want 0", n)
	}
	e.free.Store(1 << 40)
	e.clk.Add(minBackoff)
	e.ob.Pass(ctx)
	if it := e.items()[0]; it.State != Sent {
		t.Fatalf("after the disk has room: %+v, want sent", it)
	}

	// Now the disk fills between the platform storing the reply and the outbox recording it.
	e.ch.after = func() {
		e.free.Store(0)
		e.clk.Add(time.Second)
	}
	if _, err := e.ob.Send(e.conv, e.cust, "durante il disco pieno", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	if wait := e.ob.Pass(ctx); wait <= 0 || wait > minBackoff {
		t.Errorf("Pass after an unrecorded send = %s, want a short wait", wait)
	}
	e.ch.after = nil
	if it := e.items()[1]; it.State != Sending {
		t.Fatalf("unrecorded send: %+v, want sending (to be reconciled)", it)
	}
	e.free.Store(1 << 40)
	e.clk.Add(minBackoff)
	e.ob.Pass(ctx)
	if it := e.items()[1]; it.State != Sent || it.PlatformID == "" {
		t.Errorf("after the disk has room: %+v, want sent with the platform's ID", it)
	}
	if n := e.copies("durante il disco pieno"); n != 1 || e.ch.sends != 2 {
		t.Errorf("the platform got %d copies (%d sends in all), want 1 (2)", n, e.ch.sends)
	}
	msgs, _ := e.st.Messages(e.conv.ID, 0)
	n := 0
	for _, m := range msgs {
		if m.Text == "durante il disco pieno" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the conversation holds the reply %d times, want 1", n)
	}
}

// noFind is a platform that cannot read a thread back.
type noFind struct{ channels.Channel }

// Without a way to read the thread back, a reply whose fate is unknown waits
// for the agent: never resent on a guess.
func TestNeedsCheckWithoutReconciler(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "")
	e.ch.loseNext = true
	e.ob = New(e.st, e.clk.Now, nil, func(string) (channels.Channel, bool) { return noFind{e.ch}, true }, nil)
	it, err := e.ob.Send(e.conv, e.cust, "arrivato?", "", "", "giulia")
	if err != nil {
		t.Fatal(err)
	}
	e.ob.Pass(ctx)
	e.clk.Add(10 * time.Minute)
	e.ob.Pass(ctx)
	got := e.items()[0]
	if got.State != NeedsCheck || got.Err == "" || e.ch.sends != 1 {
		t.Fatalf("after a lost answer: %+v (%d sends), want needs-check with a reason and one send", got, e.ch.sends)
	}
	if _, err := e.ob.Retry("o_nope", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Retry(unknown) = %v, want ErrNotFound", err)
	}
	marked, err := e.ob.MarkSent(it.ID)
	if err != nil || marked.State != Sent || marked.SentAt.IsZero() {
		t.Fatalf("MarkSent = %+v, %v", marked, err)
	}
	if _, err := e.ob.MarkSent(it.ID); !errors.Is(err, ErrState) {
		t.Errorf("MarkSent(sent) = %v, want ErrState", err)
	}
	if _, err := e.ob.Retry(it.ID, ""); !errors.Is(err, ErrState) {
		t.Errorf("Retry(sent) = %v, want ErrState", err)
	}
	e.ob.Pass(ctx)
	if e.ch.sends != 1 {
		t.Errorf("%d sends after marking it sent, want 1", e.ch.sends)
	}
}

func TestDrafts(t *testing.T) {
	e := newEnv(t, "")
	if err := e.ob.SaveDraft(Draft{Text: "senza conversazione"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("SaveDraft(no conversation) = %v, want ErrInvalid", err)
	}
	if err := e.ob.SaveDraft(Draft{ConvID: "c1", Text: string(make([]byte, store.MaxTextBytes+1))}); !errors.Is(err, ErrTooLong) {
		t.Errorf("SaveDraft(too long) = %v, want ErrTooLong", err)
	}
	for i, d := range []Draft{
		{ConvID: "c1", Text: "Ciao Giulia, "},
		{ConvID: "c2", Text: "", TemplateID: "t_starter_ritardo", Fields: map[string]string{"order": "A1"}}, // a template picked, nothing typed yet
		{ConvID: "c3", Text: "Perché 👍"},
	} {
		e.clk.Add(time.Second * time.Duration(i+1))
		if err := e.ob.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := e.ob.Drafts()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.ConvID)
	}
	if !slices.Equal(got, []string{"c3", "c2", "c1"}) {
		t.Errorf("Drafts() = %v, want the most recent first", got)
	}
	if d, _ := e.ob.Draft("c2"); d.TemplateID != "t_starter_ritardo" || d.Fields["order"] != "A1" {
		t.Errorf("Draft(c2) = %+v, want the template and its fill-in", d)
	}
	if err := e.ob.SaveDraft(Draft{ConvID: "c1", Text: "  \n"}); err != nil {
		t.Fatal(err)
	}
	if d, err := e.ob.Draft("c1"); err != nil || d.Text != "" || d.ConvID != "c1" {
		t.Errorf("a blank draft: Draft = %+v, %v; want none", d, err)
	}
}

// Run sends what is queued as soon as it is queued, and ends with its context.
func TestRunSendsAsSoonAsQueued(t *testing.T) {
	e := newEnv(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() {
		e.ob.Run(ctx)
		close(ended)
	}()
	if _, err := e.ob.Send(e.conv, e.cust, "subito", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); e.items()[0].State != Sent; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not sent 10 s after queueing: %+v", e.items()[0])
		}
	}
	cancel()
	select {
	case <-ended:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end with its context")
	}
}

// Failures that say nothing went out wait and resend without reading the
// thread; the wait fits the failure.
func TestWaitsFitTheFailure(t *testing.T) {
	for _, tt := range []struct {
		name     string
		err      error
		min, max time.Duration
	}{
		{"login expired", fmt.Errorf("token: %w", channels.ErrAuth), authWait, authWait},
		{"retry-after of zero", &channels.RateLimited{}, time.Second, time.Second},
		{"retry-after", &channels.RateLimited{RetryAfter: 42 * time.Second}, 42 * time.Second, 42 * time.Second},
		{"offline", channels.ErrOffline, minBackoff / 2, minBackoff * 2},
		{"refused for good", fmt.Errorf("blocked: %w", channels.ErrRejected), 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.ch.failures = []error{tt.err}
			if _, err := e.ob.Send(e.conv, e.cust, "ciao", "", "", "giulia"); err != nil {
				t.Fatal(err)
			}
			e.ob.Pass(context.Background())
			it := e.items()[0]
			if it.Err == "" {
				t.Errorf("%+v: want the reason kept", it)
			}
			if tt.max == 0 {
				if it.State != Failed || !it.Next.IsZero() {
					t.Errorf("%+v: want failed, not retried", it)
				}
				return
			}
			if wait := it.Next.Sub(e.clk.Now()); it.State != Queued || wait < tt.min || wait > tt.max {
				t.Errorf("%+v: want queued to retry in %s..%s, got %s", it, tt.min, tt.max, wait)
			}
		})
	}
}

// A reply to an account that is not connected waits for it, unsent.
func TestAccountNotConnected(t *testing.T) {
	e := newEnv(t, "")
	connected := false
	e.ob = New(e.st, e.clk.Now, nil, func(string) (channels.Channel, bool) { return e.ch, connected }, nil)
	if _, err := e.ob.Send(e.conv, e.cust, "quando torni", "", "", "giulia"); err != nil {
		t.Fatal(err)
	}
	if wait := e.ob.Pass(context.Background()); wait != time.Minute {
		t.Errorf("Pass = %s, want a minute", wait)
	}
	if it := e.items()[0]; it.State != Queued || it.Err == "" || e.ch.sends != 0 {
		t.Fatalf("%+v (%d sends): want queued, with the reason, unsent", it, e.ch.sends)
	}
	connected = true
	e.clk.Add(time.Minute)
	e.ob.Pass(context.Background())
	if it := e.items()[0]; it.State != Sent {
		t.Errorf("once connected: %+v, want sent", it)
	}
}
