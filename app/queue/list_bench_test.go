package queue

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"sportello/app/convo"
)

// BenchmarkList pages the open queue of a desk of 100k conversations (30%
// open) with a platform filter, as targets.md's queue page does at size M.
func BenchmarkList(b *testing.B) {
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	q := &Queue{now: func() time.Time { return now }, byID: map[string]*item{}, nameIdx: map[string]int32{}, loaded: true}
	tags := []string{"consegna", "rimborso", "reclamo", "info", "grazie"}
	for i := range 100_000 {
		c := convo.Conversation{ID: fmt.Sprintf("c%06d", i), Platform: convo.Platforms[i%len(convo.Platforms)],
			AccountID: fmt.Sprintf("acct-%d", i%14), Status: convo.StatusResolved, Public: i%3 == 0,
			Tags: []string{tags[i%len(tags)]}, LastAt: now.Add(-time.Duration(i) * time.Second)}
		if i%10 < 3 {
			c.Status, c.Due = convo.StatusOpen, now.Add(time.Duration(i)*time.Second)
		}
		if i%4 == 0 {
			c.Assignee = "Marta"
		}
		it := &item{c: c}
		it.key = keyOf(&it.c)
		q.order = append(q.order, it)
		q.byID[c.ID] = it
	}
	slices.SortFunc(q.order, func(a, b *item) int { return compareKeys(a.key, b.key) })
	for _, it := range q.order {
		it.slot = q.newSlot()
		q.entries = append(q.entries, q.entryOf(it))
	}
	b.ResetTimer()
	for i := range b.N {
		p, err := q.List(Filter{Platform: convo.Platforms[i%len(convo.Platforms)], Me: "Marta"}, 0, 50)
		if err != nil || len(p.Rows) != 50 {
			b.Fatalf("List = %d rows, %v", len(p.Rows), err)
		}
	}
}
