package desktop

import (
	"context"
	"time"
)

// PrivateReplyRequest moves a public comment to a private conversation.
type PrivateReplyRequest struct {
	ConvID string `json:"convId"` // the public comment's conversation
	Text   string `json:"text"`   // the private message
	// FollowUp, if not empty, is posted publicly under the comment through
	// the outbox (e.g. "Ti abbiamo scritto in privato").
	FollowUp string `json:"followUp"`
}

// PrivateReplyResult is both conversations, linked, and the follow-up's state.
type PrivateReplyResult struct {
	Public   Row     `json:"public"`
	Private  Row     `json:"private"`
	FollowUp OutItem `json:"followUp"` // ID "" when none was asked for
}

// privateReplyTimeout bounds the Send API call.
const privateReplyTimeout = 60 * time.Second

// PrivateReply sends a public comment's one private reply (within 7 days of
// the comment) and links the public and the private conversation both ways.
func (s *ComposerService) PrivateReply(req PrivateReplyRequest) (PrivateReplyResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), privateReplyTimeout)
	defer cancel()
	r, err := s.core.PrivateReply(ctx, req.ConvID, req.Text, req.FollowUp, s.core.Settings().AgentName)
	if err != nil {
		return PrivateReplyResult{}, clean(err)
	}
	out := PrivateReplyResult{Public: toRow(r.Public, s.core.Queue.AccountName(r.Public.AccountID)),
		Private: toRow(r.Private, s.core.Queue.AccountName(r.Private.AccountID))}
	out.Public.DueStart = dueStart(s.core, r.Public)
	out.Private.DueStart = dueStart(s.core, r.Private)
	if r.FollowUp != nil {
		out.FollowUp = toOut(*r.FollowUp)
	}
	return out, nil
}
