package instagram

import (
	"fmt"
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
)

type desk struct {
	sim   *graphsim.Sim
	acct  graphsim.Account
	ch    *Channel
	users []*graphsim.User
	media []string
	tops  []string
	n     int
}

func newDesk(t *testing.T, so graphsim.Options, o Options) *desk {
	t.Helper()
	sim := graphsim.New(so)
	t.Cleanup(sim.Close)
	d := &desk{sim: sim, acct: sim.AddInstagram("auroracasa")}
	d.ch = d.channel(t, o)
	for i := range 6 {
		d.users = append(d.users, sim.NewUser(fmt.Sprintf("Follower %d", i)))
	}
	for _, c := range []string{"Il nuovo divano Nuvola ☁️", "Dietro le quinte del negozio di Milano"} {
		d.media = append(d.media, sim.AddMedia(d.acct.ID, c))
		sim.Advance(time.Minute)
	}
	return d
}

func (d *desk) channel(t *testing.T, o Options) *Channel {
	t.Helper()
	o.Graph = graph.Options{BaseURL: d.sim.URL(), Version: "v21.0", Token: d.acct.Token, Now: d.sim.Now}
	o.AccountID = d.acct.ID
	ch, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// produce adds n inbound items: Direct messages, new comments and replies in turn.
func (d *desk) produce(n int) int {
	for range n {
		d.n++
		d.sim.Advance(4 * time.Second)
		u := d.users[d.n%len(d.users)]
		switch {
		case d.n%3 == 0:
			d.sim.UserMessage(d.acct.ID, u, fmt.Sprintf("DM %d: è disponibile in verde?", d.n))
		case d.n%3 == 1 || len(d.tops) == 0:
			d.tops = append(d.tops, d.sim.Comment(d.media[d.n%len(d.media)], u, fmt.Sprintf("Commento %d: prezzo?", d.n)))
		default:
			d.sim.Comment(d.tops[d.n%len(d.tops)], u, fmt.Sprintf("Risposta %d: lo voglio sapere anch'io", d.n))
		}
	}
	return n
}

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		so   graphsim.Options
		o    Options
	}{
		{"default", graphsim.Options{}, Options{}},
		{"short pages", graphsim.Options{ShortPages: true, PageSize: 2, MessagePage: 2}, Options{PerPull: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness {
				d := newDesk(t, tc.so, tc.o)
				return channeltest.Harness{Channel: d.ch, Produce: d.produce}
			})
		})
	}
}
