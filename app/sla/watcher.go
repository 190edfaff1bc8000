package sla

import (
	"container/heap"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/store"
)

// Threshold is the kind of instant a deadline fires at.
type Threshold string

const (
	Warning Threshold = "warning" // WarnAt of an SLA target elapsed, or a window about to close
	Breach  Threshold = "breach"  // the deadline passed (an SLA breached, a window closed)
)

// Alert is one threshold reached, for the notifier.
type Alert struct {
	Conv      convo.Conversation
	Deadline  Deadline
	Threshold Threshold
	At        time.Time // the threshold's instant
}

// Marker records firings once (the store).
type Marker interface {
	Fire(firings []store.Firing) ([]bool, error)
	// Fired reports whether a mark was recorded; the watcher asks when
	// recording fails, so that an alert is shown rather than lost.
	Fired(mark string) (bool, error)
}

// wakeCheck is how often the watcher compares the wall clock with its next
// deadline: timers stop while the machine sleeps, the wall clock does not.
const wakeCheck = time.Second

// retryAfter is how long the watcher waits before recording again firings
// the store refused (a full disk): their alerts are shown meanwhile.
const retryAfter = 10 * time.Second

type armed struct {
	next      time.Time // when to fire: the threshold's instant, or later (after a snooze, a retry)
	at        time.Time // the threshold's instant
	conv      string
	gen       int
	key       Key
	start     time.Time
	threshold Threshold
}

type armedHeap []armed

func (h armedHeap) Len() int           { return len(h) }
func (h armedHeap) Less(i, j int) bool { return h[i].next.Before(h[j].next) }
func (h armedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *armedHeap) Push(x any)        { *h = append(*h, x.(armed)) }
func (h *armedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = armed{}
	*h = old[:len(old)-1]
	return x
}

type watched struct {
	c    convo.Conversation
	gen  int
	live int // this generation's entries still in the heap
}

// Watcher fires every deadline threshold of every open conversation once:
// at its instant while the machine is awake, at once after a sleep or a
// restart. It records breaches in the event log and hands alerts, in
// batches, to deliver.
type Watcher struct {
	engine  *Engine
	marks   Marker
	now     func() time.Time
	log     *slog.Logger
	deliver func([]Alert)

	mu     sync.Mutex
	convs  map[string]*watched
	armed  armedHeap
	live   int    // entries of current generations in armed; the rest are stale
	policy string // the engine's fingerprint the thresholds were armed under
	// shown are alerts delivered while the store refused to record them:
	// retried until recorded, never shown twice.
	shown map[string]bool
	wake  chan struct{}
}

// NewWatcher returns a watcher; deliver receives each batch of fresh alerts.
func NewWatcher(e *Engine, marks Marker, now func() time.Time, log *slog.Logger, deliver func([]Alert)) *Watcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{engine: e, marks: marks, now: now, log: log, deliver: deliver, convs: map[string]*watched{},
		policy: e.Fingerprint(), shown: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// Update arms (or re-arms) the deadlines of changed conversations. It is
// quick: the store calls it after every commit.
func (w *Watcher) Update(cs []convo.Conversation) {
	w.mu.Lock()
	for _, c := range cs {
		wc, ok := w.convs[c.ID]
		if !ok {
			wc = &watched{}
			w.convs[c.ID] = wc
		} else if wc.c.Rev > c.Rev {
			continue
		}
		wc.c = c
		w.arm(wc)
	}
	w.compact()
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// arm starts a new generation of wc's thresholds (the old ones go stale).
// Like the queue's due instant (Policy.Due): a resolved conversation has
// none; a pending one (waiting on the customer) keeps its resolution target
// and reply windows; a snoozed one fires what fell due while it slept when
// it wakes. Must be called with w.mu held.
func (w *Watcher) arm(wc *watched) {
	w.live -= wc.live
	wc.live = 0
	wc.gen++
	c := wc.c
	if c.Status == convo.StatusResolved {
		// Nothing to watch: keep only what orders later updates.
		wc.c = convo.Conversation{ID: c.ID, Rev: c.Rev, Status: c.Status}
		return
	}
	var from time.Time
	if c.Status == convo.StatusSnoozed {
		from = c.SnoozeUntil
	}
	push := func(at time.Time, d Deadline, t Threshold) {
		next := at
		if from.After(next) {
			next = from
		}
		heap.Push(&w.armed, armed{next: next, at: at, conv: c.ID, gen: wc.gen, key: d.Key, start: d.Start, threshold: t})
		wc.live++
		w.live++
	}
	for _, d := range w.engine.Plan(c) {
		if !d.Done.IsZero() {
			continue
		}
		if c.Status == convo.StatusPending && !d.Window && d.Key != KeyResolution {
			continue // waiting on the customer: response clocks don't apply
		}
		if !d.Warn.IsZero() && d.Warn.Before(d.Due) {
			push(d.Warn, d, Warning)
		}
		push(d.Due, d, Breach)
	}
}

// compact drops stale entries once they outnumber live ones: a busy
// conversation is re-armed at every message, and its old thresholds (days
// ahead, for the reply windows) would otherwise pile up until their instant.
// Must be called with w.mu held.
func (w *Watcher) compact() {
	if len(w.armed) < 1024 || len(w.armed) < 4*w.live {
		return
	}
	kept := w.armed[:0]
	for _, a := range w.armed {
		if wc, ok := w.convs[a.conv]; ok && wc.gen == a.gen {
			kept = append(kept, a)
		}
	}
	clear(w.armed[len(kept):])
	w.armed = kept
	heap.Init(&w.armed)
}

// replan re-arms every conversation when the policy changed: thresholds
// armed under the old one are at the wrong instants. Must be called with
// w.mu held.
func (w *Watcher) replan() {
	for _, wc := range w.convs {
		if wc.c.Status != convo.StatusResolved {
			w.arm(wc)
		}
	}
	w.compact()
}

// Armed is the number of armed thresholds (including stale ones not yet dropped).
func (w *Watcher) Armed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.armed)
}

