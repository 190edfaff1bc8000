package fbcomments

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
	page  graphsim.Account
	ch    *Channel
	users []*graphsim.User
	posts []string
	tops  []string
	n     int
}

func newDesk(t *testing.T, so graphsim.Options, o Options) *desk {
	t.Helper()
	sim := graphsim.New(so)
	t.Cleanup(sim.Close)
	d := &desk{sim: sim, page: sim.AddPage("Aurora Casa")}
	d.ch = d.channel(t, o)
	for i := range 6 {
		d.users = append(d.users, sim.NewUser(fmt.Sprintf("Commentatore %d", i)))
	}
	for _, text := range []string{"Nuova collezione primavera 🌸", "Saldi di fine stagione: fino al 50%", "Orari di apertura per Pasqua"} {
		d.posts = append(d.posts, sim.AddPost(d.page.ID, text))
		sim.Advance(time.Minute)
	}
	return d
}

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
	for _, tc := range []struct {
		name string
		so   graphsim.Options
		o    Options
	}{
		{"default", graphsim.Options{}, Options{}},
		{"short pages", graphsim.Options{ShortPages: true, PageSize: 2}, Options{PerPull: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			channeltest.Run(t, func(t *testing.T) channeltest.Harness {
				d := newDesk(t, tc.so, tc.o)
				return channeltest.Harness{Channel: d.ch, Produce: d.produce}
			})
		})
	}
}
