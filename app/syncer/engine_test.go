package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/demo"
	"sportello/app/convo"
	"sportello/app/queue"
	"sportello/app/store"
)

// t0 is the fixed clock of the tests that run no timers.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return t0 }

const acctID = "tg"

var acct = convo.Account{ID: acctID, Platform: convo.PlatformTelegram, Name: "Test bot"}

// testChannel is a fake platform: Pull serves pages by index, the cursor
// being the number of pages already delivered. It can fail the next pulls
// with scripted errors.
type testChannel struct {
	poll time.Duration
	// onPull (may be nil) runs at the start of each Pull with its 0-based number.
	onPull func(n int)
	// answerCancelled makes Pull answer even when its context has ended, as
	// when the platform replied just before the cancellation.
	answerCancelled bool

	mu    sync.Mutex
	pages [][]convo.Inbound
	errs  []error // returned by the next pulls, in order; nil: answer normally
	pulls []pullRec
}

type pullRec struct {
	cursor string
	at     time.Time
	err    error
}

func (c *testChannel) Capabilities() channels.Capabilities {
	return channels.Capabilities{Platform: convo.PlatformTelegram, PollInterval: c.poll}
}

func (c *testChannel) Send(context.Context, channels.Outgoing) (channels.Sent, error) {
	return channels.Sent{}, errors.New("testChannel: send not supported")
}

func (c *testChannel) Pull(ctx context.Context, cursor string) (channels.Batch, error) {
	c.mu.Lock()
	n := len(c.pulls)
	c.mu.Unlock()
	if c.onPull != nil {
		c.onPull(n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rec := pullRec{cursor: cursor, at: time.Now()}
	b, err := c.serve(ctx, cursor)
	rec.err = err
	c.pulls = append(c.pulls, rec)
	return b, err
}

func (c *testChannel) serve(ctx context.Context, cursor string) (channels.Batch, error) {
	if err := ctx.Err(); err != nil && !c.answerCancelled {
		return channels.Batch{}, err
	}
	if len(c.errs) > 0 {
		err := c.errs[0]
		c.errs = c.errs[1:]
		if err != nil {
			return channels.Batch{}, err
		}
	}
	k := 0
	if cursor != "" {
		var err error
		if k, err = strconv.Atoi(cursor); err != nil {
			return channels.Batch{}, fmt.Errorf("bad cursor %q", cursor)
		}
	}
	if k >= len(c.pages) {
		return channels.Batch{Cursor: cursor}, nil
	}
	return channels.Batch{Items: slices.Clone(c.pages[k]), Cursor: strconv.Itoa(k + 1), More: k+1 < len(c.pages)}, nil
}

func (c *testChannel) pullLog() []pullRec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.pulls)
}

func (c *testChannel) addPage(p []convo.Inbound) {
	c.mu.Lock()
	c.pages = append(c.pages, p)
	c.mu.Unlock()
}

// delivered counts the distinct platform IDs of every page, by thread.
func (c *testChannel) delivered() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[string]bool{}
	out := map[string]int{}
	for _, p := range c.pages {
		for _, in := range p {
			if pid := in.Message.PlatformID; pid != "" && !seen[pid] { // no ID: refused
				seen[pid] = true
				out[in.ThreadID]++
			}
		}
	}
	return out
}

// msg is inbound message n of a thread; n also orders the messages in time.
func msg(thread string, n int) convo.Inbound {
	return convo.Inbound{
		ThreadID: thread,
		Kind:     convo.KindDM,
		Customer: convo.Identity{Platform: convo.PlatformTelegram, Handle: "u-" + thread, DisplayName: "Cliente " + thread},
		Message: convo.Message{
			PlatformID: fmt.Sprintf("%s-%d", thread, n),
			Direction:  convo.DirIn,
			Text:       fmt.Sprintf("messaggio %d", n),
			At:         t0.Add(-time.Hour + time.Duration(n)*time.Minute),
		},
	}
}

