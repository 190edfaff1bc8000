package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"sportello/app/channels"
	"sportello/app/convo"
)

// Participant is a person or Page in a conversation (Instagram gives username).
type Participant struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Email    string `json:"email,omitempty"`
	Username string `json:"username,omitempty"`
}

// Attachment is a message attachment as the conversations API lists it.
type Attachment struct {
	ID        string `json:"id"`
	MimeType  string `json:"mime_type"`
	Name      string `json:"name"`
	Size      Int    `json:"size"`
	FileURL   string `json:"file_url"`
	ImageData *struct {
		URL string `json:"url"`
	} `json:"image_data"`
	VideoData *struct {
		URL string `json:"url"`
	} `json:"video_data"`
}

// Message is one message of a conversation.
type Message struct {
	ID          string            `json:"id"`
	CreatedTime Time              `json:"created_time"`
	From        Participant       `json:"from"`
	To          List[Participant] `json:"to"`
	Message     string            `json:"message"`
	Attachments List[Attachment]  `json:"attachments"`
}

// Conversation is a conversation node with its first page of messages.
type Conversation struct {
	ID           string            `json:"id"`
	UpdatedTime  Time              `json:"updated_time"`
	MessageCount Int               `json:"message_count"`
	Participants List[Participant] `json:"participants"`
	Messages     List[Message]     `json:"messages"`
}

// DetailCap is how many of a conversation's most recent messages the
// conversations API shows in detail.
const DetailCap = 20

// Fields asked for. Messenger documents message_count and the attachments'
// MIME type and size; for Instagram only the default attachment fields are
// asked for, and a full detail page stands in for the message count.
const (
	messengerFields = "id,updated_time,message_count,participants,messages{id,created_time,from,to,message,attachments{id,mime_type,name,size,file_url,image_data,video_data}}"
	instagramFields = "id,updated_time,participants,messages{id,created_time,from,to,message,attachments}"
)

func (d *DMs) fields() string {
	if d.Platform == "instagram" {
		return instagramFields
	}
	return messengerFields
}

// DMs reads and writes a conversations API: a Page's Messenger inbox
// (Platform "messenger") or an Instagram account's (Platform "instagram").
// Thread IDs are the customer's page-scoped ID (PSID or IGSID): the one ID
// the Send API, the private replies' answer and the conversations listing's
// user_id filter all share.
type DMs struct {
	API *Client
	// Node is the path the inbox hangs off: a Page ID, or "me".
	Node string
	// Platform is the conversations API's platform parameter.
	Platform string
	// Self is the Page's or the Instagram account's own ID.
	Self string
	// Conv is the Sportello platform of the conversations.
	Conv convo.Platform
	// Prefix is put in front of every conversation ID in a walk's todo list.
	Prefix string
	// PageSize is the listing's limit (0: the API's default).
	PageSize int
}

// Changed lists the conversations updated at or after since, newest first.
// A listing of several pages is checked again from the top, because a
// conversation that moved to the front while it was being paged would
// otherwise be missed.
func (d *DMs) Changed(ctx context.Context, since time.Time) ([]string, time.Time, error) {
	found := map[string]bool{}
	var ids []string
	top, pages, err := d.list(ctx, since, found, &ids)
	if err != nil || pages <= 1 {
		return ids, top, err
	}
	for range 5 {
		n := len(ids)
		if _, _, err := d.list(ctx, top, found, &ids); err != nil {
			return nil, top, err
		}
		if len(ids) == n {
			break
		}
	}
	return ids, top, nil
}

func (d *DMs) list(ctx context.Context, since time.Time, found map[string]bool, ids *[]string) (time.Time, int, error) {
	q := url.Values{"platform": {d.Platform}, "fields": {"id,updated_time"}}
	if d.PageSize > 0 {
		q.Set("limit", fmt.Sprint(d.PageSize))
	}
	pages := 0
	top, err := GetList(ctx, d.API, d.Node+"/conversations", q, func(page []Conversation) (bool, error) {
		pages++
		for _, c := range page {
			if c.UpdatedTime.Unix() < since.Unix() {
				return false, nil
			}
			if c.ID != "" && !found[c.ID] {
				found[c.ID] = true
				*ids = append(*ids, d.Prefix+c.ID)
			}
		}
		return true, nil
	})
	return top, pages, err
}

