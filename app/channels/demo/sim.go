// Package demo is the simulator behind the demo workspace: a deterministic
// desk of Italian and English customers writing to a home-goods brand on every
// platform, with new messages arriving every few seconds. Its accounts are
// channels.Channel implementations, so the demo enters Sportello through the
// same contract and sync engine as a real platform.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
)

// Options configure a simulator.
type Options struct {
	Seed   uint64
	Anchor time.Time        // the instant the demo started; history lies before it
	Now    func() time.Time // the clock
	// Period is the mean gap between live messages (default 6 s).
	Period time.Duration
	// CatchUp is how far back live messages are delivered after the app was
	// closed (default 10 min; negative = everything).
	CatchUp time.Duration
	// HistoryConversations is the size of the desk before Anchor (default 220).
	HistoryConversations int
}

type account struct {
	convo.Account
	kinds []convo.Kind
	caps  channels.Capabilities
}

type customer struct {
	first, full, lang string
	handles           map[convo.Platform]string
	email             string
	linked            bool // the brand knows the e-mail behind every identity
}

type event struct {
	acct    int
	thread  string
	kind    convo.Kind
	subject string
	cust    int
	dir     convo.Direction
	text    string
	at      time.Time
	pid     string
	tag     string
	high    bool
	client  string // the client ID of a reply sent through Send
}

type threadInfo struct {
	acct    int
	cust    int
	kind    convo.Kind
	subject string
}

// Sim is one demo desk. It is safe for concurrent use.
type Sim struct {
	o         Options
	accounts  []account
	customers []customer
	history   []event

	mu       sync.Mutex
	threads  map[string]threadInfo
	sent     map[int][]event
	metaOnce sync.Once
	metaDesk *metaDesk // the Graph API of the Meta accounts, once one is asked for
}

const brand = "Aurora Casa"

// New builds the simulator; the same options always build the same desk.
func New(o Options) *Sim {
	if o.Period <= 0 {
		o.Period = 6 * time.Second
	}
	if o.CatchUp == 0 {
		o.CatchUp = 10 * time.Minute
	}
	if o.HistoryConversations == 0 {
		o.HistoryConversations = 220
	}
	s := &Sim{o: o, threads: map[string]threadInfo{}, sent: map[int][]event{}}
	s.accounts = []account{
		{convo.Account{ID: "demo-messenger", Platform: convo.PlatformMessenger, Name: brand + " · Messenger"}, []convo.Kind{convo.KindDM},
			channels.Capabilities{MaxText: 2000, ReplyWindow: 24 * time.Hour, ExtendedWindow: 7 * 24 * time.Hour}},
		{convo.Account{ID: "demo-facebook", Platform: convo.PlatformFacebook, Name: brand + " · Pagina Facebook"}, []convo.Kind{convo.KindComment},
			channels.Capabilities{MaxText: 8000, PrivateReply: true}},
		{convo.Account{ID: "demo-instagram", Platform: convo.PlatformInstagram, Name: "@auroracasa"}, []convo.Kind{convo.KindDM, convo.KindComment},
			channels.Capabilities{MaxText: 1000, ReplyWindow: 24 * time.Hour, ExtendedWindow: 7 * 24 * time.Hour, PrivateReply: true}},
		{convo.Account{ID: "demo-x", Platform: convo.PlatformX, Name: "@AuroraCasa_IT"}, []convo.Kind{convo.KindMention, convo.KindDM},
			channels.Capabilities{MaxText: 280}},
		{convo.Account{ID: "demo-whatsapp", Platform: convo.PlatformWhatsApp, Name: "WhatsApp +39 02 8890 1234"}, []convo.Kind{convo.KindDM},
			channels.Capabilities{MaxText: 4096, ReplyWindow: 24 * time.Hour}},
		{convo.Account{ID: "demo-telegram", Platform: convo.PlatformTelegram, Name: "@AuroraCasaBot"}, []convo.Kind{convo.KindDM},
			channels.Capabilities{MaxText: 4096}},
		{convo.Account{ID: "demo-email", Platform: convo.PlatformEmail, Name: "assistenza@auroracasa.example"}, []convo.Kind{convo.KindEmail},
			channels.Capabilities{}},
	}
	for i := range s.accounts {
		a := &s.accounts[i]
		a.Demo = true
		a.Created = o.Anchor
		a.caps.Platform = a.Platform
		a.caps.PollInterval = 2 * time.Second
	}
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	for i := range 140 {
		s.customers = append(s.customers, newCustomer(rng, i))
	}
	s.buildHistory(rng)
	return s
}

