//go:build !windows

package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
	"sportello/app/store"
)

// The send crash test: a child queues replies and runs the outbox against a
// platform the parent runs (an HTTP server on 127.0.0.1 whose thread log
// outlives every child); the parent kills the child with SIGKILL at random
// points — while it queues, before the platform stores a reply, after the
// platform stored it but before the child heard, while it reconciles — and
// the next child, on the same store, first sends whatever is left. At the
// end every acknowledged reply must be on the platform exactly once, in
// order, and sent in the store.
const (
	sendDirEnv    = "SPORTELLO_OUTBOX_CRASH_DIR"
	sendURLEnv    = "SPORTELLO_OUTBOX_CRASH_URL"
	sendRoundEnv  = "SPORTELLO_OUTBOX_CRASH_ROUND"
	sendCountEnv  = "SPORTELLO_OUTBOX_CRASH_COUNT"
	sendSleepEnv  = "SPORTELLO_OUTBOX_CRASH_SLEEP" // µs the child's channel may wait between the platform's answer and returning it
	sendRoundsEnv = "SPORTELLO_OUTBOX_ROUNDS"
	sendSeedEnv   = "SPORTELLO_OUTBOX_SEED"

	sendAcct    = "crash-telegram"
	sendThreads = 3
	sendMaxN    = 6 // replies a child queues
)

var sendPhrases = []string{
	"Ciao, ho controllato: il pacco arriva giovedì 🚚",
	"Perché non ci mandi una foto? Apriamo subito la pratica.",
	"Thanks! Your refund is on its way 👍",
	"Ecco il link: https://auroracasa.example/resi?o=18422",
}

// sendText is reply i of a round; the prefix tells the parent which it is.
func sendText(round, i int) (thread, text string) {
	rng := rand.New(rand.NewPCG(uint64(round)+7, uint64(i)+1))
	return fmt.Sprintf("thread-%d", rng.IntN(sendThreads)), fmt.Sprintf("r%d-n%d %s", round, i, sendPhrases[rng.IntN(len(sendPhrases))])
}

// parseSendText is the round and index of a reply's text.
func parseSendText(text string) (round, i int, ok bool) {
	_, err := fmt.Sscanf(text, "r%d-n%d ", &round, &i)
	return round, i, err == nil
}

// --- the platform, in the parent ---

type platMsg struct {
	PID    string `json:"pid"`
	Thread string `json:"thread"`
	Client string `json:"client"`
	Text   string `json:"text"`
}

// platform is a tiny messaging platform: it stores replies in threads and
// reads threads back. It fails now and then, as platforms do, and the
// parent can tell it to kill the child at its n-th request of a kind.
type platform struct {
	mu   sync.Mutex
	msgs []platMsg
	rng  *rand.Rand
	// the current round's plan
	killOn   string // "send-before", "send-after", "thread" or ""
	killAt   int
	kill     func()
	sends    int
	threads  int
	requests map[string]int // outcomes, for the log
}

func (p *platform) plan(killOn string, at int, kill func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killOn, p.killAt, p.kill, p.sends, p.threads = killOn, at, kill, 0, 0
}

