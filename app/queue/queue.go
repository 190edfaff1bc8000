// Package queue is the unified queue: every conversation of every account in
// one list ordered by its due instant, with filters, counts, search and the
// agent's actions (assign, snooze, resolve, reopen). It follows the store live.
package queue

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/store"
)

// Filter narrows the queue; empty fields match everything.
type Filter struct {
	Platform   convo.Platform
	AccountID  string
	Status     string // "" = the open queue (open, pending, woken snoozed); a status; or "all"
	Visibility string // "", "public", "private"
	Assignee   string // "", "mine", "unassigned"
	Tag        string
	Search     string
	Me         string // the agent, for Assignee "mine"
}

// Facets with counts.
const (
	FacetPlatform   = "platform"
	FacetAccount    = "account"
	FacetStatus     = "status"
	FacetVisibility = "visibility"
	FacetAssignee   = "assignee"
	FacetTag        = "tag"
)

// Page is a window of the filtered queue.
type Page struct {
	Rows   []convo.Conversation
	Total  int
	Counts map[string]map[string]int // facet → value → conversations matching the other filters
	// Loading is true while the queue is still being read from disk; Rows then
	// come straight from the due index and Counts are empty.
	Loading bool
}

// ErrInvalid is returned for a request the queue refuses.
var ErrInvalid = errors.New("invalid request")

// searchLimit caps the conversations one search word can match.
const searchLimit = 50000

type item struct {
	c    convo.Conversation
	key  sortKey
	slot int32 // a number of its own while in the queue (Queue.slots)
}

// entry is what List reads of every conversation, as small numbers, kept in
// one array in queue order (Queue.entries) so a page scans memory in
// sequence and counts in arrays rather than maps.
type entry struct {
	snooze int64   // a snoozed conversation's SnoozeUntil, Unix ns
	slot   int32   // the item's slot
	acct   int32   // the account's name number (Queue.names)
	asg    int32   // the assignee's name number; -1: unassigned
	tags   []int32 // name numbers
	plat   int8    // index in convo.Platforms; -1: unknown
	status int8    // index in statuses; -1: unknown
	public bool
}

type sortKey struct {
	due   int64 // resolved last
	prio  int
	third int64
	id    string
}

func keyOf(c *convo.Conversation) sortKey {
	k := sortKey{prio: int(c.Priority), id: c.ID}
	switch {
	case c.Status == convo.StatusResolved:
		k.due = 1<<63 - 1
		k.third = -c.LastAt.UnixNano()
	case c.Due.IsZero():
		k.due = 1<<63 - 2
		k.third = -c.LastAt.UnixNano() // nothing due: most recent first
	default:
		k.due = c.Due.UnixNano()
		k.third = c.LastAt.UnixNano()
	}
	return k
}

func compareKeys(a, b sortKey) int {
	if c := cmp.Compare(a.due, b.due); c != 0 {
		return c
	}
	if c := cmp.Compare(b.prio, a.prio); c != 0 {
		return c
	}
	if c := cmp.Compare(a.third, b.third); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// Queue is the in-memory queue. It is safe for concurrent use.
type Queue struct {
	st       *store.Store
	now      func() time.Time
	onChange func(ids []string)

	mu       sync.RWMutex
	byID     map[string]*item
	order    []*item
	entries  []entry          // entries[i] is order[i]'s
	names    []string         // account IDs, assignees and tags seen, by number
	nameIdx  map[string]int32 // their numbers
	slots    int32            // slots handed out; freed ones are reused
	free     []int32
	accounts map[string]convo.Account
	loaded   bool
	pending  []convo.Conversation // changes that arrived while loading
}

// New returns a queue over st; onChange (may be nil) receives the IDs of
// conversations that changed, after the queue has been updated.
func New(st *store.Store, now func() time.Time, onChange func(ids []string)) *Queue {
	if onChange == nil {
		onChange = func([]string) {}
	}
	q := &Queue{st: st, now: now, onChange: onChange, byID: map[string]*item{}, nameIdx: map[string]int32{}, accounts: map[string]convo.Account{}}
	st.Subscribe(q.apply)
	return q
}

// Load reads every conversation from the store. Until it returns, List serves
// the first rows straight from the due index.
func (q *Queue) Load() error {
	if err := q.RefreshAccounts(); err != nil {
		return err
	}
	var items []*item
	err := q.st.ForEachConversation(func(c convo.Conversation) error {
		it := &item{c: c}
		it.key = keyOf(&it.c)
		items = append(items, it)
		return nil
	})
	if err != nil {
		return fmt.Errorf("load queue: %w", err)
	}
	slices.SortFunc(items, func(a, b *item) int { return compareKeys(a.key, b.key) })
	q.mu.Lock()
	q.order = items
	q.entries = make([]entry, len(items))
	for i, it := range items {
		it.slot = q.newSlot()
		q.entries[i] = q.entryOf(it)
		q.byID[it.c.ID] = it
	}
	q.loaded = true
	pending := q.pending
	q.pending = nil
	q.mu.Unlock()
	q.apply(pending)
	return nil
}

// RefreshAccounts rereads the account names shown in rows.
func (q *Queue) RefreshAccounts() error {
	accts, err := q.st.Accounts()
	if err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, a := range accts {
		q.accounts[a.ID] = a
	}
	return nil
}

// AccountName returns an account's display name.
func (q *Queue) AccountName(id string) string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if a, ok := q.accounts[id]; ok {
		return a.Name
	}
	return id
}

