package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
)

// Checkpoint is a Meta channel's sync cursor. Graph has no "changes since"
// call and its paging cursors go stale, so the checkpoint is made of times
// and IDs only:
//
//   - Since: every item created before Since (UNIX seconds, the API's
//     resolution) has been delivered, and so have the items created at Since
//     whose IDs are in Seen. Items created later in the same second as the
//     last sync are not lost.
//   - Walk: a poll in progress. At its start the channel lists the containers
//     (conversations, posts, media) that changed at or after Since and notes
//     the server's time, Top. It then reads them a few per Pull, delivering
//     the items created in (Since, Top] and taking each container off Todo in
//     the same cursor the engine stores with those items. Items created after
//     Top wait for the next walk, which starts at Top; so a restart anywhere
//     resumes the walk where the store left it, and nothing is delivered twice.
type Checkpoint struct {
	V     int      `json:"v"`
	Since int64    `json:"since"`
	Seen  []string `json:"seen,omitempty"`
	Walk  *Walk    `json:"walk,omitempty"`
}

// Walk is a poll in progress.
type Walk struct {
	Top  int64    `json:"top"`
	Todo []string `json:"todo"`
	// Seen are the items created at Top delivered so far.
	Seen []string `json:"seen,omitempty"`
}

const checkpointVersion = 1

// DecodeCheckpoint reads a cursor; "" is the zero checkpoint (first sync).
func DecodeCheckpoint(cursor string) (Checkpoint, error) {
	var cp Checkpoint
	if cursor == "" {
		return cp, nil
	}
	if err := json.Unmarshal([]byte(cursor), &cp); err != nil {
		return Checkpoint{}, fmt.Errorf("graph: bad cursor: %w", err)
	}
	switch {
	case cp.V != checkpointVersion:
		return Checkpoint{}, fmt.Errorf("graph: cursor version %d, want %d", cp.V, checkpointVersion)
	case cp.Since < 0 || (cp.Walk != nil && cp.Walk.Top < cp.Since):
		return Checkpoint{}, errors.New("graph: bad cursor: times out of order")
	}
	return cp, nil
}

// Encode writes the checkpoint as a cursor.
func (cp Checkpoint) Encode() string {
	cp.V = checkpointVersion
	b, _ := json.Marshal(cp) // plain types: cannot fail
	return string(b)
}

// Window is the part of the timeline a walk delivers: created in
// [Since, Top], minus the items at Since already seen.
type Window struct {
	Since, Top int64 // UNIX seconds
	Seen       map[string]bool
}

// Contains reports whether the item id created at t belongs to the window.
func (w Window) Contains(t time.Time, id string) bool {
	s := t.Unix()
	return s >= w.Since && s <= w.Top && !(s == w.Since && w.Seen[id])
}

// Older reports whether t is before the window: reading newest-first, nothing
// after it can belong to the window.
func (w Window) Older(t time.Time) bool { return t.Unix() < w.Since }

// Source is what a walk reads.
type Source interface {
	// Changed lists the containers that may hold items created at or after
	// since, and returns the server's time of the listing's first answer.
	Changed(ctx context.Context, since time.Time) (ids []string, top time.Time, err error)
	// Read returns the items of one container that lie in w.
	Read(ctx context.Context, id string, w Window) ([]convo.Inbound, error)
}

// Walker turns a Source into a channel's Pull. It is safe for concurrent use.
type Walker struct {
	API *Client
	// Backfill is how far back the first sync reaches (default 7 days: older
	// messages can no longer be answered on Messenger or Instagram).
	Backfill time.Duration
	// PerPull is how many containers one Pull reads (default 10).
	PerPull int

	mu       sync.Mutex
	lastPoll time.Time
}

// DefaultBackfill is the first sync's reach.
const DefaultBackfill = 7 * 24 * time.Hour

// Pull implements channels.Channel.Pull for src.
func (w *Walker) Pull(ctx context.Context, cursor string, src Source) (channels.Batch, error) {
	if err := ctx.Err(); err != nil {
		return channels.Batch{}, err
	}
	cp, err := DecodeCheckpoint(cursor)
	if err != nil {
		return channels.Batch{}, err
	}
	if cp.Walk == nil && !w.due() {
		return channels.Batch{Cursor: cursor}, nil // usage is high: skip this poll
	}
	if cp.Walk == nil {
		since := time.Unix(cp.Since, 0)
		if cursor == "" {
			back := w.Backfill
			if back <= 0 {
				back = DefaultBackfill
			}
			since = w.API.Now().Add(-back).Truncate(time.Second)
		}
		ids, top, err := src.Changed(ctx, since)
		if err != nil {
			return channels.Batch{}, err
		}
		if len(ids) == 0 {
			if cursor == "" {
				return channels.Batch{Cursor: Checkpoint{Since: since.Unix()}.Encode()}, nil
			}
			return channels.Batch{Cursor: cursor}, nil
		}
		cp = Checkpoint{Since: since.Unix(), Seen: cp.Seen, Walk: &Walk{Top: max(top.Unix(), since.Unix()), Todo: dedupe(ids)}}
	}
	win := Window{Since: cp.Since, Top: cp.Walk.Top, Seen: map[string]bool{}}
	for _, id := range cp.Seen {
		win.Seen[id] = true
	}
	per := w.PerPull
	if per <= 0 {
		per = 10
	}
	var items []convo.Inbound
	walk := *cp.Walk
	for n := 0; n < per && len(walk.Todo) > 0; n++ {
		got, err := src.Read(ctx, walk.Todo[0], win)
		switch {
		case errors.Is(err, ErrNotFound): // deleted since the listing
		case err != nil && len(items) == 0:
			return channels.Batch{}, err
		case err != nil:
			// Keep what was read; the next Pull meets the error again.
			return w.batch(cp, walk, items, true), nil
		}
		for _, it := range got {
			if it.Message.At.Unix() == walk.Top {
				walk.Seen = append(walk.Seen, it.Message.PlatformID)
			}
		}
		items = append(items, got...)
		walk.Todo = walk.Todo[1:]
	}
	return w.batch(cp, walk, items, len(walk.Todo) > 0), nil
}

func (w *Walker) batch(cp Checkpoint, walk Walk, items []convo.Inbound, more bool) channels.Batch {
	if len(walk.Todo) == 0 {
		seen := walk.Seen
		if walk.Top == cp.Since {
			seen = append(slices.Clone(cp.Seen), seen...)
		}
		cp = Checkpoint{Since: walk.Top, Seen: dedupe(seen)}
	} else {
		walk.Todo = slices.Clone(walk.Todo)
		cp.Walk = &walk
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Message.At.Before(items[j].Message.At) })
	return channels.Batch{Items: items, Cursor: cp.Encode(), More: more}
}

// due reports whether a new poll may start, given the usage headers, and
// marks it started.
func (w *Walker) due() bool {
	now := w.API.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if d := w.API.PollDelay(); d > 0 && !w.lastPoll.IsZero() && now.Before(w.lastPoll.Add(d)) {
		return false
	}
	w.lastPoll = now
	return true
}

func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
