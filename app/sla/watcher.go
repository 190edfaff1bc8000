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
}

// wakeCheck is how often the watcher compares the wall clock with its next
// deadline: timers stop while the machine sleeps, the wall clock does not.
const wakeCheck = time.Second

type armed struct {
	at        time.Time
	conv      string
	gen       int
	key       Key
	start     time.Time
	threshold Threshold
}

type armedHeap []armed

func (h armedHeap) Len() int           { return len(h) }
func (h armedHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h armedHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *armedHeap) Push(x any)        { *h = append(*h, x.(armed)) }
func (h *armedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type watched struct {
	c   convo.Conversation
	gen int
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

	mu    sync.Mutex
	convs map[string]*watched
	armed armedHeap
	wake  chan struct{}
}

// NewWatcher returns a watcher; deliver receives each batch of fresh alerts.
func NewWatcher(e *Engine, marks Marker, now func() time.Time, log *slog.Logger, deliver func([]Alert)) *Watcher {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{engine: e, marks: marks, now: now, log: log, deliver: deliver, convs: map[string]*watched{}, wake: make(chan struct{}, 1)}
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
		wc.gen++
		if c.Status == convo.StatusResolved || c.Status == convo.StatusPending || c.Status == convo.StatusSnoozed {
			continue // nothing to warn about: disarmed by the new generation
		}
		for _, d := range w.engine.Plan(c) {
			if !d.Done.IsZero() {
				continue
			}
			if !d.Warn.IsZero() && d.Warn.Before(d.Due) {
				heap.Push(&w.armed, armed{at: d.Warn, conv: c.ID, gen: wc.gen, key: d.Key, start: d.Start, threshold: Warning})
			}
			heap.Push(&w.armed, armed{at: d.Due, conv: c.ID, gen: wc.gen, key: d.Key, start: d.Start, threshold: Breach})
		}
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
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
	now := w.now()
	var due []armed
	w.mu.Lock()
	for len(w.armed) > 0 && !w.armed[0].at.After(now) {
		a := heap.Pop(&w.armed).(armed)
		if wc, ok := w.convs[a.conv]; ok && wc.gen == a.gen {
			due = append(due, a)
		}
	}
	wait := time.Hour
	if len(w.armed) > 0 {
		wait = min(w.armed[0].at.Sub(now), time.Hour)
	}
	snap := make(map[string]convo.Conversation, len(due))
	for _, a := range due {
		snap[a.conv] = w.convs[a.conv].c
	}
	w.mu.Unlock()
	if len(due) > 0 {
		w.fire(due, snap, now)
	}
	return max(wait, 0)
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
	for _, a := range due {
		c := convs[a.conv]
		var d Deadline
		for _, x := range w.engine.Deadlines(c, now) {
			if x.Key == a.key && x.Start.Equal(a.start) {
				d = x
			}
		}
		if d.Key == "" {
			continue // the policy changed since it was armed
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
	}
	fresh, err := w.marks.Fire(firings)
	if err != nil {
		w.log.Error("deadline firings not recorded", "err", err, "count", len(firings))
		return
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
