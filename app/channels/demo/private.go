package demo

import (
	"context"
	"fmt"

	"sportello/app/channels"
	"sportello/app/convo"
)

// PrivateReply answers a public comment privately, as Meta's Send API does
// with recipient.comment_id: once per comment, opening (or joining) the
// customer's private conversation — on the demo Messenger account for a
// Facebook comment, on the same account for an Instagram one — whose thread
// ID it returns. The message comes back on that account's next Pull. The
// demo does not date comments, so the 7-day limit is left to the app.
func (c *channel) PrivateReply(ctx context.Context, commentID, text string) (string, channels.Sent, error) {
	if err := ctx.Err(); err != nil {
		return "", channels.Sent{}, err
	}
	s := c.s
	a := s.accounts[c.acct]
	if !a.caps.PrivateReply {
		return "", channels.Sent{}, fmt.Errorf("demo: %s has no private replies: %w", a.Platform, channels.ErrRejected)
	}
	target := c.acct
	if a.Platform == convo.PlatformFacebook {
		target = s.accountOf(convo.PlatformMessenger)
	}
	t := s.accounts[target]
	if max := t.caps.MaxText; max > 0 && len([]rune(text)) > max {
		return "", channels.Sent{}, fmt.Errorf("demo: text longer than %d characters: %w", max, channels.ErrRejected)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	th, ok := s.threads[commentID]
	if !ok || th.acct != c.acct || th.kind != convo.KindComment {
		return "", channels.Sent{}, fmt.Errorf("demo: unknown comment %q: %w", commentID, channels.ErrRejected)
	}
	marker := "private-reply:" + commentID
	for _, e := range s.sent[target] {
		if e.client == marker {
			return "", channels.Sent{}, fmt.Errorf("demo: (#10900) Activity already replied to: %w", channels.ErrRejected)
		}
	}
	// A customer known on the platform gets their usual thread; one who is
	// not gets the ID the platform would scope to them. The app stores the
	// message as it sends it; the echo of an unknown customer's carries no
	// identity, so the store refuses it (a logged warning), changing nothing.
	handle, known := s.customers[th.cust].handles[t.Platform]
	if !known {
		handle = fmt.Sprintf("%s_%d", t.Platform, 2400000+th.cust)
		if t.Platform == convo.PlatformInstagram {
			handle = fmt.Sprintf("%s_%d", t.Platform, 9100000+th.cust)
		}
	}
	dm := fmt.Sprintf("%s-dm-%s", t.Platform, handle)
	if _, ok := s.threads[dm]; !ok {
		s.threads[dm] = threadInfo{acct: target, cust: th.cust, kind: convo.KindDM}
	}
	n := len(s.sent[target])
	e := event{acct: target, thread: dm, kind: convo.KindDM, cust: th.cust, dir: convo.DirOut, text: text, at: s.o.Now(),
		pid: fmt.Sprintf("%s-s%d", t.Platform, n), client: marker}
	s.sent[target] = append(s.sent[target], e)
	return dm, channels.Sent{PlatformID: e.pid, At: e.at}, nil
}
