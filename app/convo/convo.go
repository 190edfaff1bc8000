// Package convo holds Sportello's plain domain types: accounts, customers,
// conversations, messages and events. It imports nothing from the rest of the app.
package convo

import "time"

// Platform is a messaging platform a brand is reachable on.
type Platform string

const (
	PlatformMessenger Platform = "messenger"
	PlatformFacebook  Platform = "facebook" // Page comments
	PlatformInstagram Platform = "instagram"
	PlatformX         Platform = "x"
	PlatformWhatsApp  Platform = "whatsapp"
	PlatformTelegram  Platform = "telegram"
	PlatformEmail     Platform = "email"
)

// Platforms lists every platform in display order.
var Platforms = []Platform{PlatformMessenger, PlatformFacebook, PlatformInstagram, PlatformX, PlatformWhatsApp, PlatformTelegram, PlatformEmail}

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool {
	for _, q := range Platforms {
		if p == q {
			return true
		}
	}
	return false
}

// Kind is the shape of a conversation.
type Kind string

const (
	KindDM      Kind = "dm"
	KindComment Kind = "comment" // a public comment thread
	KindMention Kind = "mention"
	KindEmail   Kind = "email"
)

// Public reports whether conversations of this kind are visible to everyone by default.
func (k Kind) Public() bool { return k == KindComment || k == KindMention }

// Status is where a conversation stands.
type Status string

const (
	StatusOpen     Status = "open"
	StatusPending  Status = "pending" // waiting on the customer
	StatusSnoozed  Status = "snoozed"
	StatusResolved Status = "resolved"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusPending, StatusSnoozed, StatusResolved:
		return true
	}
	return false
}

// Priority orders conversations with the same due instant; higher is more urgent.
type Priority int

const (
	PriorityLow Priority = iota
	PriorityNormal
	PriorityHigh
	PriorityUrgent
)

// Direction tells who wrote a message.
type Direction string

const (
	DirIn   Direction = "in"   // from the customer
	DirOut  Direction = "out"  // from the brand
	DirNote Direction = "note" // internal, never sent
)

// Account is one configured account on a platform (a Page, an inbox, a number).
type Account struct {
	ID       string            `json:"id"`
	Platform Platform          `json:"platform"`
	Name     string            `json:"name"`
	Demo     bool              `json:"demo,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
	Created  time.Time         `json:"created"`
	// Removed is when the agent removed the account: it no longer syncs,
	// its conversations stay readable under its name.
	Removed time.Time `json:"removed,omitzero"`
}

// Identity is a customer's handle on one platform.
type Identity struct {
	Platform    Platform `json:"platform"`
	Handle      string   `json:"handle"` // platform user ID, address or number
	DisplayName string   `json:"displayName"`
}

// Customer is one person, possibly known on several platforms.
type Customer struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Language   string     `json:"language,omitempty"`
	Identities []Identity `json:"identities"`
	Created    time.Time  `json:"created"`
}

// FirstName is the first word of the customer's name.
func (c Customer) FirstName() string {
	for i, r := range c.Name {
		if r == ' ' {
			return c.Name[:i]
		}
	}
	return c.Name
}

// Conversation is one thread with one customer on one account.
type Conversation struct {
	ID         string   `json:"id"`
	AccountID  string   `json:"accountId"`
	Platform   Platform `json:"platform"`
	ThreadID   string   `json:"threadId"` // the platform's own thread ID
	Kind       Kind     `json:"kind"`
	Public     bool     `json:"public"`
	Status     Status   `json:"status"`
	Priority   Priority `json:"priority"`
	Assignee   string   `json:"assignee,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	CustomerID string   `json:"customerId"`
	// CustomerName is copied from the customer so the queue needs no second read.
	CustomerName string    `json:"customerName"`
	Subject      string    `json:"subject,omitempty"`
	Preview      string    `json:"preview"` // last message, shortened
	Created      time.Time `json:"created"`
	LastIn       time.Time `json:"lastIn"`             // last inbound message
	LastOut      time.Time `json:"lastOut,omitempty"`  // last outbound message
	LastAt       time.Time `json:"lastAt"`             // last message of any direction
	FirstOut     time.Time `json:"firstOut,omitempty"` // first outbound message: the first response
	ResolvedAt   time.Time `json:"resolvedAt,omitempty"`
	// PrivateReplyAt is when the one private reply to a public comment was sent.
	PrivateReplyAt time.Time `json:"privateReplyAt,omitempty"`
	// LinkedID links a public comment and the private conversation its
	// private reply opened, both ways.
	LinkedID string `json:"linkedId,omitempty"`
	// AwaitingSince is the first inbound message not yet answered; zero when answered.
	AwaitingSince time.Time `json:"awaitingSince,omitempty"`
	SnoozeUntil   time.Time `json:"snoozeUntil,omitempty"`
	Due           time.Time `json:"due,omitempty"` // zero when nothing is due
	MessageCount  int       `json:"messageCount"`
	// Rev grows with every write, so a reader can drop an older copy.
	Rev int64 `json:"rev"`
}

