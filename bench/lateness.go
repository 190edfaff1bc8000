package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sportello/app/convo"
	"sportello/app/notify"
	"sportello/app/sla"
	"sportello/app/store"
)

// benchLateness measures how late notifications are with n armed deadlines:
// the real watcher, engine and notification center on an on-disk store and
// the real clock. n waiting DMs get a one-minute first-response target
// (warned at 90%), staggered so that their 2n thresholds fall over ~26 s;
// lateness is the instant deliver is called minus the threshold's instant.
// Behind deliver runs the real Center (its in-app list written to disk, no
// OS), so a slow batch delays the next as it would in the app.
//
// The clock is the real one shifted by a constant, set once every deadline
// is stored and armed, so that the first falls due a second after the
// watcher starts however long storing took (a loaded machine would
// otherwise see thresholds pass before they are armed).
func benchLateness(n int) error {
	const (
		lead   = time.Second      // from the watcher's start to the first threshold
		spread = 20 * time.Second // over which the warnings (then the breaches) fall
		target = time.Minute
		warnAt = 0.9
	)
	var shift atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
	dir, err := os.MkdirTemp("", "sportello-lateness-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	p := sla.DefaultPolicy("Europe/Rome")
	cp := p.Classes[sla.ClassMessaging]
	cp.Targets[convo.PriorityNormal] = sla.Targets{FirstResponse: int(target / time.Minute)}
	p.Classes[sla.ClassMessaging] = cp
	p.WarnAt = warnAt
	if err := p.Validate(); err != nil {
		return err
	}
	engine := sla.NewEngine(p)
	st, err := store.Open(dir, store.Options{Now: clock, Due: engine.Due, OnWrite: engine.OnWrite})
	if err != nil {
		return err
	}
	defer st.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	center := notify.New(notify.Options{Store: st, Now: clock, Send: func(string, string) error { return nil },
		Lang: func() string { return "en" }, Settings: notify.DefaultSettings})
	var mu sync.Mutex
	var late []time.Duration
	w := sla.NewWatcher(engine, st, clock, nil, func(alerts []sla.Alert) {
		at := clock()
		mu.Lock()
		for _, a := range alerts {
			late = append(late, at.Sub(a.At))
		}
		mu.Unlock()
		center.Deliver(alerts)
	})
	st.Subscribe(w.Update) // arms each deadline as it is stored

	// The first warning falls due at first, the last breach spread +
	// (1-warnAt)·target later.
	first := time.Now()
	warnAfter := time.Duration(float64(target) * warnAt)
	var items []convo.Inbound
	for i := range n {
		created := first.Add(-warnAfter + spread*time.Duration(i)/time.Duration(n))
		items = append(items, convo.Inbound{ThreadID: "late-" + strconv.Itoa(i), Kind: convo.KindDM,
			Customer: convo.Identity{Platform: convo.PlatformTelegram, Handle: "u" + strconv.Itoa(i), DisplayName: "Customer " + strconv.Itoa(i)},
			Message:  convo.Message{PlatformID: "late-" + strconv.Itoa(i), Direction: convo.DirIn, Author: "customer", Text: "any news?", At: created}})
	}
	for i := 0; i < len(items); i += 500 {
		if _, err := st.Ingest("acct-telegram", items[i:min(i+500, len(items))], ""); err != nil {
			return err
		}
	}
	shift.Store(int64(first.Sub(time.Now().Add(lead))))
	wg.Add(2)
	go func() { defer wg.Done(); center.Run(ctx) }()
	go func() { defer wg.Done(); w.Run(ctx) }()
	last := first.Add(spread + target - warnAfter)
	time.Sleep(last.Add(2 * time.Second).Sub(clock()))
	cancel()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	if len(late) != 2*n {
		return fmt.Errorf("notification lateness: %d alerts delivered for %d armed deadlines, want %d", len(late), n, 2*n)
	}
	fmt.Printf("# notification lateness: %d alerts from %d armed deadlines over %v, on disk\n", len(late), n, last.Sub(first).Round(time.Second))
	line("notification_lateness_p50", ms(pct(late, 0.5)), "ms")
	line("notification_lateness_p99", ms(pct(late, 0.99)), "ms")
	line("notification_lateness_max", ms(pct(late, 1)), "ms")
	return nil
}
