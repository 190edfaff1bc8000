package sla

// The watcher runs on synctest's fake clock with the real store (in memory),
// the real engine and the real queue: only the wall clock is bent, to play
// a sleeping machine. Timers stop while a machine sleeps and the wall clock
// does not, so the rig's wall clock is the bubble's time plus an offset that
// sleepMachine bumps without letting a single timer fire.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/queue"
	"sportello/app/store"
)

// watchRig is one desk: store, engine, queue and the watchers started on it.
type watchRig struct {
	t      *testing.T
	t0     time.Time // the bubble's start, the origin of every instant in failures
	slept  atomic.Int64
	engine *Engine
	st     *store.Store
	q      *queue.Queue
	full   atomic.Bool // the disk is full (on-disk rigs only)
	seq    atomic.Int64

	mu   sync.Mutex
	got  []watchDelivery
	stop func()
}

// watchDelivery is one batch handed to deliver, at the wall clock's instant.
type watchDelivery struct {
	at     time.Time
	alerts []Alert
}

// newWatchRig opens the store in memory, or on disk in dir (with a disk
// that can fill up) when dir is not empty.
func newWatchRig(t *testing.T, dir string) *watchRig {
	r := &watchRig{t: t, t0: time.Now(), engine: NewEngine(DefaultPolicy("Europe/Rome"))}
	o := store.Options{InMemory: dir == "", Now: r.now, Due: r.engine.Due, OnWrite: r.engine.OnWrite}
	if dir != "" {
		o.MinFree = 1 << 20
		o.FreeSpace = func(string) (int64, error) {
			if r.full.Load() {
				return 0, nil
			}
			return 1 << 40, nil
		}
	}
	st, err := store.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	r.st = st
	r.q = queue.New(st, r.now, nil)
	return r
}

// now is the wall clock: the bubble's time plus the time spent asleep.
func (r *watchRig) now() time.Time { return time.Now().Add(time.Duration(r.slept.Load())) }

// sleepMachine moves the wall clock by d while no timer fires, as a
// suspended laptop does.
func (r *watchRig) sleepMachine(d time.Duration) { r.slept.Add(int64(d)) }

