package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graphsim"
)

func newClient(t *testing.T, so graphsim.Options) (*graphsim.Sim, graphsim.Account, *Client) {
	t.Helper()
	sim := graphsim.New(so)
	t.Cleanup(sim.Close)
	page := sim.AddPage("Aurora Casa")
	c, err := New(Options{BaseURL: sim.URL(), Version: "v19.0", Token: page.Token, Now: sim.Now})
	if err != nil {
		t.Fatal(err)
	}
	return sim, page, c
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, o := range []Options{{BaseURL: "ftp://graph.example"}, {BaseURL: "graph.facebook.com"}, {Version: "v1/../x"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
}

func TestClientUsesVersionAndToken(t *testing.T) {
	sim, page, c := newClient(t, graphsim.Options{})
	id, name, err := c.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if id != page.ID || name != page.Name {
		t.Errorf("Me() = %q, %q, want %q, %q", id, name, page.ID, page.Name)
	}
	reqs := sim.Requests()
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "GET /v19.0/me?") || strings.Contains(reqs[0], "access_token") {
		t.Errorf("requests = %q, want one GET /v19.0/me with the token in a header", reqs)
	}
	bad, _ := New(Options{BaseURL: sim.URL(), Token: "wrong"})
	if _, _, err := bad.Me(t.Context()); !errors.Is(err, channels.ErrAuth) {
		t.Errorf("Me() with a wrong token = %v, want ErrAuth", err)
	}
	sim.ExpireToken(page.ID)
	if _, _, err := c.Me(t.Context()); !errors.Is(err, channels.ErrAuth) || !strings.Contains(err.Error(), "190/463") {
		t.Errorf("Me() with an expired token = %v, want ErrAuth 190/463", err)
	}
}

func TestClientServerTime(t *testing.T) {
	sim, _, c := newClient(t, graphsim.Options{})
	sim.Advance(90 * time.Minute)
	at, err := c.Get(t.Context(), "me", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := sim.Now().Truncate(time.Second); !at.Equal(want) {
		t.Errorf("Get() time = %v, want the server's %v", at, want)
	}
}

func TestClientThrottling(t *testing.T) {
	for _, code := range []int{4, 17, 32, 613, 80001, 80006} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			sim, _, c := newClient(t, graphsim.Options{})
			sim.Fail(graphsim.Fault{Code: code, Regain: 3})
			_, err := c.Get(t.Context(), "me", nil, nil)
			var rl *channels.RateLimited
			if !errors.As(err, &rl) || rl.RetryAfter != 3*time.Minute {
				t.Fatalf("Get() = %v, want RateLimited for 3m", err)
			}
			// Until access is due back, the client does not call at all.
			n := len(sim.Requests())
			sim.Advance(2 * time.Minute)
			_, err = c.Get(t.Context(), "me", nil, nil)
			if !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
				t.Errorf("Get() while throttled = %v, want RateLimited for the remaining 1m", err)
			}
			if got := len(sim.Requests()); got != n {
				t.Errorf("the throttled client made %d calls, want 0", got-n)
			}
			sim.Advance(time.Minute)
			if _, err := c.Get(t.Context(), "me", nil, nil); err != nil {
				t.Errorf("Get() after the wait = %v, want recovery", err)
			}
		})
	}
}

func TestClientThrottlingWithoutHint(t *testing.T) {
	sim, _, c := newClient(t, graphsim.Options{})
	var waits []time.Duration
	for range 3 {
		sim.Fail(graphsim.Fault{Code: 4})
		_, err := c.Get(t.Context(), "me", nil, nil)
		var rl *channels.RateLimited
		if !errors.As(err, &rl) {
			t.Fatalf("Get() = %v, want RateLimited", err)
		}
		waits = append(waits, rl.RetryAfter)
		sim.Advance(rl.RetryAfter)
	}
	if waits[0] != time.Minute || waits[1] != 2*time.Minute || waits[2] != 4*time.Minute {
		t.Errorf("waits with no hint = %v, want 1m 2m 4m (growing while throttled)", waits)
	}
	if _, err := c.Get(t.Context(), "me", nil, nil); err != nil {
		t.Fatal(err)
	}
	sim.Fail(graphsim.Fault{Code: 4})
	_, err := c.Get(t.Context(), "me", nil, nil)
	var rl *channels.RateLimited
	if !errors.As(err, &rl) || rl.RetryAfter != time.Minute {
		t.Errorf("after a success the wait = %v, want 1m again", err)
	}
}