// Attachment is a file sent with a message; only its metadata is kept.
type Attachment struct {
	Type string `json:"type"` // image, video, audio, file
	Name string `json:"name,omitempty"`
	Size int64  `json:"size,omitempty"`
	URL  string `json:"url,omitempty"`
}

// Message is one message of a conversation.
type Message struct {
	ID          string       `json:"id"`
	ConvID      string       `json:"convId"`
	PlatformID  string       `json:"platformId,omitempty"` // the platform's message ID
	Direction   Direction    `json:"direction"`
	Author      string       `json:"author"`
	Text        string       `json:"text"`
	At          time.Time    `json:"at"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Template is the reply template an outbound message was written from.
	Template string `json:"template,omitempty"`
}

// EventType names an entry of the append-only event log.
type EventType string

const (
	EvMessageIn   EventType = "message.in"
	EvMessageOut  EventType = "message.out"
	EvNote        EventType = "note"
	EvConvNew     EventType = "conversation.new"
	EvStatus      EventType = "status"
	EvAssign      EventType = "assign"
	EvSLAMet      EventType = "sla.met"
	EvSLABreached EventType = "sla.breached"
	// EvWindowExpired: a platform reply window closed while the customer waited.
	EvWindowExpired EventType = "window.expired"
)

// Event is one entry of the event log that statistics are computed from.
type Event struct {
	ID       string    `json:"id"`
	Type     EventType `json:"type"`
	At       time.Time `json:"at"`
	ConvID   string    `json:"convId"`
	Account  string    `json:"account,omitempty"`
	Platform Platform  `json:"platform,omitempty"`
	Agent    string    `json:"agent,omitempty"`
	Data     string    `json:"data,omitempty"` // e.g. the new status, or the SLA metric
	// Start and Due are set on SLA events: when the clock started and its deadline.
	Start time.Time `json:"start,omitzero"`
	Due   time.Time `json:"due,omitzero"`
}

// Inbound is one message a channel delivers, with what the store needs to
// place it: the platform thread and the customer's identity.
type Inbound struct {
	ThreadID string `json:"threadId"`
	Kind     Kind   `json:"kind"`
	Public   bool   `json:"public"`
	Subject  string `json:"subject,omitempty"`
	// Customer is the sender's (or, for outbound, the recipient's) identity.
	Customer Identity `json:"customer"`
	// AKA are other identities the platform reveals (an e-mail address, a phone number):
	// they let one customer be recognised across channels.
	AKA      []Identity `json:"aka,omitempty"`
	Language string     `json:"language,omitempty"`
	Message  Message    `json:"message"` // PlatformID is required
	Tags     []string   `json:"tags,omitempty"`
	Priority *Priority  `json:"priority,omitempty"`
}
