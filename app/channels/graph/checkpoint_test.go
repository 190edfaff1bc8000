package graph

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/graphsim"
	"sportello/app/convo"
)

func TestCheckpointRoundTrip(t *testing.T) {
	cp := Checkpoint{Since: 1705314600, Seen: []string{"m_1"}, Walk: &Walk{Top: 1705314700, Todo: []string{"t_1", "t_2"}, Seen: []string{"m_9"}}}
	got, err := DecodeCheckpoint(cp.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.Since != cp.Since || !slices.Equal(got.Seen, cp.Seen) || got.Walk == nil || got.Walk.Top != cp.Walk.Top ||
		!slices.Equal(got.Walk.Todo, cp.Walk.Todo) || !slices.Equal(got.Walk.Seen, cp.Walk.Seen) {
		t.Errorf("DecodeCheckpoint(Encode(%+v)) = %+v", cp, got)
	}
	for _, bad := range []string{"{", `{"v":2}`, `{"v":1,"since":-1}`, `{"v":1,"since":10,"walk":{"top":5}}`, "3.4"} {
		if _, err := DecodeCheckpoint(bad); err == nil {
			t.Errorf("DecodeCheckpoint(%q) = nil error", bad)
		}
	}
}

func TestWindowContains(t *testing.T) {
	w := Window{Since: 100, Top: 200, Seen: map[string]bool{"old": true}}
	for _, tc := range []struct {
		at   int64
		id   string
		want bool
	}{{99, "a", false}, {100, "old", false}, {100, "new", true}, {150, "old", true}, {200, "a", true}, {201, "a", false}} {
		if got := w.Contains(time.Unix(tc.at, 0), tc.id); got != tc.want {
			t.Errorf("Contains(%d, %s) = %v, want %v", tc.at, tc.id, got, tc.want)
		}
	}
}

// fakeSource is a timeline of containers, for the walk's own logic.
type fakeSource struct {
	now   time.Time
	items map[string][]convo.Inbound // by container
	fail  map[string]error
	reads []string
}

func (f *fakeSource) Changed(_ context.Context, since time.Time) ([]string, time.Time, error) {
	var ids []string
	for id, its := range f.items {
		for _, it := range its {
			if !it.Message.At.Before(since) {
				ids = append(ids, id)
				break
			}
		}
	}
	slices.Sort(ids)
	return ids, f.now, nil
}

func (f *fakeSource) Read(_ context.Context, id string, w Window) ([]convo.Inbound, error) {
	f.reads = append(f.reads, id)
	if err := f.fail[id]; err != nil {
		return nil, err
	}
	var out []convo.Inbound
	for _, it := range f.items[id] {
		if w.Contains(it.Message.At, it.Message.PlatformID) {
			out = append(out, it)
		}
	}
	return out, nil
}

func (f *fakeSource) add(container, id string, at time.Time) {
	if f.items == nil {
		f.items = map[string][]convo.Inbound{}
	}
	f.items[container] = append(f.items[container], convo.Inbound{ThreadID: container, Message: convo.Message{PlatformID: id, At: at}})
}

func walker(t *testing.T, now func() time.Time) *Walker {
	c, err := New(Options{BaseURL: "http://127.0.0.1:1", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return &Walker{API: c, PerPull: 2}
}

// fakeWalk is a walker on a fake source whose clock starts at t0.
func fakeWalk(t *testing.T) (t0 time.Time, src *fakeSource, w *Walker) {
	t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	src = &fakeSource{now: t0}
	return t0, src, walker(t, func() time.Time { return src.now })
}

func pullAll(t *testing.T, w *Walker, src Source, cur string) ([]string, string) {
	t.Helper()
	var ids []string
	for range 100 {
		b, err := w.Pull(t.Context(), cur, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range b.Items {
			ids = append(ids, it.Message.PlatformID)
		}
		cur = b.Cursor
		if !b.More {
			return ids, cur
		}
	}
	t.Fatal("the walk does not end")
	return nil, ""
}

func TestWalkSameSecond(t *testing.T) {
	t0, src, w := fakeWalk(t)
	src.add("a", "a1", t0)
	src.add("b", "b1", t0)
	got, cur := pullAll(t, w, src, "")
	if len(got) != 2 {
		t.Fatalf("first pull = %v, want a1 b1", got)
	}
	// Another message in the very second the checkpoint stopped at.
	src.add("a", "a2", t0)
	got, cur = pullAll(t, w, src, cur)
	if !slices.Equal(got, []string{"a2"}) {
		t.Errorf("pull after a message in the checkpoint's second = %v, want [a2]", got)
	}
	src.now = t0.Add(time.Minute)
	got, _ = pullAll(t, w, src, cur)
	if len(got) != 0 {
		t.Errorf("pull with nothing new = %v, want nothing", got)
	}
}

func TestWalkLeavesLaterItemsForTheNextWalk(t *testing.T) {
	t0, src, w := fakeWalk(t)
	for _, c := range []string{"a", "b", "c", "d", "e"} {
		src.add(c, c+"1", t0.Add(-time.Minute))
	}
	b, err := w.Pull(t.Context(), "", src)
	if err != nil || !b.More || len(b.Items) != 2 {
		t.Fatalf("first Pull = %d items, more %v, %v; want 2 and more", len(b.Items), b.More, err)
	}
	// While the walk is under way, c gets a message after the walk's top:
	// it belongs to the next walk, not this one.
	src.now = t0.Add(time.Minute)
	src.add("c", "c2", src.now)
	rest, cur := pullAll(t, w, src, b.Cursor)
	if !slices.Equal(rest, []string{"c1", "d1", "e1"}) {
		t.Errorf("rest of the walk = %v, want c1 d1 e1", rest)
	}
	next, _ := pullAll(t, w, src, cur)
	if !slices.Equal(next, []string{"c2"}) {
		t.Errorf("next walk = %v, want c2", next)
	}
}

func TestWalkKeepsProgressOnError(t *testing.T) {
	t0, src, w := fakeWalk(t)
	src.add("a", "a1", t0)
	src.add("b", "b1", t0)
	src.add("c", "c1", t0)
	src.fail = map[string]error{"b": &channels.RateLimited{RetryAfter: time.Minute}}
	w.PerPull = 3
	b, err := w.Pull(t.Context(), "", src)
	if err != nil || len(b.Items) != 1 || !b.More {
		t.Fatalf("Pull with b failing = %d items, more %v, %v; want a1 kept and more", len(b.Items), b.More, err)
	}
	_, err = w.Pull(t.Context(), b.Cursor, src)
	var rl *channels.RateLimited
	if !errors.As(err, &rl) {
		t.Fatalf("Pull from b = %v, want the throttling error", err)
	}
	src.fail = map[string]error{"c": ErrNotFound} // deleted since the listing: skipped
	got, _ := pullAll(t, w, src, b.Cursor)
	if !slices.Equal(got, []string{"b1"}) {
		t.Errorf("after recovery = %v, want b1 (a1 not again, c gone)", got)
	}
}

func TestWalkSlowsDownAtHighUsage(t *testing.T) {
	sim := graphsim.New(graphsim.Options{})
	defer sim.Close()
	page := sim.AddPage("P")
	c, err := New(Options{BaseURL: sim.URL(), Token: page.Token, Now: sim.Now})
	if err != nil {
		t.Fatal(err)
	}
	w := &Walker{API: c}
	src := &DMs{API: c, Node: page.ID, Platform: "messenger", Self: page.ID, Conv: convo.PlatformMessenger}
	b, err := w.Pull(t.Context(), "", src)
	if err != nil {
		t.Fatal(err)
	}
	sim.SetUsage(graphsim.Usage{BUC: 91})
	if b, err = w.Pull(t.Context(), b.Cursor, src); err != nil { // learns the usage
		t.Fatal(err)
	}
	calls := len(sim.Requests())
	sim.Advance(3 * time.Minute)
	if _, err := w.Pull(t.Context(), b.Cursor, src); err != nil {
		t.Fatal(err)
	}
	if got := len(sim.Requests()); got != calls {
		t.Errorf("a poll 3 min later at 91%% usage made %d calls, want none (wait 4 min)", got-calls)
	}
	sim.Advance(time.Minute)
	if _, err := w.Pull(t.Context(), b.Cursor, src); err != nil {
		t.Fatal(err)
	}
	if got := len(sim.Requests()); got == calls {
		t.Error("a poll 4 min later made no call, want the poll to resume")
	}
}
