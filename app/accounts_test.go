package app

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
	"sportello/app/convo"
	"sportello/app/outbox"
	"sportello/app/secrets"
	"sportello/app/sla"
	"sportello/app/store"
)

// testKeychain is the real OS keychain (a Secret Service), but only a
// throwaway one: scripts/keyring-session.sh (make test) starts it and sets
// SPORTELLO_TEST_KEYCHAIN. Entries go under a test-only service name.
func testKeychain(t *testing.T) *secrets.Keychain {
	t.Helper()
	if os.Getenv("SPORTELLO_TEST_KEYCHAIN") == "" {
		msg := "no throwaway OS keychain: run under scripts/keyring-session.sh (make test does)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	k := secrets.New("Sportello test " + t.Name())
	if err := k.DeleteAll(); err != nil {
		t.Fatalf("DeleteAll() before the test = %v: is the keychain running and unlocked?", err)
	}
	t.Cleanup(func() { _ = k.DeleteAll() })
	return k
}

// metaApp is a started app on the simulator's clock, with the real keychain.
func metaApp(t *testing.T, sim *graphsim.Sim, k Keychain) *App {
	t.Helper()
	a, err := New(Config{InMemory: true, Now: sim.Now, Keychain: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	return a
}

func pageForm(sim *graphsim.Sim, page graphsim.Account) NewAccount {
	return NewAccount{Platform: convo.PlatformFacebook, PageID: page.ID, Messenger: true, Comments: true, Token: page.Token, GraphURL: sim.URL()}
}

func waitConversation(t *testing.T, a *App, acct, thread string) convo.Conversation {
	t.Helper()
	var c convo.Conversation
	waitFor(t, "conversation "+thread+" of "+acct, func() bool {
		var err error
		c, err = a.Store.Conversation(store.ConvID(acct, thread))
		return err == nil
	})
	return c
}

func TestTestAccountErrors(t *testing.T) {
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	page := sim.AddPage("Aurora Casa")
	other := sim.AddPage("Altra Pagina")
	ig := sim.AddInstagram("auroracasa")
	a := metaApp(t, sim, secrets.New("unused"))

	good := pageForm(sim, page)
	if got, err := a.TestAccount(t.Context(), good); err != nil || got.ID != page.ID || got.Name != "Aurora Casa" {
		t.Fatalf("TestAccount(the Page's token) = %+v, %v, want %s, Aurora Casa", got, err, page.ID)
	}
	igForm := NewAccount{Platform: convo.PlatformInstagram, IGUserID: ig.ID, Token: ig.Token, GraphURL: sim.URL()}
	if got, err := a.TestAccount(t.Context(), igForm); err != nil || got.Name != "@auroracasa" {
		t.Fatalf("TestAccount(Instagram) = %+v, %v, want @auroracasa", got, err)
	}

	tests := []struct {
		name string
		form NewAccount
		// fault is injected before the test, expire expires the Page's token.
		fault  *graphsim.Fault
		expire bool
		is     error
		says   []string
	}{
		{name: "no token", form: withForm(good, func(f *NewAccount) { f.Token = " " }), is: ErrAccountInput, says: []string{"paste the access token"}},
		{name: "Page ID not a number", form: withForm(good, func(f *NewAccount) { f.PageID = "aurora.casa" }), is: ErrAccountInput, says: []string{"Page ID is a number"}},
		{name: "nothing chosen", form: withForm(good, func(f *NewAccount) { f.Messenger, f.Comments = false, false }), is: ErrAccountInput},
		{name: "bad host", form: withForm(good, func(f *NewAccount) { f.GraphURL = "ftp://x" }), is: ErrAccountInput},
		{name: "X is not connected here", form: withForm(good, func(f *NewAccount) { f.Platform = convo.PlatformX }), is: ErrAccountInput},
		{name: "wrong token", form: withForm(good, func(f *NewAccount) { f.Token = "EAAnotatoken" }), is: channels.ErrAuth,
			says: []string{"wrong or has expired", "Invalid OAuth access token", "Graph error 190"}},
		{name: "expired token", form: good, expire: true, is: channels.ErrAuth, says: []string{"wrong or has expired", "Session has expired", "190/463"}},
		{name: "another Page's token", form: withForm(good, func(f *NewAccount) { f.Token = other.Token }), says: []string{`"Altra Pagina"`, "not to the Page " + page.ID}},
		{name: "no pages_messaging", form: good, is: graph.ErrPermission,
			fault: &graphsim.Fault{Match: "/conversations", Code: 230, Message: "(#230) Requires pages_messaging permission to manage the object"},
			says:  []string{"lacks the pages_messaging permission", "Messenger", "(#230) Requires pages_messaging"}},
		{name: "no pages_read_engagement", form: good, is: graph.ErrPermission,
			fault: &graphsim.Fault{Match: "/feed", Code: 10, Message: "(#10) This endpoint requires the 'pages_read_engagement' permission"},
			says:  []string{"lacks the pages_read_engagement permission", "posts and comments"}},
		{name: "Instagram without messaging", form: igForm, is: graph.ErrPermission,
			fault: &graphsim.Fault{Match: "me/conversations", Code: 200, Message: "(#200) Insufficient permission"},
			says:  []string{"lacks the instagram_business_manage_messages permission", "Direct messages"}},
		{name: "Instagram account the token cannot see", form: withForm(igForm, func(f *NewAccount) { f.IGUserID = "17841499999999999" }),
			is: graph.ErrNotFound, says: []string{"cannot see the Instagram account 17841499999999999"}},
		{name: "throttled", form: good, fault: &graphsim.Fault{Code: 4}, says: []string{"throttling"}},
		{name: "offline", form: withForm(good, func(f *NewAccount) { f.GraphURL = "http://127.0.0.1:1" }), is: channels.ErrOffline, says: []string{"cannot reach"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				sim.Fail(*tt.fault)
			}
			if tt.expire {
				expired := sim.AddPage("Scaduta")
				sim.ExpireToken(expired.ID)
				tt.form.PageID, tt.form.Token = expired.ID, expired.Token
			}
			_, err := a.TestAccount(t.Context(), tt.form)
			if err == nil {
				t.Fatalf("TestAccount(%+v) = nil error", tt.form)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("TestAccount = %v, want it to be %v", err, tt.is)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("TestAccount = %q, want it to say %q", err, s)
				}
			}
			if tok := strings.TrimSpace(tt.form.Token); tok != "" && strings.Contains(err.Error(), tok) {
				t.Errorf("the error shows the token: %q", err)
			}
		})
	}
	if accts, _ := a.Store.Accounts(); len(accts) != 0 {
		t.Errorf("testing saved accounts: %+v", accts)
	}
}

// TestAccountLifecycle adds a Page with its token, which goes to the OS
// keychain only, syncs it, removes one of its accounts (its conversations
// stay), and adds it back.
func TestAccountLifecycle(t *testing.T) {
	k := testKeychain(t)
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	page := sim.AddPage("Aurora Casa")
	u := sim.NewUser("Giulia Rossi")
	sim.UserMessage(page.ID, u, "Il mio ordine?")
	top := sim.Comment(sim.AddPost(page.ID, "Saldi!"), u, "Fino a quando?")
	a := metaApp(t, sim, k)

	added, err := a.AddAccount(t.Context(), pageForm(sim, page))
	if err != nil {
		t.Fatalf("AddAccount = %v", err)
	}
	ids := []string{"fb-msg-" + page.ID, "fb-" + page.ID}
	if len(added) != 2 || added[0].ID != ids[0] || added[0].Platform != convo.PlatformMessenger || added[1].ID != ids[1] || added[1].Platform != convo.PlatformFacebook {
		t.Fatalf("AddAccount = %+v, want the Page's Messenger and comments accounts %v", added, ids)
	}
	for _, id := range ids {
		if got, err := k.Get(id); got != page.Token || err != nil {
			t.Errorf("keychain[%s] = %q, %v, want the Page token", id, got, err)
		}
	}
	stored, err := a.Store.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(stored)
	if strings.Contains(string(raw), page.Token) {
		t.Errorf("the token is stored in the data folder: %s", raw)
	}
	dm := waitConversation(t, a, ids[0], u.PSID)
	pub := waitConversation(t, a, ids[1], top)
	if dm.Platform != convo.PlatformMessenger || pub.Kind != convo.KindComment || !pub.Public {
		t.Errorf("synced %+v and %+v", dm, pub)
	}
	if got, _ := a.Accounts(); len(got) != 2 {
		t.Errorf("Accounts() = %+v, want 2", got)
	}
	if _, err := a.AddAccount(t.Context(), withForm(pageForm(sim, page), func(f *NewAccount) { f.Token = "EAAwrong" })); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("AddAccount(wrong token) = %v, want an auth error", err)
	}
	if got, _ := k.Get(ids[0]); got != page.Token {
		t.Errorf("a refused token replaced the good one: %q", got)
	}

	// Remove the Messenger inbox: the sync stops, the token goes, the conversation stays.
	if err := a.RemoveAccount(ids[0]); err != nil {
		t.Fatalf("RemoveAccount = %v", err)
	}
	if _, err := k.Get(ids[0]); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("the removed account's token is still in the keychain: %v", err)
	}
	if got, _ := k.Get(ids[1]); got != page.Token {
		t.Errorf("removing the inbox deleted the comments' token too")
	}
	if _, ok := a.channel(ids[0]); ok {
		t.Error("the removed account still has a running channel")
	}
	if got, _ := a.Accounts(); len(got) != 1 || got[0].ID != ids[1] {
		t.Errorf("Accounts() after removing = %+v, want only %s", got, ids[1])
	}
	if c, err := a.Store.Conversation(dm.ID); err != nil || c.ID != dm.ID {
		t.Errorf("the removed account's conversation is gone: %v", err)
	}
	if name := a.Queue.AccountName(ids[0]); name != "Aurora Casa · Messenger" {
		t.Errorf("the kept conversations show the account as %q", name)
	}
	if err := a.RemoveAccount(ids[0]); err == nil {
		t.Error("removing twice succeeded")
	}
	// After a restart of the core the removed account stays stopped.
	a2, err := New(Config{InMemory: true, Now: sim.Now, Keychain: k})
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range stored {
		if acct.ID == ids[0] {
			acct.Removed = sim.Now()
		}
		if err := a2.Store.PutAccount(acct); err != nil {
			t.Fatal(err)
		}
	}
	if err := a2.Start(); err != nil {
		t.Fatal(err)
	}
	_, running := a2.channel(ids[0])
	_, other := a2.channel(ids[1])
	a2.Close()
	if running || !other {
		t.Errorf("after a restart: removed account running = %v, the other running = %v", running, other)
	}

	// Adding it back resumes the conversation where its sync stopped.
	sim.Advance(time.Minute)
	sim.UserMessage(page.ID, u, "Ci siete?")
	if _, err := a.AddAccount(t.Context(), withForm(pageForm(sim, page), func(f *NewAccount) { f.Comments = false })); err != nil {
		t.Fatalf("AddAccount again = %v", err)
	}
	waitFor(t, "the new message in the old conversation", func() bool {
		c, err := a.Store.Conversation(dm.ID)
		return err == nil && c.MessageCount == 2
	})
	if got, _ := a.Accounts(); len(got) != 2 {
		t.Errorf("Accounts() after adding back = %+v, want 2", got)
	}
}

