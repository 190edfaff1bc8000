package queue_test

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/queue"
	"sportello/app/store"
)

// t0 is "now" at the start of every test.
var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func newClock() *testclock.Clock { return testclock.New(t0) }

// changes records what the queue reports through onChange.
type changes struct {
	mu  sync.Mutex
	ids []string
}

func (c *changes) add(ids []string) {
	c.mu.Lock()
	c.ids = append(c.ids, ids...)
	c.mu.Unlock()
}

func (c *changes) reset() {
	c.mu.Lock()
	c.ids = nil
	c.mu.Unlock()
}

func (c *changes) has(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.ids, id)
}

type env struct {
	t   *testing.T
	clk *testclock.Clock
	st  *store.Store
	q   *queue.Queue
	chg *changes
	// names maps conversation IDs to the customer names used to build them.
	names map[string]string
}

// newEnv opens an in-memory store with a queue over it; the queue is not
// loaded. before (optional) runs on the store before the queue subscribes.
func newEnv(t *testing.T, before ...func(*store.Store)) *env {
	t.Helper()
	clk := newClock()
	st, err := store.Open("", store.Options{Now: clk.Now, InMemory: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	for _, fn := range before {
		fn(st)
	}
	e := &env{t: t, clk: clk, st: st, chg: &changes{}, names: map[string]string{}}
	e.q = queue.New(st, clk.Now, e.chg.add)
	return e
}

func (e *env) load() {
	e.t.Helper()
	if err := e.q.Load(); err != nil {
		e.t.Fatalf("Load() = %v", err)
	}
}

// msg describes one message of a test conversation.
type msg struct {
	dir  convo.Direction
	at   time.Time
	text string
}

// conv describes a test conversation.
type conv struct {
	account  string
	platform convo.Platform
	kind     convo.Kind
	name     string // customer name, unique per test; also the thread
	tags     []string
	priority *convo.Priority
	msgs     []msg
}

func inbound(c conv, i int) convo.Inbound {
	m := c.msgs[i]
	text := m.text
	if text == "" {
		text = "messaggio"
	}
	in := convo.Inbound{
		ThreadID: "thread-" + c.name,
		Kind:     c.kind,
		Public:   c.kind.Public(),
		Customer: convo.Identity{Platform: c.platform, Handle: "h-" + c.name, DisplayName: c.name},
		Message: convo.Message{
			PlatformID: fmt.Sprintf("%s-%d-%d", c.name, i, m.at.UnixNano()),
			Direction:  m.dir,
			Author:     c.name,
			Text:       text,
			At:         m.at,
		},
	}
	if m.dir == convo.DirIn {
		in.Tags = c.tags
		in.Priority = c.priority
	}
	return in
}

// add ingests every message of c and returns the conversation ID.
func (e *env) add(c conv) string {
	e.t.Helper()
	if c.account == "" {
		c.account = string(c.platform)
	}
	items := make([]convo.Inbound, len(c.msgs))
	for i := range c.msgs {
		items[i] = inbound(c, i)
	}
	res, err := e.st.Ingest(c.account, items, "")
	if err != nil || len(res.Rejected) > 0 {
		e.t.Fatalf("Ingest(%s) = %v, rejected %v", c.name, err, res.Rejected)
	}
	id := store.ConvID(c.account, "thread-"+c.name)
	e.names[id] = c.name
	return id
}

// say ingests one more message into conversation c.
func (e *env) say(c conv, dir convo.Direction, at time.Time, text string) {
	e.t.Helper()
	if err := e.ingest(c, dir, at, text); err != nil {
		e.t.Fatal(err)
	}
}

// ingest is say for other goroutines: it reports instead of failing the test.
func (e *env) ingest(c conv, dir convo.Direction, at time.Time, text string) error {
	if c.account == "" {
		c.account = string(c.platform)
	}
	c.msgs = []msg{{dir: dir, at: at, text: text}}
	res, err := e.st.Ingest(c.account, []convo.Inbound{inbound(c, 0)}, "")
	if err != nil || res.Stored != 1 {
		return fmt.Errorf("Ingest(%s, %s at %s) = %+v, %v; want 1 stored", c.name, dir, at, res, err)
	}
	return nil
}

func (e *env) list(f queue.Filter) queue.Page {
	e.t.Helper()
	p, err := e.q.List(f, 0, 1000)
	if err != nil {
		e.t.Fatalf("List(%+v) = %v", f, err)
	}
	return p
}

// rowNames are the customer names of the rows, in queue order.
func (e *env) rowNames(rows []convo.Conversation) []string {
	out := []string{}
	for _, r := range rows {
		n, ok := e.names[r.ID]
		if !ok {
			n = "?" + r.ID
		}
		out = append(out, n)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func ago(d time.Duration) time.Time { return t0.Add(-d) }

func in(at time.Time) msg  { return msg{dir: convo.DirIn, at: at} }
func out(at time.Time) msg { return msg{dir: convo.DirOut, at: at} }

func prio(p convo.Priority) *convo.Priority { return &p }

func TestDefaultDue(t *testing.T) {
	tests := []struct {
		name string
		c    conv
		want time.Time // zero: nothing due
	}{
		{"dm first response 15 min", conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, msgs: []msg{in(ago(time.Hour))}}, ago(45 * time.Minute)},
		{"comment first response 10 min", conv{platform: convo.PlatformFacebook, kind: convo.KindComment, msgs: []msg{in(ago(time.Hour))}}, ago(50 * time.Minute)},
		{"email first response 4 h", conv{platform: convo.PlatformEmail, kind: convo.KindEmail, msgs: []msg{in(ago(time.Hour))}}, t0.Add(3 * time.Hour)},
		{"dm two unanswered counts from the first", conv{platform: convo.PlatformTelegram, kind: convo.KindDM, msgs: []msg{in(ago(time.Hour)), in(ago(time.Minute))}}, ago(45 * time.Minute)},
		{"dm answered: nothing due", conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, msgs: []msg{in(ago(time.Hour)), out(ago(50 * time.Minute))}}, time.Time{}},
		{"dm next response 30 min", conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, msgs: []msg{in(ago(time.Hour)), out(ago(50 * time.Minute)), in(ago(40 * time.Minute))}}, ago(10 * time.Minute)},
		{"outbound only: nothing due", conv{platform: convo.PlatformEmail, kind: convo.KindEmail, msgs: []msg{out(ago(time.Hour))}}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			tt.c.name = "Cliente"
			id := e.add(tt.c)
			e.load()
			p := e.list(queue.Filter{Status: "all"})
			if len(p.Rows) != 1 || p.Rows[0].ID != id {
				t.Fatalf("List(all) rows = %v, want [%s]", e.rowNames(p.Rows), id)
			}
			if got := p.Rows[0].Due; !got.Equal(tt.want) {
				t.Errorf("Due = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOrder(t *testing.T) {
	e := newEnv(t)
	wa, fb, mail := convo.PlatformWhatsApp, convo.PlatformFacebook, convo.PlatformEmail
	// Due instants: A 11:15, G/B/F 11:20 (urgent, high, normal), C 12:00; D and E answered.
	e.add(conv{platform: wa, kind: convo.KindDM, name: "A", msgs: []msg{in(ago(time.Hour))}})
	e.add(conv{platform: fb, kind: convo.KindComment, name: "B", msgs: []msg{in(ago(50 * time.Minute))}}) // public: high
	e.add(conv{platform: mail, kind: convo.KindEmail, name: "C", msgs: []msg{in(ago(4 * time.Hour))}})
	e.add(conv{platform: wa, kind: convo.KindDM, name: "D", msgs: []msg{in(ago(2 * time.Hour)), out(ago(115 * time.Minute))}})
	e.add(conv{platform: wa, kind: convo.KindDM, name: "E", msgs: []msg{in(ago(3 * time.Hour)), out(ago(30 * time.Minute))}})
	e.add(conv{platform: wa, kind: convo.KindDM, name: "F", msgs: []msg{in(ago(55 * time.Minute))}})
	e.add(conv{account: "wa-2", platform: wa, kind: convo.KindDM, name: "G", priority: prio(convo.PriorityUrgent), msgs: []msg{in(ago(55 * time.Minute))}})
	e.load()

	want := []string{"A", "G", "B", "F", "C", "E", "D"}
	if got := e.rowNames(e.list(queue.Filter{}).Rows); !slices.Equal(got, want) {
		t.Errorf("List({}) order = %v, want %v", got, want)
	}
	if got, want := e.q.Len(), 7; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
}

func TestResolvedOnlyOnRequest(t *testing.T) {
	e := newEnv(t)
	e.add(conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "Aperta", msgs: []msg{in(ago(time.Hour))}})
	r := e.add(conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: "Risolta", msgs: []msg{in(ago(2 * time.Hour))}})
	e.load()
	if _, err := e.q.Resolve(r, "me"); err != nil {
		t.Fatalf("Resolve(%s) = %v", r, err)
	}
	tests := []struct {
		status string
		want   []string
	}{
		{"", []string{"Aperta"}},
		{"open", []string{"Aperta"}},
		{"resolved", []string{"Risolta"}},
		{"all", []string{"Aperta", "Risolta"}}, // resolved sort last
	}
	for _, tt := range tests {
		t.Run("status="+tt.status, func(t *testing.T) {
			p := e.list(queue.Filter{Status: tt.status})
			if got := e.rowNames(p.Rows); !slices.Equal(got, tt.want) {
				t.Errorf("List(Status %q) = %v, want %v", tt.status, got, tt.want)
			}
			if p.Total != len(tt.want) {
				t.Errorf("List(Status %q).Total = %d, want %d", tt.status, p.Total, len(tt.want))
			}
		})
	}
}

// desk builds the six conversations the filter and count tests share:
//
//	name    account platform  kind     tags              assignee  status
//	Anna    wa      whatsapp  dm       order             me        open
//	Bruno   wa2     whatsapp  dm       refund            -         open
//	Carla   fb      facebook  comment  order, complaint  other     open
//	Dario   mail    email     email    order             -         resolved
//	Elena   fb      facebook  comment  complaint         -         pending
//	Franco  wa      whatsapp  dm       order             -         snoozed until t0+1h
func desk(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	wa, fb, mail := convo.PlatformWhatsApp, convo.PlatformFacebook, convo.PlatformEmail
	anna := e.add(conv{account: "wa", platform: wa, kind: convo.KindDM, name: "Anna", tags: []string{"order"}, msgs: []msg{in(ago(time.Hour))}})
	e.add(conv{account: "wa2", platform: wa, kind: convo.KindDM, name: "Bruno", tags: []string{"refund"}, msgs: []msg{in(ago(50 * time.Minute))}})
	carla := e.add(conv{account: "fb", platform: fb, kind: convo.KindComment, name: "Carla", tags: []string{"order", "complaint"}, msgs: []msg{in(ago(40 * time.Minute))}})
	dario := e.add(conv{account: "mail", platform: mail, kind: convo.KindEmail, name: "Dario", tags: []string{"order"}, msgs: []msg{in(ago(30 * time.Minute))}})
	elena := e.add(conv{account: "fb", platform: fb, kind: convo.KindComment, name: "Elena", tags: []string{"complaint"}, msgs: []msg{in(ago(20 * time.Minute))}})
	franco := e.add(conv{account: "wa", platform: wa, kind: convo.KindDM, name: "Franco", tags: []string{"order"}, msgs: []msg{in(ago(10 * time.Minute))}})
	e.load()
	for _, step := range []struct {
		what string
		do   func() (convo.Conversation, error)
	}{
		{"assign Anna", func() (convo.Conversation, error) { return e.q.Assign(anna, "me") }},
		{"assign Carla", func() (convo.Conversation, error) { return e.q.Assign(carla, "other") }},
		{"resolve Dario", func() (convo.Conversation, error) { return e.q.Resolve(dario, "me") }},
		{"pending Elena", func() (convo.Conversation, error) { return e.q.SetPending(elena, "me") }},
		{"snooze Franco", func() (convo.Conversation, error) { return e.q.Snooze(franco, "me", t0.Add(time.Hour)) }},
	} {
		if _, err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
	}
	return e
}

func TestFilters(t *testing.T) {
	e := desk(t)
	tests := []struct {
		name string
		f    queue.Filter
		want []string
	}{
		{"default", queue.Filter{}, []string{"Anna", "Bruno", "Carla", "Elena"}},
		{"platform whatsapp", queue.Filter{Platform: convo.PlatformWhatsApp}, []string{"Anna", "Bruno"}},
		{"platform email", queue.Filter{Platform: convo.PlatformEmail}, []string{}},
		{"platform email all", queue.Filter{Platform: convo.PlatformEmail, Status: "all"}, []string{"Dario"}},
		{"account wa", queue.Filter{AccountID: "wa"}, []string{"Anna"}},
		{"account wa all", queue.Filter{AccountID: "wa", Status: "all"}, []string{"Anna", "Franco"}},
		{"status open", queue.Filter{Status: "open"}, []string{"Anna", "Bruno", "Carla"}},
		{"status pending", queue.Filter{Status: "pending"}, []string{"Elena"}},
		{"status snoozed", queue.Filter{Status: "snoozed"}, []string{"Franco"}},
		{"status resolved", queue.Filter{Status: "resolved"}, []string{"Dario"}},
		{"status all", queue.Filter{Status: "all"}, []string{"Anna", "Bruno", "Carla", "Dario", "Elena", "Franco"}},
		{"public", queue.Filter{Visibility: "public"}, []string{"Carla", "Elena"}},
		{"private", queue.Filter{Visibility: "private"}, []string{"Anna", "Bruno"}},
		{"mine", queue.Filter{Assignee: "mine", Me: "me"}, []string{"Anna"}},
		{"mine as other", queue.Filter{Assignee: "mine", Me: "other"}, []string{"Carla"}},
		{"mine without me", queue.Filter{Assignee: "mine"}, []string{}},
		{"unassigned", queue.Filter{Assignee: "unassigned", Me: "me"}, []string{"Bruno", "Elena"}},
		{"tag order", queue.Filter{Tag: "order"}, []string{"Anna", "Carla"}},
		{"tag order all", queue.Filter{Tag: "order", Status: "all"}, []string{"Anna", "Carla", "Dario", "Franco"}},
		{"tag unknown", queue.Filter{Tag: "nope"}, []string{}},
		{"facebook unassigned complaint", queue.Filter{Platform: convo.PlatformFacebook, Assignee: "unassigned", Tag: "complaint"}, []string{"Elena"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.list(tt.f)
			if got := sorted(e.rowNames(p.Rows)); !slices.Equal(got, tt.want) {
				t.Errorf("List(%+v) = %v, want %v", tt.f, got, tt.want)
			}
			if p.Total != len(tt.want) {
				t.Errorf("List(%+v).Total = %d, want %d", tt.f, p.Total, len(tt.want))
			}
		})
	}
}

func TestCounts(t *testing.T) {
	e := desk(t)
	tests := []struct {
		name  string
		f     queue.Filter
		total int
		want  map[string]map[string]int
	}{
		{
			// Each facet counts what matches every other filter: the status
			// facet ignores the open view (Dario, Franco count), the tag facet
			// ignores the tag filter (Bruno, Elena count).
			name:  "tag order",
			f:     queue.Filter{Tag: "order", Me: "me"},
			total: 2, // Anna, Carla
			want: map[string]map[string]int{
				queue.FacetPlatform:   {"whatsapp": 1, "facebook": 1},
				queue.FacetAccount:    {"wa": 1, "fb": 1},
				queue.FacetStatus:     {"open": 2, "resolved": 1, "snoozed": 1},
				queue.FacetVisibility: {"private": 1, "public": 1},
				queue.FacetAssignee:   {"mine": 1}, // Carla's assignee is someone else
				queue.FacetTag:        {"order": 2, "refund": 1, "complaint": 2},
			},
		},
		{
			name:  "facebook unassigned",
			f:     queue.Filter{Platform: convo.PlatformFacebook, Assignee: "unassigned", Me: "me"},
			total: 1, // Elena
			want: map[string]map[string]int{
				queue.FacetPlatform:   {"whatsapp": 1, "facebook": 1}, // Bruno, Elena
				queue.FacetAccount:    {"fb": 1},
				queue.FacetStatus:     {"pending": 1},
				queue.FacetVisibility: {"public": 1},
				queue.FacetAssignee:   {"unassigned": 1}, // Carla is someone else's
				queue.FacetTag:        {"complaint": 1},
			},
		},
		{
			name:  "default view",
			f:     queue.Filter{Me: "me"},
			total: 4, // Anna, Bruno, Carla, Elena
			want: map[string]map[string]int{
				queue.FacetPlatform:   {"whatsapp": 2, "facebook": 2},
				queue.FacetAccount:    {"wa": 1, "wa2": 1, "fb": 2},
				queue.FacetStatus:     {"open": 3, "pending": 1, "resolved": 1, "snoozed": 1},
				queue.FacetVisibility: {"private": 2, "public": 2},
				queue.FacetAssignee:   {"mine": 1, "unassigned": 2},
				queue.FacetTag:        {"order": 2, "refund": 1, "complaint": 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.list(tt.f)
			if p.Total != tt.total {
				t.Errorf("List(%+v).Total = %d, want %d", tt.f, p.Total, tt.total)
			}
			if diff := cmp.Diff(tt.want, p.Counts); diff != "" {
				t.Errorf("List(%+v).Counts mismatch (-want +got):\n%s", tt.f, diff)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t)
	var all []string
	for i := range 25 {
		name := fmt.Sprintf("C%02d", i)
		// C00 is the oldest, so the most overdue and first.
		e.add(conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: name, msgs: []msg{in(ago(time.Duration(100-i) * time.Minute))}})
		all = append(all, name)
	}
	e.load()
	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 10, all[:10]},
		{10, 10, all[10:20]},
		{20, 10, all[20:]},
		{24, 1, all[24:]},
		{25, 10, []string{}},
		{100, 5, []string{}},
		{0, 1000, all},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d+%d", tt.offset, tt.limit), func(t *testing.T) {
			p, err := e.q.List(queue.Filter{}, tt.offset, tt.limit)
			if err != nil {
				t.Fatalf("List({}, %d, %d) = %v", tt.offset, tt.limit, err)
			}
			if got := e.rowNames(p.Rows); !slices.Equal(got, tt.want) {
				t.Errorf("List({}, %d, %d) = %v, want %v", tt.offset, tt.limit, got, tt.want)
			}
			if p.Total != 25 {
				t.Errorf("List({}, %d, %d).Total = %d, want 25", tt.offset, tt.limit, p.Total)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	e := newEnv(t)
	e.add(conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: "X", msgs: []msg{in(ago(time.Minute))}})
	e.load()
	tests := []struct {
		name          string
		f             queue.Filter
		offset, limit int
	}{
		{"unknown platform", queue.Filter{Platform: "myspace"}, 0, 10},
		{"unknown status", queue.Filter{Status: "closed"}, 0, 10},
		{"status case", queue.Filter{Status: "Open"}, 0, 10},
		{"zero limit", queue.Filter{}, 0, 0},
		{"negative limit", queue.Filter{}, 0, -1},
		{"huge limit", queue.Filter{}, 0, 1001},
		{"negative offset", queue.Filter{}, -1, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.q.List(tt.f, tt.offset, tt.limit)
			if !errors.Is(err, queue.ErrInvalid) {
				t.Errorf("List(%+v, %d, %d) = %v, want ErrInvalid", tt.f, tt.offset, tt.limit, err)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	wa, fb, mail := convo.PlatformWhatsApp, convo.PlatformFacebook, convo.PlatformEmail
	e.add(conv{platform: wa, kind: convo.KindDM, name: "Niccolò Bérard", msgs: []msg{{dir: convo.DirIn, at: ago(time.Hour), text: "Buongiorno, vorrei sapere perché l'ordine è in ritardo"}}})
	e.add(conv{platform: fb, kind: convo.KindComment, name: "Giulia Rossi", msgs: []msg{{dir: convo.DirIn, at: ago(50 * time.Minute), text: "Ordine arrivato rotto, che delusione!"}}})
	e.add(conv{platform: mail, kind: convo.KindEmail, name: "Luca Neri", msgs: []msg{
		{dir: convo.DirIn, at: ago(3 * time.Hour), text: "Fattura per la consegna"},
		{dir: convo.DirOut, at: ago(2 * time.Hour), text: "Gentile Luca, ecco la fattura."},
	}})
	e.load()
	tests := []struct {
		name string
		f    queue.Filter
		want []string
	}{
		{"name without accent", queue.Filter{Search: "niccolo"}, []string{"Niccolò Bérard"}},
		{"name with accent", queue.Filter{Search: "Bérard"}, []string{"Niccolò Bérard"}},
		{"name prefix", queue.Filter{Search: "giu"}, []string{"Giulia Rossi"}},
		{"text with accent", queue.Filter{Search: "perché"}, []string{"Niccolò Bérard"}},
		{"text without accent upper case", queue.Filter{Search: "PERCHE"}, []string{"Niccolò Bérard"}},
		{"text two conversations", queue.Filter{Search: "ordine"}, []string{"Giulia Rossi", "Niccolò Bérard"}},
		{"every word must match", queue.Filter{Search: "ordine rotto"}, []string{"Giulia Rossi"}},
		{"name and text", queue.Filter{Search: "giulia delusione"}, []string{"Giulia Rossi"}},
		{"with platform filter", queue.Filter{Search: "ordine", Platform: wa}, []string{"Niccolò Bérard"}},
		{"with visibility filter", queue.Filter{Search: "ordine", Visibility: "public"}, []string{"Giulia Rossi"}},
		{"answered conversation", queue.Filter{Search: "fattura"}, []string{"Luca Neri"}},
		{"outbound text", queue.Filter{Search: "gentile"}, []string{"Luca Neri"}},
		{"filtered out", queue.Filter{Search: "fattura", Platform: wa}, []string{}},
		{"no match", queue.Filter{Search: "zanzara"}, []string{}},
		// Nothing to search for yet (as the agent types its first letter): no narrowing.
		{"punctuation only", queue.Filter{Search: "!!"}, []string{"Giulia Rossi", "Luca Neri", "Niccolò Bérard"}},
		{"one letter", queue.Filter{Search: "g"}, []string{"Giulia Rossi", "Luca Neri", "Niccolò Bérard"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.list(tt.f)
			if got := sorted(e.rowNames(p.Rows)); !slices.Equal(got, tt.want) {
				t.Errorf("List(%+v) = %v, want %v", tt.f, got, tt.want)
			}
			if p.Total != len(tt.want) {
				t.Errorf("List(%+v).Total = %d, want %d", tt.f, p.Total, len(tt.want))
			}
		})
	}
	// Counts honour the search too.
	p := e.list(queue.Filter{Search: "ordine"})
	if diff := cmp.Diff(map[string]int{"whatsapp": 1, "facebook": 1}, p.Counts[queue.FacetPlatform]); diff != "" {
		t.Errorf("List(Search ordine).Counts[platform] mismatch (-want +got):\n%s", diff)
	}
}

func TestLiveReorder(t *testing.T) {
	e := newEnv(t)
	a := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "A", msgs: []msg{in(ago(20 * time.Minute))}} // due t0-5m
	b := conv{platform: convo.PlatformEmail, kind: convo.KindEmail, name: "B", msgs: []msg{in(ago(time.Hour))}}        // due t0+3h
	x := conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: "X", msgs: []msg{in(ago(3 * time.Hour)), out(ago(170 * time.Minute))}}
	e.add(a)
	e.add(b)
	xid := e.add(x)
	e.load()
	if got, want := e.rowNames(e.list(queue.Filter{}).Rows), []string{"A", "B", "X"}; !slices.Equal(got, want) {
		t.Fatalf("before: List({}) = %v, want %v", got, want)
	}
	e.chg.reset()

	// X's customer writes again: the next response is due in 30 minutes, before B.
	e.say(x, convo.DirIn, ago(time.Minute), "ci siete?")
	if got, want := e.rowNames(e.list(queue.Filter{}).Rows), []string{"A", "X", "B"}; !slices.Equal(got, want) {
		t.Errorf("after inbound: List({}) = %v, want %v", got, want)
	}
	if !e.chg.has(xid) {
		t.Errorf("onChange IDs = %v, want them to contain %s", e.chg.ids, xid)
	}
	row := e.list(queue.Filter{Search: "siete"})
	if len(row.Rows) != 1 || row.Rows[0].Preview != "ci siete?" || row.Rows[0].MessageCount != 3 {
		t.Errorf("after inbound: X row = %+v, want preview %q and 3 messages", row.Rows, "ci siete?")
	}

	// The brand answers from the platform's app: X drops to the end again.
	e.chg.reset()
	e.say(x, convo.DirOut, t0, "sì, eccoci")
	if got, want := e.rowNames(e.list(queue.Filter{}).Rows), []string{"A", "B", "X"}; !slices.Equal(got, want) {
		t.Errorf("after reply: List({}) = %v, want %v", got, want)
	}
	if !e.chg.has(xid) {
		t.Errorf("onChange IDs = %v, want them to contain %s", e.chg.ids, xid)
	}
	if got, want := e.q.Len(), 3; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
}

// statusEvents returns the data of the "status" events of a conversation on t0's day.
func statusEvents(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	var out []string
	err := st.Events(t0.Format("20060102"), func(ev convo.Event) error {
		if ev.ConvID == id && ev.Type == convo.EvStatus {
			out = append(out, ev.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	return out
}

func TestActions(t *testing.T) {
	e := newEnv(t)
	other := conv{platform: convo.PlatformEmail, kind: convo.KindEmail, name: "Altro", msgs: []msg{in(ago(time.Hour))}}
	c := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "Cliente", msgs: []msg{in(ago(time.Hour))}}
	e.add(other)
	id := e.add(c)
	e.load()
	// tick moves the clock on so that each action's event has its own instant.
	tick := func() { e.clk.Set(e.clk.Now().Add(time.Minute)) }
	inOpen := func() bool {
		return slices.Contains(e.rowNames(e.list(queue.Filter{}).Rows), "Cliente")
	}

	t.Run("assign", func(t *testing.T) {
		got, err := e.q.Assign(id, " me ")
		if err != nil || got.Assignee != "me" {
			t.Fatalf("Assign(%s, me) = %q, %v; want assignee me", id, got.Assignee, err)
		}
		if names := e.rowNames(e.list(queue.Filter{Assignee: "mine", Me: "me"}).Rows); !slices.Equal(names, []string{"Cliente"}) {
			t.Errorf("List(mine) = %v, want [Cliente]", names)
		}
		if names := e.rowNames(e.list(queue.Filter{Assignee: "unassigned"}).Rows); !slices.Equal(names, []string{"Altro"}) {
			t.Errorf("List(unassigned) = %v, want [Altro]", names)
		}
	})

	t.Run("snooze in the past", func(t *testing.T) {
		for _, until := range []time.Time{ago(time.Minute), t0} {
			if _, err := e.q.Snooze(id, "me", until); !errors.Is(err, queue.ErrInvalid) {
				t.Errorf("Snooze(%s) = %v, want ErrInvalid", until, err)
			}
		}
		if !inOpen() {
			t.Errorf("after a refused snooze the conversation left the open view")
		}
	})

	t.Run("snooze", func(t *testing.T) {
		until := t0.Add(2 * time.Hour)
		got, err := e.q.Snooze(id, "me", until)
		if err != nil || got.Status != convo.StatusSnoozed || !got.SnoozeUntil.Equal(until) {
			t.Fatalf("Snooze(%s) = %s until %s, %v; want snoozed until %s", until, got.Status, got.SnoozeUntil, err, until)
		}
		if inOpen() {
			t.Errorf("snoozed conversation is in the open view")
		}
		if names := e.rowNames(e.list(queue.Filter{Status: "snoozed"}).Rows); !slices.Equal(names, []string{"Cliente"}) {
			t.Errorf("List(snoozed) = %v, want [Cliente]", names)
		}
		e.clk.Set(until.Add(-time.Second))
		if inOpen() {
			t.Errorf("a second before SnoozeUntil the conversation is in the open view")
		}
		e.clk.Set(until.Add(time.Second))
		if !inOpen() {
			t.Errorf("after SnoozeUntil the conversation is not in the open view")
		}
		if n := e.list(queue.Filter{Status: "snoozed"}).Total; n != 0 {
			t.Errorf("after SnoozeUntil List(snoozed).Total = %d, want 0", n)
		}
	})

	t.Run("resolve", func(t *testing.T) {
		tick()
		got, err := e.q.Resolve(id, "me")
		if err != nil || got.Status != convo.StatusResolved || !got.Due.IsZero() {
			t.Fatalf("Resolve(%s) = %s due %s, %v; want resolved, nothing due", id, got.Status, got.Due, err)
		}
		if inOpen() {
			t.Errorf("resolved conversation is in the open view")
		}
		if evs := statusEvents(t, e.st, id); !slices.Contains(evs, "resolved") {
			t.Errorf("status events = %v, want one with data resolved", evs)
		}
	})

	t.Run("reopen", func(t *testing.T) {
		tick()
		got, err := e.q.Reopen(id, "me")
		if err != nil || got.Status != convo.StatusOpen {
			t.Fatalf("Reopen(%s) = %s, %v; want open", id, got.Status, err)
		}
		if !inOpen() {
			t.Errorf("reopened conversation is not in the open view")
		}
		if evs := statusEvents(t, e.st, id); !slices.Equal(evs, []string{"snoozed", "resolved", "open"}) {
			t.Errorf("status events = %v, want [snoozed resolved open]", evs)
		}
	})

	t.Run("inbound reopens resolved", func(t *testing.T) {
		e.say(c, convo.DirOut, ago(30*time.Minute), "risolto!")
		tick()
		if _, err := e.q.Resolve(id, "me"); err != nil {
			t.Fatalf("Resolve(%s) = %v", id, err)
		}
		if inOpen() {
			t.Fatalf("resolved conversation is in the open view")
		}
		e.chg.reset()
		e.say(c, convo.DirIn, t0, "in realtà no")
		if !inOpen() {
			t.Errorf("a new inbound message did not bring the resolved conversation back")
		}
		got, err := e.st.Conversation(id)
		if err != nil || got.Status != convo.StatusOpen || !got.Due.Equal(t0.Add(30*time.Minute)) {
			t.Errorf("conversation after new inbound = %s due %s, %v; want open due %s", got.Status, got.Due, err, t0.Add(30*time.Minute))
		}
		if !e.chg.has(id) {
			t.Errorf("onChange IDs = %v, want them to contain %s", e.chg.ids, id)
		}
	})

	t.Run("unknown conversation", func(t *testing.T) {
		if _, err := e.q.Resolve("c_nope", "me"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Resolve(c_nope) = %v, want ErrNotFound", err)
		}
	})
}

// TestChangesBeforeLoad: what the store publishes before Load finishes is
// applied, newest copy winning.
func TestChangesBeforeLoad(t *testing.T) {
	e := newEnv(t)
	a := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "A", msgs: []msg{in(ago(time.Hour))}}
	aid := e.add(a)
	e.say(a, convo.DirOut, ago(50*time.Minute), "risposta")
	e.say(a, convo.DirIn, ago(10*time.Minute), "grazie, ancora una cosa")
	bid := e.add(conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: "B", msgs: []msg{in(ago(time.Hour))}})
	if got := e.q.Len(); got != 0 {
		t.Errorf("Len() before Load = %d, want 0", got)
	}
	e.load()
	for _, id := range []string{aid, bid} {
		want, err := e.st.Conversation(id)
		if err != nil {
			t.Fatal(err)
		}
		p := e.list(queue.Filter{Status: "all"})
		i := slices.IndexFunc(p.Rows, func(c convo.Conversation) bool { return c.ID == id })
		if i < 0 {
			t.Errorf("%s missing from the queue after Load", e.names[id])
			continue
		}
		if diff := cmp.Diff(want, p.Rows[i]); diff != "" {
			t.Errorf("%s in the queue differs from the store (-store +queue):\n%s", e.names[id], diff)
		}
	}
	if got := e.q.Len(); got != 2 {
		t.Errorf("Len() = %d, want 2 (no duplicates)", got)
	}
	// A is due again: 30 minutes after its second inbound message, before B.
	if got, want := e.rowNames(e.list(queue.Filter{}).Rows), []string{"B", "A"}; !slices.Equal(got, want) {
		t.Errorf("List({}) = %v, want %v", got, want)
	}
}

// TestLoadWhileIngesting runs Load while messages keep arriving, so that
// some commits land after Load's snapshot: afterwards the queue holds exactly
// the store's latest copy of every conversation.
func TestLoadWhileIngesting(t *testing.T) {
	e := newEnv(t)
	// Enough conversations that reading them takes a while.
	const preloaded = 1500
	var items []convo.Inbound
	for i := range preloaded {
		c := conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: fmt.Sprintf("P%04d", i), msgs: []msg{in(ago(time.Duration(i) * time.Second))}}
		items = append(items, inbound(c, 0))
	}
	if _, err := e.st.Ingest("telegram", items, ""); err != nil {
		t.Fatal(err)
	}

	// The writer adds new conversations and messages to old ones until Load
	// has returned; a change lost during Load would stay lost.
	stop := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	var ingestErr error
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			nc := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: fmt.Sprintf("N%05d", i)}
			old := conv{platform: convo.PlatformTelegram, kind: convo.KindDM, name: fmt.Sprintf("P%04d", i%preloaded)}
			dir := convo.DirIn
			if i%2 == 1 {
				dir = convo.DirOut
			}
			for _, err := range []error{
				e.ingest(nc, convo.DirIn, ago(time.Duration(i)*time.Millisecond), "nuova"),
				e.ingest(old, dir, t0.Add(-time.Hour+time.Duration(i)*time.Millisecond), "ancora"),
			} {
				if err != nil {
					ingestErr = err
					return
				}
			}
			if i == 0 {
				close(started)
			}
		}
	})
	<-started
	e.load()
	close(stop)
	wg.Wait()
	if ingestErr != nil {
		t.Fatal(ingestErr)
	}

	var want []convo.Conversation
	if err := e.st.ForEachConversation(func(c convo.Conversation) error { want = append(want, c); return nil }); err != nil {
		t.Fatal(err)
	}
	var got []convo.Conversation
	for off := 0; ; off += 1000 {
		p, err := e.q.List(queue.Filter{Status: "all"}, off, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if off == 0 && p.Total != len(want) {
			t.Errorf("List(all).Total = %d, want the store's %d", p.Total, len(want))
		}
		if len(p.Rows) == 0 {
			break
		}
		got = append(got, p.Rows...)
	}
	if e.q.Len() != len(want) {
		t.Errorf("Len() = %d, want the store's %d", e.q.Len(), len(want))
	}
	// The rows are in due order, nothing due last.
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if (!a.Due.IsZero() && !b.Due.IsZero() && a.Due.After(b.Due)) || (a.Due.IsZero() && !b.Due.IsZero()) {
			t.Errorf("row %d due %s before row %d due %s", i-1, a.Due, i, b.Due)
			break
		}
	}
	slices.SortFunc(got, func(a, b convo.Conversation) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("queue differs from the store (-store +queue):\n%s", diff)
	}
}

// TestConcurrentWritersNewestWins: actions and messages on one conversation
// from several goroutines publish in any order; the queue keeps the newest.
func TestConcurrentWritersNewestWins(t *testing.T) {
	e := newEnv(t)
	c := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "Conteso", msgs: []msg{in(ago(time.Hour))}}
	id := e.add(c)
	e.add(conv{platform: convo.PlatformEmail, kind: convo.KindEmail, name: "Altro", msgs: []msg{in(ago(time.Hour))}})
	e.load()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 6 {
		wg.Go(func() {
			for i := range 40 {
				var err error
				switch w {
				case 0:
					err = e.ingest(c, convo.DirIn, ago(time.Duration(50*60-i)*time.Second), "ancora")
				case 1:
					_, err = e.q.Reopen(id, "me")
				case 2:
					_, err = e.q.SetPending(id, "me")
				default:
					_, err = e.q.Assign(id, fmt.Sprintf("agent%d-%d", w, i))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want, err := e.st.Conversation(id)
	if err != nil {
		t.Fatal(err)
	}
	p := e.list(queue.Filter{Status: "all"})
	i := slices.IndexFunc(p.Rows, func(r convo.Conversation) bool { return r.ID == id })
	if i < 0 || p.Total != 2 {
		t.Fatalf("List(all) = %v, want Conteso and Altro once each", e.rowNames(p.Rows))
	}
	if diff := cmp.Diff(want, p.Rows[i]); diff != "" {
		t.Errorf("queue copy differs from the store (-store +queue):\n%s", diff)
	}
}

// TestStaleChangeIgnored delivers an older copy of a conversation after a
// newer one, as two writers whose publishes cross do: the queue keeps the newer.
func TestStaleChangeIgnored(t *testing.T) {
	// A subscriber registered before the queue holds back the publish of
	// the change that assigns "first" until the second change is in the queue.
	held := make(chan struct{})
	release := make(chan struct{})
	e := newEnv(t, func(st *store.Store) {
		st.Subscribe(func(cs []convo.Conversation) {
			for _, c := range cs {
				if c.Assignee == "first" {
					close(held)
					<-release
				}
			}
		})
	})
	id := e.add(conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "Cliente", msgs: []msg{in(ago(time.Hour))}})
	e.load()
	done := make(chan error, 1)
	go func() {
		_, err := e.q.Assign(id, "first")
		done <- err
	}()
	<-held // "first" is committed, its publish not yet delivered to the queue
	if _, err := e.q.Assign(id, "second"); err != nil {
		t.Fatalf("Assign(second) = %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Assign(first) = %v", err)
	}
	p := e.list(queue.Filter{Status: "all"})
	if len(p.Rows) != 1 || p.Rows[0].Assignee != "second" {
		t.Errorf("after a stale change: rows %+v, want one assigned to second", p.Rows)
	}
	if names := e.rowNames(e.list(queue.Filter{Assignee: "mine", Me: "second"}).Rows); !slices.Equal(names, []string{"Cliente"}) {
		t.Errorf("List(mine, Me second) = %v, want [Cliente]", names)
	}
}

func TestListWhileLoading(t *testing.T) {
	e := newEnv(t)
	e.add(conv{platform: convo.PlatformEmail, kind: convo.KindEmail, name: "B", msgs: []msg{in(ago(time.Hour))}})
	e.add(conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "A", msgs: []msg{in(ago(time.Hour))}})
	p, err := e.q.List(queue.Filter{}, 0, 10)
	if err != nil {
		t.Fatalf("List before Load = %v", err)
	}
	if !p.Loading {
		t.Errorf("List before Load: Loading = false, want true")
	}
	if got, want := e.rowNames(p.Rows), []string{"A", "B"}; !slices.Equal(got, want) {
		t.Errorf("List before Load = %v, want %v (due order)", got, want)
	}
	e.load()
	p = e.list(queue.Filter{})
	if p.Loading {
		t.Errorf("List after Load: Loading = true, want false")
	}
	if got, want := e.rowNames(p.Rows), []string{"A", "B"}; !slices.Equal(got, want) {
		t.Errorf("List after Load = %v, want %v", got, want)
	}
}

func TestResolvedThenCustomerWritesAgain(t *testing.T) {
	e := newEnv(t)
	e.load()
	c := conv{platform: convo.PlatformWhatsApp, kind: convo.KindDM, name: "Sara Conti", msgs: []msg{in(ago(26 * time.Hour))}}
	id := e.add(c)
	if _, err := e.q.Resolve(id, "giulia"); err != nil {
		t.Fatal(err)
	}
	// Resolved without a reply; a day later the customer writes again.
	e.say(c, convo.DirIn, ago(time.Minute), "di nuovo io")
	got, err := e.st.Conversation(id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != convo.StatusOpen {
		t.Errorf("status = %s, want open", got.Status)
	}
	if want := ago(time.Minute).Add(15 * time.Minute); !got.Due.Equal(want) {
		t.Errorf("due = %s, want %s (15 min after the new message, not after the old one)", got.Due, want)
	}
}
