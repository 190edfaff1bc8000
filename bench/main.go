// Command bench builds the standard workload of targets.md and prints its
// figures, one "name value unit" line each. Run it with `make bench`.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"sportello/app"
	"sportello/app/convo"
	"sportello/app/desktop"
	"sportello/app/queue"
	"sportello/app/store"
)

func main() {
	size := flag.String("size", "S", "workload size: S (10k conversations / 100k messages) or M (100k / 1M)")
	dir := flag.String("dir", "", "store folder (default: a temporary one, removed afterwards)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the ingest phase to this file")
	flag.Parse()
	cpuProfile = *cpuprofile
	nConv, nMsg := 10_000, 100_000
	switch *size {
	case "S":
	case "M":
		nConv, nMsg = 100_000, 1_000_000
	default:
		fmt.Fprintln(os.Stderr, "bench: -size must be S or M")
		os.Exit(2)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "sportello-bench-")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
	}
	if err := run(*dir, nConv, nMsg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	// Template search does not depend on the desk's size: 5,000 templates.
	check(benchTemplates(5000))
	// Notification lateness with 10,000 armed deadlines (a store of its own).
	check(benchLateness(10_000))
	// The daily export of a 100k-conversation day (a generated event log of its own).
	check(benchStatsExport(100_000))
}