// pages builds n pages of size messages spread over threads; with overlap
// each page starts by re-delivering the previous page's last message, as
// platforms with at-least-once delivery do.
func pages(n, size int, threads []string, overlap bool) [][]convo.Inbound {
	var out [][]convo.Inbound
	k := 0
	for range n {
		var p []convo.Inbound
		if overlap && len(out) > 0 {
			prev := out[len(out)-1]
			p = append(p, prev[len(prev)-1])
		}
		for range size {
			p = append(p, msg(threads[k%len(threads)], k))
			k++
		}
		out = append(out, p)
	}
	return out
}

func openStore(t *testing.T, o store.Options) *store.Store {
	t.Helper()
	if o.Now == nil {
		o.Now = fixedClock
	}
	dir := ""
	if !o.InMemory {
		dir = t.TempDir()
	}
	st, err := store.Open(dir, o)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func memStore(t *testing.T) *store.Store {
	t.Helper()
	return openStore(t, store.Options{InMemory: true, Now: time.Now})
}

// checkStored fails unless every thread the channel delivered has exactly
// its distinct messages stored, once each.
func checkStored(t *testing.T, st *store.Store, ch *testChannel) {
	t.Helper()
	for thread, want := range ch.delivered() {
		id := store.ConvID(acctID, thread)
		c, err := st.Conversation(id)
		if err != nil {
			t.Errorf("Conversation(%s) = %v", thread, err)
			continue
		}
		if c.MessageCount != want {
			t.Errorf("Conversation(%s).MessageCount = %d, want %d", thread, c.MessageCount, want)
		}
		msgs, err := st.Messages(id, 0)
		if err != nil || len(msgs) != want {
			t.Errorf("Messages(%s) = %d messages, %v; want %d", thread, len(msgs), err, want)
		}
	}
	n := 0
	if err := st.ForEachConversation(func(convo.Conversation) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := len(ch.delivered()); n != want {
		t.Errorf("store has %d conversations, want %d", n, want)
	}
}

func cursor(t *testing.T, st *store.Store) string {
	t.Helper()
	cur, err := st.Cursor(acctID)
	if err != nil {
		t.Fatalf("Cursor(%s) = %v", acctID, err)
	}
	return cur
}

func TestSyncOnce(t *testing.T) {
	bad := msg("a", 99)
	bad.Message.PlatformID = "" // refused by the store, the rest of the page kept
	tests := []struct {
		name       string
		pages      [][]convo.Inbound
		wantStored int
		wantDups   int
		wantRej    int
		wantCursor string
		wantPulls  []string // cursors the channel saw
	}{
		{"empty channel", nil, 0, 0, 0, "", []string{""}},
		{"one page", pages(1, 4, []string{"a", "b"}, false), 4, 0, 0, "1", []string{""}},
		{"three pages", pages(3, 3, []string{"a", "b", "c", "d"}, false), 9, 0, 0, "3", []string{"", "1", "2"}},
		{"overlapping pages", pages(3, 3, []string{"a", "b"}, true), 9, 2, 0, "3", []string{"", "1", "2"}},
		{"refused item", [][]convo.Inbound{{msg("a", 1), bad, msg("b", 2)}}, 2, 0, 1, "1", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t, store.Options{InMemory: true})
			ch := &testChannel{pages: tt.pages}
			e := New(st, fixedClock, nil, nil)
			res, err := e.SyncOnce(t.Context(), acctID, ch)
			if err != nil {
				t.Fatalf("SyncOnce = %v", err)
			}
			if res.Stored != tt.wantStored || res.Duplicates != tt.wantDups || len(res.Rejected) != tt.wantRej {
				t.Errorf("SyncOnce = stored %d, duplicates %d, rejected %d; want %d, %d, %d",
					res.Stored, res.Duplicates, len(res.Rejected), tt.wantStored, tt.wantDups, tt.wantRej)
			}
			if got := cursor(t, st); got != tt.wantCursor {
				t.Errorf("Cursor after SyncOnce = %q, want %q", got, tt.wantCursor)
			}
			var cursors []string
			for _, p := range ch.pullLog() {
				cursors = append(cursors, p.cursor)
			}
			if !slices.Equal(cursors, tt.wantPulls) {
				t.Errorf("pulls with cursors %q, want %q", cursors, tt.wantPulls)
			}
			checkStored(t, st, ch)

			// Again: nothing new, one pull from the stored cursor.
			res, err = e.SyncOnce(t.Context(), acctID, ch)
			if err != nil || res.Stored != 0 || res.Duplicates != 0 {
				t.Errorf("second SyncOnce = stored %d, duplicates %d, %v; want nothing", res.Stored, res.Duplicates, err)
			}
			if log := ch.pullLog(); log[len(log)-1].cursor != tt.wantCursor {
				t.Errorf("second SyncOnce pulled with cursor %q, want %q", log[len(log)-1].cursor, tt.wantCursor)
			}
		})
	}
}

