package desktop

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sportello/app"
	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/syncer"
)

// TestAccountsAndPrivateReply drives the demo workspace through the bound
// services: the account list, a private reply with its links in rows and
// threads, and removing an account.
func TestAccountsAndPrivateReply(t *testing.T) {
	core, err := app.New(app.Config{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	if err := core.Start(); err != nil {
		t.Fatal(err)
	}
	if err := core.StartDemo(); err != nil {
		t.Fatal(err)
	}
	accts := &AccountService{core: core}
	var list []Account
	for range 500 {
		if list, err = accts.List(); err == nil && len(list) == len(convo.Platforms) && allState(list, string(syncer.StateOnline)) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(list) != len(convo.Platforms) || !allState(list, string(syncer.StateOnline)) {
		t.Fatalf("List() = %+v, %v: want every demo account online", list, err)
	}

	var pub convo.Conversation
	_ = core.Store.ForEachConversation(func(c convo.Conversation) error {
		if pub.ID == "" && c.Kind == convo.KindComment && c.Platform == convo.PlatformFacebook && core.Now().Before(c.Created.Add(sla.PrivateReply)) {
			pub = c
		}
		return nil
	})
	if pub.ID == "" {
		t.Fatal("no Facebook comment in the demo")
	}
	conv := &ConversationService{core: core}
	th, err := conv.Open(pub.ID)
	if err != nil || th.Reply.PrivateReplyUntil == 0 || th.Conversation.LinkedID != "" {
		t.Fatalf("Open(comment) = reply %+v, linked %q, %v", th.Reply, th.Conversation.LinkedID, err)
	}
	comp := &ComposerService{core: core}
	res, err := comp.PrivateReply(PrivateReplyRequest{ConvID: pub.ID, Text: "Ciao, ti scriviamo qui", FollowUp: "Ti abbiamo scritto in privato"})
	if err != nil {
		t.Fatalf("PrivateReply = %v", err)
	}
	if res.Public.LinkedID != res.Private.ID || res.Private.LinkedID != pub.ID || res.Private.Platform != "messenger" || res.FollowUp.ID == "" {
		t.Errorf("PrivateReply = %+v", res)
	}
	th, _ = conv.Open(pub.ID)
	if th.Conversation.LinkedID != res.Private.ID || th.Reply.PrivateReplyUntil != 0 {
		t.Errorf("the public thread: linked %q, private reply until %d", th.Conversation.LinkedID, th.Reply.PrivateReplyUntil)
	}
	priv, _ := conv.Open(res.Private.ID)
	if priv.Conversation.LinkedID != pub.ID || len(priv.Messages) == 0 {
		t.Errorf("the private thread: linked %q, %d messages", priv.Conversation.LinkedID, len(priv.Messages))
	}
	// Meta opens no window with a private reply: the customer must answer first.
	if priv.Reply.Mode != string(sla.ModeAwaiting) {
		t.Errorf("the private thread's reply mode = %q, want %q", priv.Reply.Mode, sla.ModeAwaiting)
	}
	if _, err := comp.Send(SendRequest{ConvID: res.Private.ID, Text: "Ci sei?", Confirmed: true}); err == nil || !strings.Contains(err.Error(), "not answered the private reply") {
		t.Errorf("Send before the customer answered = %v, want a refusal", err)
	}
	if _, err := comp.PrivateReply(PrivateReplyRequest{ConvID: pub.ID, Text: "di nuovo"}); err == nil {
		t.Error("a second private reply was accepted")
	}
	if _, err := comp.PrivateReply(PrivateReplyRequest{ConvID: "c_nope", Text: "x"}); err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Errorf("PrivateReply(unknown) = %v", err)
	}

	// A form Go refuses says what to fix.
	if _, err := accts.Test(AccountForm{Platform: "facebook", PageID: "abc", Token: "EAA", Messenger: true}); !errors.Is(err, app.ErrAccountInput) {
		t.Errorf("Test(bad Page ID) = %v", err)
	}

	left, err := accts.Remove("demo-telegram")
	if err != nil || len(left) != len(list)-1 {
		t.Fatalf("Remove = %d accounts, %v", len(left), err)
	}
	st := (&AppService{core: core}).status()
	if len(st.Accounts) != len(list)-1 {
		t.Errorf("the top bar still shows %d accounts", len(st.Accounts))
	}
	if _, err := accts.Remove("demo-telegram"); err == nil {
		t.Error("removing twice succeeded")
	}
}

func allState(l []Account, state string) bool {
	for _, a := range l {
		if a.State != state {
			return false
		}
	}
	return true
}
