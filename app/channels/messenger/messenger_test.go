package messenger

import (
	"fmt"
	"testing"
	"time"

	"sportello/app/channels/channeltest"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
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
	sim := graphsim.New(so)
	t.Cleanup(sim.Close)
	page := sim.AddPage("Aurora Casa")
	d := &desk{sim: sim, page: page}
	d.ch = d.channel(t, o)
	for i := range 8 {
		d.users = append(d.users, sim.NewUser(fmt.Sprintf("Cliente %d", i)))
	}
	return d
}

// channel is a new channel instance on the desk's Page, as after a restart.
func (d *desk) channel(t *testing.T, o Options) *Channel {
	t.Helper()
	o.Graph = graph.Options{BaseURL: d.sim.URL(), Version: "v21.0", Token: d.page.Token, Now: d.sim.Now}
	o.PageID = d.page.ID
	ch, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return ch
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
	for _, tc := range []struct {
		name string
		so   graphsim.Options
		o    Options
	}{
		{"default", graphsim.Options{}, Options{}},
		{"short pages", graphsim.Options{ShortPages: true, PageSize: 4, MessagePage: 3}, Options{PerPull: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness {
				d := newDesk(t, tc.so, tc.o)
				return channeltest.Harness{Channel: d.ch, Produce: d.produce}
			})
		})
	}
}