// drop closes the connection without an answer, as a dying network does.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch r.URL.Path {
	case "/send":
		var m platMsg
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.Thread == "" || m.Client == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		p.sends++
		if p.killOn == "send-before" && p.sends == p.killAt {
			p.requests["killed before storing"]++
			p.kill()
			drop(w)
			return
		}
		fault := p.rng.IntN(100)
		switch {
		case fault < 7:
			p.requests["429"]++
			w.Header().Set("Retry-After", strconv.Itoa(1+p.rng.IntN(20)))
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		case fault < 12:
			p.requests["503 before storing"]++
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		m.PID = fmt.Sprintf("p%d", len(p.msgs)+1)
		p.msgs = append(p.msgs, m)
		switch {
		case p.killOn == "send-after" && p.sends == p.killAt:
			p.requests["killed after storing"]++
			p.kill()
			drop(w)
		case fault < 17:
			p.requests["500 after storing"]++
			http.Error(w, "oops", http.StatusInternalServerError)
		case fault < 22:
			p.requests["dropped after storing"]++
			drop(w)
		default:
			p.requests["ok"]++
			_ = json.NewEncoder(w).Encode(m)
		}
	case "/thread":
		p.threads++
		if p.killOn == "thread" && p.threads == p.killAt {
			p.requests["killed while reconciling"]++
			p.kill()
			drop(w)
			return
		}
		if p.rng.IntN(100) < 8 {
			p.requests["thread 503"]++
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		thread := r.URL.Query().Get("id")
		out := []platMsg{}
		for _, m := range p.msgs {
			if m.Thread == thread {
				out = append(out, m)
			}
		}
		_ = json.NewEncoder(w).Encode(out)
	default:
		http.NotFound(w, r)
	}
}

func (p *platform) snapshot() []platMsg {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.msgs)
}

// --- the channel, in the child ---

// httpChannel is the child's connector to the platform; it reads threads
// back (Reconciler) and matches replies by the client ID the platform echoes.
type httpChannel struct {
	base  string
	http  *http.Client
	sleep time.Duration
	rng   *rand.Rand
	mu    sync.Mutex
}

func (c *httpChannel) Pull(context.Context, string) (channels.Batch, error) {
	return channels.Batch{}, nil
}

func (c *httpChannel) Capabilities() channels.Capabilities {
	return channels.Capabilities{Platform: convo.PlatformTelegram, MaxText: 4096, PollInterval: time.Second}
}

func (c *httpChannel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	body, _ := json.Marshal(platMsg{Thread: out.ThreadID, Client: out.ClientID, Text: out.Text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/send", bytes.NewReader(body))
	if err != nil {
		return channels.Sent{}, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return channels.Sent{}, fmt.Errorf("send: %w", channels.ErrOffline) // it never got there
		}
		return channels.Sent{}, fmt.Errorf("send: %w", err) // it may have
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		s, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return channels.Sent{}, &channels.RateLimited{RetryAfter: time.Duration(s) * time.Second}
	case resp.StatusCode != http.StatusOK:
		return channels.Sent{}, fmt.Errorf("send: platform answered %s", resp.Status)
	}
	var m platMsg
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return channels.Sent{}, fmt.Errorf("send: %w", err)
	}
	if c.sleep > 0 {
		// The platform has it; the outbox does not know yet.
		c.mu.Lock()
		d := time.Duration(c.rng.Int64N(int64(c.sleep)))
		c.mu.Unlock()
		time.Sleep(d)
	}
	return channels.Sent{PlatformID: m.PID}, nil
}

func (c *httpChannel) Find(ctx context.Context, thread, client, _ string, _ time.Time) (string, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/thread?id="+url.QueryEscape(thread), nil)
	if err != nil {
		return "", false, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", false, fmt.Errorf("read thread: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", false, fmt.Errorf("read thread: platform answered %s", resp.Status)
	}
	var msgs []platMsg
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		return "", false, fmt.Errorf("read thread: %w", err)
	}
	for _, m := range msgs {
		if m.Client == client {
			return m.PID, true, nil
		}
	}
	return "", false, nil
}

// fastClock is the child's clock: real time, plus every wait the outbox
// asked for skipped at once (retry-after and backoffs would take minutes).
type fastClock struct {
	mu   sync.Mutex
	skip time.Duration
}

func (c *fastClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.skip) }
func (c *fastClock) Add(d time.Duration) {
	c.mu.Lock()
	c.skip += d
	c.mu.Unlock()
}