func withForm(f NewAccount, change func(*NewAccount)) NewAccount {
	change(&f)
	return f
}

// TestPrivateReply moves a public Page comment to Messenger: the one
// private reply goes out, both conversations are linked both ways, the
// public follow-up goes through the outbox, and the next sync doubles nothing.
func TestPrivateReply(t *testing.T) {
	k := testKeychain(t)
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	page := sim.AddPage("Aurora Casa")
	u := sim.NewUser("Giulia Rossi")
	post := sim.AddPost(page.ID, "Saldi!")
	top := sim.Comment(post, u, "Il mio ordine non è arrivato, è una vergogna")
	a := metaApp(t, sim, k)

	// Without the Page's Messenger inbox the private conversation has nowhere to go.
	if _, err := a.AddAccount(t.Context(), withForm(pageForm(sim, page), func(f *NewAccount) { f.Messenger = false })); err != nil {
		t.Fatal(err)
	}
	pub := waitConversation(t, a, "fb-"+page.ID, top)
	if _, err := a.PrivateReply(t.Context(), pub.ID, "Ciao Giulia", "", "Marta"); err == nil || !strings.Contains(err.Error(), "Messenger inbox") {
		t.Fatalf("PrivateReply with no Messenger account = %v, want it to ask for the inbox", err)
	}
	if sim.Comments(page.ID)[0].PrivateReplied {
		t.Fatal("a refused private reply reached the platform")
	}
	if _, err := a.AddAccount(t.Context(), pageForm(sim, page)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PrivateReply(t.Context(), pub.ID, "  ", "", "Marta"); err == nil {
		t.Error("an empty private reply was accepted")
	}

	const text, follow = "Ciao Giulia, ci scusiamo: ci mandi il numero d'ordine qui?", "Ti abbiamo scritto in privato"
	res, err := a.PrivateReply(t.Context(), pub.ID, text, follow, "Marta")
	if err != nil {
		t.Fatalf("PrivateReply = %v", err)
	}
	privID := store.ConvID("fb-msg-"+page.ID, u.PSID)
	if res.Public.LinkedID != privID || res.Public.PrivateReplyAt.IsZero() {
		t.Errorf("public conversation: linked %q, private reply at %v; want %s and a time", res.Public.LinkedID, res.Public.PrivateReplyAt, privID)
	}
	if res.Private.ID != privID || res.Private.LinkedID != pub.ID || res.Private.Public || res.Private.Kind != convo.KindDM {
		t.Errorf("private conversation %+v, want %s linked to %s", res.Private, privID, pub.ID)
	}
	if res.Private.CustomerID != pub.CustomerID {
		t.Errorf("the private conversation has customer %s, the comment %s: want one customer", res.Private.CustomerID, pub.CustomerID)
	}
	msgs, err := a.Store.Messages(privID, 0)
	if err != nil || len(msgs) != 1 || msgs[0].Text != text || msgs[0].Direction != convo.DirOut || msgs[0].Author != "Marta" {
		t.Errorf("private conversation messages = %+v, %v", msgs, err)
	}
	if got := sla.ReplyState(res.Public, sim.Now()).PrivateReplyUntil; !got.IsZero() {
		t.Errorf("after the private reply, PrivateReplyUntil = %v, want none", got)
	}
	if c := sim.Comments(page.ID)[0]; !c.PrivateReplied {
		t.Errorf("the platform did not get the private reply: %+v", c)
	}
	if res.FollowUp == nil || res.FollowUp.Text != follow || res.FollowUp.ConvID != pub.ID {
		t.Fatalf("follow-up = %+v", res.FollowUp)
	}
	waitFor(t, "the public follow-up to go out", func() bool {
		for _, c := range sim.Comments(page.ID) {
			if c.FromSelf && c.Text == follow && c.Top == top {
				return true
			}
		}
		return false
	})
	waitFor(t, "the follow-up's state", func() bool {
		its, err := a.Outbox.Items(pub.ID)
		return err == nil && len(its) == 1 && its[0].State == outbox.Sent
	})

	// Once only: the app refuses, and so would the platform.
	if _, err := a.PrivateReply(t.Context(), pub.ID, "Ancora", "", "Marta"); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("a second private reply = %v, want a refusal", err)
	}

	// The Messenger sync brings the same message back: stored once, links kept.
	ch, _ := a.channel("fb-msg-" + page.ID)
	if _, err := a.Sync.SyncOnce(t.Context(), "fb-msg-"+page.ID, ch); err != nil {
		t.Fatal(err)
	}
	priv, err := a.Store.Conversation(privID)
	if err != nil || priv.MessageCount != 1 || priv.LinkedID != pub.ID {
		t.Errorf("after the sync the private conversation is %+v, %v; want 1 message, linked", priv, err)
	}
	// The customer answers in private: their message joins the linked conversation.
	sim.Advance(time.Minute)
	sim.UserMessage(page.ID, u, "Ordine 48213")
	if _, err := a.Sync.SyncOnce(t.Context(), "fb-msg-"+page.ID, ch); err != nil {
		t.Fatal(err)
	}
	if priv, _ = a.Store.Conversation(privID); priv.MessageCount != 2 || priv.LinkedID != pub.ID {
		t.Errorf("after the answer the private conversation is %+v", priv)
	}
}

