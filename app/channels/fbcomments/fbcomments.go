// Package fbcomments is the channel of a Facebook Page's comments. It polls
// the Page's posts (GET /{page}/feed) and, for each post updated since the
// checkpoint (see graph.Checkpoint), its comments with filter=stream, newest
// first: the default filter would hide replies. Each top-level comment with
// its replies is one public conversation (Kind comment, Public true) whose
// thread ID is the top-level comment's ID.
//
// Send replies publicly on a thread (POST /{comment}/comments). A private
// reply is a separate, explicit call:
//
//	threadID, sent, err := ch.PrivateReply(ctx, commentID, text)
//
// It sends the one private message a comment may get (recipient.comment_id,
// within 7 days of the comment; a second one is refused with ErrRejected,
// a late one with ErrOutOfWindow) and returns the customer's PSID: the
// thread ID of the private conversation, which lives in the same Page's
// Messenger account (package messenger), where the message also comes back
// on the next Pull. The app links the public and the private conversation
// with that ID and records the reply as the comment conversation's
// PrivateReplyAt. The Messenger 24 h window only opens when the customer answers.
package fbcomments

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
	Graph  graph.Options // base URL, API version, the Page token
	PageID string
	// PollInterval is the idle poll period (default 30 s).
	PollInterval time.Duration
	// Backfill is how far back the first sync reads (default 7 days).
	Backfill time.Duration
	// Watch is how old a post can be for its new comments to be read (default 30 days).
	Watch time.Duration
	// PerPull is how many posts one Pull reads (default 10).
	PerPull int
}

// Channel is one Page's comments.
type Channel struct {
	api    *graph.Client
	walk   *graph.Walker
	dms    *graph.DMs
	pageID string
	watch  time.Duration
	poll   time.Duration
}

var (
	_ channels.Channel    = (*Channel)(nil)
	_ channels.Reconciler = (*Channel)(nil)
)