func newCustomer(rng *rand.Rand, i int) customer {
	lang := "it"
	if rng.IntN(10) < 3 {
		lang = "en"
	}
	first := pick(rng, firstNames[lang])
	last := pick(rng, lastNames[lang])
	c := customer{first: first, full: first + " " + last, lang: lang, handles: map[convo.Platform]string{}, linked: rng.IntN(3) > 0}
	slug := strings.ToLower(strings.NewReplacer(" ", "", "'", "").Replace(first + "." + last))
	c.email = fmt.Sprintf("%s%d@mail.example", slug, i)
	all := []convo.Platform{convo.PlatformMessenger, convo.PlatformFacebook, convo.PlatformInstagram, convo.PlatformX, convo.PlatformWhatsApp, convo.PlatformTelegram, convo.PlatformEmail}
	n := 1 + rng.IntN(3)
	for _, j := range rng.Perm(len(all))[:n] {
		p := all[j]
		switch p {
		case convo.PlatformWhatsApp:
			c.handles[p] = fmt.Sprintf("+39 3%02d %03d %04d", 20+i%70, 100+i*7%900, 1000+i*37%9000)
		case convo.PlatformEmail:
			c.handles[p] = c.email
		case convo.PlatformInstagram, convo.PlatformX:
			c.handles[p] = fmt.Sprintf("%s_%d", p, 9100000+i)
		default:
			c.handles[p] = fmt.Sprintf("%s_%d", p, 2400000+i)
		}
	}
	return c
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func (s *Sim) accountOf(p convo.Platform) int {
	for i, a := range s.accounts {
		if a.Platform == p {
			return i
		}
	}
	return 0
}

// buildHistory lays out the conversations of the day and a half before Anchor.
func (s *Sim) buildHistory(rng *rand.Rand) {
	for c := range s.o.HistoryConversations {
		ci := rng.IntN(len(s.customers))
		cust := s.customers[ci]
		plats := make([]convo.Platform, 0, len(cust.handles))
		for _, p := range convo.Platforms {
			if _, ok := cust.handles[p]; ok {
				plats = append(plats, p)
			}
		}
		ai := s.accountOf(pick(rng, plats))
		a := s.accounts[ai]
		kind := pick(rng, a.kinds)
		tp := pick(rng, topics[cust.lang])
		// Recent conversations are more likely to still wait for an answer.
		age := time.Duration(rng.Int64N(int64(36 * time.Hour)))
		if rng.IntN(3) == 0 {
			age = time.Duration(rng.Int64N(int64(90 * time.Minute)))
		}
		at := s.o.Anchor.Add(-age)
		thread := s.threadID(ai, ci, kind, fmt.Sprintf("h%d", c))
		s.threads[thread] = threadInfo{acct: ai, cust: ci, kind: kind, subject: tp.subject}
		n := 1 + rng.IntN(6)
		var evs []event
		for m := range n {
			dir := convo.DirIn
			if m%2 == 1 {
				dir = convo.DirOut
			}
			evs = append(evs, s.message(rng, ai, ci, thread, kind, tp, dir, m == 0, at, fmt.Sprintf("h%d.%d", c, m)))
			gap := time.Duration(2+rng.IntN(90)) * time.Minute
			if kind == convo.KindEmail {
				gap *= 4
			}
			at = at.Add(gap)
			if !at.Before(s.o.Anchor) {
				break
			}
		}
		last := evs[len(evs)-1]
		if last.dir == convo.DirIn && age > 2*time.Hour && rng.IntN(100) < 96 {
			gap := min(time.Duration(5+rng.IntN(60))*time.Minute, s.o.Anchor.Sub(last.at)/2)
			evs = append(evs, s.message(rng, ai, ci, thread, kind, tp, convo.DirOut, false, last.at.Add(gap), fmt.Sprintf("h%d.r", c)))
		}
		s.history = append(s.history, evs...)
	}
	sortEvents(s.history)
}

func sortEvents(evs []event) {
	// Insertion into time order; stable for equal times so the desk is deterministic.
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].at.Before(evs[j-1].at); j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

func (s *Sim) threadID(ai, ci int, kind convo.Kind, uniq string) string {
	a := s.accounts[ai]
	switch kind {
	case convo.KindDM:
		return fmt.Sprintf("%s-dm-%s", a.Platform, s.customers[ci].handles[a.Platform])
	case convo.KindComment:
		return fmt.Sprintf("%s-comment-%s", a.Platform, uniq)
	case convo.KindMention:
		return fmt.Sprintf("x-mention-%s", uniq)
	default:
		return fmt.Sprintf("mail-%s@auroracasa.example", uniq)
	}
}

func (s *Sim) message(rng *rand.Rand, ai, ci int, thread string, kind convo.Kind, tp topic, dir convo.Direction, first bool, at time.Time, uniq string) event {
	cust := s.customers[ci]
	var text string
	switch {
	case dir == convo.DirOut:
		text = pick(rng, tp.reply)
	case first:
		text = pick(rng, tp.open)
	default:
		text = pick(rng, tp.follow)
	}
	text = strings.NewReplacer("{n}", strconv.Itoa(10000+rng.IntN(90000)), "{name}", cust.first).Replace(text)
	if kind == convo.KindEmail && dir == convo.DirIn {
		text += strings.ReplaceAll(fmt.Sprintf(emailBody[cust.lang], at.Add(-48*time.Hour).Format("02/01/2006 15:04")), "{full}", cust.full)
	}
	return event{acct: ai, thread: thread, kind: kind, subject: tp.subject, cust: ci, dir: dir, text: text, at: at,
		pid: fmt.Sprintf("%s-%s", s.accounts[ai].Platform, uniq), tag: tp.tag, high: tp.priority > 0}
}

// live is the k-th message after Anchor; it depends only on the seed and k.
func (s *Sim) live(k int) event {
	rng := rand.New(rand.NewPCG(s.o.Seed, uint64(k)+2))
	ci := rng.IntN(len(s.customers))
	cust := s.customers[ci]
	plats := make([]convo.Platform, 0, len(cust.handles))
	for _, p := range convo.Platforms {
		if _, ok := cust.handles[p]; ok {
			plats = append(plats, p)
		}
	}
	ai := s.accountOf(pick(rng, plats))
	kind := pick(rng, s.accounts[ai].kinds)
	tp := pick(rng, topics[cust.lang])
	thread := s.threadID(ai, ci, kind, fmt.Sprintf("l%d", k))
	if kind == convo.KindEmail && rng.IntN(2) == 0 {
		thread = s.threadID(ai, ci, kind, fmt.Sprintf("c%d", ci)) // a follow-up in the customer's thread
	}
	dir := convo.DirIn
	if rng.IntN(10) == 0 {
		dir = convo.DirOut // a reply written from the platform's own app
	}
	at := s.o.Anchor.Add(time.Duration(k)*s.o.Period + time.Duration(rng.Int64N(int64(s.o.Period/2))))
	e := s.message(rng, ai, ci, thread, kind, tp, dir, rng.IntN(3) == 0, at, fmt.Sprintf("l%d", k))
	s.mu.Lock()
	if _, ok := s.threads[thread]; !ok {
		s.threads[thread] = threadInfo{acct: ai, cust: ci, kind: kind, subject: tp.subject}
	}
	s.mu.Unlock()
	return e
}

// Accounts are the demo's accounts, one per platform.
func (s *Sim) Accounts() []convo.Account {
	out := make([]convo.Account, len(s.accounts))
	for i, a := range s.accounts {
		out[i] = a.Account
		out[i].Settings = map[string]string{"anchor": s.o.Anchor.UTC().Format(time.RFC3339Nano)}
	}
	return out
}

// Channel returns the channel of one demo account, or nil. The Meta
// accounts' are the real channels on the demo's Graph API (meta.go).
func (s *Sim) Channel(accountID string) channels.Channel {
	for i, a := range s.accounts {
		switch {
		case a.ID != accountID:
		case isMeta(a.Platform):
			return s.metaChannel(i)
		default:
			return &channel{s: s, acct: i}
		}
	}
	return nil
}

type channel struct {
	s    *Sim
	acct int
}

func (c *channel) Capabilities() channels.Capabilities { return c.s.accounts[c.acct].caps }

const pageSize = 200

// Pull walks the timeline from the cursor "<event index>.<sent index>".
func (c *channel) Pull(ctx context.Context, cursor string) (channels.Batch, error) {
	if err := ctx.Err(); err != nil {
		return channels.Batch{}, err
	}
	k, j, err := parseCursor(cursor)
	if err != nil {
		return channels.Batch{}, err
	}
	s := c.s
	now := s.o.Now()
	var b channels.Batch
	k = s.caughtUp(k, now)
	for len(b.Items) < pageSize {
		e := s.event(k)
		if e.at.After(now) {
			break
		}
		k++
		if e.acct == c.acct {
			b.Items = append(b.Items, c.inbound(e))
		}
	}
	s.mu.Lock()
	sent := s.sent[c.acct]
	for ; j < len(sent) && len(b.Items) < pageSize; j++ {
		b.Items = append(b.Items, c.inbound(sent[j]))
	}
	s.mu.Unlock()
	b.More = len(b.Items) >= pageSize
	b.Cursor = fmt.Sprintf("%d.%d", k, j)
	return b, nil
}

// caughtUp is where to read on from event k (history first, then live):
// live messages older than the catch-up window were "read elsewhere".
func (s *Sim) caughtUp(k int, now time.Time) int {
	h := len(s.history)
	if k >= h && s.o.CatchUp > 0 {
		if skip := h + int(now.Add(-s.o.CatchUp).Sub(s.o.Anchor)/s.o.Period); skip > k {
			return skip
		}
	}
	return k
}

// event is the k-th event of the timeline: history, then live.
func (s *Sim) event(k int) event {
	if k < len(s.history) {
		return s.history[k]
	}
	return s.live(k - len(s.history))
}

func parseCursor(cur string) (k, j int, err error) {
	if cur == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(cur, ".")
	k, err1 := strconv.Atoi(a)
	j, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || k < 0 || j < 0 {
		return 0, 0, fmt.Errorf("demo: bad cursor %q", cur)
	}
	return k, j, nil
}

func (c *channel) inbound(e event) convo.Inbound {
	a := c.s.accounts[e.acct]
	cust := c.s.customers[e.cust]
	id := convo.Identity{Platform: a.Platform, Handle: cust.handles[a.Platform], DisplayName: cust.full}
	if a.Platform == convo.PlatformInstagram || a.Platform == convo.PlatformX {
		id.DisplayName = "@" + strings.ToLower(strings.ReplaceAll(cust.full, " ", "."))
	}
	in := convo.Inbound{ThreadID: e.thread, Kind: e.kind, Public: e.kind.Public(), Customer: id, Language: cust.lang,
		Message: convo.Message{PlatformID: e.pid, Direction: e.dir, Text: e.text, At: e.at, Author: cust.full}}
	if e.dir == convo.DirOut {
		in.Message.Author = a.Name
	}
	if e.kind == convo.KindEmail {
		in.Subject = e.subject
	}
	if cust.linked && a.Platform != convo.PlatformEmail {
		in.AKA = []convo.Identity{{Platform: convo.PlatformEmail, Handle: cust.email, DisplayName: cust.full}}
	}
	if e.dir == convo.DirIn {
		in.Tags = []string{e.tag}
		if e.high {
			p := convo.PriorityHigh
			in.Priority = &p
		}
	}
	if hasPhoto(e.text) {
		in.Message.Attachments = []convo.Attachment{{Type: "image", Name: photoName, Size: photoSize}}
	}
	return in
}

// Send records a reply, which comes back once on the next Pull as the
// platform's echo.
func (c *channel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	if err := ctx.Err(); err != nil {
		return channels.Sent{}, err
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	th, ok := s.threads[out.ThreadID]
	if !ok || th.acct != c.acct {
		return channels.Sent{}, fmt.Errorf("demo: unknown thread %q", out.ThreadID)
	}
	if max := s.accounts[c.acct].caps.MaxText; max > 0 && len([]rune(out.Text)) > max {
		return channels.Sent{}, fmt.Errorf("demo: text longer than %d characters", max)
	}
	n := len(s.sent[c.acct])
	e := event{acct: c.acct, thread: out.ThreadID, kind: th.kind, subject: th.subject, cust: th.cust, dir: convo.DirOut,
		text: out.Text, at: s.o.Now(), pid: fmt.Sprintf("%s-s%d", s.accounts[c.acct].Platform, n), client: out.ClientID}
	s.sent[c.acct] = append(s.sent[c.acct], e)
	return channels.Sent{PlatformID: e.pid, At: e.at}, nil
}

// Find reads the sent replies back, as a platform's thread would show them.
func (c *channel) Find(ctx context.Context, threadID, clientID, text string, since time.Time) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, e := range c.s.sent[c.acct] {
		// A reply carrying a client ID is matched by it alone; text and time
		// only identify replies sent without one.
		if e.thread == threadID && ((clientID != "" && e.client == clientID) || (e.client == "" && e.text == text && !e.at.Before(since))) {
			return e.pid, true, nil
		}
	}
	return "", false, nil
}
