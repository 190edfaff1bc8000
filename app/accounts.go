package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/convo"
)

// Connecting and removing accounts. A Facebook Page is two accounts (its
// Messenger inbox and its comments) sharing one Page token; an Instagram
// professional account is one (Direct messages and comments). Tokens go to
// the OS keychain only, filed under each account's ID; the store keeps the
// account without them.

// NewAccount is what the agent enters to connect a Meta account.
type NewAccount struct {
	// Platform is convo.PlatformFacebook (a Page) or convo.PlatformInstagram.
	Platform convo.Platform
	PageID   string // a Page's ID
	// Messenger and Comments choose what of a Page to connect (at least one).
	Messenger, Comments bool
	IGUserID            string // the Instagram professional account's ID
	// Node is where Instagram messaging hangs off: "me" with Instagram Login
	// (graph.instagram.com), or the linked Page's ID with Facebook Login.
	Node         string
	Token        string
	GraphURL     string // optional: the Graph host (tests, proxies)
	GraphVersion string // optional: e.g. "v23.0"
}

// Checked is what a successful account test learned.
type Checked struct {
	ID   string // the Page's or Instagram account's ID
	Name string // its name (a Page) or @username
}

// ErrAccountInput marks a form the agent must correct (nothing was called).
var ErrAccountInput = errors.New("check the account details")

// tokenStore is the keychain as connecting accounts needs it; secrets.Keychain is one.
type tokenStore interface {
	Keychain
	Set(accountID, secret string) error
	Delete(accountID string) error
}

// normalize trims the form and fills the defaults; it calls nothing.
func (n NewAccount) normalize() (NewAccount, error) {
	for _, f := range []*string{&n.PageID, &n.IGUserID, &n.Node, &n.Token, &n.GraphURL, &n.GraphVersion} {
		*f = strings.TrimSpace(*f)
	}
	bad := func(format string, args ...any) (NewAccount, error) {
		return n, fmt.Errorf(format+": %w", append(args, ErrAccountInput)...)
	}
	if n.Token == "" {
		return bad("paste the access token")
	}
	if strings.ContainsAny(n.Token, " \t\r\n") {
		return bad("the access token cannot contain spaces or line breaks")
	}
	digits := func(s string) bool {
		return s != "" && strings.Trim(s, "0123456789") == ""
	}
	switch n.Platform {
	case convo.PlatformFacebook:
		if !digits(n.PageID) {
			return bad("the Page ID is a number, e.g. 104458712345678 (Page settings → About → Page ID)")
		}
		if !n.Messenger && !n.Comments {
			return bad("choose Messenger, comments or both")
		}
	case convo.PlatformInstagram:
		if !digits(n.IGUserID) {
			return bad("the Instagram account ID is a number, e.g. 17841400000000000")
		}
		if n.Node == "" {
			n.Node = "me"
		}
		if n.Node != "me" && !digits(n.Node) {
			return bad(`messaging goes through "me" (Instagram Login) or the linked Page's ID (Facebook Login), not %q`, n.Node)
		}
		if n.GraphURL == "" && n.Node != "me" {
			n.GraphURL = graph.DefaultBaseURL // Facebook Login: Page token on graph.facebook.com
		}
	default:
		return bad("only Facebook Pages and Instagram accounts can be connected here, not %q", n.Platform)
	}
	if n.GraphURL != "" {
		u, err := url.Parse(n.GraphURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return bad("the Graph host must be an address like https://graph.facebook.com")
		}
		n.GraphURL = strings.TrimRight(n.GraphURL, "/")
	}
	return n, nil
}

// accounts are the accounts the form connects, without their token.
func (n NewAccount) accounts(name string) []convo.Account {
	settings := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	if n.Platform == convo.PlatformInstagram {
		return []convo.Account{{ID: "ig-" + n.IGUserID, Platform: convo.PlatformInstagram, Name: name,
			Settings: settings(SettingIGUserID, n.IGUserID, SettingNode, n.Node, SettingGraphURL, n.GraphURL, SettingGraphVersion, n.GraphVersion)}}
	}
	var out []convo.Account
	s := func() map[string]string {
		return settings(SettingPageID, n.PageID, SettingGraphURL, n.GraphURL, SettingGraphVersion, n.GraphVersion)
	}
	if n.Messenger {
		out = append(out, convo.Account{ID: "fb-msg-" + n.PageID, Platform: convo.PlatformMessenger, Name: name + " · Messenger", Settings: s()})
	}
	if n.Comments {
		out = append(out, convo.Account{ID: "fb-" + n.PageID, Platform: convo.PlatformFacebook, Name: name, Settings: s()})
	}
	return out
}

