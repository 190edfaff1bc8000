package queue

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
)

// TestListMatchesPlainFilter checks List's numbered scan against a plain
// reading of every conversation: the same rows, total and facet counts for
// random desks, changes applied live and random filters.
func TestListMatchesPlainFilter(t *testing.T) {
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	q := &Queue{now: func() time.Time { return now }, onChange: func([]string) {}, byID: map[string]*item{}, nameIdx: map[string]int32{},
		accounts: map[string]convo.Account{}, loaded: true}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	statuses := []convo.Status{convo.StatusOpen, convo.StatusPending, convo.StatusSnoozed, convo.StatusResolved}
	random := func(id string, rev int64) convo.Conversation {
		c := convo.Conversation{ID: id, Rev: rev, Platform: convo.Platforms[rng.IntN(len(convo.Platforms))],
			AccountID: pick("a1", "a2", "a3"), Status: statuses[rng.IntN(len(statuses))], Public: rng.IntN(2) == 0,
			Assignee: pick("", "", "Marta", "Luca"), Priority: convo.Priority(rng.IntN(4)),
			LastAt: now.Add(-time.Duration(rng.IntN(1000)) * time.Minute), Due: now.Add(time.Duration(rng.IntN(600)-300) * time.Minute)}
		if c.Status == convo.StatusSnoozed {
			c.SnoozeUntil = now.Add(time.Duration(rng.IntN(120)-60) * time.Minute) // some have woken
			if rng.IntN(10) == 0 {
				c.SnoozeUntil = time.Time{} // no time: awake
			}
		}
		for range rng.IntN(3) {
			if tag := pick("consegna", "rimborso", "reclamo"); !slices.Contains(c.Tags, tag) {
				c.Tags = append(c.Tags, tag)
			}
		}
		return c
	}
	for round := range 30 {
		var batch []convo.Conversation
		for range 40 {
			id := fmt.Sprintf("c%03d", rng.IntN(300))
			rev := int64(round + 1)
			batch = append(batch, random(id, rev))
		}
		q.apply(batch)
		for range 20 {
			f := Filter{Platform: convo.Platform(pick("", "", string(convo.Platforms[rng.IntN(len(convo.Platforms))]))),
				AccountID: pick("", "", "a2", "nope"), Status: pick("", "", "all", "open", "pending", "snoozed", "resolved"),
				Visibility: pick("", "public", "private"), Assignee: pick("", "mine", "unassigned"),
				Tag: pick("", "", "rimborso", "nope"), Me: pick("Marta", "", "Nobody")}
			offset, limit := rng.IntN(20), 1+rng.IntN(30)
			var hits map[string]bool // what a search found, some of it gone from the queue
			if rng.IntN(3) == 0 {
				hits = map[string]bool{}
				for range rng.IntN(200) {
					hits[fmt.Sprintf("c%03d", rng.IntN(400))] = true
				}
			}
			got := q.list(f, offset, limit, hits)
			want := plainList(q, f, offset, limit, hits, now)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("round %d, list(%+v, %d, %d, %d hits) differs from the plain filter (-want +got):\n%s", round, f, offset, limit, len(hits), diff)
			}
		}
	}
}

// plainList is List written the obvious way, over the conversations in queue order.
func plainList(q *Queue, f Filter, offset, limit int, hits map[string]bool, now time.Time) Page {
	items := slices.Collect(maps.Values(q.byID))
	slices.SortFunc(items, func(a, b *item) int { return compareKeys(a.key, b.key) })
	p := Page{Counts: map[string]map[string]int{}}
	for _, facet := range []string{FacetPlatform, FacetAccount, FacetStatus, FacetVisibility, FacetAssignee, FacetTag} {
		p.Counts[facet] = map[string]int{}
	}
	count := func(facet int, c *convo.Conversation) {
		switch facet {
		case 0:
			p.Counts[FacetPlatform][string(c.Platform)]++
		case 1:
			p.Counts[FacetAccount][c.AccountID]++
		case 2:
			p.Counts[FacetStatus][string(effectiveStatus(c, now))]++
		case 3:
			p.Counts[FacetVisibility][map[bool]string{true: "public", false: "private"}[c.Public]]++
		case 4:
			if c.Assignee == "" {
				p.Counts[FacetAssignee]["unassigned"]++
			} else if c.Assignee == f.Me {
				p.Counts[FacetAssignee]["mine"]++
			}
		case 5:
			for _, t := range c.Tags {
				p.Counts[FacetTag][t]++
			}
		}
	}
	for _, it := range items {
		c := &it.c
		if hits != nil && !hits[c.ID] {
			continue
		}
		fails := []bool{
			f.Platform != "" && c.Platform != f.Platform,
			f.AccountID != "" && c.AccountID != f.AccountID,
			!statusMatches(f.Status, c, now),
			!visibilityMatches(f.Visibility, c),
			!assigneeMatches(f.Assignee, f.Me, c),
			f.Tag != "" && !slices.Contains(c.Tags, f.Tag),
		}
		switch n := len(slices.DeleteFunc(slices.Clone(fails), func(b bool) bool { return !b })); n {
		case 0:
			p.Total++
			if p.Total > offset && len(p.Rows) < limit {
				p.Rows = append(p.Rows, *c)
			}
			for i := range fails {
				count(i, c)
			}
		case 1:
			count(slices.Index(fails, true), c)
		}
	}
	return p
}