// Run fires thresholds until ctx ends.
func (w *Watcher) Run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	tick := time.NewTicker(wakeCheck)
	defer tick.Stop()
	for {
		next := w.fireDue()
		timer.Reset(next)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-tick.C:
		case <-w.wake:
		}
	}
}

// fireDue fires everything due by now and returns how long to wait for the next.
func (w *Watcher) fireDue() time.Duration {
	fp := w.engine.Fingerprint()
	now := w.now()
	var due []armed
	w.mu.Lock()
	if fp != w.policy {
		w.policy = fp
		w.replan()
	}
	for len(w.armed) > 0 && !w.armed[0].next.After(now) {
		a := heap.Pop(&w.armed).(armed)
		if wc, ok := w.convs[a.conv]; ok && wc.gen == a.gen {
			wc.live--
			w.live--
			due = append(due, a)
		}
	}
	snap := make(map[string]convo.Conversation, len(due))
	for _, a := range due {
		snap[a.conv] = w.convs[a.conv].c
	}
	w.mu.Unlock()
	if len(due) > 0 {
		w.fire(due, snap, now)
	}
	now = w.now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.armed) == 0 {
		return time.Hour
	}
	return max(min(w.armed[0].next.Sub(now), time.Hour), 0)
}

// Mark is the once-only key of a threshold.
func Mark(conv string, key Key, start time.Time, t Threshold) string {
	return fmt.Sprintf("%s/%s/%d/%s", conv, key, start.UnixNano(), t)
}

func (w *Watcher) fire(due []armed, convs map[string]convo.Conversation, now time.Time) {
	breached := map[string]bool{}
	for _, a := range due {
		if a.threshold == Breach {
			breached[Mark(a.conv, a.key, a.start, "")] = true
		}
	}
	var firings []store.Firing
	var alerts []Alert
	var silent []bool
	var fired []armed
	plans := map[string][]Deadline{}
	for _, a := range due {
		c := convs[a.conv]
		ds, ok := plans[a.conv]
		if !ok {
			ds = w.engine.Deadlines(c, now)
			plans[a.conv] = ds
		}
		var d Deadline
		for _, x := range ds {
			if x.Key == a.key && x.Start.Equal(a.start) {
				d = x
			}
		}
		at := d.Due
		if a.threshold == Warning {
			at = d.Warn
		}
		if d.Key == "" || !at.Equal(a.at) {
			continue // the policy changed since it was armed: re-armed at its new instant
		}
		f := store.Firing{Mark: Mark(a.conv, a.key, a.start, a.threshold)}
		if a.threshold == Breach {
			t := convo.EvSLABreached
			if d.Window {
				t = convo.EvWindowExpired
			}
			e := Record(t, c, d, d.Due)
			f.Event = &e
		}
		firings = append(firings, f)
		alerts = append(alerts, Alert{Conv: c, Deadline: d, Threshold: a.threshold, At: a.at})
		// A warning whose breach fires in the same batch (after a sleep) is
		// recorded but not shown: the breach says more.
		silent = append(silent, a.threshold == Warning && breached[Mark(a.conv, a.key, a.start, "")])
		fired = append(fired, a)
	}
	if len(firings) == 0 {
		return
	}
	fresh, err := w.marks.Fire(firings)
	if err != nil {
		// Never lose an alert to a store that refuses writes (a full disk):
		// show what was not recorded before, and record it later.
		w.log.Error("deadline firings not recorded; retrying", "err", err, "count", len(firings), "in", retryAfter)
		fresh = make([]bool, len(firings))
		w.mu.Lock()
		for i, f := range firings {
			a := fired[i]
			if wc, ok := w.convs[a.conv]; ok && wc.gen == a.gen {
				a.next = now.Add(retryAfter)
				heap.Push(&w.armed, a)
				wc.live++
				w.live++
			}
			if w.shown[f.Mark] {
				continue
			}
			if done, err := w.marks.Fired(f.Mark); err == nil && done {
				continue
			}
			fresh[i] = true
			w.shown[f.Mark] = true
		}
		w.mu.Unlock()
	} else {
		w.mu.Lock()
		for i, f := range firings {
			if w.shown[f.Mark] {
				delete(w.shown, f.Mark)
				fresh[i] = false
			}
		}
		w.mu.Unlock()
	}
	var out []Alert
	for i, ok := range fresh {
		if ok && !silent[i] {
			out = append(out, alerts[i])
		}
	}
	if len(out) > 0 {
		w.deliver(out)
	}
}
