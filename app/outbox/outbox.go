// Package outbox keeps what the agent writes safe: drafts saved as they are
// typed, and replies that go out through their conversation's channel in
// order, retried while offline or rate-limited, and never sent twice — after
// a crash mid-send an item is reconciled with the platform before any retry.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
	"sportello/app/store"
)

// State is where an outgoing reply stands.
type State string

const (
	Queued     State = "queued"
	Sending    State = "sending"
	Sent       State = "sent"
	Failed     State = "failed"      // with the reason; the text is kept for retry or edit
	NeedsCheck State = "needs-check" // the channel cannot tell whether it went out: the agent decides
)

// Item is one outgoing reply.
type Item struct {
	ID         string         `json:"id"` // the client ID, stable across retries
	Seq        int64          `json:"seq"`
	ConvID     string         `json:"convId"`
	AccountID  string         `json:"accountId"`
	ThreadID   string         `json:"threadId"`
	Platform   convo.Platform `json:"platform"`
	Kind       convo.Kind     `json:"kind"`
	Public     bool           `json:"public"`
	Customer   convo.Identity `json:"customer"`
	Text       string         `json:"text"`
	Tag        string         `json:"tag,omitempty"`
	TemplateID string         `json:"templateId,omitempty"`
	Author     string         `json:"author"`
	State      State          `json:"state"`
	Err        string         `json:"err,omitempty"`
	Attempts   int            `json:"attempts"`
	Next       time.Time      `json:"next,omitzero"` // not before: backoff or retry-after
	Created    time.Time      `json:"created"`
	SentAt     time.Time      `json:"sentAt,omitzero"`
	PlatformID string         `json:"platformId,omitempty"`
}

func (it Item) key() string { return fmt.Sprintf("%020d/%s", it.Seq, it.ID) }

