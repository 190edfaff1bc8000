package demo

import (
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/convo"
	"sportello/app/internal/testclock"
)

var anchor = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// TestConformance runs the channel suite on the demo's own channels. The Meta
// accounts' are the real channels, whose packages run it against graphsim.
func TestConformance(t *testing.T) {
	for _, acct := range New(Options{Seed: 1, Anchor: anchor, Now: time.Now}).Accounts() {
		if isMeta(acct.Platform) {
			continue
		}
		t.Run(acct.ID, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness {
				clk := testclock.New(anchor)
				s := New(Options{Seed: 1, Anchor: anchor, Now: clk.Now, CatchUp: -1, HistoryConversations: 40})
				t.Cleanup(s.Close)
				ch := s.Channel(acct.ID)
				idx := acct
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

// pullAll reads everything an account has now.
func pullAll(t *testing.T, s *Sim, accountID string) (items []convo.Inbound, cursor string) {
	t.Helper()
	ch := s.Channel(accountID)
	for range 1000 {
		b, err := ch.Pull(t.Context(), cursor)
		if err != nil {
			t.Fatalf("%s: %v", accountID, err)
		}
		items, cursor = append(items, b.Items...), b.Cursor
		if !b.More {
			return items, cursor
		}
	}
	t.Fatalf("%s: still more after 1000 pulls", accountID)
	return nil, ""
}

// TestDeterministic builds the desk twice, the second time with other calls
// to the Graph API first (as a run that sent replies): the same messages, with
// the same platform IDs.
func TestDeterministic(t *testing.T) {
	now := func() time.Time { return anchor.Add(time.Minute) }
	a := New(Options{Seed: 7, Anchor: anchor, Now: now})
	b := New(Options{Seed: 7, Anchor: anchor, Now: now})
	t.Cleanup(a.Close)
	t.Cleanup(b.Close)
	b.meta().g.NewUser("Someone else")
	for _, acct := range a.Accounts() {
		ia, _ := pullAll(t, a, acct.ID)
		ib, _ := pullAll(t, b, acct.ID)
		if len(ia) == 0 || len(ia) != len(ib) {
			t.Fatalf("%s: two sims with one seed differ: %d/%d items", acct.ID, len(ia), len(ib))
		}
		for i := range ia {
			if ia[i].Message.PlatformID != ib[i].Message.PlatformID || ia[i].Message.Text != ib[i].Message.Text || ia[i].ThreadID != ib[i].ThreadID {
				t.Fatalf("%s item %d differs: %+v / %+v", acct.ID, i, ia[i].Message, ib[i].Message)
			}
		}
	}
}

func TestDeskIsRealistic(t *testing.T) {
	s := New(Options{Seed: 7, Anchor: anchor, Now: func() time.Time { return anchor.Add(10 * time.Minute) }})
	t.Cleanup(s.Close)
	langs := map[string]int{}
	kinds := map[convo.Kind]int{}
	plats := map[convo.Platform]int{}
	for _, acct := range s.Accounts() {
		items, _ := pullAll(t, s, acct.ID)
		for _, it := range items {
			langs[it.Language]++
			kinds[it.Kind]++
			plats[acct.Platform]++
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