func TestClientTransportErrors(t *testing.T) {
	sim, _, c := newClient(t, graphsim.Options{})
	for _, f := range []graphsim.Fault{{Drop: true}, {Code: 2}, {Status: 502}, {Code: 1, Status: 500}} {
		sim.Fail(f)
		_, err := c.Get(t.Context(), "me", nil, nil)
		if !errors.Is(err, ErrTemporary) || errors.Is(err, channels.ErrOffline) {
			t.Errorf("Get() with %+v = %v, want ErrTemporary (outcome unknown), not ErrOffline", f, err)
		}
	}
	if _, err := c.Get(t.Context(), "me", nil, nil); err != nil {
		t.Errorf("Get() after the faults = %v", err)
	}
	sim.Close()
	if _, err := c.Get(t.Context(), "me", nil, nil); !errors.Is(err, channels.ErrOffline) {
		t.Errorf("Get() with the server gone = %v, want ErrOffline", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Get(ctx, "me", nil, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Get(cancelled) = %v, want context.Canceled", err)
	}
}

func TestClientKeepsUsage(t *testing.T) {
	sim, _, c := newClient(t, graphsim.Options{})
	if _, err := c.Get(t.Context(), "me", nil, nil); err != nil {
		t.Fatal(err)
	}
	if d := c.PollDelay(); d != 0 {
		t.Errorf("PollDelay() at low usage = %v, want 0", d)
	}
	sim.SetUsage(graphsim.Usage{App: 12, Page: 40, BUC: 82})
	if _, err := c.Get(t.Context(), "me", nil, nil); err != nil {
		t.Fatal(err)
	}
	u := c.Usage()
	if u.App == nil || u.App.CallCount != 12 || u.Page == nil || u.Page.CallCount != 40 || u.Max() != 82 {
		t.Errorf("Usage() = app %+v page %+v max %d, want 12/40/82", u.App, u.Page, u.Max())
	}
	if d := c.PollDelay(); d != time.Minute {
		t.Errorf("PollDelay() at 82%% = %v, want 1m", d)
	}
}

func TestNextStaysOnTheHost(t *testing.T) {
	_, _, c := newClient(t, graphsim.Options{})
	for _, next := range []string{"https://evil.example/v19.0/1/conversations?access_token=x", "http://graph.facebook.com.evil.example/x", "::"} {
		if _, err := c.Next(t.Context(), next, nil); err == nil || strings.Contains(err.Error(), "access_token") {
			t.Errorf("Next(%q) = %v, want a refusal that does not repeat the token", next, err)
		}
	}
}

func TestGetListFollowsShortAndEmptyPages(t *testing.T) {
	sim, page, c := newClient(t, graphsim.Options{ShortPages: true, PageSize: 3})
	want := map[string]bool{}
	for i := range 10 {
		u := sim.NewUser(fmt.Sprint("u", i))
		sim.UserMessage(page.ID, u, "ciao")
		sim.Advance(time.Second)
		want[u.PSID] = true
	}
	var got []Conversation
	pages, empty := 0, 0
	q := url.Values{"platform": {"messenger"}, "fields": {"id,updated_time,participants"}}
	_, err := GetList(t.Context(), c, page.ID+"/conversations", q, func(p []Conversation) (bool, error) {
		pages++
		if len(p) == 0 {
			empty++
		}
		got = append(got, p...)
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || empty == 0 {
		t.Fatalf("GetList() = %d conversations over %d pages (%d empty), want 10 through empty pages", len(got), pages, empty)
	}
	for i, cv := range got {
		if i > 0 && cv.UpdatedTime.After(got[i-1].UpdatedTime.Time) {
			t.Errorf("conversation %d is newer than the one before: not newest first", i)
		}
		if !want[customer(cv, page.ID).ID] {
			t.Errorf("unexpected conversation %s", cv.ID)
		}
	}
}