// TestSendCrashChild is the child half of TestSendCrashAtEveryStep; run
// directly it does nothing.
func TestSendCrashChild(t *testing.T) {
	dir := os.Getenv(sendDirEnv)
	if dir == "" {
		return
	}
	round, err1 := strconv.Atoi(os.Getenv(sendRoundEnv))
	n, err2 := strconv.Atoi(os.Getenv(sendCountEnv))
	sleep, err3 := strconv.Atoi(os.Getenv(sendSleepEnv))
	if err := errors.Join(err1, err2, err3); err != nil {
		childFail("child env: %v", err)
	}
	clk := &fastClock{}
	st, err := store.Open(dir, store.Options{Now: clk.Now, FreeSpace: plenty})
	if err != nil {
		childFail("child open: %v", err)
	}
	// The conversations, as a sync would have stored them (again: deduplicated).
	convs := map[string]convo.Conversation{}
	custs := map[string]convo.Identity{}
	for th := range sendThreads {
		thread := fmt.Sprintf("thread-%d", th)
		cust := convo.Identity{Platform: convo.PlatformTelegram, Handle: fmt.Sprintf("cliente%d", th), DisplayName: fmt.Sprintf("Cliente %d", th)}
		in := convo.Inbound{ThreadID: thread, Kind: convo.KindDM, Customer: cust,
			Message: convo.Message{PlatformID: "in-" + thread, Direction: convo.DirIn, Text: "Dov'è il mio ordine?", At: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}}
		if _, err := st.Ingest(sendAcct, []convo.Inbound{in}, ""); err != nil {
			childFail("child ingest: %v", err)
		}
		if convs[thread], err = st.Conversation(store.ConvID(sendAcct, thread)); err != nil {
			childFail("child conversation: %v", err)
		}
		custs[thread] = cust
	}
	ch := &httpChannel{base: os.Getenv(sendURLEnv), http: &http.Client{Timeout: 10 * time.Second},
		sleep: time.Duration(sleep) * time.Microsecond, rng: rand.New(rand.NewPCG(uint64(round), 3))}

	// Which replies are still to send: what the store holds now, then every change.
	var mu sync.Mutex
	open := map[string]bool{}
	ob := New(st, clk.Now, nil, func(string) (channels.Channel, bool) { return ch, true }, func(it Item) {
		mu.Lock()
		open[it.ID] = it.State == Queued || it.State == Sending
		mu.Unlock()
	})
	items, err := ob.Items("")
	if err != nil {
		childFail("child items: %v", err)
	}
	for _, it := range items {
		if it.State == Failed || it.State == NeedsCheck {
			childFail("child: %s is %s (%s)", it.ID, it.State, it.Err)
		}
		open[it.ID] = it.State == Queued || it.State == Sending
	}
	drained := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range open {
			if o {
				return false
			}
		}
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if wait := ob.Pass(ctx); wait < time.Hour {
				clk.Add(wait) // a reply waits: skip to it
			} else {
				time.Sleep(200 * time.Microsecond)
			}
		}
	}()
	waitDrained := func() {
		for deadline := time.Now().Add(30 * time.Second); !drained(); time.Sleep(200 * time.Microsecond) {
			if time.Now().After(deadline) {
				childFail("child round %d: outbox not drained after 30 s", round)
			}
		}
	}

	waitDrained()
	fmt.Fprintf(os.Stdout, "drained %d\n", round)
	rng := rand.New(rand.NewPCG(uint64(round), 5))
	for i := range n {
		thread, text := sendText(round, i)
		it, err := ob.Send(convs[thread], custs[thread], text, "", "", "giulia")
		if err != nil {
			childFail("child send %d: %v", i, err)
		}
		// One unbuffered write per reply: the parent sees a whole line or none.
		fmt.Fprintf(os.Stdout, "ack %d %d %s\n", round, i, it.ID)
		time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
	}
	waitDrained()
	cancel()
	<-done
	if err := st.Close(); err != nil {
		childFail("child close: %v", err)
	}
	fmt.Fprintf(os.Stdout, "done %d\n", round)
	os.Exit(0) // before the testing package prints anything more
}

