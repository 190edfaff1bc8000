// Package simtest holds the test setup the Meta channels (messenger,
// fbcomments, instagram) share: a simulator per test, the Graph options of
// one of its accounts, a store, and the pulls, crashes and restarts their
// tests go through.
package simtest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/channeltest"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
	"sportello/app/convo"
	"sportello/app/store"
	"sportello/app/syncer"
)

// NewSim starts a simulator that the test closes when it ends.
func NewSim(t testing.TB, o graphsim.Options) *graphsim.Sim {
	t.Helper()
	sim := graphsim.New(o)
	t.Cleanup(sim.Close)
	return sim
}

// Users adds n users named after format (with their index).
func Users(sim *graphsim.Sim, format string, n int) []*graphsim.User {
	var us []*graphsim.User
	for i := range n {
		us = append(us, sim.NewUser(fmt.Sprintf(format, i)))
	}
	return us
}

// Posts adds a post (or media) with each text to owner through add, a
// minute apart, and returns their IDs.
func Posts(sim *graphsim.Sim, add func(owner, text string) string, owner string, texts ...string) []string {
	var ids []string
	for _, text := range texts {
		ids = append(ids, add(owner, text))
		sim.Advance(time.Minute)
	}
	return ids
}

// Graph is the Graph client options of account a on sim.
func Graph(sim *graphsim.Sim, a graphsim.Account) graph.Options {
	return graph.Options{BaseURL: sim.URL(), Version: "v21.0", Token: a.Token, Now: sim.Now}
}

// Build makes a channel with newChannel, failing the test on an error.
func Build[O, C any](t testing.TB, newChannel func(O) (C, error), o O) C {
	t.Helper()
	ch, err := newChannel(o)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// Case is one configuration of the conformance suite.
type Case[O any] struct {
	Name string
	Sim  graphsim.Options
	Opts O
}

// Conformance runs channeltest's suite on each case, on a harness newHarness
// builds for it.
func Conformance[O any](t *testing.T, cases []Case[O], newHarness func(t *testing.T, so graphsim.Options, o O) channeltest.Harness) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness { return newHarness(t, tc.Sim, tc.Opts) })
		})
	}
}

// PullAll pulls from cur until the channel has no more, and returns the
// items and the last cursor.
func PullAll(t testing.TB, ch channels.Channel, cur string) ([]convo.Inbound, string) {
	t.Helper()
	var all []convo.Inbound
	for range 1000 {
		b, err := ch.Pull(t.Context(), cur)
		if err != nil {
			t.Fatalf("Pull(%q) = %v", cur, err)
		}
		all = append(all, b.Items...)
		cur = b.Cursor
		if !b.More {
			return all, cur
		}
	}
	t.Fatal("Pull never ends")
	return nil, ""
}

// OpenStore opens an in-memory store on the simulator's clock, closed when
// the test ends.
func OpenStore(t testing.TB, sim *graphsim.Sim) *store.Store {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true, Now: sim.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// ErrCrash is what a Crashing channel fails with.
var ErrCrash = errors.New("crash")

// Crashing is a channel that dies on its N-th Pull after the platform
// answered: what it read never reaches the store, as in a crash between the
// network and the disk.
type Crashing struct {
	channels.Channel
	N int
}

func (c *Crashing) Pull(ctx context.Context, cur string) (channels.Batch, error) {
	b, err := c.Channel.Pull(ctx, cur)
	c.N--
	if c.N <= 0 {
		return channels.Batch{}, ErrCrash
	}
	return b, err
}

// SyncCrashing syncs acct through ch made to crash at its crashAt-th Pull,
// fails the test unless it did, and returns how many items were stored.
func SyncCrashing(t testing.TB, e *syncer.Engine, acct string, ch channels.Channel, crashAt int) int {
	t.Helper()
	res, err := e.SyncOnce(t.Context(), acct, &Crashing{Channel: ch, N: crashAt})
	if !errors.Is(err, ErrCrash) {
		t.Fatalf("first SyncOnce = %v, want the crash", err)
	}
	return res.Stored
}

// Resume syncs acct through ch three times, ten seconds apart, as a new
// instance after a restart does, and returns what was stored and what was
// duplicate.
func Resume(t testing.TB, sim *graphsim.Sim, e *syncer.Engine, acct string, ch channels.Channel) (stored, dups int) {
	t.Helper()
	for range 3 {
		sim.Advance(10 * time.Second)
		res, err := e.SyncOnce(t.Context(), acct, ch)
		if err != nil {
			t.Fatal(err)
		}
		stored += res.Stored
		dups += res.Duplicates
	}
	return stored, dups
}

// Count is how many of msgs have the platform ID id.
func Count(msgs []convo.Message, id string) int {
	n := 0
	for _, m := range msgs {
		if m.PlatformID == id {
			n++
		}
	}
	return n
}
