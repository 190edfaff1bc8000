// Package instagram is the channel of one Instagram professional account:
// Direct messages through the conversations API and comments on the
// account's media, polled with a checkpoint cursor (see graph.Checkpoint).
//
// Thread IDs: a Direct conversation's is the customer's IGSID; a comment
// thread's (a top-level comment with its replies, Kind comment, Public true)
// is "comment:" followed by the top-level comment's ID (CommentThread).
// Send routes on that: a DM goes through the Send API with messaging_type
// RESPONSE, or MESSAGE_TAG with HUMAN_AGENT when Outgoing.Tag says so (7 days);
// text is capped at 1000 bytes. A comment reply is public (POST
// /{comment}/replies, top-level comments only). A private reply is explicit:
//
//	threadID, sent, err := ch.PrivateReply(ctx, commentID, text)
//
// sends the one private message a comment may get within 7 days and returns
// the customer's IGSID, the thread ID of the Direct conversation it opens in
// this same account, so the app can link the two conversations.
//
// Two stacks exist: Instagram Login (host graph.instagram.com, messaging on
// "me", the default) and Facebook Login (graph.facebook.com, messaging on the
// linked Page's ID): set Graph.BaseURL and Node accordingly.
package instagram

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/convo"
)

// Options configure a channel.
type Options struct {
	Graph graph.Options // base URL (default graph.instagram.com), API version, token
	// AccountID is the Instagram professional account's ID.
	AccountID string
	// Node is the path messaging hangs off: "me" (default) or the linked Page's ID.
	Node string
	// PollInterval is the idle poll period (default 30 s). Media have no
	// update time, so each poll reads the comments of every watched post:
	// about MaxMedia+2 calls.
	PollInterval time.Duration
	// Backfill is how far back the first sync reads (default 7 days).
	Backfill time.Duration
	// Watch is how old a post can be for its comments to be read (default 30
	// days); at most MaxMedia posts (default 25), the newest, are watched.
	Watch    time.Duration
	MaxMedia int
	// PerPull is how many conversations or posts one Pull reads (default 10).
	PerPull int
}

// Channel is one Instagram account.
type Channel struct {
	api   *graph.Client
	dms   *graph.DMs
	walk  *graph.Walker
	self  string
	watch time.Duration
	max   int
	poll  time.Duration
}

var (
	_ channels.Channel    = (*Channel)(nil)
	_ channels.Reconciler = (*Channel)(nil)
)

const (
	threadPrefix = "comment:"
	convPrefix   = "c:"
	mediaPrefix  = "m:"
)

// CommentThread is the thread ID of a top-level comment's conversation.
func CommentThread(commentID string) string { return threadPrefix + commentID }