// apply moves changed conversations to their new places.
func (q *Queue) apply(cs []convo.Conversation) {
	if len(cs) == 0 {
		return
	}
	ids := make([]string, 0, len(cs))
	q.mu.Lock()
	if !q.loaded {
		q.pending = append(q.pending, cs...)
		q.mu.Unlock()
		return
	}
	for _, c := range cs {
		ids = append(ids, c.ID)
		if it, ok := q.byID[c.ID]; ok {
			if it.c.Rev > c.Rev {
				continue // a newer copy arrived first
			}
			q.remove(it)
		}
		it := &item{c: c, slot: q.newSlot()}
		it.key = keyOf(&it.c)
		i, _ := slices.BinarySearchFunc(q.order, it.key, func(x *item, k sortKey) int { return compareKeys(x.key, k) })
		q.order = slices.Insert(q.order, i, it)
		q.entries = slices.Insert(q.entries, i, q.entryOf(it))
		q.byID[c.ID] = it
	}
	q.mu.Unlock()
	q.onChange(ids)
}

// entryOf numbers an item's filter values (q.mu held for writing).
func (q *Queue) entryOf(it *item) entry {
	c := &it.c
	e := entry{slot: it.slot, acct: q.intern(c.AccountID), asg: -1, plat: int8(slices.Index(convo.Platforms, c.Platform)),
		status: int8(slices.Index(statuses[:], c.Status)), public: c.Public}
	if c.Assignee != "" {
		e.asg = q.intern(c.Assignee)
	}
	if c.Status == convo.StatusSnoozed {
		e.snooze = unixNano(c.SnoozeUntil)
	}
	if len(c.Tags) > 0 {
		e.tags = make([]int32, len(c.Tags))
		for i, t := range c.Tags {
			e.tags[i] = q.intern(t)
		}
	}
	return e
}

func (q *Queue) intern(name string) int32 {
	n, ok := q.nameIdx[name]
	if !ok {
		n = int32(len(q.names))
		q.names = append(q.names, name)
		q.nameIdx[name] = n
	}
	return n
}

// lookup is a name's number for a filter: -1 for no filter, -2 for a name no
// conversation has (q.mu held).
func (q *Queue) lookup(name string) int32 {
	if name == "" {
		return -1
	}
	if n, ok := q.nameIdx[name]; ok {
		return n
	}
	return -2
}

func (q *Queue) remove(it *item) {
	i, ok := slices.BinarySearchFunc(q.order, it.key, func(x *item, k sortKey) int { return compareKeys(x.key, k) })
	if ok {
		q.order = slices.Delete(q.order, i, i+1)
		q.entries = slices.Delete(q.entries, i, i+1)
	}
	q.free = append(q.free, it.slot)
}

// newSlot hands out a free slot (q.mu held for writing).
func (q *Queue) newSlot() int32 {
	if n := len(q.free); n > 0 {
		s := q.free[n-1]
		q.free = q.free[:n-1]
		return s
	}
	q.slots++
	return q.slots - 1
}

// Len is the number of conversations known to the queue.
func (q *Queue) Len() int {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return len(q.order)
}

