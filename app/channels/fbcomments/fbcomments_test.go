package fbcomments

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
	page  graphsim.Account
	ch    *Channel
	users []*graphsim.User
	posts []string
	tops  []string
	n     int
}

func newDesk(t *testing.T, so graphsim.Options, o Options) *desk {
	t.Helper()
	sim := simtest.NewSim(t, so)
	d := &desk{sim: sim, page: sim.AddPage("Aurora Casa")}
	d.ch = d.channel(t, o)
	d.users = simtest.Users(sim, "Commentatore %d", 6)
	d.posts = simtest.Posts(sim, sim.AddPost, d.page.ID, "Nuova collezione primavera 🌸", "Saldi di fine stagione: fino al 50%", "Orari di apertura per Pasqua")
	return d
}

func (d *desk) channel(t *testing.T, o Options) *Channel {
	t.Helper()
	o.Graph = simtest.Graph(d.sim, d.page)
	o.PageID = d.page.ID
	return simtest.Build(t, New, o)
}

// produce adds n customer comments: every third one replies to an earlier
// top-level comment, the others open threads on the posts in turn.
func (d *desk) produce(n int) int {
	for range n {
		d.n++
		d.sim.Advance(5 * time.Second)
		u := d.users[d.n%len(d.users)]
		if d.n%3 == 0 && len(d.tops) > 0 {
			d.sim.Comment(d.tops[d.n%len(d.tops)], u, fmt.Sprintf("Risposta %d: anche per me!", d.n))
			continue
		}
		d.tops = append(d.tops, d.sim.Comment(d.posts[d.n%len(d.posts)], u, fmt.Sprintf("Commento %d: quando arriva il mio ordine?", d.n)))
	}
	return n
}

func TestConformance(t *testing.T) {
	simtest.Conformance(t, []simtest.Case[Options]{
		{Name: "default"},
		{Name: "short pages", Sim: graphsim.Options{ShortPages: true, PageSize: 2}, Opts: Options{PerPull: 1}},
	}, func(t *testing.T, so graphsim.Options, o Options) channeltest.Harness {
		d := newDesk(t, so, o)
		return channeltest.Harness{Channel: d.ch, Produce: d.produce}
	})
}