type ackedReply struct {
	round, i int
	id       string
}

func TestSendCrashAtEveryStep(t *testing.T) {
	n := rounds(t, sendRoundsEnv, 100)
	rng := killSeed(t, sendSeedEnv)
	p := &platform{rng: rand.New(rand.NewPCG(rng.Uint64(), 2)), requests: map[string]int{}}
	srv := httptest.NewServer(p)
	defer srv.Close()
	dir := t.TempDir()

	var acked []ackedReply
	kills := map[string]int{}
	for round := 0; round <= n; round++ {
		last := round == n // a last child, never killed, sends what is left
		count := 1 + rng.IntN(sendMaxN)
		sleep := 0
		if rng.IntN(2) == 0 {
			sleep = rng.IntN(3000)
		}
		if last {
			count = 0
		}
		c := startChild(t, "TestSendCrashChild", sendDirEnv+"="+dir, sendURLEnv+"="+srv.URL, sendRoundEnv+"="+strconv.Itoa(round),
			sendCountEnv+"="+strconv.Itoa(count), sendSleepEnv+"="+strconv.Itoa(sleep))
		mode, killAfter := "none", -1
		var pause time.Duration
		if !last {
			switch k := rng.IntN(100); {
			case k < 10:
				mode = "blind"
				timer := time.AfterFunc(time.Duration(rng.IntN(80_000))*time.Microsecond, c.kill)
				defer timer.Stop()
			case k < 20:
				mode, killAfter = "after draining", 0
				pause = time.Duration(rng.IntN(3000)) * time.Microsecond
			case k < 45:
				mode, killAfter = "after an ack", 1+rng.IntN(count)
				pause = time.Duration(rng.IntN(4000)) * time.Microsecond
			case k < 65:
				mode = "send-before"
			case k < 85:
				mode = "send-after"
			case k < 95:
				mode = "thread"
			}
		}
		switch mode {
		case "send-before", "send-after": // its sends include the last child's leftovers
			p.plan(mode, 1+rng.IntN(count), c.kill)
		case "thread": // reading a thread back happens only after an unknown outcome
			p.plan(mode, 1+rng.IntN(2), c.kill)
		default:
			p.plan("", 0, nil)
		}

		acks, clean := 0, false
		for line := range c.lines {
			f := strings.Fields(line)
			switch {
			case len(f) == 2 && f[0] == "drained":
				// Everything acknowledged before this child is on the platform by now.
				checkPlatform(t, p, acked, false)
				if killAfter == 0 {
					time.Sleep(pause)
					c.kill()
				}
			case len(f) == 4 && f[0] == "ack":
				r, err1 := strconv.Atoi(f[1])
				i, err2 := strconv.Atoi(f[2])
				if err1 != nil || err2 != nil || r != round || i != acks {
					c.kill()
					t.Fatalf("round %d: child printed %q after %d acks", round, line, acks)
				}
				acked = append(acked, ackedReply{round: r, i: i, id: f[3]})
				acks++
				if acks == killAfter {
					time.Sleep(pause)
					c.kill()
				}
			case len(f) == 2 && f[0] == "done":
				clean = true
			default:
				c.kill()
				t.Fatalf("round %d: child printed %q", round, line)
			}
		}
		c.kill()
		killed := c.wait(t)
		p.plan("", 0, nil)
		switch {
		case killed && !clean:
			kills[mode]++
		case clean:
			kills["finished first"]++
		default:
			t.Fatalf("round %d: child exited without finishing; stderr:\n%s", round, c.stderr.String())
		}
		if last && !clean {
			t.Fatalf("the last child did not finish; stderr:\n%s", c.stderr.String())
		}
		checkPlatform(t, p, nil, false) // nothing twice, ever
		if t.Failed() {
			t.Fatalf("round %d (mode %s): see above", round, mode)
		}
	}
	msgs := checkPlatform(t, p, acked, true)

	// The store agrees: every reply sent, with the platform's ID, once in its conversation.
	st, err := store.Open(dir, store.Options{Now: time.Now, FreeSpace: plenty})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items, err := New(st, time.Now, nil, nil, nil).Items("")
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]string{}
	for _, m := range msgs {
		pids[m.Client] = m.PID
	}
	inStore := map[string]bool{}
	for _, it := range items {
		inStore[it.ID] = true
		if it.State != Sent || it.PlatformID != pids[it.ID] {
			t.Errorf("item %s (%q): %s with platform ID %q, want sent with %q", it.ID, it.Text, it.State, it.PlatformID, pids[it.ID])
		}
	}
	for _, a := range acked {
		if !inStore[a.id] {
			t.Errorf("acknowledged reply %s (round %d, %d) is not in the outbox", a.id, a.round, a.i)
		}
	}
	if len(items) != len(msgs) {
		t.Errorf("the outbox holds %d replies, the platform %d, want the same", len(items), len(msgs))
	}
	for th := range sendThreads {
		stored, err := st.Messages(store.ConvID(sendAcct, fmt.Sprintf("thread-%d", th)), 0)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, m := range stored {
			if m.Direction == convo.DirOut {
				count[m.Text]++
			}
		}
		for text, c := range count {
			if c != 1 {
				t.Errorf("thread-%d holds %q %d times, want once", th, text, c)
			}
		}
	}
	p.mu.Lock()
	t.Logf("%d rounds, %d acknowledged replies, %d on the platform; kills: %v; platform: %v", n, len(acked), len(msgs), kills, p.requests)
	p.mu.Unlock()
}

