package demo

import (
	"sync"
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/convo"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var anchor = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestConformance(t *testing.T) {
	for _, acct := range New(Options{Seed: 1, Anchor: anchor, Now: time.Now}).Accounts() {
		t.Run(acct.ID, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness {
				clk := &fakeClock{t: anchor}
				s := New(Options{Seed: 1, Anchor: anchor, Now: clk.Now, CatchUp: -1, HistoryConversations: 40})
				ch := s.Channel(acct.ID)
				idx := s.accounts[ch.(*channel).acct]
				return channeltest.Harness{Channel: ch, Produce: func(n int) int {
					// Advance the clock until n more inbound messages for this account exist.
					got := 0
					for k := 0; got < n; k++ {
						before := clk.Now()
						clk.Add(s.o.Period)
						got += s.countLive(idx.ID, before, clk.Now())
						if k > 100000 {
							t.Fatal("the simulator produced nothing for", idx.ID)
						}
					}
					return got
				}}
			})
		})
	}
}

// countLive counts live inbound messages for an account in (from, to].
func (s *Sim) countLive(acctID string, from, to time.Time) int {
	n := 0
	for k := 0; ; k++ {
		e := s.live(k)
		if e.at.After(to) {
			return n
		}
		if e.at.After(from) && s.accounts[e.acct].ID == acctID && e.dir == convo.DirIn {
			n++
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := New(Options{Seed: 7, Anchor: anchor, Now: func() time.Time { return anchor.Add(time.Minute) }})
	b := New(Options{Seed: 7, Anchor: anchor, Now: func() time.Time { return anchor.Add(time.Minute) }})
	for _, acct := range a.Accounts() {
		ba, err := a.Channel(acct.ID).Pull(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		bb, _ := b.Channel(acct.ID).Pull(t.Context(), "")
		if len(ba.Items) == 0 || len(ba.Items) != len(bb.Items) || ba.Cursor != bb.Cursor {
			t.Fatalf("%s: two sims with one seed differ: %d/%d items, cursors %q %q", acct.ID, len(ba.Items), len(bb.Items), ba.Cursor, bb.Cursor)
		}
		for i := range ba.Items {
			if ba.Items[i].Message.PlatformID != bb.Items[i].Message.PlatformID || ba.Items[i].Message.Text != bb.Items[i].Message.Text {
				t.Fatalf("%s item %d differs", acct.ID, i)
			}
		}
	}
}

func TestDeskIsRealistic(t *testing.T) {
	s := New(Options{Seed: 7, Anchor: anchor, Now: func() time.Time { return anchor.Add(10 * time.Minute) }})
	langs := map[string]int{}
	kinds := map[convo.Kind]int{}
	plats := map[convo.Platform]int{}
	for _, acct := range s.Accounts() {
		cur := ""
		for {
			b, err := s.Channel(acct.ID).Pull(t.Context(), cur)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range b.Items {
				langs[it.Language]++
				kinds[it.Kind]++
				plats[acct.Platform]++
			}
			cur = b.Cursor
			if !b.More {
				break
			}
		}
	}
	for _, l := range []string{"it", "en"} {
		if langs[l] == 0 {
			t.Errorf("no %s messages in the demo desk", l)
		}
	}
	for _, k := range []convo.Kind{convo.KindDM, convo.KindComment, convo.KindMention, convo.KindEmail} {
		if kinds[k] == 0 {
			t.Errorf("no %s conversations in the demo desk", k)
		}
	}
	for _, p := range convo.Platforms {
		if plats[p] == 0 {
			t.Errorf("no messages on %s in the demo desk", p)
		}
	}
}