// New builds the channel; it makes no call.
func New(o Options) (*Channel, error) {
	if o.AccountID == "" {
		return nil, errors.New("instagram: no account ID")
	}
	if o.Graph.BaseURL == "" {
		o.Graph.BaseURL = graph.InstagramBaseURL
	}
	api, err := graph.New(o.Graph)
	if err != nil {
		return nil, err
	}
	if o.Node == "" {
		o.Node = "me"
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.Watch <= 0 {
		o.Watch = 30 * 24 * time.Hour
	}
	if o.MaxMedia <= 0 {
		o.MaxMedia = 25
	}
	return &Channel{api: api, self: o.AccountID, watch: o.Watch, max: o.MaxMedia, poll: o.PollInterval,
		dms:  &graph.DMs{API: api, Node: o.Node, Platform: "instagram", Self: o.AccountID, Conv: convo.PlatformInstagram, Prefix: convPrefix},
		walk: &graph.Walker{API: api, Backfill: o.Backfill, PerPull: o.PerPull}}, nil
}

// API is the channel's Graph client.
func (c *Channel) API() *graph.Client { return c.api }

// Capabilities are Instagram's rules.
func (c *Channel) Capabilities() channels.Capabilities {
	return channels.Capabilities{Platform: convo.PlatformInstagram, MaxText: channels.TextLimit(convo.PlatformInstagram, convo.KindDM),
		ReplyWindow: 24 * time.Hour, ExtendedWindow: 7 * 24 * time.Hour, PrivateReply: true, PollInterval: c.poll}
}

// Pull delivers the messages and comments that arrived after cursor.
func (c *Channel) Pull(ctx context.Context, cursor string) (channels.Batch, error) {
	return c.walk.Pull(ctx, cursor, (*source)(c))
}

type source Channel

// Changed lists the conversations updated since, and the watched media: media
// have no update time, so their comments are read on every poll.
func (s *source) Changed(ctx context.Context, since time.Time) ([]string, time.Time, error) {
	ids, top, err := s.dms.Changed(ctx, since)
	if err != nil {
		return nil, top, err
	}
	cutoff := s.api.Now().Add(-s.watch)
	n := 0
	q := url.Values{"fields": {"id,timestamp"}}
	_, err = graph.GetList(ctx, s.api, s.self+"/media", q, func(page []Media) (bool, error) {
		for _, m := range page {
			if m.Timestamp.Before(cutoff) || n >= s.max {
				return false, nil
			}
			if m.ID != "" {
				ids = append(ids, mediaPrefix+m.ID)
				n++
			}
		}
		return true, nil
	})
	return ids, top, err
}

func (s *source) Read(ctx context.Context, id string, w graph.Window) ([]convo.Inbound, error) {
	if strings.HasPrefix(id, convPrefix) {
		return s.dms.Read(ctx, id, w)
	}
	var m Media
	q := url.Values{"fields": {"id,caption,comments{" + commentFields + ",replies{" + commentFields + "}}"}}
	if _, err := s.api.Get(ctx, strings.TrimPrefix(id, mediaPrefix), q, &m); err != nil {
		return nil, err
	}
	// The API promises no order for comments, so every page is read.
	var all []Comment
	err := graph.Each(ctx, s.api, m.Comments, func(page []Comment) (bool, error) {
		for _, cm := range page {
			var replies []Comment
			err := graph.Each(ctx, s.api, cm.Replies, func(rs []Comment) (bool, error) {
				replies = append(replies, rs...)
				return true, nil
			})
			if err != nil {
				return false, err
			}
			cm.Replies = graph.List[Comment]{Data: replies}
			all = append(all, cm)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	m.Comments = graph.List[Comment]{Data: all}
	return Items(m, s.self, w), nil
}

// Comment is an Instagram comment as the Graph API returns it.
type Comment struct {
	ID        string              `json:"id"`
	Text      string              `json:"text"`
	Timestamp graph.Time          `json:"timestamp"`
	Username  string              `json:"username"`
	From      graph.Participant   `json:"from"`
	ParentID  string              `json:"parent_id"`
	Hidden    bool                `json:"hidden"`
	Replies   graph.List[Comment] `json:"replies"`
}

// Media is an Instagram post with a page of its comments.
type Media struct {
	ID        string              `json:"id"`
	Caption   string              `json:"caption"`
	Timestamp graph.Time          `json:"timestamp"`
	Comments  graph.List[Comment] `json:"comments"`
}

const commentFields = "id,text,timestamp,username,from,parent_id,hidden"

// Items turns a post's comments and their replies into inbound items,
// keeping those in w. The account's own top-level comments start no conversation.
func Items(m Media, self string, w graph.Window) []convo.Inbound {
	subject := graph.Shorten(m.Caption, 80)
	var out []convo.Inbound
	add := func(cm Comment, top Comment) {
		if cm.ID == "" || cm.Timestamp.IsZero() || !w.Contains(cm.Timestamp.Time, cm.ID) {
			return
		}
		dir, cust := convo.DirIn, person(cm)
		author := cust.DisplayName
		if mine(cm, self) {
			if cm.ID == top.ID || mine(top, self) {
				return
			}
			dir, cust, author = convo.DirOut, person(top), "@"+username(cm)
		}
		out = append(out, convo.Inbound{ThreadID: CommentThread(top.ID), Kind: convo.KindComment, Public: true, Subject: subject, Customer: cust,
			Message: convo.Message{PlatformID: cm.ID, Direction: dir, Author: author, Text: cm.Text, At: cm.Timestamp.UTC()}})
	}
	for _, top := range m.Comments.Data {
		if top.ParentID != "" {
			continue // a reply listed on its own: it comes with its parent
		}
		add(top, top)
		for _, r := range top.Replies.Data {
			add(r, top)
		}
	}
	return out
}

func mine(cm Comment, self string) bool { return cm.From.ID != "" && cm.From.ID == self }

func username(cm Comment) string {
	if cm.From.Username != "" {
		return cm.From.Username
	}
	return cm.Username
}

func person(cm Comment) convo.Identity {
	p := cm.From
	if p.Username == "" {
		p.Username = cm.Username
	}
	if p.ID == "" {
		if p.Username == "" {
			return convo.Identity{Platform: convo.PlatformInstagram, Handle: "anonymous:" + cm.ID, DisplayName: "Instagram user"}
		}
		p.ID = "username:" + p.Username
	}
	return graph.Identity(p, convo.PlatformInstagram)
}

// Send replies in a Direct conversation, or publicly on a comment thread.
func (c *Channel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	if err := checkText(out.Text); err != nil {
		return channels.Sent{}, err
	}
	top, isComment := strings.CutPrefix(out.ThreadID, threadPrefix)
	if !isComment {
		return c.dms.Send(ctx, out.ThreadID, out.Text, out.Tag)
	}
	return c.api.Reply(ctx, top+"/replies", out.Text, "instagram")
}

// PrivateReply sends the one private reply a comment may get (commentID, or
// its thread ID) and returns the thread ID (the customer's IGSID) of the
// Direct conversation it opens in this account.
func (c *Channel) PrivateReply(ctx context.Context, commentID, text string) (string, channels.Sent, error) {
	if err := checkText(text); err != nil {
		return "", channels.Sent{}, err
	}
	return c.dms.PrivateReply(ctx, strings.TrimPrefix(commentID, threadPrefix), text)
}

// Find reads a thread back for a reply the account sent with this text since.
func (c *Channel) Find(ctx context.Context, threadID, _, text string, since time.Time) (string, bool, error) {
	top, isComment := strings.CutPrefix(threadID, threadPrefix)
	if !isComment {
		return c.dms.Find(ctx, threadID, text, since)
	}
	floor := since.Truncate(time.Second)
	cm, found, err := graph.SearchList(ctx, c.api, top+"/replies", url.Values{"fields": {commentFields}}, func(cm Comment) (bool, bool) {
		found := mine(cm, c.self) && cm.Text == text && !cm.Timestamp.Before(floor)
		return found, found
	})
	return cm.ID, found, err
}

func checkText(text string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("instagram: empty reply: %w", channels.ErrRejected)
	}
	if max := channels.TextLimit(convo.PlatformInstagram, convo.KindDM); channels.TextLength(convo.PlatformInstagram, text) > max {
		return fmt.Errorf("instagram: reply longer than %d bytes: %w", max, channels.ErrRejected)
	}
	return nil
}