// checkPlatform checks the platform's threads: no client ID twice, each
// thread in the order the replies were queued, and every reply in acked
// there (once). With final, every reply there must be an acknowledged one or
// the one a child was queueing when it died. It returns the platform's log.
func checkPlatform(t *testing.T, p *platform, acked []ackedReply, final bool) []platMsg {
	t.Helper()
	msgs := p.snapshot()
	seen := map[string]int{}
	lastInThread := map[string][2]int{}
	for _, m := range msgs {
		seen[m.Client]++
		if seen[m.Client] == 2 {
			t.Errorf("reply %s (%q) reached the platform twice", m.Client, m.Text)
		}
		r, i, ok := parseSendText(m.Text)
		if !ok {
			t.Errorf("the platform holds %q, which no child sent", m.Text)
			continue
		}
		if prev, ok := lastInThread[m.Thread]; ok && (r < prev[0] || r == prev[0] && i <= prev[1]) {
			t.Errorf("%s: r%d-n%d reached the platform after r%d-n%d, want queue order", m.Thread, r, i, prev[0], prev[1])
		}
		lastInThread[m.Thread] = [2]int{r, i}
	}
	ackedIDs := map[string]bool{}
	for _, a := range acked {
		ackedIDs[a.id] = true
		if seen[a.id] != 1 {
			t.Errorf("acknowledged reply %s (round %d, %d) reached the platform %d times, want once", a.id, a.round, a.i, seen[a.id])
		}
	}
	if final {
		// Not acknowledged but sent: Send returned, the child died before
		// printing. That is the reply after the round's last ack, at most one.
		acksIn := map[int]int{}
		for _, a := range acked {
			acksIn[a.round]++
		}
		extra := map[int]int{}
		for _, m := range msgs {
			if ackedIDs[m.Client] {
				continue
			}
			r, i, _ := parseSendText(m.Text)
			extra[r]++
			if i != acksIn[r] || extra[r] > 1 {
				t.Errorf("the platform holds r%d-n%d, never acknowledged and not the reply in flight (r%d-n%d)", r, i, r, acksIn[r])
			}
		}
	}
	return msgs
}
