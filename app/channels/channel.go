// Package channels defines the contract every platform connector implements.
// A connector turns its platform's wire format into convo types and back and
// knows the platform's rules; the sync engine drives it.
package channels

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sportello/app/convo"
)

// Channel is one connected account on one platform.
type Channel interface {
	// Pull returns what arrived after cursor ("" = from the start), and the
	// cursor that covers it. The engine stores the items and the cursor in one
	// transaction, so a crash either keeps both or neither. More means another
	// call will return more right away.
	Pull(ctx context.Context, cursor string) (Batch, error)
	// Send delivers a reply and returns the platform's message ID.
	Send(ctx context.Context, out Outgoing) (Sent, error)
	// Capabilities are the platform's rules for this account.
	Capabilities() Capabilities
}

// Batch is one Pull's result.
type Batch struct {
	Items  []convo.Inbound
	Cursor string
	More   bool
}

// Outgoing is a reply to send.
type Outgoing struct {
	ThreadID string
	// ClientID is stable across retries so a platform that echoes metadata lets
	// the outbox recognise a reply that already went out.
	ClientID string
	Text     string
	Kind     convo.Kind
	Public   bool
	// Tag is a platform message tag, e.g. HUMAN_AGENT on Messenger.
	Tag string
}

// Sent is what the platform answered.
type Sent struct {
	PlatformID string
	At         time.Time
}

// Capabilities describe the platform's rules.
type Capabilities struct {
	Platform convo.Platform
	// MaxText is the text limit as the platform counts it (0 = none).
	MaxText int
	// ReplyWindow is how long after the customer's last message a free reply
	// is allowed (0 = always); ExtendedWindow is the tagged/template extension.
	ReplyWindow    time.Duration
	ExtendedWindow time.Duration
	// PrivateReply reports whether a public comment can get one private reply.
	PrivateReply bool
	// PollInterval is how often to pull when idle.
	PollInterval time.Duration
}

// Errors a channel returns so the engine can react; wrap them with %w.
var (
	// ErrAuth: the token expired or was revoked; the agent must log in again.
	ErrAuth = errors.New("login expired")
	// ErrOffline: the platform cannot be reached; retry with backoff.
	ErrOffline = errors.New("platform unreachable")
	// ErrOutOfWindow: the platform refuses a reply outside its reply window.
	ErrOutOfWindow = errors.New("outside the platform's reply window")
	// ErrRejected: the platform refused this message for good (too long, blocked…);
	// retrying cannot help.
	ErrRejected = errors.New("the platform refused the message")
)

// Reconciler is implemented by channels that can read a thread back to tell
// whether a reply already went out (after a crash while sending), so it is
// never sent twice.
type Reconciler interface {
	// Find looks in the thread for a reply with this client ID (where the
	// platform echoes one) or else this exact text sent at or after since.
	Find(ctx context.Context, threadID, clientID, text string, since time.Time) (platformID string, found bool, err error)
}

// RateLimited is returned when the platform throttles the account.
type RateLimited struct {
	RetryAfter time.Duration
}

func (e *RateLimited) Error() string {
	return fmt.Sprintf("rate limited by the platform, retry in %s", e.RetryAfter.Round(time.Second))
}