// List returns rows [offset, offset+limit) of the filtered queue with facet counts.
func (q *Queue) List(f Filter, offset, limit int) (Page, error) {
	if offset < 0 || limit <= 0 || limit > 1000 {
		return Page{}, fmt.Errorf("page %d+%d: %w", offset, limit, ErrInvalid)
	}
	if f.Platform != "" && !f.Platform.Valid() {
		return Page{}, fmt.Errorf("unknown platform %q: %w", f.Platform, ErrInvalid)
	}
	switch f.Status {
	case "", "all", string(convo.StatusOpen), string(convo.StatusPending), string(convo.StatusSnoozed), string(convo.StatusResolved):
	default:
		return Page{}, fmt.Errorf("unknown status %q: %w", f.Status, ErrInvalid)
	}
	var hits map[string]bool
	if len(store.Tokens(f.Search, 1)) > 0 { // a single letter does not narrow yet
		var err error
		if hits, err = q.st.Search(f.Search, searchLimit); err != nil {
			return Page{}, fmt.Errorf("search: %w", err)
		}
	}
	q.mu.RLock()
	loaded := q.loaded
	q.mu.RUnlock()
	if !loaded {
		return q.listCold(f, offset, limit, hits)
	}
	return q.list(f, offset, limit, hits), nil
}

// list pages the loaded queue; hits, when not nil, are the conversations the search found.
func (q *Queue) list(f Filter, offset, limit int, hits map[string]bool) Page {
	now := q.now()
	var p Page
	q.mu.RLock()
	defer q.mu.RUnlock()
	plat := int8(slices.Index(convo.Platforms, f.Platform))
	acct, tag := q.lookup(f.AccountID), q.lookup(f.Tag)
	me := q.lookup(f.Me)
	if me == -1 {
		me = -2 // no agent name: nothing is "mine"
	}
	t := newTally(len(q.names))
	// The search hits as a bit per slot: one lookup per hit, not per conversation.
	var found []uint64
	if hits != nil {
		found = make([]uint64, (q.slots+63)/64)
		for id := range hits {
			if it, ok := q.byID[id]; ok {
				found[it.slot/64] |= 1 << (it.slot % 64)
			}
		}
	}
	var fails [6]bool
	nowNs := unixNano(now)
	want := int8(slices.Index(statuses[:], convo.Status(f.Status)))
	for i := range q.entries {
		e := &q.entries[i]
		if found != nil && found[e.slot/64]&(1<<(e.slot%64)) == 0 {
			continue
		}
		st := e.status
		if st == snoozedIdx && e.snooze <= nowNs {
			st = openIdx // its time has come
		}
		fails = [6]bool{
			f.Platform != "" && e.plat != plat,
			acct != -1 && e.acct != acct,
			!stateMatches(f.Status, want, st, q.order[i], now),
			(f.Visibility == "public" && !e.public) || (f.Visibility == "private" && e.public),
			(f.Assignee == "mine" && e.asg != me) || (f.Assignee == "unassigned" && e.asg != -1),
			tag != -1 && !slices.Contains(e.tags, tag),
		}
		n, which := 0, -1
		for i, x := range fails {
			if x {
				n++
				which = i
			}
		}
		switch n {
		case 0:
			p.Total++
			if p.Total > offset && len(p.Rows) < limit {
				p.Rows = append(p.Rows, q.order[i].c)
			}
			for j := range fails {
				t.count(j, e, st, q.order[i], me, now)
			}
		case 1:
			t.count(which, e, st, q.order[i], me, now)
		}
	}
	p.Counts = t.counts(q.names)
	return p
}

// listCold serves the default view from the due index while loading.
func (q *Queue) listCold(f Filter, offset, limit int, hits map[string]bool) (Page, error) {
	cs, err := q.st.FirstDue(offset + limit)
	if err != nil {
		return Page{}, err
	}
	p := Page{Loading: true}
	now := q.now()
	for _, c := range cs {
		if (hits != nil && !hits[c.ID]) || !statusMatches(f.Status, &c, now) ||
			(f.Platform != "" && c.Platform != f.Platform) || (f.AccountID != "" && c.AccountID != f.AccountID) ||
			!visibilityMatches(f.Visibility, &c) || !assigneeMatches(f.Assignee, f.Me, &c) || (f.Tag != "" && !slices.Contains(c.Tags, f.Tag)) {
			continue
		}
		p.Total++
		if p.Total > offset && len(p.Rows) < limit {
			p.Rows = append(p.Rows, c)
		}
	}
	return p, nil
}