// wait lets d of awake time pass, then lets the watcher finish.
func (r *watchRig) wait(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// waitUntil waits, awake, until the wall clock reads t.
func (r *watchRig) waitUntil(t time.Time) { r.wait(t.Sub(r.now())) }

// start starts a watcher as the app does: subscribed to the store, armed
// with every open conversation, running. A watcher started before stops.
func (r *watchRig) start() *Watcher {
	if r.stop != nil {
		r.stop()
	}
	w := NewWatcher(r.engine, r.st, r.now, nil, func(alerts []Alert) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.got = append(r.got, watchDelivery{at: r.now(), alerts: alerts})
	})
	r.st.Subscribe(w.Update)
	var open []convo.Conversation
	if err := r.st.ForEachConversation(func(c convo.Conversation) error {
		if c.Status != convo.StatusResolved {
			open = append(open, c)
		}
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	w.Update(open)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	var once sync.Once
	r.stop = func() { once.Do(func() { cancel(); <-done }) }
	r.t.Cleanup(r.stop)
	synctest.Wait()
	return w
}

// message stores a message of thread (a DM on p) at the wall clock's now.
func (r *watchRig) message(p convo.Platform, thread string, dir convo.Direction) string {
	r.t.Helper()
	at := r.now()
	in := convo.Inbound{ThreadID: thread, Kind: convo.KindDM,
		Customer: convo.Identity{Platform: p, Handle: "h-" + thread, DisplayName: "Customer " + thread},
		Message:  convo.Message{PlatformID: fmt.Sprintf("%s-%d", thread, r.seq.Add(1)), Direction: dir, Author: "x", Text: "hello", At: at}}
	if _, err := r.st.Ingest("acct-"+string(p), []convo.Inbound{in}, ""); err != nil {
		r.t.Fatal(err)
	}
	synctest.Wait() // the watchers have armed it
	return store.ConvID("acct-"+string(p), thread)
}

// since shows an instant as the time since the rig started.
func (r *watchRig) since(t time.Time) string { return "+" + t.Sub(r.t0).String() }

// deliveries returns the batches delivered since the last call, each as
// "at +T: [thread key threshold @+T ...]" (T since the rig started).
func (r *watchRig) deliveries() []string {
	r.mu.Lock()
	got := r.got
	r.got = nil
	r.mu.Unlock()
	var out []string
	for _, d := range got {
		var as []string
		for _, a := range d.alerts {
			as = append(as, fmt.Sprintf("%s %s %s @%s", a.Conv.ThreadID, a.Deadline.Key, a.Threshold, r.since(a.At)))
		}
		slices.Sort(as) // thresholds of one instant come in no particular order
		out = append(out, fmt.Sprintf("at %s: %v", r.since(d.at), as))
	}
	return out
}

func (r *watchRig) expect(what string, want ...string) {
	r.t.Helper()
	if diff := cmp.Diff(want, r.deliveries()); diff != "" {
		r.t.Errorf("%s: deliveries (-want +got):\n%s", what, diff)
	}
}

// records returns the SLA records in the event log, as "thread type key @+T".
func (r *watchRig) records() []string {
	r.t.Helper()
	threads := map[string]string{}
	if err := r.st.ForEachConversation(func(c convo.Conversation) error { threads[c.ID] = c.ThreadID; return nil }); err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for day := r.t0.Add(-24 * time.Hour); !day.After(r.now().Add(24 * time.Hour)); day = day.Add(24 * time.Hour) {
		err := r.st.Events(day.UTC().Format("20060102"), func(e convo.Event) error {
			switch e.Type {
			case convo.EvSLABreached, convo.EvSLAMet, convo.EvWindowExpired:
				out = append(out, fmt.Sprintf("%s %s %s @%s", threads[e.ConvID], e.Type, e.Data, r.since(e.At)))
			}
			return nil
		})
		if err != nil {
			r.t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

func (r *watchRig) expectRecords(want ...string) {
	r.t.Helper()
	if diff := cmp.Diff(want, r.records()); diff != "" {
		r.t.Errorf("SLA records (-want +got):\n%s", diff)
	}
}

func (r *watchRig) fired(conv string, key Key, start time.Time, th Threshold) bool {
	r.t.Helper()
	ok, err := r.st.Fired(Mark(conv, key, start, th))
	if err != nil {
		r.t.Fatal(err)
	}
	return ok
}

func (r *watchRig) at(d time.Duration) time.Time { return r.t0.Add(d) }

// The default messaging first-response target is 15 minutes: warned at 75%.
const (
	dmWarn = 11*time.Minute + 15*time.Second
	dmDue  = 15 * time.Minute
)

func TestWatcherWarnsThenBreachesOnTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		r.message(convo.PlatformTelegram, "dm", convo.DirIn)

		r.waitUntil(r.at(dmWarn - time.Nanosecond))
		r.expect("just before the warning")
		r.waitUntil(r.at(dmWarn))
		r.expect("at 75% of the target", "at +11m15s: [dm first_response warning @+11m15s]")
		r.waitUntil(r.at(dmDue - time.Nanosecond))
		r.expect("just before the breach")
		r.waitUntil(r.at(dmDue))
		r.expect("at the target", "at +15m0s: [dm first_response breach @+15m0s]")
		r.expectRecords("dm sla.breached first_response @+15m0s")

		r.wait(10 * time.Minute)
		r.expect("afterwards: nothing fires twice")

		// Answered late: the store records the breach with the same ID, once.
		r.message(convo.PlatformTelegram, "dm", convo.DirOut)
		synctest.Wait()
		r.expectRecords("dm sla.breached first_response @+15m0s")
	})
}

func TestWatcherReplyOrResolveDisarms(t *testing.T) {
	tests := []struct {
		name    string
		act     func(r *watchRig, conv string)
		records []string
	}{
		{"reply", func(r *watchRig, _ string) { r.message(convo.PlatformTelegram, "dm", convo.DirOut) },
			[]string{"dm sla.met first_response @+5m0s"}},
		{"resolve", func(r *watchRig, conv string) {
			if _, err := r.q.Resolve(conv, "giulia"); err != nil {
				r.t.Fatal(err)
			}
		}, []string{"dm sla.met resolution @+5m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newWatchRig(t, "")
				r.start()
				conv := r.message(convo.PlatformTelegram, "dm", convo.DirIn)
				r.waitUntil(r.at(5 * time.Minute))
				tt.act(r, conv)
				r.waitUntil(r.at(20 * time.Minute))
				r.expect("after the " + tt.name)
				r.expectRecords(tt.records...)
			})
		})
	}
}