func TestSyncOnceError(t *testing.T) {
	st := openStore(t, store.Options{InMemory: true})
	ch := &testChannel{pages: pages(3, 2, []string{"a"}, false)}
	ch.onPull = func(n int) {
		if n == 2 {
			ch.mu.Lock()
			ch.errs = []error{fmt.Errorf("dial: %w", channels.ErrOffline)}
			ch.mu.Unlock()
		}
	}
	e := New(st, fixedClock, nil, nil)
	res, err := e.SyncOnce(t.Context(), acctID, ch)
	if !errors.Is(err, channels.ErrOffline) {
		t.Errorf("SyncOnce = %v, want ErrOffline", err)
	}
	if res.Stored != 4 {
		t.Errorf("SyncOnce stored %d, want the 4 before the error", res.Stored)
	}
	if got := cursor(t, st); got != "2" {
		t.Errorf("Cursor = %q, want %q (the pages stored)", got, "2")
	}
	res, err = e.SyncOnce(t.Context(), acctID, ch)
	if err != nil || res.Stored != 2 {
		t.Errorf("SyncOnce after the error = stored %d, %v; want 2, nil", res.Stored, err)
	}
	checkStored(t, st, ch)
}

// statuses records what the engine reports.
type statuses struct {
	mu  sync.Mutex
	got []Status
}

func (s *statuses) add(st Status) {
	s.mu.Lock()
	s.got = append(s.got, st)
	s.mu.Unlock()
}

func (s *statuses) states() []State {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []State
	for _, st := range s.got {
		out = append(out, st.State)
	}
	return out
}

func (s *statuses) last() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		return Status{}
	}
	return s.got[len(s.got)-1]
}

func TestStartUntilCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := memStore(t)
		ch := &testChannel{poll: 10 * time.Second, pages: pages(2, 3, []string{"a", "b"}, false)}
		rec := &statuses{}
		e := New(st, time.Now, nil, rec.add)
		ctx, cancel := context.WithCancel(t.Context())
		start := time.Now()
		e.Start(ctx, acct, ch)

		time.Sleep(time.Second)
		synctest.Wait()
		if got, want := rec.states(), []State{StateSyncing, StateOnline}; !slices.Equal(got, want) {
			t.Errorf("states after the first sync = %v, want %v", got, want)
		}
		if s := e.Statuses()[acctID]; s.State != StateOnline || !s.LastSync.Equal(start) {
			t.Errorf("Statuses()[%s] = %+v, want online, last sync %s", acctID, s, start)
		}
		checkStored(t, st, ch)

		// New messages are picked up on the next poll.
		ch.addPage([]convo.Inbound{msg("c", 50)})
		time.Sleep(10 * time.Second)
		synctest.Wait()
		checkStored(t, st, ch)
		if got := cursor(t, st); got != "3" {
			t.Errorf("Cursor = %q, want 3", got)
		}
		if s := e.Statuses()[acctID]; !s.LastSync.After(start) {
			t.Errorf("LastSync = %s, want after %s", s.LastSync, start)
		}

		cancel()
		e.Wait()
		n := len(ch.pullLog())
		time.Sleep(time.Minute)
		if got := len(ch.pullLog()); got != n {
			t.Errorf("pulls after Wait returned: %d, want %d", got, n)
		}
		// Idle polls follow the poll interval: 2 pages, then 1 poll by 11 s.
		if n != 3 {
			t.Errorf("pulls before cancel = %d, want 3", n)
		}
	})
}