// TestAccount checks a token against the platform without saving anything:
// that it is valid, that it belongs to the Page or Instagram account
// entered, and that it has the permissions Sportello reads and writes with.
// Its errors say what to fix; the platform's own message is kept in them.
func (a *App) TestAccount(ctx context.Context, n NewAccount) (Checked, error) {
	n, err := n.normalize()
	if err != nil {
		return Checked{}, err
	}
	return a.testAccount(ctx, n)
}

func (a *App) testAccount(ctx context.Context, n NewAccount) (Checked, error) {
	base := n.GraphURL
	if base == "" && n.Platform == convo.PlatformInstagram {
		base = graph.InstagramBaseURL
	}
	api, err := graph.New(graph.Options{BaseURL: base, Version: n.GraphVersion, Token: n.Token, Now: a.Now})
	if err != nil {
		return Checked{}, fmt.Errorf("%w: %w", err, ErrAccountInput)
	}
	id, name, err := api.Me(ctx)
	if err != nil {
		return Checked{}, explain(err, "", "")
	}
	probe := func(path string, q url.Values, perm, what string) error {
		var l graph.List[struct {
			ID string `json:"id"`
		}]
		q.Set("limit", "1")
		if q.Get("fields") == "" {
			q.Set("fields", "id")
		}
		if _, err := api.Get(ctx, path, q, &l); err != nil {
			return explain(err, perm, what)
		}
		return nil
	}
	switch n.Platform {
	case convo.PlatformFacebook:
		if id != n.PageID {
			return Checked{}, fmt.Errorf("this token belongs to %q (ID %s), not to the Page %s: use that Page's own access token (a Page token, not a user token)", name, id, n.PageID)
		}
		if n.Messenger {
			if err := probe(n.PageID+"/conversations", url.Values{"platform": {"messenger"}}, "pages_messaging", "read and answer the Page's Messenger conversations"); err != nil {
				return Checked{}, err
			}
		}
		if n.Comments {
			if err := probe(n.PageID+"/feed", url.Values{}, "pages_read_engagement", "read the Page's posts and comments"); err != nil {
				return Checked{}, err
			}
		}
		return Checked{ID: id, Name: name}, nil
	case convo.PlatformInstagram:
		instagramLogin := n.Node == "me"
		if !instagramLogin && id != n.Node {
			return Checked{}, fmt.Errorf("this token belongs to %q (ID %s), not to the Page %s linked to the Instagram account: use that Page's access token", name, id, n.Node)
		}
		var acct struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		}
		if _, err := api.Get(ctx, n.IGUserID, url.Values{"fields": {"id,username"}}, &acct); err != nil {
			if errors.Is(err, graph.ErrNotFound) {
				return Checked{}, fmt.Errorf("this token cannot see the Instagram account %s: check the ID, or connect the token of the account (or of its linked Page): %w", n.IGUserID, err)
			}
			return Checked{}, explain(err, "", "")
		}
		perm := func(ig, fb string) string {
			if instagramLogin {
				return ig
			}
			return fb
		}
		if err := probe(n.IGUserID+"/media", url.Values{}, perm("instagram_business_basic", "instagram_basic"), "read the account's posts"); err != nil {
			return Checked{}, err
		}
		if err := probe(n.Node+"/conversations", url.Values{"platform": {"instagram"}}, perm("instagram_business_manage_messages", "instagram_manage_messages"), "read and answer Direct messages"); err != nil {
			return Checked{}, err
		}
		name = acct.Username
		if name == "" {
			name = n.IGUserID
		} else if !strings.HasPrefix(name, "@") {
			name = "@" + name
		}
		return Checked{ID: n.IGUserID, Name: name}, nil
	}
	return Checked{}, fmt.Errorf("%s accounts cannot be tested: %w", n.Platform, ErrAccountInput)
}

