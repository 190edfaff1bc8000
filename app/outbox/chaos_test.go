package outbox

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/demo"
	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/store"
)

// chaos is the platform edge of the demo simulator made unreliable: each
// call fails, or not, as a fixed-seed roll of its client ID and attempt
// decides, so a run is the same whatever order the outbox makes the calls
// in. Failures come before delivery (offline, 429 with retry-after, a 5xx,
// a reset connection) or after it (the platform stored the reply, then the
// connection dropped, a 502, a timeout). It records what reached the
// platform and every call, to check the outbox's behaviour, not only its end.
type chaos struct {
	sim  *demo.Sim
	now  func() time.Time
	seed uint64

	mu        sync.Mutex
	downUntil time.Time                   // the whole network is down
	delivered []delivery                  // what reached the platform, in order
	attempts  map[string]int              // Send calls per client ID
	notBefore map[string]time.Time        // retry-after given per client ID
	unknown   map[string]bool             // the last answer left the outcome unknown
	outcomes  map[string]int              // how often each failure happened
	problems  []string                    // rules the outbox broke
	chans     map[string]*chaosChannel    // per account
	inner     map[string]channels.Channel // the simulator's channels
	lastSend  map[string]time.Time        // per client ID, for backoff checks
	calls     map[string][]string         // per client ID: "send:<outcome>" / "find:<result>"
	finds     map[string]int              // Find calls per client ID
}

type delivery struct {
	acct, thread, client, text, pid string
}

func newChaos(sim *demo.Sim, now func() time.Time, seed uint64) *chaos {
	return &chaos{sim: sim, now: now, seed: seed, attempts: map[string]int{}, notBefore: map[string]time.Time{},
		unknown: map[string]bool{}, outcomes: map[string]int{}, chans: map[string]*chaosChannel{}, inner: map[string]channels.Channel{},
		lastSend: map[string]time.Time{}, calls: map[string][]string{}, finds: map[string]int{}}
}

func (p *chaos) channel(acct string) (channels.Channel, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.chans[acct]; ok {
		return c, true
	}
	in := p.sim.Channel(acct)
	if in == nil {
		return nil, false
	}
	p.inner[acct] = in
	p.chans[acct] = &chaosChannel{Channel: in, p: p, acct: acct}
	return p.chans[acct], true
}

// roll is the fixed-seed die of one call: the same client ID and attempt
// always roll the same.
func (p *chaos) roll(client string, attempt int, salt uint64) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(client))
	return rand.New(rand.NewPCG(p.seed^salt, h.Sum64()+uint64(attempt)))
}

