package app

import (
	"errors"
	"strings"
	"testing"

	"sportello/app/channels"
	"sportello/app/channels/graphsim"
	"sportello/app/convo"
	"sportello/app/secrets"
	"sportello/app/store"
	"sportello/app/syncer"
)

// keys stands in for the OS keychain (package secrets is tested against a
// real Secret Service).
type keys map[string]string

func (k keys) Get(id string) (string, error) {
	if s, ok := k[id]; ok {
		return s, nil
	}
	return "", secrets.ErrNotFound
}

// TestMetaAccounts starts real Messenger, Page comments and Instagram
// accounts against the Graph simulator, with their tokens from the keychain.
func TestMetaAccounts(t *testing.T) {
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	page := sim.AddPage("Aurora Casa")
	ig := sim.AddInstagram("auroracasa")
	u := sim.NewUser("Giulia Rossi")
	sim.UserMessage(page.ID, u, "Il mio ordine?")
	top := sim.Comment(sim.AddPost(page.ID, "Saldi!"), u, "Fino a quando?")
	sim.UserMessage(ig.ID, u, "Taglia M?")

	accts := []convo.Account{
		{ID: "msg", Platform: convo.PlatformMessenger, Name: "Aurora Casa", Settings: map[string]string{SettingPageID: page.ID, SettingGraphURL: sim.URL(), SettingGraphVersion: "v22.0"}},
		{ID: "fb", Platform: convo.PlatformFacebook, Name: "Aurora Casa", Settings: map[string]string{SettingPageID: page.ID, SettingGraphURL: sim.URL()}},
		{ID: "ig", Platform: convo.PlatformInstagram, Name: "@auroracasa", Settings: map[string]string{SettingIGUserID: ig.ID, SettingGraphURL: sim.URL()}},
		{ID: "nokey", Platform: convo.PlatformMessenger, Name: "Senza token", Settings: map[string]string{SettingPageID: page.ID, SettingGraphURL: sim.URL()}},
	}
	a, _ := newApp(t, Config{Keychain: keys{"msg": page.Token, "fb": page.Token, "ig": ig.Token}})
	threads := map[string]string{"msg": u.PSID, "fb": top, "ig": u.IGSID}
	for _, acct := range accts {
		if err := a.Store.PutAccount(acct); err != nil {
			t.Fatal(err)
		}
		ch, err := a.channelFor(acct)
		if err != nil {
			t.Fatalf("channelFor(%s) = %v", acct.ID, err)
		}
		if ch.Capabilities().Platform != acct.Platform {
			t.Errorf("%s: channel for %s", acct.ID, ch.Capabilities().Platform)
		}
		e := syncer.New(a.Store, sim.Now, nil, nil)
		_, err = e.SyncOnce(t.Context(), acct.ID, ch)
		if acct.ID == "nokey" {
			if !errors.Is(err, channels.ErrAuth) {
				t.Errorf("an account with no token: SyncOnce = %v, want an auth error (needs login)", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: SyncOnce = %v", acct.ID, err)
		}
		if _, err := a.Store.Conversation(store.ConvID(acct.ID, threads[acct.ID])); err != nil {
			t.Errorf("%s: conversation %s not synced: %v", acct.ID, threads[acct.ID], err)
		}
	}
	if reqs := sim.Requests(); len(reqs) == 0 || !contains(reqs, "/v22.0/"+page.ID+"/conversations") {
		t.Errorf("the configured API version was not used: %v", reqs)
	}
	if _, err := a.channelFor(convo.Account{ID: "x", Platform: convo.PlatformInstagram}); err == nil {
		t.Error("an Instagram account with no account ID started")
	}
}

func contains(reqs []string, part string) bool {
	for _, r := range reqs {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}
