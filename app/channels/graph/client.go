// Package graph is the Meta Graph API client shared by the Messenger, Facebook
// comments and Instagram channels, and the pieces those channels have in common.
//
//   - Client: base URL and API version configurable; error bodies decoded into
//     the channels errors (190, 102, 104 → ErrAuth; subcode 2018278 → ErrOutOfWindow;
//     4, 17, 32, 613, 80001–80006 and HTTP 429 → *channels.RateLimited, waiting
//     for estimated_time_to_regain_access when the usage headers give it;
//     1, 2 and 5xx → ErrTemporary; 10 and 200–299 → ErrPermission;
//     551, 368 and the rest → ErrRejected). After a throttling error the client
//     refuses calls itself until access is due back, so nothing hammers Meta.
//   - The usage headers (X-App-Usage, X-Page-Usage, X-Business-Use-Case-Usage)
//     of every response are kept; PollDelay slows polling above SlowAt percent.
//   - Pages: List and Each follow paging.next to the end, through short and
//     empty pages; Graph cursors are never stored.
//   - Walker: a checkpointed poll (see Checkpoint) that loses and doubles nothing
//     across restarts; DMs: the conversations API shared by Messenger and Instagram.
package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"sportello/app/channels"
)

// Defaults.
const (
	DefaultBaseURL = "https://graph.facebook.com"
	// InstagramBaseURL is the host for Instagram with Instagram Login.
	InstagramBaseURL = "https://graph.instagram.com"
	DefaultVersion   = "v23.0"
)

// maxBody bounds a response body.
const maxBody = 16 << 20

// Options configure a Client.
type Options struct {
	BaseURL string // default DefaultBaseURL
	Version string // default DefaultVersion
	Token   string // a Page or Instagram access token
	HTTP    *http.Client
	// Now is the local clock, used when a response carries no Date and to time
	// throttling; default time.Now.
	Now func() time.Time
}

// Client calls the Graph API with one token. It is safe for concurrent use.
type Client struct {
	base    *url.URL
	version string
	token   string
	http    *http.Client
	now     func() time.Time

	mu        sync.Mutex
	usage     Usage
	blocked   time.Time // throttled until
	throttles int       // throttling errors in a row
}

// New returns a client; it fails on a malformed base URL or version.
func New(o Options) (*Client, error) {
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	if o.Version == "" {
		o.Version = DefaultVersion
	}
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 60 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	u, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("graph: bad base URL %q", o.BaseURL)
	}
	v := strings.Trim(o.Version, "/")
	if v == "" || strings.ContainsAny(v, "/?# ") {
		return nil, fmt.Errorf("graph: bad API version %q", o.Version)
	}
	return &Client{base: u, version: v, token: o.Token, http: o.HTTP, now: o.Now}, nil
}

// Now is the client's local clock.
func (c *Client) Now() time.Time { return c.now() }

// Usage is what the last response said about the rate limits.
func (c *Client) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.usage
}

// PollDelay is how long pollers should wait between polls at the current usage.
func (c *Client) PollDelay() time.Duration { return c.Usage().PollDelay() }

// URL is the address of path (e.g. "123/conversations") with query q.
func (c *Client) URL(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + "/" + c.version + "/" + strings.TrimLeft(path, "/")
	u.RawQuery = q.Encode()
	return u.String()
}

// Get reads path into v and returns the server's time of the answer.
func (c *Client) Get(ctx context.Context, path string, q url.Values, v any) (time.Time, error) {
	return c.do(ctx, http.MethodGet, c.URL(path, q), nil, "", v)
}

// Post sends body as JSON to path.
func (c *Client) Post(ctx context.Context, path string, body, v any) (time.Time, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return time.Time{}, err
	}
	return c.do(ctx, http.MethodPost, c.URL(path, nil), b, "application/json", v)
}

// PostForm sends form-encoded parameters to path.
func (c *Client) PostForm(ctx context.Context, path string, form url.Values, v any) (time.Time, error) {
	return c.do(ctx, http.MethodPost, c.URL(path, nil), []byte(form.Encode()), "application/x-www-form-urlencoded", v)
}

// Next reads a paging.next address, which must point at the client's own host.
func (c *Client) Next(ctx context.Context, next string, v any) (time.Time, error) {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return time.Time{}, fmt.Errorf("graph: refusing to follow paging.next to %q: not %s", redact(next), c.base.Host)
	}
	return c.do(ctx, http.MethodGet, next, nil, "", v)
}

func (c *Client) do(ctx context.Context, method, addr string, body []byte, ctype string, v any) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	c.mu.Lock()
	wait := c.blocked.Sub(c.now())
	c.mu.Unlock()
	if wait > 0 {
		return time.Time{}, fmt.Errorf("graph: still throttled: %w", &channels.RateLimited{RetryAfter: wait})
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, addr, rd)
	if err != nil {
		return time.Time{}, fmt.Errorf("graph: %w", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return time.Time{}, transportError(ctx, method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return time.Time{}, transportError(ctx, method, err)
	}
	at := c.now().UTC().Truncate(time.Second)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		at = d.UTC()
	}
	u, _ := ParseUsage(resp.Header) // a malformed header must not fail the call
	c.mu.Lock()
	if u.Known() {
		c.usage = u
	}
	c.mu.Unlock()
	if resp.StatusCode >= 300 || bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`{"error"`)) {
		e := DecodeError(resp.StatusCode, resp.Header, raw)
		var rl *channels.RateLimited
		c.mu.Lock()
		if errors.As(e, &rl) {
			c.throttles++
			if rl.RetryAfter == defaultThrottle && c.throttles > 1 {
				rl.RetryAfter = min(defaultThrottle<<min(c.throttles-1, 5), 30*time.Minute)
			}
			c.blocked = c.now().Add(rl.RetryAfter)
		}
		c.mu.Unlock()
		return at, e
	}
	c.mu.Lock()
	c.throttles = 0
	c.mu.Unlock()
	if v != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return at, fmt.Errorf("graph: %w: unreadable answer from %s: %w", ErrTemporary, method, err)
		}
	}
	return at, nil
}

// transportError classifies a failed round trip: not connected at all is
// ErrOffline (nothing was sent); anything later leaves the outcome unknown.
func transportError(ctx context.Context, method string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var op *net.OpError
	var dns *net.DNSError
	if (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns) {
		return fmt.Errorf("graph: %w: %w", channels.ErrOffline, err)
	}
	return fmt.Errorf("graph: %s: %w: %w", method, ErrTemporary, err)
}

// redact drops the query (which may carry an access token) from an address.
func redact(addr string) string {
	if i := strings.IndexByte(addr, '?'); i >= 0 {
		return addr[:i]
	}
	return addr
}

// Me reads the token owner's ID and name (or username): the account test.
func (c *Client) Me(ctx context.Context) (id, name string, err error) {
	var me struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Username string `json:"username"`
	}
	if _, err := c.Get(ctx, "me", url.Values{"fields": {"id,name,username"}}, &me); err != nil {
		return "", "", err
	}
	if me.Name == "" {
		me.Name = me.Username
	}
	return me.ID, me.Name, nil
}
