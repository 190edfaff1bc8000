// Package messenger is the Facebook Messenger channel of one Page. A desktop
// app has no public address for webhooks, so it polls the conversations API
// (GET /{page}/conversations?platform=messenger) with a checkpoint cursor
// (see graph.Checkpoint) and sends with the Send API.
//
// Thread IDs are the customer's PSID. Replies go out with messaging_type
// RESPONSE, or MESSAGE_TAG with the HUMAN_AGENT tag when Outgoing.Tag says so
// (within 7 days of the customer's last message, for replies an agent wrote);
// outside those windows the platform answers code 10/2018278, which Send
// returns as channels.ErrOutOfWindow. Attachments are listed with type and size.
// The API shows only a conversation's 20 most recent messages in detail;
// when more than that arrived between two polls, a note in the conversation
// says so. The private replies to Page comments come back here as the first
// message of the customer's conversation (see package fbcomments).
package messenger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graph"
	"sportello/app/convo"
)

// Options configure a channel.
type Options struct {
	Graph  graph.Options // base URL, API version, the Page token
	PageID string
	// PollInterval is the idle poll period (default 15 s: Messenger allows
	// 2 calls a second per Page, and each poll makes two or three).
	PollInterval time.Duration
	// Backfill is how far back the first sync reads (default 7 days).
	Backfill time.Duration
	// PerPull is how many conversations one Pull reads (default 10).
	PerPull int
}

// Channel is one Page's Messenger inbox.
type Channel struct {
	api  *graph.Client
	dms  *graph.DMs
	walk *graph.Walker
	poll time.Duration
}

var (
	_ channels.Channel    = (*Channel)(nil)
	_ channels.Reconciler = (*Channel)(nil)
)

// New builds the channel; it makes no call.
func New(o Options) (*Channel, error) {
	if o.PageID == "" {
		return nil, errors.New("messenger: no Page ID")
	}
	api, err := graph.New(o.Graph)
	if err != nil {
		return nil, err
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 15 * time.Second
	}
	return &Channel{
		api:  api,
		dms:  &graph.DMs{API: api, Node: o.PageID, Platform: "messenger", Self: o.PageID, Conv: convo.PlatformMessenger},
		walk: &graph.Walker{API: api, Backfill: o.Backfill, PerPull: o.PerPull},
		poll: o.PollInterval,
	}, nil
}

// API is the channel's Graph client (its usage headers, the account test).
func (c *Channel) API() *graph.Client { return c.api }

// Capabilities are Messenger's rules.
func (c *Channel) Capabilities() channels.Capabilities {
	return channels.Capabilities{Platform: convo.PlatformMessenger, MaxText: channels.TextLimit(convo.PlatformMessenger, convo.KindDM),
		ReplyWindow: 24 * time.Hour, ExtendedWindow: 7 * 24 * time.Hour, PollInterval: c.poll}
}

// Pull delivers what arrived after cursor.
func (c *Channel) Pull(ctx context.Context, cursor string) (channels.Batch, error) {
	return c.walk.Pull(ctx, cursor, c.dms)
}

// Send replies to the customer of out.ThreadID.
func (c *Channel) Send(ctx context.Context, out channels.Outgoing) (channels.Sent, error) {
	if err := checkText(convo.PlatformMessenger, out.Text); err != nil {
		return channels.Sent{}, err
	}
	return c.dms.Send(ctx, out.ThreadID, out.Text, out.Tag)
}

// Find reads the thread back for a reply with this text sent since.
func (c *Channel) Find(ctx context.Context, threadID, _, text string, since time.Time) (string, bool, error) {
	return c.dms.Find(ctx, threadID, text, since)
}

func checkText(p convo.Platform, text string) error {
	if text == "" {
		return fmt.Errorf("%s: empty reply: %w", p, channels.ErrRejected)
	}
	if max := channels.TextLimit(p, convo.KindDM); channels.TextLength(p, text) > max {
		return fmt.Errorf("%s: reply longer than %d: %w", p, max, channels.ErrRejected)
	}
	return nil
}