// TestPrivateReplyInstagramRules: an Instagram comment's private reply
// opens a Direct conversation of the same account; after 7 days, or once
// replied from elsewhere, there is none.
func TestPrivateReplyInstagramRules(t *testing.T) {
	k := testKeychain(t)
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	ig := sim.AddInstagram("auroracasa")
	u, v, w := sim.NewUser("Luca Bianchi"), sim.NewUser("Anna Verdi"), sim.NewUser("Sara Neri")
	media := sim.AddMedia(ig.ID, "Nuova collezione")
	first := sim.Comment(media, u, "Quanto costa?")
	old := sim.Comment(media, w, "Bello!")
	a := metaApp(t, sim, k)
	if _, err := a.AddAccount(t.Context(), NewAccount{Platform: convo.PlatformInstagram, IGUserID: ig.ID, Token: ig.Token, GraphURL: sim.URL()}); err != nil {
		t.Fatal(err)
	}
	acct := "ig-" + ig.ID

	pub := waitConversation(t, a, acct, "comment:"+first)
	late := waitConversation(t, a, acct, "comment:"+old)
	res, err := a.PrivateReply(t.Context(), pub.ID, "Ciao Luca, 49 €", "", "Marta")
	if err != nil {
		t.Fatalf("PrivateReply = %v", err)
	}
	if want := store.ConvID(acct, u.IGSID); res.Private.ID != want || res.Public.LinkedID != want || res.Private.LinkedID != pub.ID {
		t.Errorf("linked %s ↔ %s (back %s), want %s", res.Public.ID, res.Public.LinkedID, res.Private.LinkedID, want)
	}
	if res.Private.CustomerID != pub.CustomerID {
		t.Errorf("the Direct conversation has customer %s, the comment %s: want one customer", res.Private.CustomerID, pub.CustomerID)
	}
	if res.FollowUp != nil {
		t.Errorf("a follow-up was queued: %+v", res.FollowUp)
	}

	// Older than 7 days: refused before any call.
	sim.Advance(7*24*time.Hour + time.Minute)
	before := len(sim.Requests())
	if _, err := a.PrivateReply(t.Context(), late.ID, "Ciao", "", "Marta"); err == nil || !strings.Contains(err.Error(), "7 days") {
		t.Errorf("PrivateReply after 7 days = %v, want the 7-day refusal", err)
	}
	if len(sim.Requests()) != before {
		t.Error("a late private reply reached the platform")
	}

	// Replied from Meta's own inbox: the platform refuses (10900) and the
	// app stops offering it.
	second := sim.Comment(media, v, "Spedite in Svizzera?")
	ch, _ := a.channel(acct)
	if _, err := a.Sync.SyncOnce(t.Context(), acct, ch); err != nil {
		t.Fatal(err)
	}
	pub2 := waitConversation(t, a, acct, "comment:"+second)
	api, err := graph.New(graph.Options{BaseURL: sim.URL(), Token: ig.Token})
	if err != nil {
		t.Fatal(err)
	}
	dms := &graph.DMs{API: api, Node: "me", Platform: "instagram", Self: ig.ID}
	if _, _, err := dms.PrivateReply(t.Context(), second, "dall'app di Meta"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PrivateReply(t.Context(), pub2.ID, "Sì", "", "Marta"); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("PrivateReply after one from elsewhere = %v, want already replied", err)
	}
	if c, _ := a.Store.Conversation(pub2.ID); c.PrivateReplyAt.IsZero() {
		t.Error("the comment still offers a private reply")
	}

	// A DM is not a public comment.
	if _, err := a.PrivateReply(t.Context(), res.Private.ID, "x", "", "Marta"); err == nil {
		t.Error("a private reply to a DM was accepted")
	}
}