func TestStates(t *testing.T) {
	type gap struct{ min, max time.Duration }
	tests := []struct {
		name       string
		errs       []error
		wantStates []State
		wantErrs   int // statuses with Err set
		// gaps[i] bounds the virtual time between pull i and pull i+1.
		gaps []gap
	}{
		{
			name:       "offline backs off then online",
			errs:       []error{errors.New("boom"), fmt.Errorf("dial: %w", channels.ErrOffline)},
			wantStates: []State{StateSyncing, StateOffline, StateOffline, StateOnline},
			wantErrs:   2,
			gaps:       []gap{{minBackoff / 2, minBackoff}, {minBackoff, 2 * minBackoff}},
		},
		{
			name:       "same error reported once",
			errs:       []error{errors.New("boom"), errors.New("boom"), errors.New("boom")},
			wantStates: []State{StateSyncing, StateOffline, StateOnline},
			wantErrs:   1,
			gaps:       []gap{{minBackoff / 2, minBackoff}, {minBackoff, 2 * minBackoff}, {2 * minBackoff, 4 * minBackoff}},
		},
		{
			name:       "backoff starts over after a success",
			errs:       []error{errors.New("boom"), errors.New("boom"), nil, errors.New("boom")},
			wantStates: []State{StateSyncing, StateOffline, StateOnline, StateOffline, StateOnline},
			wantErrs:   2,
			gaps:       []gap{{minBackoff / 2, minBackoff}, {minBackoff, 2 * minBackoff}, {time.Minute, time.Minute}, {minBackoff / 2, minBackoff}},
		},
		{
			name:       "rate limited honours RetryAfter",
			errs:       []error{&channels.RateLimited{RetryAfter: 90 * time.Second}},
			wantStates: []State{StateSyncing, StateRateLimited, StateOnline},
			wantErrs:   1,
			gaps:       []gap{{90 * time.Second, 90*time.Second + minBackoff}},
		},
		{
			name:       "rate limited without RetryAfter waits the minimum",
			errs:       []error{fmt.Errorf("pull: %w", &channels.RateLimited{})},
			wantStates: []State{StateSyncing, StateRateLimited, StateOnline},
			wantErrs:   1,
			gaps:       []gap{{minBackoff, 2 * minBackoff}},
		},
		{
			name:       "needs login",
			errs:       []error{fmt.Errorf("token: %w", channels.ErrAuth)},
			wantStates: []State{StateSyncing, StateNeedsLogin, StateOnline},
			wantErrs:   1,
			gaps:       []gap{{authWait, authWait + minBackoff}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := memStore(t)
				ch := &testChannel{poll: time.Minute, pages: pages(1, 2, []string{"a"}, false), errs: slices.Clone(tt.errs)}
				rec := &statuses{}
				e := New(st, time.Now, nil, rec.add)
				ctx, cancel := context.WithCancel(t.Context())
				e.Start(ctx, acct, ch)
				time.Sleep(10 * time.Minute)
				synctest.Wait()
				cancel()
				e.Wait()

				if got := rec.states(); !slices.Equal(got, tt.wantStates) {
					t.Errorf("states = %v, want %v", got, tt.wantStates)
				}
				nErr := 0
				for _, s := range rec.got {
					if s.Err != "" {
						nErr++
					}
				}
				if nErr != tt.wantErrs {
					t.Errorf("statuses with an error = %d, want %d (%+v)", nErr, tt.wantErrs, rec.got)
				}
				if s := rec.last(); s.Err != "" {
					t.Errorf("last status %+v still carries an error", s)
				}
				log := ch.pullLog()
				if len(log) < len(tt.gaps)+1 {
					t.Fatalf("%d pulls, want at least %d", len(log), len(tt.gaps)+1)
				}
				for i, g := range tt.gaps {
					if d := log[i+1].at.Sub(log[i].at); d < g.min || d > g.max {
						t.Errorf("pull %d came %s after pull %d (%v), want between %s and %s", i+1, d, i, log[i].err, g.min, g.max)
					}
				}
				checkStored(t, st, ch)
			})
		})
	}
}

