// Package syncer runs each account's channel: it pulls with the persisted
// cursor, stores what arrives, backs off on errors and reports each account's state.
package syncer

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
	"sportello/app/store"
)

// State is an account's sync state.
type State string

const (
	StateSyncing     State = "syncing"
	StateOnline      State = "online"
	StateOffline     State = "offline"
	StateRateLimited State = "rate-limited"
	StateNeedsLogin  State = "needs-login"
	StatePaused      State = "paused" // the store refuses writes (disk full)
)

// Status is one account's sync status.
type Status struct {
	Account  string
	State    State
	Err      string
	LastSync time.Time
}

// Backoff limits.
const (
	minBackoff = time.Second
	maxBackoff = 5 * time.Minute
	authWait   = 5 * time.Minute
	diskWait   = 10 * time.Second
)

// Engine runs channels until its context ends.
type Engine struct {
	st       *store.Store
	now      func() time.Time
	log      *slog.Logger
	onStatus func(Status)

	wg     sync.WaitGroup
	mu     sync.Mutex
	status map[string]Status
}

// New returns an engine writing into st. onStatus (may be nil) is called on
// every state change, from the account's goroutine.
func New(st *store.Store, now func() time.Time, log *slog.Logger, onStatus func(Status)) *Engine {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if onStatus == nil {
		onStatus = func(Status) {}
	}
	return &Engine{st: st, now: now, log: log, onStatus: onStatus, status: map[string]Status{}}
}

// Start runs acct's channel in its own goroutine until ctx ends.
func (e *Engine) Start(ctx context.Context, acct convo.Account, ch channels.Channel) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(ctx, acct, ch)
	}()
}

// Wait blocks until every started account has stopped.
func (e *Engine) Wait() { e.wg.Wait() }

// Statuses returns the last status of every account.
func (e *Engine) Statuses() map[string]Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make(map[string]Status, len(e.status))
	for k, v := range e.status {
		out[k] = v
	}
	return out
}

func (e *Engine) set(s Status) {
	e.mu.Lock()
	old, ok := e.status[s.Account]
	if s.LastSync.IsZero() {
		s.LastSync = old.LastSync
	}
	e.status[s.Account] = s
	e.mu.Unlock()
	if !ok || old.State != s.State || old.Err != s.Err {
		e.onStatus(s)
	}
}

// SyncOnce pulls until the channel has nothing more right now; used by tests
// and benchmarks that want a whole sync without the loop.
func (e *Engine) SyncOnce(ctx context.Context, acct string, ch channels.Channel) (store.IngestResult, error) {
	var total store.IngestResult
	for {
		res, more, err := e.step(ctx, acct, ch)
		total.Stored += res.Stored
		total.Duplicates += res.Duplicates
		total.Rejected = append(total.Rejected, res.Rejected...)
		if err != nil || !more {
			return total, err
		}
	}
}

func (e *Engine) step(ctx context.Context, acct string, ch channels.Channel) (store.IngestResult, bool, error) {
	cur, err := e.st.Cursor(acct)
	if err != nil {
		return store.IngestResult{}, false, err
	}
	b, err := ch.Pull(ctx, cur)
	if err != nil {
		return store.IngestResult{}, false, err
	}
	if len(b.Items) == 0 && b.Cursor == cur {
		return store.IngestResult{}, false, nil
	}
	res, err := e.st.Ingest(acct, b.Items, b.Cursor)
	for _, r := range res.Rejected {
		e.log.Warn("message refused", "account", acct, "err", r)
	}
	return res, b.More, err
}

func (e *Engine) run(ctx context.Context, acct convo.Account, ch channels.Channel) {
	caps := ch.Capabilities()
	if caps.PollInterval <= 0 {
		caps.PollInterval = 5 * time.Second
	}
	backoff := time.Duration(0)
	e.set(Status{Account: acct.ID, State: StateSyncing})
	for ctx.Err() == nil {
		_, more, err := e.step(ctx, acct.ID, ch)
		var wait time.Duration
		var rl *channels.RateLimited
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			backoff = 0
			if more {
				e.set(Status{Account: acct.ID, State: StateSyncing, LastSync: e.now()})
				continue
			}
			e.set(Status{Account: acct.ID, State: StateOnline, LastSync: e.now()})
			wait = caps.PollInterval
		case errors.Is(err, store.ErrDiskLow):
			e.set(Status{Account: acct.ID, State: StatePaused, Err: err.Error()})
			wait = diskWait
		case errors.Is(err, channels.ErrAuth):
			e.set(Status{Account: acct.ID, State: StateNeedsLogin, Err: err.Error()})
			wait = authWait
		case errors.As(err, &rl):
			e.set(Status{Account: acct.ID, State: StateRateLimited, Err: err.Error()})
			wait = max(rl.RetryAfter, minBackoff)
		default:
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			e.set(Status{Account: acct.ID, State: StateOffline, Err: err.Error()})
			e.log.Warn("sync failed", "account", acct.ID, "err", err, "retry", backoff)
			wait = backoff/2 + rand.N(backoff/2+1)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
