package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/outbox"
)

// metaMessages reads every message of the demo's Meta accounts, by conversation.
func metaMessages(t *testing.T, a *App) map[string][]convo.Message {
	t.Helper()
	out := map[string][]convo.Message{}
	err := a.Store.ForEachConversation(func(c convo.Conversation) error {
		if c.Platform != convo.PlatformMessenger && c.Platform != convo.PlatformFacebook && c.Platform != convo.PlatformInstagram {
			return nil
		}
		msgs, err := a.Store.Messages(c.ID, 0)
		out[c.ID] = msgs
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDemoMetaThroughGraphAPI: the demo's Messenger, Page comments and
// Instagram traffic comes through the real channels from the local Graph API;
// a reply goes out through it; after a restart (the Graph API rebuilt) and
// some live time, nothing is stored twice and nothing is lost.
func TestDemoMetaThroughGraphAPI(t *testing.T) {
	dir := t.TempDir()
	clk := testclock.New(t0)
	open := func() *App {
		a, err := New(Config{DataDir: dir, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open()
	if err := a.StartDemo(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every demo account online", func() bool { return allOnline(a) })
	before := metaMessages(t, a)
	ids := map[convo.Platform]int{}
	var reply convo.Conversation
	for id, msgs := range before {
		c, err := a.Store.Conversation(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			// Graph's own IDs: Messenger "m_…", Instagram base64 "ig_item…" and
			// comments "1785…", Page comments "<post>_<comment>".
			switch {
			case c.Platform == convo.PlatformMessenger && strings.HasPrefix(m.PlatformID, "m_"),
				c.Platform == convo.PlatformInstagram && c.Kind == convo.KindDM && strings.HasPrefix(m.PlatformID, "aWdfaXRlb"),
				c.Platform == convo.PlatformInstagram && c.Kind == convo.KindComment && strings.HasPrefix(m.PlatformID, "1785"),
				c.Platform == convo.PlatformFacebook && strings.Count(m.PlatformID, "_") == 1:
				ids[c.Platform]++
			default:
				t.Errorf("%s message %q: not a Graph API ID", c.Platform, m.PlatformID)
			}
		}
		if c.Platform == convo.PlatformMessenger && c.Status != convo.StatusResolved && clk.Now().Sub(c.LastIn) < 20*time.Hour &&
			(reply.ID == "" || c.ID < reply.ID) {
			reply = c
		}
	}
	for _, p := range []convo.Platform{convo.PlatformMessenger, convo.PlatformFacebook, convo.PlatformInstagram} {
		if ids[p] == 0 {
			t.Errorf("no %s messages from the Graph API", p)
		}
	}
	if reply.ID == "" {
		t.Fatal("no Messenger conversation inside its 24-hour window")
	}
	cust, err := a.Store.Customer(reply.CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	it, err := a.Outbox.Send(reply, cust.Identities[0], "Gentile cliente, il pacco parte oggi.", "", "", "Marta")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply sent through the Graph API", func() bool {
		items, _ := a.Outbox.Items(reply.ID)
		for _, x := range items {
			if x.ID == it.ID && x.State == outbox.Sent {
				it = x
				return true
			}
		}
		return false
	})
	if !strings.HasPrefix(it.PlatformID, "m_") {
		t.Errorf("the reply's platform ID %q is not Messenger's", it.PlatformID)
	}
	// Its echo comes back on the next poll and is stored once.
	if _, err := a.Sync.SyncOnce(t.Context(), reply.AccountID, mustChannel(t, a, reply.AccountID)); err != nil {
		t.Fatal(err)
	}
	sent := metaMessages(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	// Five minutes later: the Graph API is rebuilt in a new run, live messages have come.
	clk.Add(5 * time.Minute)
	b := open()
	waitFor(t, "every demo account online after the restart", func() bool { return allOnline(b) })
	for _, acct := range []string{"demo-messenger", "demo-facebook", "demo-instagram"} {
		if _, err := b.Sync.SyncOnce(t.Context(), acct, mustChannel(t, b, acct)); err != nil {
			t.Fatal(err)
		}
	}
	after := metaMessages(t, b)
	count := func(m map[string][]convo.Message) (n int) {
		for _, msgs := range m {
			n += len(msgs)
		}
		return n
	}
	if count(after) <= count(sent) {
		t.Errorf("no live Meta message after the restart: %d messages before, %d after", count(sent), count(after))
	}
	for id, msgs := range after {
		seen := map[string]bool{}
		for _, m := range msgs {
			k := fmt.Sprint(m.Direction, m.At.UnixNano(), m.Text)
			if seen[k] || seen[m.PlatformID] {
				t.Errorf("conversation %s holds %q (%s) twice", id, m.Text, m.PlatformID)
			}
			seen[k], seen[m.PlatformID] = true, true
		}
		for _, m := range sent[id] {
			if !seen[m.PlatformID] {
				t.Errorf("conversation %s lost %q (%s) in the restart", id, m.Text, m.PlatformID)
			}
		}
	}
	replies := 0
	for _, m := range after[reply.ID] {
		if m.Text == it.Text {
			replies++
		}
	}
	if replies != 1 {
		t.Errorf("the reply is stored %d times, want once", replies)
	}
}

func mustChannel(t *testing.T, a *App, account string) channels.Channel {
	t.Helper()
	ch, ok := a.channel(account)
	if !ok {
		t.Fatalf("account %s has no running channel", account)
	}
	return ch
}

// TestDemoFromAnEarlierBuild opens a demo workspace whose Meta accounts still
// have the cursors of the demo's own channels (before the Graph API): they
// carry on from now, online, instead of failing on a cursor they cannot read.
func TestDemoFromAnEarlierBuild(t *testing.T) {
	dir := t.TempDir()
	clk := testclock.New(t0)
	a, err := New(Config{DataDir: dir, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := a.StartDemo(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every demo account online", func() bool { return allOnline(a) })
	a.Close()

	b, err := New(Config{DataDir: dir, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	for _, acct := range []string{"demo-messenger", "demo-facebook", "demo-instagram"} {
		if _, err := b.Store.Ingest(acct, nil, "812.3"); err != nil { // the old demo's "<event>.<sent>"
			t.Fatal(err)
		}
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every demo account online with an old cursor", func() bool { return allOnline(b) })
	for _, acct := range []string{"demo-messenger", "demo-facebook", "demo-instagram"} {
		cur, err := b.Store.Cursor(acct)
		if err != nil {
			t.Fatal(err)
		}
		if cp, err := graph.DecodeCheckpoint(cur); err != nil || cp.Since < t0.Unix() {
			t.Errorf("%s: cursor %q after the upgrade (%v), want a Graph checkpoint from now", acct, cur, err)
		}
	}
}