var cpuProfile string

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func line(name string, v float64, unit string) {
	fmt.Printf("%s %s %s\n", name, strconv.FormatFloat(v, 'f', -1, 64), unit)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(ds []time.Duration, p float64) time.Duration {
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

func run(dir string, nConv, nMsg int) error {
	// The workload's clock: the desk's day ends at "now".
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	w := build(nConv, nMsg, now)
	fmt.Printf("# workload: %d accounts, %d conversations, %d messages\n", len(w.accounts), w.convs, w.messages)

	// ingest / backfill: every account syncing at once, batches of 500 as a sync
	// page would bring, each acknowledged only once on disk.
	st, err := store.Open(dir, store.Options{Now: clock})
	if err != nil {
		return err
	}
	for _, a := range w.accounts {
		check(st.PutAccount(a))
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(w.accounts))
	for _, a := range w.accounts {
		wg.Add(1)
		go func(acct string, items []convo.Inbound) {
			defer wg.Done()
			for i := 0; i < len(items); i += 500 {
				j := min(i+500, len(items))
				if _, err := st.Ingest(acct, items[i:j], strconv.Itoa(j)); err != nil {
					errs <- err
					return
				}
			}
		}(a.ID, w.items[a.ID])
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	el := time.Since(start)
	if cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	line("ingest", float64(int(float64(w.messages)/el.Seconds())), "messages/s")
	line("backfill", el.Seconds()*1_000_000/float64(w.messages), "s/1M-messages")
	// Message text becomes searchable just after it is acknowledged (store/index.go):
	// how long the search index took to catch up once the last sync returned.
	fmt.Printf("# not yet searchable when the last sync returned: %d messages\n", st.IndexPending())
	t0 := time.Now()
	check(st.WaitIndexed())
	line("index_catchup", ms(time.Since(t0)), "ms")
	line("ingest_searchable", float64(int(float64(w.messages)/time.Since(start).Seconds())), "messages/s")

	// Spread statuses as on a real desk: 70% resolved, some assigned.
	q := queue.New(st, clock, nil)
	check(q.Load())
	var ids []string
	check(st.ForEachConversation(func(c convo.Conversation) error { ids = append(ids, c.ID); return nil }))
	var resolve, assign []string
	for i, id := range ids {
		switch {
		case i%10 < 7:
			resolve = append(resolve, id)
		case i%10 == 7:
			assign = append(assign, id)
		}
	}
	check(st.UpdateConversations(resolve, func(c *convo.Conversation) ([]convo.Event, error) {
		c.Status = convo.StatusResolved
		return []convo.Event{{ID: store.ID("e_", c.ID, "resolved"), Type: convo.EvStatus, At: now, ConvID: c.ID, Data: "resolved"}}, nil
	}))
	check(st.UpdateConversations(assign, func(c *convo.Conversation) ([]convo.Event, error) {
		c.Assignee = "giulia"
		return nil, nil
	}))
	check(st.Close())

	// cold open: open the store and return the first 50 rows of the queue.
	var colds []time.Duration
	var loads []time.Duration
	for range 5 {
		t0 := time.Now()
		st, err = store.Open(dir, store.Options{Now: clock})
		check(err)
		q = queue.New(st, clock, nil)
		p, err := q.List(queue.Filter{}, 0, 50)
		check(err)
		colds = append(colds, time.Since(t0))
		if len(p.Rows) != 50 {
			return fmt.Errorf("cold open returned %d rows", len(p.Rows))
		}
		t1 := time.Now()
		check(q.Load())
		loads = append(loads, time.Since(t1))
		check(st.Close())
	}
	line("cold_open", ms(pct(colds, 0.5)), "ms")
	line("queue_load", ms(pct(loads, 0.5)), "ms")

	// The rest goes through the core as the UI uses it.
	core, err := app.New(app.Config{DataDir: dir, Now: clock})
	check(err)
	defer core.Close()
	check(core.Queue.Load())
	d := desktop.New(core, desktop.NewNotifier())
	fmt.Printf("# open queue: %d of %d conversations\n", mustTotal(d, desktop.Filter{}), core.Queue.Len())

	var pages []time.Duration
	for i := range 200 {
		plat := convo.Platforms[i%len(convo.Platforms)]
		t := time.Now()
		p, err := d.Queue.List(desktop.Filter{Platform: string(plat)}, 0, 50)
		check(err)
		pages = append(pages, time.Since(t))
		if len(p.Rows) == 0 {
			return fmt.Errorf("queue page for %s is empty", plat)
		}
	}
	line("queue_page_p50", ms(pct(pages, 0.5)), "ms")
	line("queue_page_p99", ms(pct(pages, 0.99)), "ms")

	var searches []time.Duration
	terms := []string{"rimborso", "delivery", "corr", "ordine pacco", "sofa", "perche", "grazie", "refund late"}
	for i := range 200 {
		t := time.Now()
		_, err := d.Queue.List(desktop.Filter{Status: "all", Search: terms[i%len(terms)]}, 0, 30)
		check(err)
		searches = append(searches, time.Since(t))
	}
	line("text_search_p50", ms(pct(searches, 0.5)), "ms")
	line("text_search_p99", ms(pct(searches, 0.99)), "ms")

	// open conversation: thread + customer card + cross-channel history.
	acct, thread, _ := strings.Cut(w.long, "\x00")
	long := store.ConvID(acct, thread)
	var opens []time.Duration
	for range 300 {
		t := time.Now()
		th, err := d.Conversation.Open(long)
		check(err)
		opens = append(opens, time.Since(t))
		if len(th.Messages) < 40 {
			return fmt.Errorf("long conversation has %d messages", len(th.Messages))
		}
	}
	line("open_conversation_p99", ms(pct(opens, 0.99)), "ms")
	samples := reorderSamples(w) // the workload itself is let go before the footprint
	w = nil

	// Idle: Badger finishes its compactions and hands back its table-builder
	// buffers (one every 2 s once idle); measure when memory stops falling.
	settle()
	line("footprint_go_rss", float64(statusMiB("VmRSS")), "MiB")
	// Of which the process's own memory (heap, stacks, Badger's arenas); the rest
	// is mapped store files, clean pages the OS can drop.
	line("footprint_go_rss_anon", float64(statusMiB("RssAnon")), "MiB")

	// reorder: a new inbound message moves its conversation; measured from the
	// commit to the queue having moved it (core), the fsync excluded. After the
	// footprint: the stopwatch's own queue stays subscribed to the store.
	reorders, commits := measureReorder(core, samples, now)
	line("reorder_core_p99", ms(pct(reorders, 0.99)), "ms")
	line("reorder_with_commit_p99", ms(pct(commits, 0.99)), "ms")
	// The statistics allocate for their own work.
	return benchStatsStore(core, now)
}

func mustTotal(d *desktop.Desktop, f desktop.Filter) int {
	p, err := d.Queue.List(f, 0, 1)
	check(err)
	return p.Total
}

// measureReorder times the queue's own work for a changed conversation: from
// the moment the store hands it the committed change to the moment it has
// moved it, by subscribing a stopwatch before and after a fresh queue.
func measureReorder(core *app.App, samples []reorderSample, now time.Time) (reorders, commits []time.Duration) {
	var t0 time.Time
	core.Store.Subscribe(func([]convo.Conversation) { t0 = time.Now() })
	q := queue.New(core.Store, func() time.Time { return now }, func([]string) { reorders = append(reorders, time.Since(t0)) })
	check(q.Load())
	for i, s := range samples {
		in := s.in
		in.Message.PlatformID = fmt.Sprintf("reorder2-%d", i)
		in.Message.Direction = convo.DirIn
		in.Message.At = now.Add(-time.Duration(i) * time.Minute)
		t := time.Now()
		_, err := core.Store.Ingest(s.account, []convo.Inbound{in}, "")
		check(err)
		commits = append(commits, time.Since(t))
	}
	return reorders, commits
}

// reorderSample is a message of the workload that arrives again, new.
type reorderSample struct {
	account string
	in      convo.Inbound
}

// reorderSamples picks 500 messages across the accounts.
func reorderSamples(w *workload) []reorderSample {
	out := make([]reorderSample, 500)
	for i := range out {
		acct := w.accounts[i%len(w.accounts)]
		out[i] = reorderSample{acct.ID, w.items[acct.ID][(i*104729)%len(w.items[acct.ID])]}
	}
	return out
}

// settle waits, up to 40 s, until the process's own memory stops falling.
func settle() {
	last := -1
	for range 20 {
		runtime.GC()
		debug.FreeOSMemory()
		now := statusMiB("RssAnon")
		if last >= 0 && now >= last-1 {
			return
		}
		last = now
		time.Sleep(2 * time.Second)
	}
}

// statusMiB reads a memory figure of /proc/self/status (VmRSS, RssAnon…) in MiB.
func statusMiB(field string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return -1
}
