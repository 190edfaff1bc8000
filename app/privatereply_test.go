package app

import (
	"strings"
	"testing"

	"sportello/app/convo"
	"sportello/app/sla"
)

// TestPrivateReplyDemo: the demo's Facebook and Instagram comments move to
// private conversations on the demo Messenger and Instagram accounts, linked
// both ways, once each; and the accounts can be removed, keeping their
// conversations.
func TestPrivateReplyDemo(t *testing.T) {
	a, _ := newApp(t, Config{})
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := a.StartDemo(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every demo account online", func() bool { return allOnline(a) })
	// Every comment: the commenter may or may not be known on the private platform yet.
	var comments []convo.Conversation
	err := a.Store.ForEachConversation(func(c convo.Conversation) error {
		if c.Kind == convo.KindComment && c.PrivateReplyAt.IsZero() && a.Now().Before(c.Created.Add(sla.PrivateReply)) {
			comments = append(comments, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[convo.Platform]convo.Platform{convo.PlatformFacebook: convo.PlatformMessenger, convo.PlatformInstagram: convo.PlatformInstagram}
	seen := map[convo.Platform]int{}
	for _, c := range comments {
		pub, priv := c.Platform, want[c.Platform]
		seen[pub]++
		text := "Ciao, ti scriviamo in privato sul commento " + c.ID
		res, err := a.PrivateReply(t.Context(), c.ID, text, "Ti abbiamo scritto in privato", "Marta")
		if err != nil {
			t.Fatalf("%s: PrivateReply = %v", pub, err)
		}
		if res.Private.Platform != priv || res.Private.Kind != convo.KindDM || res.Private.LinkedID != c.ID || res.Public.LinkedID != res.Private.ID {
			t.Errorf("%s: private %+v, public linked to %q", pub, res.Private, res.Public.LinkedID)
		}
		if res.Private.CustomerID != c.CustomerID {
			t.Errorf("%s: the private conversation's customer %s is not the commenter %s", pub, res.Private.CustomerID, c.CustomerID)
		}
		if _, err := a.PrivateReply(t.Context(), c.ID, "ancora", "", "Marta"); err == nil || !strings.Contains(err.Error(), "already") {
			t.Errorf("%s: second PrivateReply = %v, want a refusal", pub, err)
		}
		// The demo echoes the message on the private account's next pull: still one.
		ch, _ := a.channel(res.Private.AccountID)
		if _, err := a.Sync.SyncOnce(t.Context(), res.Private.AccountID, ch); err != nil {
			t.Fatal(err)
		}
		msgs, _ := a.Store.Messages(res.Private.ID, 0)
		n := 0
		for _, m := range msgs {
			if m.Text == text {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s: the private reply is stored %d times", pub, n)
		}
	}

	if seen[convo.PlatformFacebook] == 0 || seen[convo.PlatformInstagram] == 0 {
		t.Errorf("comments replied to privately: %v, want Facebook and Instagram ones", seen)
	}

	// A demo account can be removed; its conversations stay.
	before, _ := a.Accounts()
	if err := a.RemoveAccount("demo-x"); err != nil {
		t.Fatalf("RemoveAccount(demo-x) = %v", err)
	}
	after, _ := a.Accounts()
	if len(after) != len(before)-1 {
		t.Errorf("accounts after removing demo-x: %d, want %d", len(after), len(before)-1)
	}
	kept := 0
	_ = a.Store.ForEachConversation(func(c convo.Conversation) error {
		if c.AccountID == "demo-x" {
			kept++
		}
		return nil
	})
	if kept == 0 {
		t.Error("the removed demo account's conversations are gone")
	}
}