// Read returns the messages of one conversation that lie in w, newest pages
// first until the window's start. When the window reaches further back
// than the 20 most recent messages the API shows, a note in the
// conversation says that earlier messages are only on the platform.
func (d *DMs) Read(ctx context.Context, id string, w Window) ([]convo.Inbound, error) {
	id = strings.TrimPrefix(id, d.Prefix)
	var c Conversation
	if _, err := d.API.Get(ctx, id, url.Values{"fields": {d.fields()}}, &c); err != nil {
		return nil, err
	}
	var msgs []Message
	reachedStart := false
	err := Each(ctx, d.API, c.Messages, func(page []Message) (bool, error) {
		for _, m := range page {
			if w.Older(m.CreatedTime.Time) {
				reachedStart = true
				return false, nil
			}
			msgs = append(msgs, m)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	c.Messages = List[Message]{Data: msgs}
	items := ThreadItems(c, d.Self, d.Conv, w)
	capped := int(c.MessageCount) > len(msgs) || (c.MessageCount == 0 && len(msgs) >= DetailCap)
	if !reachedStart && capped && len(msgs) > 0 {
		if gap, ok := gapNote(c, d.Self, d.Conv, msgs[len(msgs)-1], w); ok {
			items = append(items, gap)
		}
	}
	return items, nil
}

// customer is the conversation's other participant.
func customer(c Conversation, self string) Participant {
	for _, p := range c.Participants.Data {
		if p.ID != "" && p.ID != self {
			return p
		}
	}
	for _, m := range c.Messages.Data {
		if m.From.ID != "" && m.From.ID != self {
			return m.From
		}
		for _, p := range m.To.Data {
			if p.ID != "" && p.ID != self {
				return p
			}
		}
	}
	return Participant{}
}

// Identity is how a participant is known in Sportello.
func Identity(p Participant, platform convo.Platform) convo.Identity {
	id := convo.Identity{Platform: platform, Handle: p.ID, DisplayName: p.Name}
	if p.Username != "" {
		id.DisplayName = "@" + p.Username
	}
	if id.DisplayName == "" {
		id.DisplayName = p.ID
	}
	return id
}

// ThreadItems turns a conversation's messages into inbound items, keeping
// those in w. Messages with no ID or time, or of a conversation with no
// customer, are dropped.
func ThreadItems(c Conversation, self string, platform convo.Platform, w Window) []convo.Inbound {
	cust := customer(c, self)
	if cust.ID == "" {
		return nil
	}
	ident := Identity(cust, platform)
	var aka []convo.Identity
	if e := strings.TrimSpace(cust.Email); e != "" && strings.Contains(e, "@") && !strings.HasSuffix(strings.ToLower(e), "@facebook.com") {
		aka = []convo.Identity{{Platform: convo.PlatformEmail, Handle: strings.ToLower(e), DisplayName: ident.DisplayName}}
	}
	var out []convo.Inbound
	for _, m := range c.Messages.Data {
		if m.ID == "" || m.CreatedTime.IsZero() || !w.Contains(m.CreatedTime.Time, m.ID) {
			continue
		}
		msg := convo.Message{PlatformID: m.ID, Direction: convo.DirIn, Text: m.Message, At: m.CreatedTime.UTC(),
			Author: ident.DisplayName, Attachments: Attachments(m.Attachments.Data)}
		if m.From.ID == self {
			msg.Direction = convo.DirOut
			msg.Author = m.From.Name
			if m.From.Username != "" {
				msg.Author = "@" + m.From.Username
			}
		}
		out = append(out, convo.Inbound{ThreadID: cust.ID, Kind: convo.KindDM, Customer: ident, AKA: aka, Message: msg})
	}
	return out
}

// Attachments lists attachments with their type (from the MIME type) and size.
func Attachments(as []Attachment) []convo.Attachment {
	var out []convo.Attachment
	for _, a := range as {
		t := "file"
		switch mt := strings.ToLower(a.MimeType); {
		case strings.HasPrefix(mt, "image/") || a.ImageData != nil:
			t = "image"
		case strings.HasPrefix(mt, "video/") || a.VideoData != nil:
			t = "video"
		case strings.HasPrefix(mt, "audio/"):
			t = "audio"
		}
		u := a.FileURL
		switch {
		case u != "":
		case a.ImageData != nil:
			u = a.ImageData.URL
		case a.VideoData != nil:
			u = a.VideoData.URL
		}
		out = append(out, convo.Attachment{Type: t, Name: a.Name, Size: max(int64(a.Size), 0), URL: u})
	}
	return out
}

// GapText is the note left in a conversation whose earlier messages the API no longer shows.
const GapText = "Some earlier messages of this conversation could not be read: the platform shows only the 20 most recent. Read them in Meta Business Suite."

func gapNote(c Conversation, self string, platform convo.Platform, oldest Message, w Window) (convo.Inbound, bool) {
	cust := customer(c, self)
	if cust.ID == "" || oldest.ID == "" || !w.Contains(oldest.CreatedTime.Time, oldest.ID) {
		return convo.Inbound{}, false
	}
	return convo.Inbound{ThreadID: cust.ID, Kind: convo.KindDM, Customer: Identity(cust, platform),
		Message: convo.Message{PlatformID: "gap:" + oldest.ID, Direction: convo.DirNote, Author: "Sportello", Text: GapText, At: oldest.CreatedTime.UTC()}}, true
}

// SendResult is the Send API's answer.
type SendResult struct {
	RecipientID string `json:"recipient_id"`
	MessageID   string `json:"message_id"`
}

// Send sends a text reply to a customer (PSID or IGSID): messaging_type
// RESPONSE, or MESSAGE_TAG with tag when one is given (HUMAN_AGENT).
func (d *DMs) Send(ctx context.Context, recipient, text, tag string) (channels.Sent, error) {
	if recipient == "" {
		return channels.Sent{}, fmt.Errorf("graph: no recipient: %w", channels.ErrRejected)
	}
	body := map[string]any{"recipient": map[string]string{"id": recipient}, "messaging_type": "RESPONSE", "message": map[string]string{"text": text}}
	if tag != "" {
		body["messaging_type"] = "MESSAGE_TAG"
		body["tag"] = tag
	}
	var r SendResult
	at, err := d.API.Post(ctx, d.Node+"/messages", body, &r)
	if err != nil {
		return channels.Sent{}, err
	}
	if r.MessageID == "" {
		return channels.Sent{}, fmt.Errorf("graph: %w: the Send API returned no message ID", ErrTemporary)
	}
	return channels.Sent{PlatformID: r.MessageID, At: at}, nil
}

// PrivateReply sends the one private reply a comment may get
// (recipient.comment_id) and returns the customer's ID, which is the thread
// ID of the private conversation it opens.
func (d *DMs) PrivateReply(ctx context.Context, commentID, text string) (string, channels.Sent, error) {
	if commentID == "" {
		return "", channels.Sent{}, fmt.Errorf("graph: no comment to reply to: %w", channels.ErrRejected)
	}
	body := map[string]any{"recipient": map[string]string{"comment_id": commentID}, "message": map[string]string{"text": text}}
	var r SendResult
	at, err := d.API.Post(ctx, d.Node+"/messages", body, &r)
	if err != nil {
		return "", channels.Sent{}, err
	}
	if r.MessageID == "" || r.RecipientID == "" {
		return "", channels.Sent{}, fmt.Errorf("graph: %w: the private reply's answer lacks recipient or message ID", ErrTemporary)
	}
	return r.RecipientID, channels.Sent{PlatformID: r.MessageID, At: at}, nil
}

// Find looks in the conversation with a customer for a message the account
// sent with this text at or after since (the conversations API does not
// show the client metadata, so the text and time are what identify a reply).
func (d *DMs) Find(ctx context.Context, recipient, text string, since time.Time) (string, bool, error) {
	q := url.Values{"platform": {d.Platform}, "user_id": {recipient}, "fields": {"id,messages{id,created_time,from,message}"}}
	var l List[Conversation]
	if _, err := d.API.Get(ctx, d.Node+"/conversations", q, &l); err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", false, nil
		}
		return "", false, err
	}
	floor := since.Truncate(time.Second)
	for _, c := range l.Data {
		m, found, err := Search(ctx, d.API, c.Messages, func(m Message) (bool, bool) {
			if m.CreatedTime.Before(floor) {
				return false, true
			}
			mine := m.From.ID == d.Self && m.Message == text
			return mine, mine
		})
		if err != nil || found {
			return m.ID, found, err
		}
	}
	return "", false, nil
}
