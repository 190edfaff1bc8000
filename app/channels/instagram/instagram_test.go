package instagram

import (
	"fmt"
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/graphsim/simtest"
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
	sim := simtest.NewSim(t, so)
	d := &desk{sim: sim, acct: sim.AddInstagram("auroracasa")}
	d.ch = d.channel(t, o)
	d.users = simtest.Users(sim, "Follower %d", 6)
	d.media = simtest.Posts(sim, sim.AddMedia, d.acct.ID, "Il nuovo divano Nuvola ☁️", "Dietro le quinte del negozio di Milano")
	return d
}

func (d *desk) channel(t *testing.T, o Options) *Channel {
	t.Helper()
	o.Graph = simtest.Graph(d.sim, d.acct)
	o.AccountID = d.acct.ID
	return simtest.Build(t, New, o)
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
	simtest.Conformance(t, []simtest.Case[Options]{
		{Name: "default"},
		{Name: "short pages", Sim: graphsim.Options{ShortPages: true, PageSize: 2, MessagePage: 2}, Opts: Options{PerPull: 1}},
	}, func(t *testing.T, so graphsim.Options, o Options) channeltest.Harness {
		d := newDesk(t, so, o)
		return channeltest.Harness{Channel: d.ch, Produce: d.produce}
	})
}