func TestDiskLowPauses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var free atomic.Int64
		free.Store(1 << 40)
		st := openStore(t, store.Options{Now: time.Now, FreeSpace: func(string) (int64, error) { return free.Load(), nil }})
		free.Store(1 << 20) // 1 MiB: below the 256 MiB minimum
		ch := &testChannel{poll: time.Hour, pages: pages(2, 3, []string{"a", "b"}, false)}
		rec := &statuses{}
		e := New(st, time.Now, nil, rec.add)
		ctx, cancel := context.WithCancel(t.Context())
		e.Start(ctx, acct, ch)

		time.Sleep(time.Second)
		synctest.Wait()
		if got, want := rec.states(), []State{StateSyncing, StatePaused}; !slices.Equal(got, want) {
			t.Errorf("states with the disk full = %v, want %v", got, want)
		}
		if s := rec.last(); !strings.Contains(s.Err, store.ErrDiskLow.Error()) {
			t.Errorf("paused status error = %q, want it to contain %q", s.Err, store.ErrDiskLow)
		}
		if got := cursor(t, st); got != "" {
			t.Errorf("Cursor with the disk full = %q, want none", got)
		}
		if _, err := st.Conversation(store.ConvID(acctID, "a")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Conversation(a) with the disk full = %v, want ErrNotFound", err)
		}
		// Still paused while the disk stays full.
		time.Sleep(3 * diskWait)
		synctest.Wait()
		if s := e.Statuses()[acctID]; s.State != StatePaused {
			t.Errorf("state after %s with the disk still full = %s, want paused", 3*diskWait, s.State)
		}

		free.Store(1 << 40)
		time.Sleep(diskWait)
		synctest.Wait()
		// Two pages: syncing between them, then online.
		if got, want := rec.states(), []State{StateSyncing, StatePaused, StateSyncing, StateOnline}; !slices.Equal(got, want) {
			t.Errorf("states after space was freed = %v, want %v", got, want)
		}
		if got := cursor(t, st); got != "2" {
			t.Errorf("Cursor after space was freed = %q, want 2", got)
		}
		checkStored(t, st, ch)
		cancel()
		e.Wait()
	})
}

// TestRestartMidSync stops an engine in the middle of a sync and starts a
// new one on the same store: nothing is lost or stored twice.
func TestRestartMidSync(t *testing.T) {
	tests := []struct {
		name string
		// failPull: the pull that sees the cancellation fails with ctx.Err();
		// otherwise it returns its page, which the engine still stores.
		failPull   bool
		wantCursor string // after the first engine
	}{
		{"cancelled during pull", true, "3"},
		{"cancelled after pull", false, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				st := memStore(t)
				ch := &testChannel{poll: time.Minute, pages: pages(7, 5, []string{"a", "b", "c"}, true), answerCancelled: !tt.failPull}
				ctx1, cancel1 := context.WithCancel(t.Context())
				ch.onPull = func(n int) {
					if n == 3 {
						cancel1()
					}
				}
				e1 := New(st, time.Now, nil, nil)
				e1.Start(ctx1, acct, ch)
				e1.Wait()
				if got := cursor(t, st); got != tt.wantCursor {
					t.Fatalf("Cursor after the first engine = %q, want %q", got, tt.wantCursor)
				}
				n1 := len(ch.pullLog())
				ch.onPull, ch.answerCancelled = nil, false

				rec := &statuses{}
				e2 := New(st, time.Now, nil, rec.add)
				ctx2, cancel2 := context.WithCancel(t.Context())
				e2.Start(ctx2, acct, ch)
				time.Sleep(30 * time.Second)
				synctest.Wait()
				cancel2()
				e2.Wait()

				if log := ch.pullLog(); log[n1].cursor != tt.wantCursor {
					t.Errorf("second engine's first pull used cursor %q, want %q", log[n1].cursor, tt.wantCursor)
				}
				if got := cursor(t, st); got != "7" {
					t.Errorf("Cursor after the second engine = %q, want 7", got)
				}
				if s := rec.last(); s.State != StateOnline {
					t.Errorf("second engine's last state = %s, want online", s.State)
				}
				checkStored(t, st, ch)
			})
		})
	}
}