func TestWatcherSleepAndWake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		conv := r.message(convo.PlatformMessenger, "dm", convo.DirIn)
		c, err := r.st.Conversation(conv)
		if err != nil {
			t.Fatal(err)
		}

		// Asleep past the warning only: it fires on wake, once, with its own
		// instant, at the first wakeCheck tick (no timer ran during the sleep).
		r.sleepMachine(12 * time.Minute)
		r.wait(wakeCheck)
		r.expect("woken past the warning", "at +12m1s: [dm first_response warning @+11m15s]")

		// Asleep for a day: every breach missed fires in one batch; the warnings
		// that preceded them are recorded but not shown, the breach says more.
		r.sleepMachine(25 * time.Hour)
		r.wait(wakeCheck)
		r.expect("woken a day later",
			"at +25h12m2s: [dm first_response breach @+15m0s dm reply_window breach @+24h0m0s dm resolution breach @+24h0m0s]")
		for _, k := range []Key{KeyResolution, KeyReplyWindow} {
			if !r.fired(conv, k, c.Created, Warning) {
				t.Errorf("%s warning not recorded as fired", k)
			}
		}
		r.expectRecords("dm sla.breached first_response @+15m0s", "dm sla.breached resolution @+24h0m0s", "dm window.expired reply_window @+24h0m0s")

		r.wait(10 * time.Minute)
		r.expect("awake again: nothing repeats")
	})
}

func TestWatcherRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		r.message(convo.PlatformTelegram, "dm", convo.DirIn)
		r.waitUntil(r.at(12 * time.Minute))
		r.expect("before the restart", "at +11m15s: [dm first_response warning @+11m15s]")

		// Down from minute 12 to minute 20: the breach passes unwatched.
		r.stop()
		r.waitUntil(r.at(20 * time.Minute))
		r.expect("while down")
		r.start()
		r.expect("on restart: the breach missed, not the warning shown before",
			"at +20m0s: [dm first_response breach @+15m0s]")
		r.expectRecords("dm sla.breached first_response @+15m0s")

		// Restarted again: nothing left to fire.
		r.start()
		r.wait(time.Minute)
		r.expect("after a second restart")
	})
}

func TestWatcherDeliversBatches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		var warn, breach []string
		for i := range 5 {
			th := fmt.Sprintf("dm%d", i)
			r.message(convo.PlatformTelegram, th, convo.DirIn)
			warn = append(warn, th+" first_response warning @+11m15s")
			breach = append(breach, th+" first_response breach @+15m0s")
		}
		r.waitUntil(r.at(20 * time.Minute))
		// One batch per instant, however many: notify coalesces, not the watcher.
		r.expect("five at once", fmt.Sprint("at +11m15s: ", warn), fmt.Sprint("at +15m0s: ", breach))
		if got := len(r.records()); got != 5 {
			t.Errorf("%d SLA records, want 5", got)
		}
	})
}

func TestWatcherReplyWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		r.message(convo.PlatformMessenger, "dm", convo.DirIn)

		// Sleep through most of the day (cheaper than a day of fake timers), then
		// stay awake over the window's last minutes.
		r.sleepMachine(23*time.Hour + 50*time.Minute)
		r.wait(wakeCheck)
		r.deliveries() // the first response, missed while asleep
		window := func() []string {
			var out []string
			r.mu.Lock()
			defer r.mu.Unlock()
			for _, d := range r.got {
				for _, a := range d.alerts {
					if a.Deadline.Key == KeyReplyWindow {
						out = append(out, fmt.Sprintf("at %s: %s @%s", r.since(d.at), a.Threshold, r.since(a.At)))
					}
				}
			}
			return out
		}
		r.waitUntil(r.at(24*time.Hour + 10*time.Minute))
		want := []string{"at +23h55m0s: warning @+23h55m0s", "at +24h0m0s: breach @+24h0m0s"}
		if diff := cmp.Diff(want, window()); diff != "" {
			t.Errorf("reply window alerts (-want +got):\n%s", diff)
		}
		var expired []string
		for _, rec := range r.records() {
			if strings.HasSuffix(rec, "@+24h0m0s") {
				expired = append(expired, rec)
			}
		}
		if diff := cmp.Diff([]string{"dm sla.breached resolution @+24h0m0s", "dm window.expired reply_window @+24h0m0s"}, expired); diff != "" {
			t.Errorf("records at 24 h (-want +got):\n%s", diff)
		}
	})
}