// New builds the channel; it makes no call.
func New(o Options) (*Channel, error) {
	if o.PageID == "" {
		return nil, errors.New("fbcomments: no Page ID")
	}
	api, err := graph.New(o.Graph)
	if err != nil {
		return nil, err
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.Watch <= 0 {
		o.Watch = 30 * 24 * time.Hour
	}
	return &Channel{api: api, walk: &graph.Walker{API: api, Backfill: o.Backfill, PerPull: o.PerPull},
		dms:    &graph.DMs{API: api, Node: o.PageID, Platform: "messenger", Self: o.PageID, Conv: convo.PlatformMessenger},
		pageID: o.PageID, watch: o.Watch, poll: o.PollInterval}, nil
}

// API is the channel's Graph client.
func (c *Channel) API() *graph.Client { return c.api }

// Capabilities are the rules of Page comments.
func (c *Channel) Capabilities() channels.Capabilities {
	return channels.Capabilities{Platform: convo.PlatformFacebook, MaxText: channels.TextLimit(convo.PlatformFacebook, convo.KindComment),
		PrivateReply: true, PollInterval: c.poll}
}

// Pull delivers the comments that arrived after cursor.
func (c *Channel) Pull(ctx context.Context, cursor string) (channels.Batch, error) {
	return c.walk.Pull(ctx, cursor, (*source)(c))
}

type source Channel

// Changed lists the posts updated at or after since (a comment updates its
// post). The feed is newest first; it is read until a post older than the
// watch window that has not changed.
func (s *source) Changed(ctx context.Context, since time.Time) ([]string, time.Time, error) {
	var ids []string
	var cutoff time.Time
	q := url.Values{"fields": {"id,created_time,updated_time"}}
	top, err := graph.GetList(ctx, s.api, s.pageID+"/feed", q, func(page []Post) (bool, error) {
		for _, p := range page {
			if cutoff.IsZero() {
				cutoff = s.api.Now().Add(-s.watch)
			}
			updated := p.UpdatedTime.Time
			if updated.IsZero() {
				updated = p.CreatedTime.Time
			}
			if updated.Unix() >= since.Unix() && p.ID != "" {
				ids = append(ids, p.ID)
			} else if p.CreatedTime.Before(cutoff) {
				return false, nil
			}
		}
		return true, nil
	})
	return ids, top, err
}

// Comment is a Page comment as the Graph API returns it.
type Comment struct {
	ID          string            `json:"id"`
	Message     string            `json:"message"`
	CreatedTime graph.Time        `json:"created_time"`
	From        graph.Participant `json:"from"`
	Parent      *struct {
		ID   string            `json:"id"`
		From graph.Participant `json:"from"`
	} `json:"parent"`
	Attachment *struct {
		Type  string `json:"type"`
		URL   string `json:"url"`
		Media *struct {
			Image *struct {
				Src string `json:"src"`
			} `json:"image"`
		} `json:"media"`
	} `json:"attachment"`
}

// Post is a Page post with a page of its comments.
type Post struct {
	ID          string              `json:"id"`
	Message     string              `json:"message"`
	CreatedTime graph.Time          `json:"created_time"`
	UpdatedTime graph.Time          `json:"updated_time"`
	Comments    graph.List[Comment] `json:"comments"`
}

const commentFields = "id,message,created_time,from{id,name},parent{id,from{id,name}},attachment"

// Read returns a post's comments in w, reading newest first until the window's start.
func (s *source) Read(ctx context.Context, postID string, w graph.Window) ([]convo.Inbound, error) {
	var p Post
	q := url.Values{"fields": {"id,message,comments.filter(stream).order(reverse_chronological){" + commentFields + "}"}}
	if _, err := s.api.Get(ctx, postID, q, &p); err != nil {
		return nil, err
	}
	var all []Comment
	err := graph.Each(ctx, s.api, p.Comments, func(page []Comment) (bool, error) {
		for _, cm := range page {
			if w.Older(cm.CreatedTime.Time) {
				return false, nil
			}
			all = append(all, cm)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	p.Comments = graph.List[Comment]{Data: all}
	return Items(p, s.pageID, w), nil
}

// Items turns a post's comments into inbound items, keeping those in w. The
// Page's own top-level comments start no conversation and are left out.
func Items(p Post, pageID string, w graph.Window) []convo.Inbound {
	subject := graph.Shorten(p.Message, 80)
	var out []convo.Inbound
	for _, cm := range p.Comments.Data {
		if cm.ID == "" || cm.CreatedTime.IsZero() || !w.Contains(cm.CreatedTime.Time, cm.ID) {
			continue
		}
		thread, custP := cm.ID, cm.From
		if cm.Parent != nil && cm.Parent.ID != "" {
			thread = cm.Parent.ID
		}
		dir := convo.DirIn
		if cm.From.ID == pageID {
			if thread == cm.ID {
				continue
			}
			dir, custP = convo.DirOut, cm.Parent.From
		}
		cust := person(custP, cm.ID)
		author := cust.DisplayName
		if dir == convo.DirOut {
			author = cm.From.Name
		}
		out = append(out, convo.Inbound{ThreadID: thread, Kind: convo.KindComment, Public: true, Subject: subject, Customer: cust,
			Message: convo.Message{PlatformID: cm.ID, Direction: dir, Author: author, Text: cm.Message, At: cm.CreatedTime.UTC(), Attachments: attachment(cm)}})
	}
	return out
}

// person is a comment author; Graph leaves from out when the token may not
// see it, and the comment is kept under an anonymous handle rather than lost.
func person(p graph.Participant, commentID string) convo.Identity {
	if p.ID == "" {
		return convo.Identity{Platform: convo.PlatformFacebook, Handle: "anonymous:" + commentID, DisplayName: "Facebook user"}
	}
	return graph.Identity(p, convo.PlatformFacebook)
}

func attachment(cm Comment) []convo.Attachment {
	a := cm.Attachment
	if a == nil || a.Type == "" {
		return nil
	}
	t := "file"
	switch {
	case strings.Contains(a.Type, "photo"), strings.Contains(a.Type, "image"), a.Type == "sticker":
		t = "image"
	case strings.Contains(a.Type, "video"):
		t = "video"
	}
	u := a.URL
	if a.Media != nil && a.Media.Image != nil && a.Media.Image.Src != "" {
		u = a.Media.Image.Src
	}
	return []convo.Attachment{{Type: t, URL: u}}
}

// Send replies publicly on a comment thread.
func (c *Channel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	if err := checkText(convo.PlatformFacebook, out.Text); err != nil {
		return channels.Sent{}, err
	}
	if out.ThreadID == "" {
		return channels.Sent{}, fmt.Errorf("fbcomments: no thread: %w", channels.ErrRejected)
	}
	return c.api.Reply(ctx, out.ThreadID+"/comments", out.Text, "fbcomments")
}

// PrivateReply sends the one private reply a comment may get and returns
// the thread ID (the customer's PSID) of the Messenger conversation it opens.
func (c *Channel) PrivateReply(ctx context.Context, commentID, text string) (string, channels.Sent, error) {
	if err := checkText(convo.PlatformMessenger, text); err != nil {
		return "", channels.Sent{}, err
	}
	return c.dms.PrivateReply(ctx, commentID, text)
}

// Find reads a thread's replies back for one the Page wrote with this text since.
func (c *Channel) Find(ctx context.Context, threadID, _, text string, since time.Time) (string, bool, error) {
	floor := since.Truncate(time.Second)
	q := url.Values{"fields": {"id,message,created_time,from{id,name}"}, "order": {"reverse_chronological"}}
	cm, found, err := graph.SearchList(ctx, c.api, threadID+"/comments", q, func(cm Comment) (bool, bool) {
		if cm.CreatedTime.Before(floor) {
			return false, true
		}
		mine := cm.From.ID == c.pageID && cm.Message == text
		return mine, mine
	})
	return cm.ID, found, err
}

func checkText(p convo.Platform, text string) error {
	if strings.TrimSpace(text) == "" {
		return fmt.Errorf("%s: empty reply: %w", p, channels.ErrRejected)
	}
	k := convo.KindComment
	if p == convo.PlatformMessenger {
		k = convo.KindDM
	}
	if max := channels.TextLimit(p, k); channels.TextLength(p, text) > max {
		return fmt.Errorf("%s: reply longer than %d: %w", p, max, channels.ErrRejected)
	}
	return nil
}
