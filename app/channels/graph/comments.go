package graph

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"sportello/app/channels"
)

// Reply posts a public reply with text on path (a comment's comments or
// replies edge) and returns its ID; who names the channel in errors.
func (c *Client) Reply(ctx context.Context, path, text, who string) (channels.Sent, error) {
	var r struct {
		ID string `json:"id"`
	}
	at, err := c.PostForm(ctx, path, url.Values{"message": {text}}, &r)
	if err != nil {
		return channels.Sent{}, err
	}
	if r.ID == "" {
		return channels.Sent{}, fmt.Errorf("%s: %w: the reply has no ID", who, ErrTemporary)
	}
	return channels.Sent{PlatformID: r.ID, At: at}, nil
}

// Shorten folds s's white space and cuts it to n characters, the last an
// ellipsis when it is cut (a post's text as a conversation's subject).
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