// tally counts the facets of one page in arrays.
type tally struct {
	plat       []int // by index in convo.Platforms
	acct, tag  []int // by name number
	status     [len(statuses)]int
	public     int
	private    int
	unassigned int
	mine       int
	other      map[string]map[string]int // values outside the arrays (an unknown platform or status)
}

var statuses = [...]convo.Status{convo.StatusOpen, convo.StatusPending, convo.StatusSnoozed, convo.StatusResolved}

const (
	openIdx    int8 = 0
	pendingIdx int8 = 1
	snoozedIdx int8 = 2
)

func newTally(names int) *tally {
	return &tally{plat: make([]int, len(convo.Platforms)), acct: make([]int, names), tag: make([]int, names),
		other: map[string]map[string]int{FacetPlatform: {}, FacetStatus: {}}}
}

// count counts one facet of a conversation: its entry, its effective status
// st, the item itself for values outside the arrays.
func (t *tally) count(facet int, e *entry, st int8, it *item, me int32, now time.Time) {
	switch facet {
	case 0:
		if e.plat >= 0 {
			t.plat[e.plat]++
		} else {
			t.other[FacetPlatform][string(it.c.Platform)]++
		}
	case 1:
		t.acct[e.acct]++
	case 2:
		if st >= 0 {
			t.status[st]++
		} else {
			t.other[FacetStatus][string(effectiveStatus(&it.c, now))]++
		}
	case 3:
		if e.public {
			t.public++
		} else {
			t.private++
		}
	case 4:
		switch e.asg {
		case -1:
			t.unassigned++
		case me:
			t.mine++
		}
	case 5:
		for _, n := range e.tags {
			t.tag[n]++
		}
	}
}

// counts are the page's facet counts: value → conversations, for the values counted.
func (t *tally) counts(names []string) map[string]map[string]int {
	out := map[string]map[string]int{FacetPlatform: t.other[FacetPlatform], FacetAccount: {}, FacetStatus: t.other[FacetStatus],
		FacetVisibility: {}, FacetAssignee: {}, FacetTag: {}}
	put := func(facet, value string, n int) {
		if n > 0 {
			out[facet][value] = n
		}
	}
	for i, n := range t.plat {
		put(FacetPlatform, string(convo.Platforms[i]), n)
	}
	for i, n := range t.acct {
		put(FacetAccount, names[i], n)
	}
	for i, n := range t.tag {
		put(FacetTag, names[i], n)
	}
	for i, n := range t.status {
		put(FacetStatus, string(statuses[i]), n)
	}
	put(FacetVisibility, "public", t.public)
	put(FacetVisibility, "private", t.private)
	put(FacetAssignee, "unassigned", t.unassigned)
	put(FacetAssignee, "mine", t.mine)
	return out
}

// effectiveStatus shows a snoozed conversation whose time has come as open.
func effectiveStatus(c *convo.Conversation, now time.Time) convo.Status {
	if c.Status == convo.StatusSnoozed && !c.SnoozeUntil.After(now) {
		return convo.StatusOpen
	}
	return c.Status
}

// unixNano is t in Unix nanoseconds, clamped to what an int64 holds (a
// zero time is the smallest).
func unixNano(t time.Time) int64 {
	switch {
	case t.Before(time.Unix(0, math.MinInt64)):
		return math.MinInt64
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// stateMatches is statusMatches on an entry's effective status st; want is
// the wanted status's index in statuses.
func stateMatches(wanted string, want, st int8, it *item, now time.Time) bool {
	switch {
	case st < 0:
		return statusMatches(wanted, &it.c, now) // a status outside the arrays
	case wanted == "":
		return st == openIdx || st == pendingIdx
	case wanted == "all":
		return true
	}
	return st == want
}

func statusMatches(want string, c *convo.Conversation, now time.Time) bool {
	s := effectiveStatus(c, now)
	switch want {
	case "":
		return s == convo.StatusOpen || s == convo.StatusPending
	case "all":
		return true
	}
	return string(s) == want
}

func visibilityMatches(want string, c *convo.Conversation) bool {
	switch want {
	case "public":
		return c.Public
	case "private":
		return !c.Public
	}
	return true
}

func assigneeMatches(want, me string, c *convo.Conversation) bool {
	switch want {
	case "mine":
		return c.Assignee != "" && c.Assignee == me
	case "unassigned":
		return c.Assignee == ""
	}
	return true
}