// explain turns a failed Graph call into what the agent must do, keeping the
// platform's message (and code) at the end.
func explain(err error, perm, what string) error {
	switch {
	case errors.Is(err, graph.ErrPermission):
		if perm == "" {
			return fmt.Errorf("the token lacks a permission Sportello needs; generate a new one with it: %w", err)
		}
		return fmt.Errorf("the token lacks the %s permission, needed to %s; generate a new token with it (and the Page task it requires): %w", perm, what, err)
	case errors.Is(err, channels.ErrAuth):
		return fmt.Errorf("the token is wrong or has expired; paste a new one: %w", err)
	case errors.Is(err, channels.ErrOffline):
		return fmt.Errorf("cannot reach Meta's servers; check the connection and try again: %w", err)
	}
	var rl *channels.RateLimited
	if errors.As(err, &rl) {
		return fmt.Errorf("the platform is throttling this app or account (Meta's rate limits); try again later: %w", err)
	}
	return fmt.Errorf("the platform refused the test: %w", err)
}

// AddAccount tests the token, saves it in the OS keychain, stores the
// account(s) and starts syncing them. Adding an account that is already
// connected replaces its token and settings (how an expired login is
// renewed) and restarts its sync; one removed earlier comes back with its
// conversations.
func (a *App) AddAccount(ctx context.Context, n NewAccount) ([]convo.Account, error) {
	n, err := n.normalize()
	if err != nil {
		return nil, err
	}
	keys, ok := a.keychain.(tokenStore)
	if !ok {
		return nil, errors.New("this keychain cannot save tokens")
	}
	checked, err := a.testAccount(ctx, n)
	if err != nil {
		return nil, err
	}
	existing, err := a.Store.Accounts()
	if err != nil {
		return nil, err
	}
	out := n.accounts(checked.Name)
	for i := range out {
		acct := &out[i]
		acct.Created = a.Now().UTC()
		if j := slices.IndexFunc(existing, func(e convo.Account) bool { return e.ID == acct.ID }); j >= 0 {
			acct.Created = existing[j].Created
		}
		if err := keys.Set(acct.ID, n.Token); err != nil {
			return nil, fmt.Errorf("the token could not be saved in the OS keychain, so the account was not added: %w", err)
		}
		if err := a.Store.PutAccount(*acct); err != nil {
			return nil, err
		}
	}
	if err := a.Queue.RefreshAccounts(); err != nil {
		a.Log.Warn("account names not refreshed", "err", err)
	}
	for _, acct := range out {
		a.stopAccount(acct.ID) // a renewed token: the running channel has the old one
		if err := a.startAccount(acct); err != nil {
			return out, fmt.Errorf("account %s saved but not started: %w", acct.Name, err)
		}
	}
	return out, nil
}

// Accounts lists the connected accounts (not the removed ones).
func (a *App) Accounts() ([]convo.Account, error) {
	all, err := a.Store.Accounts()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(acct convo.Account) bool { return !acct.Removed.IsZero() }), nil
}

// RemoveAccount stops an account's sync, deletes its token from the
// keychain and marks it removed. Its conversations stay, readable under the
// account's name; adding the account again resumes where its sync stopped.
func (a *App) RemoveAccount(id string) error {
	accts, err := a.Store.Accounts()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(accts, func(acct convo.Account) bool { return acct.ID == id })
	if i < 0 || !accts[i].Removed.IsZero() {
		return fmt.Errorf("no connected account %q", id)
	}
	acct := accts[i]
	a.stopAccount(id)
	if !acct.Demo {
		if keys, ok := a.keychain.(tokenStore); ok {
			if err := keys.Delete(id); err != nil {
				return fmt.Errorf("the account's sync stopped, but its token could not be deleted from the OS keychain: %w", err)
			}
		}
	}
	acct.Removed = a.Now().UTC()
	return a.Store.PutAccount(acct)
}

// stopAccount ends an account's sync loop, if it runs.
func (a *App) stopAccount(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if stop := a.stops[id]; stop != nil {
		stop()
	}
	delete(a.stops, id)
	delete(a.running, id)
}
