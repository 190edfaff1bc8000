// Package queue is the unified queue: every conversation of every account in
// one list ordered by its due instant, with filters, counts, search and the
// agent's actions (assign, snooze, resolve, reopen). It follows the store live.
package queue

import (
	"cmp"
	"errors"
	"fmt"
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
	c   convo.Conversation
	key sortKey
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
	q := &Queue{st: st, now: now, onChange: onChange, byID: map[string]*item{}, accounts: map[string]convo.Account{}}
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
	for _, it := range items {
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
		it := &item{c: c}
		it.key = keyOf(&it.c)
		i, _ := slices.BinarySearchFunc(q.order, it.key, func(x *item, k sortKey) int { return compareKeys(x.key, k) })
		q.order = slices.Insert(q.order, i, it)
		q.byID[c.ID] = it
	}
	q.mu.Unlock()
	q.onChange(ids)
}

func (q *Queue) remove(it *item) {
	i, ok := slices.BinarySearchFunc(q.order, it.key, func(x *item, k sortKey) int { return compareKeys(x.key, k) })
	if ok {
		q.order = slices.Delete(q.order, i, i+1)
	}
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
	now := q.now()
	p := Page{Counts: map[string]map[string]int{}}
	for _, facet := range []string{FacetPlatform, FacetAccount, FacetStatus, FacetVisibility, FacetAssignee, FacetTag} {
		p.Counts[facet] = map[string]int{}
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	var fails [6]bool
	for _, it := range q.order {
		c := &it.c
		if hits != nil && !hits[c.ID] {
			continue
		}
		fails = [6]bool{
			f.Platform != "" && c.Platform != f.Platform,
			f.AccountID != "" && c.AccountID != f.AccountID,
			!statusMatches(f.Status, c, now),
			!visibilityMatches(f.Visibility, c),
			!assigneeMatches(f.Assignee, f.Me, c),
			f.Tag != "" && !slices.Contains(c.Tags, f.Tag),
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
				p.Rows = append(p.Rows, *c)
			}
			for i := range fails {
				q.count(p.Counts, i, c, f.Me, now)
			}
		case 1:
			q.count(p.Counts, which, c, f.Me, now)
		}
	}
	return p, nil
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

func (q *Queue) count(counts map[string]map[string]int, facet int, c *convo.Conversation, me string, now time.Time) {
	switch facet {
	case 0:
		counts[FacetPlatform][string(c.Platform)]++
	case 1:
		counts[FacetAccount][c.AccountID]++
	case 2:
		counts[FacetStatus][string(effectiveStatus(c, now))]++
	case 3:
		if c.Public {
			counts[FacetVisibility]["public"]++
		} else {
			counts[FacetVisibility]["private"]++
		}
	case 4:
		switch {
		case c.Assignee == "":
			counts[FacetAssignee]["unassigned"]++
		case c.Assignee == me:
			counts[FacetAssignee]["mine"]++
		}
	case 5:
		for _, t := range c.Tags {
			counts[FacetTag][t]++
		}
	}
}

// effectiveStatus shows a snoozed conversation whose time has come as open.
func effectiveStatus(c *convo.Conversation, now time.Time) convo.Status {
	if c.Status == convo.StatusSnoozed && !c.SnoozeUntil.After(now) {
		return convo.StatusOpen
	}
	return c.Status
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