func TestDemoThroughEngine(t *testing.T) {
	clk := struct {
		mu sync.Mutex
		t  time.Time
	}{t: t0}
	now := func() time.Time { clk.mu.Lock(); defer clk.mu.Unlock(); return clk.t }
	st := openStore(t, store.Options{InMemory: true, Now: now})
	sim := demo.New(demo.Options{Seed: 7, Anchor: t0, Now: now})
	e := New(st, now, nil, nil)
	accts := sim.Accounts()
	if len(accts) != len(convo.Platforms) {
		t.Fatalf("demo has %d accounts, want one per platform (%d)", len(accts), len(convo.Platforms))
	}
	total := 0
	for _, a := range accts {
		if err := st.PutAccount(a); err != nil {
			t.Fatal(err)
		}
		res, err := e.SyncOnce(t.Context(), a.ID, sim.Channel(a.ID))
		if err != nil || len(res.Rejected) > 0 {
			t.Fatalf("SyncOnce(%s) = %v, rejected %v", a.ID, err, res.Rejected)
		}
		if res.Stored == 0 {
			t.Errorf("SyncOnce(%s) stored nothing", a.ID)
		}
		total += res.Stored
	}

	q := queue.New(st, now, nil)
	if err := q.Load(); err != nil {
		t.Fatal(err)
	}
	all, err := q.List(queue.Filter{Status: "all"}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if all.Total < 100 || q.Len() != all.Total {
		t.Errorf("queue has %d conversations (Len %d), want the same and over 100", all.Total, q.Len())
	}
	open, err := q.List(queue.Filter{}, 0, 1)
	if err != nil || open.Total == 0 {
		t.Errorf("open view has %d conversations, %v; want some", open.Total, err)
	}
	for _, p := range convo.Platforms {
		if n := all.Counts[queue.FacetPlatform][string(p)]; n == 0 {
			t.Errorf("queue has no conversation on %s", p)
		}
	}
	msgs := 0
	for _, c := range all.Rows {
		msgs += c.MessageCount
	}
	if msgs != total {
		t.Errorf("conversations hold %d messages, want the %d stored", msgs, total)
	}

	// Nothing new at the same instant; a minute later live messages arrive and
	// the queue follows without a reload.
	for _, a := range accts {
		if res, err := e.SyncOnce(t.Context(), a.ID, sim.Channel(a.ID)); err != nil || res.Stored != 0 {
			t.Errorf("SyncOnce(%s) again = stored %d, %v; want 0", a.ID, res.Stored, err)
		}
	}
	clk.mu.Lock()
	clk.t = t0.Add(time.Minute)
	clk.mu.Unlock()
	live := 0
	for _, a := range accts {
		res, err := e.SyncOnce(t.Context(), a.ID, sim.Channel(a.ID))
		if err != nil {
			t.Fatalf("SyncOnce(%s) a minute later = %v", a.ID, err)
		}
		live += res.Stored
	}
	if live == 0 {
		t.Errorf("a minute later the demo delivered nothing")
	}
	all, err = q.List(queue.Filter{Status: "all"}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	msgs = 0
	for _, c := range all.Rows {
		msgs += c.MessageCount
	}
	if msgs != total+live {
		t.Errorf("after live messages conversations hold %d messages, want %d", msgs, total+live)
	}
}
