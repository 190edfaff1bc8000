package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/convo"
	"sportello/app/outbox"
	"sportello/app/sla"
	"sportello/app/store"
)

// PrivateReplier is a channel that can answer a public comment privately:
// the Page comments and Instagram channels, and the demo's.
type PrivateReplier interface {
	// PrivateReply sends the one private message a comment may get and
	// returns the thread ID of the private conversation it opens.
	PrivateReply(ctx context.Context, commentID, text string) (threadID string, sent channels.Sent, err error)
}

// PrivateReplied is what a private reply did.
type PrivateReplied struct {
	Public  convo.Conversation // with PrivateReplyAt and LinkedID set
	Private convo.Conversation // the private conversation, linked back
	// FollowUp is the public follow-up queued in the outbox, if any.
	FollowUp *outbox.Item
}

// errAlreadyReplied is Graph's answer to a second private reply (code 10900).
const errAlreadyReplied = 10900

// PrivateReply moves a public comment to a private conversation: it sends
// the comment's one private reply through its channel, records it on the
// public conversation (PrivateReplyAt), stores the message in the private
// conversation it opens (a Messenger conversation of the same Page, or a
// Direct conversation of the same Instagram account) and links the two both
// ways. A non-empty followUp (e.g. "Ti abbiamo scritto in privato") is then
// queued as a public reply through the outbox.
func (a *App) PrivateReply(ctx context.Context, convID, text, followUp, agent string) (PrivateReplied, error) {
	var res PrivateReplied
	c, err := a.Store.Conversation(convID)
	if err != nil {
		return res, err
	}
	if c.Kind != convo.KindComment || !c.Public || (c.Platform != convo.PlatformFacebook && c.Platform != convo.PlatformInstagram) {
		return res, errors.New("only public comments on Facebook and Instagram can get a private reply")
	}
	now := a.Now()
	if !c.PrivateReplyAt.IsZero() {
		return res, fmt.Errorf("this comment already got its private reply (%s): the platform allows only one", c.PrivateReplyAt.Local().Format("02/01/2006 15:04"))
	}
	if sla.ReplyState(c, now).PrivateReplyUntil.IsZero() {
		return res, fmt.Errorf("the 7 days for a private reply to this comment ended on %s", c.Created.Add(sla.PrivateReply).Local().Format("02/01/2006 15:04"))
	}
	text, followUp = strings.TrimSpace(text), strings.TrimSpace(followUp)
	if text == "" {
		return res, errors.New("write the private message first")
	}
	pub, err := a.account(c.AccountID)
	if err != nil {
		return res, err
	}
	priv, err := a.privateAccount(pub)
	if err != nil {
		return res, err
	}
	if max := channels.TextLimit(priv.Platform, convo.KindDM); max > 0 && channels.TextLength(priv.Platform, text) > max {
		return res, fmt.Errorf("the private message is %d long: %s allows %d", channels.TextLength(priv.Platform, text), priv.Platform, max)
	}
	if max := channels.TextLimit(c.Platform, c.Kind); followUp != "" && max > 0 && channels.TextLength(c.Platform, followUp) > max {
		return res, fmt.Errorf("the public follow-up is %d long: %s allows %d", channels.TextLength(c.Platform, followUp), c.Platform, max)
	}
	ch, ok := a.channel(c.AccountID)
	if !ok {
		return res, fmt.Errorf("the account %s is not connected", pub.Name)
	}
	pr, ok := ch.(PrivateReplier)
	if !ok {
		return res, fmt.Errorf("the account %s cannot send private replies", pub.Name)
	}

	thread, sent, err := pr.PrivateReply(ctx, c.ThreadID, text)
	if err != nil {
		var ge *graph.Error
		if errors.As(err, &ge) && ge.Code == errAlreadyReplied {
			// Replied from elsewhere (Meta's own inbox): stop offering it.
			if _, uerr := a.Store.UpdateConversation(c.ID, func(c *convo.Conversation) ([]convo.Event, error) {
				if c.PrivateReplyAt.IsZero() {
					c.PrivateReplyAt = now.UTC()
				}
				return nil, nil
			}); uerr != nil {
				a.Log.Warn("private reply state not saved", "conversation", c.ID, "err", uerr)
			}
			return res, fmt.Errorf("this comment already got its private reply (perhaps from Meta's own inbox): %w", err)
		}
		return res, fmt.Errorf("private reply not sent: %w", err)
	}
	at := sent.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC()
	privID := store.ConvID(priv.ID, thread)

	// Recorded on the public conversation first: whatever happens next, it
	// is never offered (or sent) twice.
	res.Public, err = a.Store.UpdateConversation(c.ID, func(c *convo.Conversation) ([]convo.Event, error) {
		c.PrivateReplyAt, c.LinkedID = at, privID
		return nil, nil
	})
	if err != nil {
		return res, fmt.Errorf("the private reply went out but was not recorded: %w", err)
	}

	// The message opens (or joins) the private conversation now; the
	// channel's own copy of it, on the next sync, is the same platform
	// message and is stored once.
	cust, err := a.Store.Customer(c.CustomerID)
	if err != nil {
		return res, fmt.Errorf("the private reply went out; its conversation appears at the next sync: %w", err)
	}
	var public, private convo.Identity
	for _, id := range cust.Identities {
		if id.Platform == c.Platform && public.Handle == "" {
			public = id
		}
		if id.Platform == priv.Platform && private.Handle == "" {
			private = id
		}
	}
	if private.Handle == "" || priv.Platform != c.Platform {
		// The thread ID of a Meta conversation is the customer's ID there.
		private = convo.Identity{Platform: priv.Platform, Handle: thread, DisplayName: c.CustomerName}
	}
	in := convo.Inbound{ThreadID: thread, Kind: convo.KindDM, Customer: private, Language: cust.Language,
		Message: convo.Message{PlatformID: sent.PlatformID, Direction: convo.DirOut, Author: agent, Text: text, At: at}}
	if public.Handle != "" && public != private {
		in.AKA = []convo.Identity{public} // the same person: one customer card
	}
	if sent.PlatformID == "" {
		in.Message.PlatformID = store.ID("pr_", c.ID, text) // stored now, deduplicated by nothing later
	}
	if _, err := a.Store.Ingest(priv.ID, []convo.Inbound{in}, ""); err != nil {
		return res, fmt.Errorf("the private reply went out; its conversation appears at the next sync: %w", err)
	}
	res.Private, err = a.Store.UpdateConversation(privID, func(p *convo.Conversation) ([]convo.Event, error) {
		p.LinkedID = c.ID
		return nil, nil
	})
	if err != nil {
		return res, fmt.Errorf("the private reply went out but its conversation was not linked: %w", err)
	}

	if followUp != "" {
		// Outbox.Send clears the conversation's draft: keep whatever the
		// agent was writing there.
		draft, derr := a.Outbox.Draft(c.ID)
		it, err := a.Outbox.Send(res.Public, public, followUp, "", "", agent)
		if err != nil {
			return res, fmt.Errorf("the private reply went out, the public follow-up did not: %w", err)
		}
		if derr == nil && (strings.TrimSpace(draft.Text) != "" || draft.TemplateID != "") {
			if err := a.Outbox.SaveDraft(draft); err != nil {
				a.Log.Warn("draft not restored after the follow-up", "conversation", c.ID, "err", err)
			}
		}
		res.FollowUp = &it
	}
	return res, nil
}

// account returns a stored account.
func (a *App) account(id string) (convo.Account, error) {
	accts, err := a.Store.Accounts()
	if err != nil {
		return convo.Account{}, err
	}
	for _, acct := range accts {
		if acct.ID == id {
			return acct, nil
		}
	}
	return convo.Account{}, fmt.Errorf("account %s: %w", id, store.ErrNotFound)
}

// privateAccount is the account whose inbox a public comment's private reply
// opens: an Instagram account's own, or its Page's Messenger inbox.
func (a *App) privateAccount(pub convo.Account) (convo.Account, error) {
	if pub.Platform == convo.PlatformInstagram {
		return pub, nil
	}
	accts, err := a.Accounts()
	if err != nil {
		return convo.Account{}, err
	}
	page := pub.Settings[SettingPageID]
	for _, m := range accts {
		if m.Platform != convo.PlatformMessenger {
			continue
		}
		if (page != "" && m.Settings[SettingPageID] == page) || (page == "" && pub.Demo && m.Demo) {
			return m, nil
		}
	}
	return convo.Account{}, fmt.Errorf("a private reply opens a conversation in the Page's Messenger inbox, which is not connected: connect the Page with Messenger first (Accounts)")
}
