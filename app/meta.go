package app

import (
	"errors"
	"fmt"

	"sportello/app/channels"
	"sportello/app/channels/fbcomments"
	"sportello/app/channels/graph"
	"sportello/app/channels/instagram"
	"sportello/app/channels/messenger"
	"sportello/app/convo"
	"sportello/app/secrets"
)

// Settings of a Meta account (Messenger, Page comments, Instagram). The
// token is not among them: it lives in the OS keychain under the account ID.
const (
	SettingPageID       = "pageId"       // messenger, facebook: the Page's ID
	SettingIGUserID     = "igUserId"     // instagram: the professional account's ID
	SettingNode         = "node"         // instagram with Facebook Login: the linked Page's ID ("me" by default)
	SettingGraphURL     = "graphUrl"     // optional: the Graph host (defaults per platform)
	SettingGraphVersion = "graphVersion" // optional: e.g. "v23.0"
)

// Keychain reads account tokens; secrets.Keychain is the real one.
type Keychain interface {
	Get(accountID string) (string, error)
}

// metaChannel builds the channel of a Messenger, Page comments or Instagram account.
func (a *App) metaChannel(acct convo.Account) (channels.Channel, error) {
	token, err := a.keychain.Get(acct.ID)
	if err != nil && !errors.Is(err, secrets.ErrNotFound) {
		return nil, fmt.Errorf("account %s: read its token: %w", acct.ID, err)
	}
	// With no token saved the account still starts: the platform refuses its
	// first call and the account shows as needing a login.
	g := graph.Options{BaseURL: acct.Settings[SettingGraphURL], Version: acct.Settings[SettingGraphVersion], Token: token, Now: a.Now}
	switch acct.Platform {
	case convo.PlatformMessenger:
		ch, err := messenger.New(messenger.Options{Graph: g, PageID: acct.Settings[SettingPageID]})
		if err != nil {
			return nil, err
		}
		return ch, nil
	case convo.PlatformFacebook:
		ch, err := fbcomments.New(fbcomments.Options{Graph: g, PageID: acct.Settings[SettingPageID]})
		if err != nil {
			return nil, err
		}
		return ch, nil
	case convo.PlatformInstagram:
		ch, err := instagram.New(instagram.Options{Graph: g, AccountID: acct.Settings[SettingIGUserID], Node: acct.Settings[SettingNode]})
		if err != nil {
			return nil, err
		}
		return ch, nil
	}
	return nil, fmt.Errorf("no connector for %s yet", acct.Platform)
}
