// Package channeltest is the conformance suite every channels.Channel must pass.
package channeltest

import (
	"context"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
)

// Harness gives the suite a fresh channel and a way to make its platform
// receive new customer messages.
type Harness struct {
	Channel channels.Channel
	// Produce makes the platform receive about n new inbound messages for
	// this account and returns how many it added (at least 1).
	Produce func(n int) int
}

// Run runs the whole suite; newHarness must return an independent platform each time.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Run("Capabilities", func(t *testing.T) {
		c := newHarness(t).Channel.Capabilities()
		if !c.Platform.Valid() {
			t.Errorf("Capabilities().Platform = %q, want a known platform", c.Platform)
		}
		if c.PollInterval <= 0 {
			t.Errorf("Capabilities().PollInterval = %v, want > 0", c.PollInterval)
		}
		if c.MaxText < 0 || c.ReplyWindow < 0 || c.ExtendedWindow < 0 {
			t.Errorf("Capabilities() = %+v, want no negative limits", c)
		}
	})
	t.Run("FullPullThenNothingNew", func(t *testing.T) {
		h := newHarness(t)
		n := h.Produce(30)
		items, cur := pullAll(t, h.Channel, "")
		if len(items) < n {
			t.Fatalf("pulled %d items after producing %d", len(items), n)
		}
		checkItems(t, h.Channel.Capabilities(), items)
		again, _ := pullAll(t, h.Channel, cur)
		if len(again) != 0 {
			t.Errorf("Pull(cursor after everything) = %d items, want 0", len(again))
		}
	})
	t.Run("ResumeFromCursor", func(t *testing.T) {
		h := newHarness(t)
		h.Produce(10)
		first, cur := pullAll(t, h.Channel, "")
		seen := map[string]bool{}
		for _, it := range first {
			seen[it.Message.PlatformID] = true
		}
		n := h.Produce(10)
		next, cur2 := pullAll(t, h.Channel, cur)
		newIn := 0
		for _, it := range next {
			if seen[it.Message.PlatformID] {
				t.Errorf("Pull(cursor) re-delivered %s that the cursor covers", it.Message.PlatformID)
			}
			if it.Message.Direction == convo.DirIn {
				newIn++
			}
		}
		if newIn < n {
			t.Errorf("Pull(cursor) = %d new inbound items, want ≥ %d", newIn, n)
		}
		// Starting over from the first cursor again loses nothing.
		replay, _ := pullAll(t, h.Channel, cur)
		if len(replay) < len(next) {
			t.Errorf("second Pull from the same cursor = %d items, want ≥ %d", len(replay), len(next))
		}
		if cur2 == cur {
			t.Errorf("cursor did not advance past new items: %q", cur2)
		}
	})
	t.Run("SendComesBackOnce", func(t *testing.T) {
		h := newHarness(t)
		h.Produce(3)
		items, cur := pullAll(t, h.Channel, "")
		var target convo.Inbound
		for _, it := range items {
			if it.Message.Direction == convo.DirIn {
				target = it
				break
			}
		}
		if target.ThreadID == "" {
			t.Fatal("no inbound item to reply to")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		sent, err := h.Channel.Send(ctx, channels.Outgoing{ThreadID: target.ThreadID, ClientID: "client-1", Text: "Grazie, ci pensiamo noi!", Kind: target.Kind, Public: target.Public})
		if err != nil {
			t.Fatalf("Send() error = %v", err)
		}
		if sent.PlatformID == "" || sent.At.IsZero() {
			t.Fatalf("Send() = %+v, want a platform ID and a time", sent)
		}
		back, _ := pullAll(t, h.Channel, cur)
		copies := 0
		for _, it := range back {
			if it.Message.Direction == convo.DirOut && it.Message.Text == "Grazie, ci pensiamo noi!" {
				copies++
				if it.Message.PlatformID != sent.PlatformID {
					t.Errorf("echo PlatformID = %q, want %q", it.Message.PlatformID, sent.PlatformID)
				}
				if it.ThreadID != target.ThreadID {
					t.Errorf("echo ThreadID = %q, want %q", it.ThreadID, target.ThreadID)
				}
			}
		}
		if copies > 1 {
			t.Errorf("the sent reply came back %d times, want at most once", copies)
		}
	})
	t.Run("CancelledContext", func(t *testing.T) {
		h := newHarness(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := h.Channel.Pull(ctx, ""); err == nil {
			t.Error("Pull(cancelled ctx) = nil error, want the context's error")
		}
	})
}

func pullAll(t *testing.T, ch channels.Channel, cur string) ([]convo.Inbound, string) {
	t.Helper()
	var all []convo.Inbound
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatal("Pull kept saying More after 10000 pages")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		b, err := ch.Pull(ctx, cur)
		cancel()
		if err != nil {
			t.Fatalf("Pull(%q) error = %v", cur, err)
		}
		if b.More && b.Cursor == cur && len(b.Items) == 0 {
			t.Fatalf("Pull(%q) says More but did not advance", cur)
		}
		all = append(all, b.Items...)
		if b.Cursor != "" {
			cur = b.Cursor
		}
		if !b.More {
			return all, cur
		}
	}
}

func checkItems(t *testing.T, caps channels.Capabilities, items []convo.Inbound) {
	t.Helper()
	ids := map[string]bool{}
	for _, it := range items {
		m := it.Message
		if m.PlatformID == "" || ids[m.PlatformID] {
			t.Errorf("item PlatformID %q empty or repeated in one pass", m.PlatformID)
		}
		ids[m.PlatformID] = true
		if it.ThreadID == "" || it.Customer.Handle == "" || !it.Customer.Platform.Valid() {
			t.Errorf("item %s lacks thread or customer identity: %+v", m.PlatformID, it)
		}
		if m.At.IsZero() {
			t.Errorf("item %s has no time", m.PlatformID)
		}
		switch it.Kind {
		case convo.KindDM, convo.KindComment, convo.KindMention, convo.KindEmail:
		default:
			t.Errorf("item %s kind = %q", m.PlatformID, it.Kind)
		}
		if it.Public != it.Kind.Public() && it.Kind != convo.KindComment {
			t.Errorf("item %s public = %v for kind %s", m.PlatformID, it.Public, it.Kind)
		}
		if m.Direction != convo.DirIn && m.Direction != convo.DirOut {
			t.Errorf("item %s direction = %q", m.PlatformID, m.Direction)
		}
		if caps.MaxText > 0 && m.Direction == convo.DirOut && len([]rune(m.Text)) > caps.MaxText {
			t.Errorf("outbound item %s is longer than the platform allows", m.PlatformID)
		}
	}
}
