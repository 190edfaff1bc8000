package messenger

import (
	"fmt"
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/graphsim/simtest"
)

// desk is a simulated Page with its channel.
type desk struct {
	sim   *graphsim.Sim
	page  graphsim.Account
	ch    *Channel
	users []*graphsim.User
}

func newDesk(t *testing.T, so graphsim.Options, o Options) *desk {
	t.Helper()
	sim := simtest.NewSim(t, so)
	d := &desk{sim: sim, page: sim.AddPage("Aurora Casa")}
	d.ch = d.channel(t, o)
	d.users = simtest.Users(sim, "Cliente %d", 8)
	return d
}

// channel is a new channel instance on the desk's Page, as after a restart.
func (d *desk) channel(t *testing.T, o Options) *Channel {
	t.Helper()
	o.Graph = simtest.Graph(d.sim, d.page)
	o.PageID = d.page.ID
	return simtest.Build(t, New, o)
}

// produce makes customers write n messages, a few seconds apart, spread
// over the desk's users.
func (d *desk) produce(n int) int {
	for i := range n {
		d.sim.Advance(7 * time.Second)
		d.sim.UserMessage(d.page.ID, d.users[i%len(d.users)], fmt.Sprintf("Messaggio %d delle %s", i, d.sim.Now().Format("15:04:05")))
	}
	return n
}

func TestConformance(t *testing.T) {
	simtest.Conformance(t, []simtest.Case[Options]{
		{Name: "default"},
		{Name: "short pages", Sim: graphsim.Options{ShortPages: true, PageSize: 4, MessagePage: 3}, Opts: Options{PerPull: 2}},
	}, func(t *testing.T, so graphsim.Options, o Options) channeltest.Harness {
		d := newDesk(t, so, o)
		return channeltest.Harness{Channel: d.ch, Produce: d.produce}
	})
}
