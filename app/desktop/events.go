// Package desktop is the seam between the UI and the core: the services the
// Wails window calls and the events it receives. It is the only package that
// imports the Wails runtime.
package desktop

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"sportello/app/notify"
	"sportello/app/outbox"
	"sportello/app/syncer"
)

// Events sent to the UI; mirrored in frontend/src/lib/api/events.ts.
const (
	EventQueueChanged = "queue:changed"
	EventAppStatus    = "app:status"
	EventNotice       = "notify:new"
	EventOutbox       = "outbox:changed"
)

// QueueChanged is the payload of EventQueueChanged.
type QueueChanged struct {
	IDs []string `json:"ids"`
}

// flushEvery batches queue updates: at most four events a second.
const flushEvery = 250 * time.Millisecond

// Notifier collects core updates and emits them to the window in batches.
// Build it before the core so the core can report into it.
type Notifier struct {
	mu       sync.Mutex
	ctx      context.Context
	ids      map[string]bool
	status   bool
	notices  []Notice
	outbox   []OutItem
	statusFn func() Status
	wake     chan struct{}
}

// NewNotifier returns an idle notifier; Run starts delivery.
func NewNotifier() *Notifier {
	return &Notifier{ids: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// QueueChanged records changed conversations.
func (n *Notifier) QueueChanged(ids []string) {
	n.mu.Lock()
	for _, id := range ids {
		n.ids[id] = true
	}
	n.mu.Unlock()
	n.poke()
}

// Notice records a new or updated in-app notification.
func (n *Notifier) Notice(x notify.Notice) {
	n.mu.Lock()
	n.notices = append(n.notices, toNotice(x))
	n.mu.Unlock()
	n.poke()
}

// Outbox records a reply's new state.
func (n *Notifier) Outbox(it outbox.Item) {
	n.mu.Lock()
	n.outbox = append(n.outbox, toOut(it))
	n.mu.Unlock()
	n.poke()
}

// StatusChanged records that an account's state changed.
func (n *Notifier) StatusChanged(syncer.Status) {
	n.mu.Lock()
	n.status = true
	n.mu.Unlock()
	n.poke()
}

func (n *Notifier) poke() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// run delivers batches until ctx ends.
func (n *Notifier) run(ctx context.Context, statusFn func() Status) {
	n.mu.Lock()
	n.ctx, n.statusFn = ctx, statusFn
	n.mu.Unlock()
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-n.wake:
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n.flush()
	}
}

func (n *Notifier) flush() {
	n.mu.Lock()
	ids := make([]string, 0, len(n.ids))
	for id := range n.ids {
		ids = append(ids, id)
	}
	clear(n.ids)
	status := n.status
	n.status = false
	notices := n.notices
	n.notices = nil
	outs := n.outbox
	n.outbox = nil
	ctx, statusFn := n.ctx, n.statusFn
	n.mu.Unlock()
	if len(ids) > 0 {
		slices.Sort(ids)
		runtime.EventsEmit(ctx, EventQueueChanged, QueueChanged{IDs: ids})
	}
	if status {
		runtime.EventsEmit(ctx, EventAppStatus, statusFn())
	}
	for _, x := range notices {
		runtime.EventsEmit(ctx, EventNotice, x)
	}
	for _, x := range outs {
		runtime.EventsEmit(ctx, EventOutbox, x)
	}
}
