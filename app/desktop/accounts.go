package desktop

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"sportello/app"
	"sportello/app/convo"
	"sportello/app/syncer"
)

// Account is a connected account as the Accounts dialog lists it.
type Account struct {
	ID           string `json:"id"`
	Platform     string `json:"platform"`
	Name         string `json:"name"`
	Demo         bool   `json:"demo"`
	State        string `json:"state"` // syncing, online, offline, rate-limited, needs-login, paused
	Error        string `json:"error"`
	LastSync     int64  `json:"lastSync"`
	Created      int64  `json:"created"`
	PageID       string `json:"pageId"`
	IGUserID     string `json:"igUserId"`
	Node         string `json:"node"`
	GraphURL     string `json:"graphUrl"`
	GraphVersion string `json:"graphVersion"`
}

// AccountForm is a Facebook Page or an Instagram account to connect. The
// token goes to the OS keychain only.
type AccountForm struct {
	Platform     string `json:"platform"` // facebook (a Page) or instagram
	PageID       string `json:"pageId"`
	Messenger    bool   `json:"messenger"` // a Page's Messenger inbox
	Comments     bool   `json:"comments"`  // a Page's comments
	IGUserID     string `json:"igUserId"`
	Node         string `json:"node"` // instagram: "me" (Instagram Login) or the linked Page's ID (Facebook Login)
	Token        string `json:"token"`
	GraphURL     string `json:"graphUrl"`
	GraphVersion string `json:"graphVersion"`
}

// AccountCheck is what a successful test found.
type AccountCheck struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AccountService connects, tests and removes accounts.
type AccountService struct {
	core     *app.App
	notifier *Notifier
}

// accountTimeout bounds a test against the platform (a few Graph calls).
const accountTimeout = 30 * time.Second

func (f AccountForm) core() app.NewAccount {
	return app.NewAccount{Platform: convo.Platform(f.Platform), PageID: f.PageID, Messenger: f.Messenger, Comments: f.Comments,
		IGUserID: f.IGUserID, Node: f.Node, Token: f.Token, GraphURL: f.GraphURL, GraphVersion: f.GraphVersion}
}

// List returns the connected accounts with their sync state.
func (s *AccountService) List() ([]Account, error) {
	accts, err := s.core.Accounts()
	if err != nil {
		return nil, clean(err)
	}
	// In the platforms' display order, then by name.
	slices.SortStableFunc(accts, func(a, b convo.Account) int {
		if c := cmp.Compare(slices.Index(convo.Platforms, a.Platform), slices.Index(convo.Platforms, b.Platform)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	sync := s.core.Sync.Statuses()
	out := make([]Account, 0, len(accts))
	for _, a := range accts {
		ss := sync[a.ID]
		state := string(ss.State)
		if state == "" {
			state = string(syncer.StateOffline)
		}
		out = append(out, Account{ID: a.ID, Platform: string(a.Platform), Name: a.Name, Demo: a.Demo, State: state, Error: ss.Err,
			LastSync: ms(ss.LastSync), Created: ms(a.Created), PageID: a.Settings[app.SettingPageID], IGUserID: a.Settings[app.SettingIGUserID],
			Node: a.Settings[app.SettingNode], GraphURL: a.Settings[app.SettingGraphURL], GraphVersion: a.Settings[app.SettingGraphVersion]})
	}
	return out, nil
}

// Test checks a token against the platform without saving anything.
func (s *AccountService) Test(f AccountForm) (AccountCheck, error) {
	ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
	defer cancel()
	c, err := s.core.TestAccount(ctx, f.core())
	if err != nil {
		return AccountCheck{}, err
	}
	return AccountCheck{ID: c.ID, Name: c.Name}, nil
}

// Add tests the token, saves it in the OS keychain, connects the account(s)
// and starts syncing; it returns every connected account.
func (s *AccountService) Add(f AccountForm) ([]Account, error) {
	ctx, cancel := context.WithTimeout(context.Background(), accountTimeout)
	defer cancel()
	if _, err := s.core.AddAccount(ctx, f.core()); err != nil {
		return nil, clean(err)
	}
	s.changed()
	return s.List()
}

// Remove stops an account's sync and deletes its token; its conversations
// stay. It returns the accounts still connected.
func (s *AccountService) Remove(id string) ([]Account, error) {
	if err := s.core.RemoveAccount(id); err != nil {
		return nil, clean(err)
	}
	s.changed()
	return s.List()
}

// changed tells the window that the accounts changed (the top bar's chips).
func (s *AccountService) changed() {
	if s.notifier != nil {
		s.notifier.StatusChanged(syncer.Status{})
	}
}