// Draft is the reply being written in a conversation.
type Draft struct {
	ConvID     string            `json:"convId"`
	Text       string            `json:"text"`
	TemplateID string            `json:"templateId,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
	Updated    time.Time         `json:"updated"`
}

// Errors the agent sees.
var (
	ErrEmpty   = errors.New("the reply is empty")
	ErrTooLong = errors.New("the reply is longer than the platform allows")
	ErrState   = errors.New("not possible in this state")
)

// Channels gives the outbox each account's channel.
type Channels func(accountID string) (channels.Channel, bool)

// Backoff limits for temporary failures.
const (
	minBackoff  = 2 * time.Second
	maxBackoff  = 5 * time.Minute
	authWait    = 5 * time.Minute
	sendTimeout = 30 * time.Second
)

// Outbox is the persistent outbox. It is safe for concurrent use.
type Outbox struct {
	st       *store.Store
	now      func() time.Time
	log      *slog.Logger
	channels Channels
	onChange func(Item)

	mu      sync.Mutex
	lastSeq int64
	// open holds the keys of the items still to send (queued or sending),
	// so a pass reads those and not every reply ever sent; nil until loaded.
	// The outbox is the only writer of its records, so it stays exact.
	open map[string]bool
	wake chan struct{}
}

// New returns an outbox; onChange (may be nil) hears every state change.
func New(st *store.Store, now func() time.Time, log *slog.Logger, chans Channels, onChange func(Item)) *Outbox {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onChange == nil {
		onChange = func(Item) {}
	}
	return &Outbox{st: st, now: now, log: log, channels: chans, onChange: onChange, wake: make(chan struct{}, 1)}
}

// SaveDraft stores the draft of a conversation (an empty text deletes it).
func (o *Outbox) SaveDraft(d Draft) error {
	if d.ConvID == "" {
		return fmt.Errorf("draft without a conversation: %w", store.ErrInvalid)
	}
	if strings.TrimSpace(d.Text) == "" && d.TemplateID == "" {
		return o.st.DeleteDoc(store.Drafts, d.ConvID)
	}
	if len(d.Text) > store.MaxTextBytes {
		return fmt.Errorf("draft of %d KiB: %w", len(d.Text)>>10, ErrTooLong)
	}
	d.Updated = o.now().UTC()
	return o.st.PutDoc(store.Drafts, d.ConvID, d)
}

// Draft returns a conversation's draft (empty when none).
func (o *Outbox) Draft(conv string) (Draft, error) {
	var d Draft
	err := o.st.GetDoc(store.Drafts, conv, &d)
	if errors.Is(err, store.ErrNotFound) {
		return Draft{ConvID: conv}, nil
	}
	return d, err
}

// Drafts lists every open draft, most recent first.
func (o *Outbox) Drafts() ([]Draft, error) {
	var out []Draft
	err := o.st.Docs(store.Drafts, func(_ string, raw json.RawMessage) error {
		var d Draft
		if err := json.Unmarshal(raw, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	slices.SortFunc(out, func(a, b Draft) int { return b.Updated.Compare(a.Updated) })
	return out, err
}

// Send queues a reply to a conversation and clears its draft, in one write.
func (o *Outbox) Send(c convo.Conversation, customer convo.Identity, text, tag, templateID, author string) (Item, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if text == "" {
		return Item{}, ErrEmpty
	}
	if max := channels.TextLimit(c.Platform, c.Kind); max > 0 {
		if n := channels.TextLength(c.Platform, text); n > max {
			return Item{}, fmt.Errorf("%d of %d: %w", n, max, ErrTooLong)
		}
	}
	now := o.now().UTC()
	seq, err := o.nextSeq(now)
	if err != nil {
		return Item{}, err
	}
	// The sequence makes the ID unique even for the same text sent to the
	// same conversation in the same instant (a coarse or frozen clock).
	it := Item{ID: store.ID("o_", c.ID, text, now.String(), strconv.FormatInt(seq, 10)), Seq: seq, ConvID: c.ID, AccountID: c.AccountID, ThreadID: c.ThreadID,
		Platform: c.Platform, Kind: c.Kind, Public: c.Public, Customer: customer, Text: text, Tag: tag, TemplateID: templateID,
		Author: author, State: Queued, Created: now}
	if err := o.st.PutDocDeleting(store.Outbox, it.key(), it, store.Drafts, c.ID); err != nil {
		return Item{}, err
	}
	o.track(it)
	o.onChange(it)
	o.poke()
	return it, nil
}

// nextSeq is the send order of a new item: after every item already queued,
// even when the clock went back (a manual change) or a new process started
// with a clock behind the last one, so replies keep the order they were sent in.
func (o *Outbox) nextSeq(now time.Time) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loadLocked(); err != nil {
		return 0, err
	}
	o.lastSeq = max(now.UnixNano(), o.lastSeq+1)
	return o.lastSeq, nil
}

// loadLocked reads the outbox once: the last sequence and the open items.
func (o *Outbox) loadLocked() error {
	if o.open != nil {
		return nil
	}
	open := map[string]bool{}
	err := o.st.Docs(store.Outbox, func(key string, raw json.RawMessage) error {
		var it Item
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("outgoing reply %s: %w", key, err)
		}
		o.lastSeq = max(o.lastSeq, it.Seq)
		if it.State == Queued || it.State == Sending {
			open[key] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	o.open = open
	return nil
}

// track notes an item just written: open or done.
func (o *Outbox) track(it Item) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.open == nil {
		return // loading will read it from the store
	}
	if it.State == Queued || it.State == Sending {
		o.open[it.key()] = true
	} else {
		delete(o.open, it.key())
	}
}

// openKeys are the keys of the items to send, in send order.
func (o *Outbox) openKeys() ([]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loadLocked(); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(o.open))
	for k := range o.open {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the key starts with the zero-padded sequence
	return keys, nil
}

func (o *Outbox) poke() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Items returns the outbox in send order (all states; sent ones too, so the
// UI can show each message's state), for one conversation or all ("").
func (o *Outbox) Items(conv string) ([]Item, error) {
	var out []Item
	err := o.st.Docs(store.Outbox, func(_ string, raw json.RawMessage) error {
		var it Item
		if err := json.Unmarshal(raw, &it); err != nil {
			return err
		}
		if conv == "" || it.ConvID == conv {
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

func (o *Outbox) save(it Item) error {
	if err := o.st.PutDoc(store.Outbox, it.key(), it); err != nil {
		return err
	}
	o.track(it)
	o.onChange(it)
	return nil
}

func (o *Outbox) find(id string) (Item, error) {
	items, err := o.Items("")
	if err != nil {
		return Item{}, err
	}
	for _, it := range items {
		if it.ID == id {
			return it, nil
		}
	}
	return Item{}, fmt.Errorf("outgoing reply %s: %w", id, store.ErrNotFound)
}

// Retry sends a failed (or to-be-checked) reply again, optionally with new text.
func (o *Outbox) Retry(id, newText string) (Item, error) {
	it, err := o.find(id)
	if err != nil {
		return it, err
	}
	if it.State != Failed && it.State != NeedsCheck {
		return it, fmt.Errorf("retry a %s reply: %w", it.State, ErrState)
	}
	if t := strings.TrimSpace(newText); t != "" {
		it.Text = t
	}
	it.State, it.Err, it.Next = Queued, "", time.Time{}
	if err := o.save(it); err != nil {
		return it, err
	}
	o.poke()
	return it, nil
}

// MarkSent records that a to-be-checked reply did go out (the agent saw it).
func (o *Outbox) MarkSent(id string) (Item, error) {
	it, err := o.find(id)
	if err != nil {
		return it, err
	}
	if it.State != NeedsCheck {
		return it, fmt.Errorf("mark a %s reply as sent: %w", it.State, ErrState)
	}
	it.State, it.Err, it.SentAt = Sent, "", o.now().UTC()
	return it, o.save(it)
}

// Run sends queued replies until ctx ends.
func (o *Outbox) Run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		wait := o.Pass(ctx)
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-t.C:
		}
	}
}

// Pass handles every item that is due now, in order, and returns how long
// until the next one is. Exported so tests can step the outbox.
func (o *Outbox) Pass(ctx context.Context) time.Duration {
	keys, err := o.openKeys()
	if err != nil {
		o.log.Error("outbox unreadable", "err", err)
		return 10 * time.Second
	}
	next := time.Hour
	blocked := map[string]bool{} // conversations waiting on an earlier reply keep their order
	for _, k := range keys {
		var it Item
		if err := o.st.GetDoc(store.Outbox, k, &it); err != nil {
			// Unreadable, it may be the first of its conversation: stop
			// here rather than send a later reply before it.
			o.log.Error("outbox unreadable", "key", k, "err", err)
			return min(next, 10*time.Second)
		}
		if it.State != Queued && it.State != Sending {
			continue
		}
		if blocked[it.ConvID] {
			continue
		}
		if now := o.now(); it.Next.After(now) {
			blocked[it.ConvID] = true
			next = min(next, it.Next.Sub(now))
			continue
		}
		if ctx.Err() != nil {
			return 0
		}
		it = o.process(ctx, it)
		if it.State != Sent && it.State != Failed && it.State != NeedsCheck {
			blocked[it.ConvID] = true
			if !it.Next.IsZero() {
				next = min(next, max(it.Next.Sub(o.now()), 0))
			}
		}
	}
	return next
}

func (o *Outbox) process(ctx context.Context, it Item) Item {
	ch, ok := o.channels(it.AccountID)
	if !ok {
		it.Err = "the account is not connected"
		it.Next = o.now().Add(time.Minute)
		_ = o.save(it)
		return it
	}
	if it.State == Sending {
		// A crash (or a lost answer) while sending: ask the platform first.
		rec, ok := ch.(channels.Reconciler)
		if !ok {
			it.State, it.Err = NeedsCheck, "Sportello stopped while sending: check the conversation on the platform, then retry or mark it sent"
			_ = o.save(it)
			return it
		}
		cctx, cancel := context.WithTimeout(ctx, sendTimeout)
		pid, found, err := rec.Find(cctx, it.ThreadID, it.ID, it.Text, it.Created)
		cancel()
		if err != nil {
			return o.temporary(it, err)
		}
		if found {
			return o.sent(it, channels.Sent{PlatformID: pid, At: o.now()})
		}
	}
	it.State, it.Attempts = Sending, it.Attempts+1
	if err := o.save(it); err != nil {
		// Nothing was sent; wait before trying again (a full disk does not
		// empty itself in a loop).
		o.log.Error("outbox write failed", "err", err)
		it.Err, it.Next = err.Error(), o.now().Add(minBackoff)
		return it
	}
	cctx, cancel := context.WithTimeout(ctx, sendTimeout)
	sent, err := ch.Send(cctx, channels.Outgoing{ThreadID: it.ThreadID, ClientID: it.ID, Text: it.Text, Kind: it.Kind, Public: it.Public, Tag: it.Tag})
	cancel()
	if err != nil {
		return o.failure(it, err)
	}
	return o.sent(it, sent)
}

func (o *Outbox) sent(it Item, s channels.Sent) Item {
	at := s.At
	if at.IsZero() {
		at = o.now()
	}
	// The message first, then the state: a crash in between leaves the item
	// "sending", and reconciliation finds it; the platform's echo is deduplicated.
	_, err := o.st.Ingest(it.AccountID, []convo.Inbound{{ThreadID: it.ThreadID, Kind: it.Kind, Public: it.Public, Customer: it.Customer,
		Message: convo.Message{PlatformID: s.PlatformID, Direction: convo.DirOut, Author: it.Author, Text: it.Text, At: at, Template: it.TemplateID}}}, "")
	if err != nil {
		// It went out but is not recorded: stay "sending", so the next try
		// finds it on the platform instead of sending it again.
		o.log.Error("sent reply not stored in its conversation", "err", err)
		it.State, it.Err, it.Next = Sending, err.Error(), o.now().Add(minBackoff)
		_ = o.save(it)
		return it
	}
	it.State, it.Err, it.PlatformID, it.SentAt, it.Next = Sent, "", s.PlatformID, at.UTC(), time.Time{}
	if err := o.save(it); err != nil {
		o.log.Error("outbox write failed", "err", err)
	}
	return it
}

func (o *Outbox) failure(it Item, err error) Item {
	var rl *channels.RateLimited
	switch {
	case errors.As(err, &rl):
		it.State, it.Err, it.Next = Queued, err.Error(), o.now().Add(max(rl.RetryAfter, time.Second))
	case errors.Is(err, channels.ErrAuth):
		it.State, it.Err, it.Next = Queued, err.Error(), o.now().Add(authWait)
	case errors.Is(err, channels.ErrOffline):
		// Not reached at all: nothing went out, so just wait and resend.
		b := min(maxBackoff, minBackoff<<min(it.Attempts, 10))
		it.State, it.Err, it.Next = Queued, err.Error(), o.now().Add(b/2+rand.N(b/2+1))
	case errors.Is(err, channels.ErrOutOfWindow), errors.Is(err, channels.ErrRejected):
		it.State, it.Err, it.Next = Failed, err.Error(), time.Time{}
	default:
		// Network trouble or a 5xx: the reply may or may not have arrived, so
		// the next attempt reconciles first ("sending" is kept).
		return o.temporary(it, err)
	}
	if err := o.save(it); err != nil {
		o.log.Error("outbox write failed", "err", err)
	}
	return it
}

func (o *Outbox) temporary(it Item, err error) Item {
	b := min(maxBackoff, minBackoff<<min(it.Attempts, 10))
	it.Err, it.Next = err.Error(), o.now().Add(b/2+rand.N(b/2+1))
	if _, ok := o.channels(it.AccountID); ok {
		it.State = Sending // unknown outcome: reconcile before resending
	}
	if err := o.save(it); err != nil {
		o.log.Error("outbox write failed", "err", err)
	}
	return it
}