// A snoozed conversation is silent while it sleeps and, once it wakes, says
// what fell due meanwhile: nothing re-arms it (its status stays snoozed).
func TestWatcherSnoozed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		conv := r.message(convo.PlatformTelegram, "dm", convo.DirIn)
		if _, err := r.q.Snooze(conv, "giulia", r.at(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		r.waitUntil(r.at(30*time.Minute - time.Nanosecond))
		r.expect("while snoozed")
		r.waitUntil(r.at(40 * time.Minute))
		r.expect("woken", "at +30m0s: [dm first_response breach @+15m0s]")
		r.expectRecords("dm sla.breached first_response @+15m0s")
	})
}

// Pending (waiting on the customer) stops the response clocks but not the
// resolution target, as in the queue's due instant.
func TestWatcherPending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		p := r.engine.Policy()
		cp := p.Classes[ClassMessaging]
		cp.Targets[convo.PriorityNormal].Resolution = 40
		p.Classes[ClassMessaging] = cp
		if err := r.engine.SetPolicy(p); err != nil {
			t.Fatal(err)
		}
		r.start()
		conv := r.message(convo.PlatformTelegram, "dm", convo.DirIn)
		if _, err := r.q.SetPending(conv, "giulia"); err != nil {
			t.Fatal(err)
		}
		r.waitUntil(r.at(41 * time.Minute))
		r.expect("pending", "at +30m0s: [dm resolution warning @+30m0s]", "at +40m0s: [dm resolution breach @+40m0s]")
	})
}

// A new policy moves armed thresholds, earlier or later, without a restart.
func TestWatcherPolicyChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		r.start()
		r.message(convo.PlatformTelegram, "dm", convo.DirIn)
		r.waitUntil(r.at(time.Minute))
		setFirst := func(minutes int) {
			p := r.engine.Policy()
			cp := p.Classes[ClassMessaging]
			cp.Targets[convo.PriorityNormal].FirstResponse = minutes
			p.Classes[ClassMessaging] = cp
			if err := r.engine.SetPolicy(p); err != nil {
				t.Fatal(err)
			}
		}
		setFirst(60) // later: nothing at 11m15s or 15m
		r.waitUntil(r.at(20 * time.Minute))
		r.expect("target raised to an hour")
		setFirst(30) // earlier again: the warning at 22m30s
		r.waitUntil(r.at(40 * time.Minute))
		r.expect("target lowered to 30 minutes",
			"at +22m30s: [dm first_response warning @+22m30s]", "at +30m0s: [dm first_response breach @+30m0s]")
		r.expectRecords("dm sla.breached first_response @+30m0s")
	})
}

// A store that refuses writes (a full disk) does not swallow alerts: they
// are shown on time and recorded once the disk has room, never shown twice.
func TestWatcherStoreRefuses(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, dir)
		r.start()
		conv := r.message(convo.PlatformTelegram, "dm", convo.DirIn)
		c, err := r.st.Conversation(conv)
		if err != nil {
			t.Fatal(err)
		}
		r.waitUntil(r.at(time.Minute))
		r.full.Store(true)
		r.waitUntil(r.at(13 * time.Minute))
		r.expect("disk full", "at +11m15s: [dm first_response warning @+11m15s]")
		if r.fired(conv, KeyFirstResponse, c.Created, Warning) {
			t.Error("warning recorded on a full disk")
		}
		r.full.Store(false)
		r.waitUntil(r.at(13*time.Minute + retryAfter))
		if !r.fired(conv, KeyFirstResponse, c.Created, Warning) {
			t.Errorf("warning not recorded %v after the disk had room", retryAfter)
		}
		r.waitUntil(r.at(20 * time.Minute))
		r.expect("disk free again", "at +15m0s: [dm first_response breach @+15m0s]")
		r.expectRecords("dm sla.breached first_response @+15m0s")
	})
}

// Thresholds re-armed at every message do not pile up in the heap.
func TestWatcherCompactsStaleThresholds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newWatchRig(t, "")
		w := r.start()
		for range 1500 {
			r.message(convo.PlatformMessenger, "dm", convo.DirIn)
		}
		synctest.Wait()
		// first response, resolution, two windows: 8 thresholds live.
		if got := w.Armed(); got > 1024+8 {
			t.Errorf("Armed() = %d after 1500 updates of one conversation, want at most %d", got, 1024+8)
		}
	})
}