func (p *chaos) problem(format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

type chaosChannel struct {
	channels.Channel
	p    *chaos
	acct string
}

var errUnknown = errors.New("outcome unknown")

func (c *chaosChannel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	id := out.ClientID
	if nb, ok := p.notBefore[id]; ok && now.Before(nb) {
		p.problem("%s sent at %s, before its retry-after %s", id, now.Format(time.TimeOnly), nb.Format(time.TimeOnly))
	}
	if p.unknown[id] {
		p.problem("%s sent again after an unknown outcome without reading the thread first", id)
	}
	if last, ok := p.lastSend[id]; ok && now.Sub(last) < time.Second {
		p.problem("%s retried %s after the last try, want a backoff of at least 1 s", id, now.Sub(last))
	}
	p.lastSend[id] = now
	p.attempts[id]++
	outcome, err := c.decide(ctx, out, now)
	p.outcomes[outcome]++
	p.calls[id] = append(p.calls[id], "send:"+outcome)
	if errors.Is(err, errUnknown) {
		p.unknown[id] = true
		err = errors.New(strings.TrimSuffix(outcome, " after") + ": " + map[bool]string{true: "after delivery", false: "before delivery"}[strings.HasSuffix(outcome, " after")])
	}
	if err != nil {
		return channels.Sent{}, err
	}
	return c.deliver(ctx, out)
}

// decide plays the platform's side of one send; only "ok" and the "… after"
// outcomes deliver.
func (c *chaosChannel) decide(ctx context.Context, out channels.Outgoing, now time.Time) (string, error) {
	p := c.p
	if now.Before(p.downUntil) {
		return "offline (network down)", fmt.Errorf("dial tcp: %w", channels.ErrOffline)
	}
	r := p.roll(out.ClientID, p.attempts[out.ClientID], 1)
	switch n := r.IntN(100); {
	case n < 45:
		return "ok", nil
	case n < 53:
		return "offline", fmt.Errorf("dial tcp 10.0.0.1:443: %w", channels.ErrOffline)
	case n < 63:
		d := time.Duration(1+r.IntN(90)) * time.Second
		p.notBefore[out.ClientID] = now.Add(d)
		return "429", &channels.RateLimited{RetryAfter: d}
	case n < 71:
		return "503", errUnknown
	case n < 77:
		return "connection reset", errUnknown
	case n < 87:
		if _, err := c.deliver(ctx, out); err != nil {
			return "refused", err
		}
		return "connection dropped after", errUnknown
	case n < 94:
		if _, err := c.deliver(ctx, out); err != nil {
			return "refused", err
		}
		return "502 after", errUnknown
	default:
		if _, err := c.deliver(ctx, out); err != nil {
			return "refused", err
		}
		return "timeout after", errUnknown
	}
}

func (c *chaosChannel) deliver(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	s, err := c.p.inner[c.acct].Send(ctx, out)
	if err != nil {
		c.p.problem("the simulator refused %s: %v", out.ClientID, err)
		return s, err
	}
	c.p.delivered = append(c.p.delivered, delivery{acct: c.acct, thread: out.ThreadID, client: out.ClientID, text: out.Text, pid: s.PlatformID})
	return s, nil
}

func (c *chaosChannel) Find(ctx context.Context, thread, client, text string, since time.Time) (string, bool, error) {
	p := c.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finds[client]++
	if p.now().Before(p.downUntil) {
		p.calls[client] = append(p.calls[client], "find:offline")
		return "", false, fmt.Errorf("dial tcp: %w", channels.ErrOffline)
	}
	if p.roll(client, p.finds[client], 2).IntN(100) < 15 {
		p.calls[client] = append(p.calls[client], "find:503")
		return "", false, errors.New("503 reading the thread")
	}
	pid, found, err := p.inner[c.acct].(channels.Reconciler).Find(ctx, thread, client, text, since)
	if err == nil {
		delete(p.unknown, client) // the outbox now knows
		p.calls[client] = append(p.calls[client], fmt.Sprintf("find:%v", found))
	}
	return pid, found, err
}

// chaosDesk is a store with conversations on several platforms, and an
// outbox sending through the chaos edge.
type chaosDesk struct {
	clk   *testclock.Clock
	st    *store.Store
	sim   *demo.Sim
	p     *chaos
	ob    *Outbox
	convs []convo.Conversation
	custs map[string]convo.Identity

	mu     sync.Mutex
	states map[string]Item // the last change heard of each item
}

// pending counts the items not sent yet, from the changes the outbox
// announced (reading the store each pass would cost more than the pass).
func (d *chaosDesk) pending(t *testing.T) int {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, it := range d.states {
		if it.State == Failed || it.State == NeedsCheck {
			t.Fatalf("%s ended %s (%s): every failure here is one retrying can fix", it.ID, it.State, it.Err)
		}
		if it.State != Sent {
			n++
		}
	}
	return n
}

func newChaosDesk(t *testing.T, seed uint64) *chaosDesk {
	t.Helper()
	clk := testclock.New(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
	st, err := store.Open("", store.Options{Now: clk.Now, InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sim := demo.New(demo.Options{Seed: 7, Anchor: clk.Now(), Now: clk.Now, HistoryConversations: 80})
	d := &chaosDesk{clk: clk, st: st, sim: sim, p: newChaos(sim, clk.Now, seed), custs: map[string]convo.Identity{}, states: map[string]Item{}}
	want := map[string]int{"demo-telegram": 2, "demo-whatsapp": 2, "demo-messenger": 1, "demo-x": 1, "demo-instagram": 1, "demo-email": 1}
	for acct, n := range want {
		ch, _ := d.p.channel(acct)
		var items []convo.Inbound
		for cur, more := "", true; more; {
			b, err := ch.Pull(context.Background(), cur)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Ingest(acct, b.Items, b.Cursor); err != nil {
				t.Fatal(err)
			}
			items, cur, more = append(items, b.Items...), b.Cursor, b.More
		}
		seen := map[string]bool{}
		for _, in := range items {
			// Messenger and Instagram refuse a reply a day after the customer's
			// last message: those conversations were written to recently.
			recent := in.Message.Direction == convo.DirIn && clk.Now().Sub(in.Message.At) < 12*time.Hour
			if len(seen) == n || seen[in.ThreadID] || (in.Kind == convo.KindDM && (acct == "demo-messenger" || acct == "demo-instagram") && !recent) {
				continue
			}
			seen[in.ThreadID] = true
			c, err := st.Conversation(store.ConvID(acct, in.ThreadID))
			if err != nil {
				t.Fatal(err)
			}
			d.convs = append(d.convs, c)
			d.custs[c.ID] = in.Customer
		}
		if len(seen) < n {
			t.Fatalf("the simulator has %d conversations on %s, want %d", len(seen), acct, n)
		}
	}
	slices.SortFunc(d.convs, func(a, b convo.Conversation) int { return strings.Compare(a.ID, b.ID) })
	d.ob = New(st, clk.Now, nil, d.p.channel, func(it Item) {
		d.mu.Lock()
		d.states[it.ID] = it
		d.mu.Unlock()
	})
	return d
}

var chaosPhrases = []string{
	"Ciao, ho controllato: il pacco è in consegna oggi 🚚",
	"Perché non ci mandi una foto? Così verifichiamo subito.",
	"Il rimborso è già partito, lo vedrai entro 5 giorni lavorativi.",
	"Thanks for waiting! Your order ships tomorrow 👍",
	"Ecco il link per il reso: https://auroracasa.example/resi?ordine=18422",
	"Grazie a te, buona giornata! 🌞",
}

// TestOutboxAgainstAnUnreliablePlatform sends many replies to several
// conversations while the platform fails before and after delivering, and
// the network goes down now and then; Pass runs on a fake clock. Every
// reply must reach the platform once, in order per conversation, and end sent.
func TestOutboxAgainstAnUnreliablePlatform(t *testing.T) {
	const seed = 20261123
	d := newChaosDesk(t, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	ctx := context.Background()
	const total = 150
	var sent []Item
	order := map[string][]string{} // conversation → client IDs in the order the agent sent them

	steps := 0
	for {
		steps++
		if steps > 20000 {
			t.Fatalf("still %d replies pending after %d passes", d.pending(t), steps)
		}
		// The agents keep writing while the outbox struggles.
		if len(sent) < total && rng.IntN(3) == 0 {
			for range 1 + rng.IntN(4) {
				if len(sent) == total {
					break
				}
				c := d.convs[rng.IntN(len(d.convs))]
				text := fmt.Sprintf("[%d] %s", len(sent), chaosPhrases[rng.IntN(len(chaosPhrases))])
				it, err := d.ob.Send(c, d.custs[c.ID], text, "", "", "giulia")
				if err != nil {
					t.Fatalf("Send(%q) = %v", text, err)
				}
				sent = append(sent, it)
				order[c.ID] = append(order[c.ID], it.ID)
			}
		}
		if rng.IntN(60) == 0 {
			d.p.mu.Lock()
			d.p.downUntil = d.clk.Now().Add(time.Duration(1+rng.IntN(15)) * time.Minute)
			d.p.mu.Unlock()
		}
		wait := d.ob.Pass(ctx)
		if wait < 0 {
			t.Fatalf("Pass returned %s", wait)
		}
		if n := d.pending(t); len(sent) == total && n == 0 {
			break
		}
		// Time moves on: to the next due reply, or less when more replies come.
		step := time.Duration(rng.Int64N(int64(5 * time.Second)))
		if len(sent) == total || wait < step {
			step = wait
		}
		d.clk.Add(max(step, time.Millisecond))
	}

	p := d.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		t.Error(pr)
	}
	copies := map[string]int{}
	byThread := map[string][]string{}
	for _, dl := range p.delivered {
		copies[dl.client]++
		id := store.ConvID(dl.acct, dl.thread)
		byThread[id] = append(byThread[id], dl.client)
	}
	for _, it := range sent {
		if copies[it.ID] != 1 {
			t.Errorf("%s (%q) reached the platform %d times, want once; calls: %v", it.ID, it.Text, copies[it.ID], p.calls[it.ID])
		}
	}
	if len(p.delivered) != total {
		t.Errorf("the platform received %d replies, want %d", len(p.delivered), total)
	}
	for conv, want := range order {
		if got := byThread[conv]; !slices.Equal(got, want) {
			t.Errorf("conversation %s: the platform got %v, want the order they were sent in %v", conv, got, want)
		}
	}
	items, err := d.ob.Items("")
	if err != nil {
		t.Fatal(err)
	}
	pids := map[string]string{}
	for _, dl := range p.delivered {
		pids[dl.client] = dl.pid
	}
	for _, it := range items {
		if it.State != Sent || it.Err != "" || it.PlatformID != pids[it.ID] || it.SentAt.IsZero() {
			t.Errorf("item %+v: want sent, no error, the platform's ID %s", it, pids[it.ID])
		}
	}
	// Each reply is in its conversation once, and the platform's echo adds nothing.
	for _, c := range d.convs {
		msgs, err := d.st.Messages(c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if m.Direction == convo.DirOut && strings.HasPrefix(m.Text, "[") {
				n++
			}
		}
		if n != len(order[c.ID]) {
			t.Errorf("conversation %s holds %d of our replies, want %d", c.ID, n, len(order[c.ID]))
		}
	}
	for acct := range p.inner {
		// From where the desk was read: what came since, our replies among it.
		cur, err := d.st.Cursor(acct)
		if err != nil {
			t.Fatal(err)
		}
		b, err := p.inner[acct].Pull(ctx, cur)
		for err == nil {
			var ours []convo.Inbound
			for _, in := range b.Items {
				if in.Message.Direction == convo.DirOut && strings.HasPrefix(in.Message.Text, "[") {
					ours = append(ours, in)
				}
			}
			res, ierr := d.st.Ingest(acct, ours, "")
			if ierr != nil || res.Stored != 0 {
				t.Errorf("%s: the platform's echo stored %d of our replies again (%v), want 0", acct, res.Stored, ierr)
			}
			if !b.More {
				break
			}
			b, err = p.inner[acct].Pull(ctx, b.Cursor)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// The run exercised every failure, or it proves less than it claims.
	for _, o := range []string{"ok", "offline", "offline (network down)", "429", "503", "connection reset", "connection dropped after", "502 after", "timeout after"} {
		if p.outcomes[o] == 0 {
			t.Errorf("no send ended %q: the run does not exercise it", o)
		}
	}
	t.Logf("%d replies to %d conversations in %d passes over %s of fake time; sends: %v", total, len(d.convs), steps, d.clk.Now().Sub(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)).Round(time.Second), p.outcomes)
}
