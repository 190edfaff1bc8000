package stats

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"sportello/app/convo"
	"sportello/app/sla"
)

// Synthetic builds a deterministic desk day for the benchmark and the
// property tests: nConv conversations active in p (most begin in it, some
// earlier), spread over every platform, two accounts each and a few agents,
// with replies, resolutions and reopenings, assignments, SLA records (some
// written twice, as a re-resolved conversation's are), expired windows,
// notes, private replies and returning customers. The same seed gives the
// same input.
func Synthetic(seed uint64, nConv int, p Period, pol sla.Policy) Input {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	in := Input{Period: p, Convs: make(map[string]convo.Conversation, nConv), Prior: map[string][]convo.Message{},
		Accounts: map[string]string{}, Calendar: Calendars(pol)}
	type acct struct {
		id string
		p  convo.Platform
	}
	var accts []acct
	for _, pl := range convo.Platforms {
		for i := range 2 {
			id := fmt.Sprintf("%s-%d", pl, i+1)
			accts = append(accts, acct{id, pl})
			in.Accounts[id] = fmt.Sprintf("Aurora %s %d", PlatformLabel(string(pl)), i+1)
		}
	}
	agents := []string{"giulia", "marco", "sara", "luca", ""}
	span := p.End.Sub(p.Start)
	seq := 0
	ev := func(t convo.EventType, c *convo.Conversation, at time.Time, data string) convo.Event {
		seq++
		return convo.Event{ID: fmt.Sprintf("e%d", seq), Type: t, At: at, ConvID: c.ID, Account: c.AccountID, Platform: c.Platform, Data: data}
	}
	in.Events = make([]convo.Event, 0, nConv*14)
	for i := range nConv {
		a := accts[r.IntN(len(accts))]
		kinds := []convo.Kind{convo.KindDM}
		switch a.p {
		case convo.PlatformFacebook:
			kinds = []convo.Kind{convo.KindComment}
		case convo.PlatformInstagram:
			kinds = []convo.Kind{convo.KindDM, convo.KindComment}
		case convo.PlatformX:
			kinds = []convo.Kind{convo.KindMention, convo.KindDM}
		case convo.PlatformEmail:
			kinds = []convo.Kind{convo.KindEmail}
		}
		kind := kinds[r.IntN(len(kinds))]
		cust := r.IntN(nConv/3 + 1)
		c := convo.Conversation{ID: fmt.Sprintf("c%07d", i), AccountID: a.id, Platform: a.p, Kind: kind, Public: kind.Public(),
			Status: convo.StatusOpen, CustomerID: fmt.Sprintf("u%d", cust), CustomerName: fmt.Sprintf("Cliente %d", cust),
			Assignee: agents[r.IntN(len(agents))]}
		before := r.IntN(5) == 0 // began before the period
		start := p.Start.Add(time.Duration(r.Int64N(int64(span))))
		if before {
			start = p.Start.Add(-time.Duration(1+r.Int64N(int64(10*24*time.Hour))) * time.Nanosecond).Truncate(time.Second)
		}
		start = start.Truncate(time.Second)
		c.Created = start
		if p.Contains(start) {
			in.Events = append(in.Events, ev(convo.EvConvNew, &c, start, string(kind)))
		}
		if r.IntN(4) == 0 {
			t := p.Start.Add(time.Duration(r.Int64N(int64(span)))).Add(-Lookback / 2)
			in.Events = append(in.Events, ev(convo.EvAssign, &c, t, agents[r.IntN(len(agents))]))
		}
		t := start
		nMsg := 1 + r.IntN(12)
		var lastIn time.Time
		for m := range nMsg {
			dir := convo.DirIn
			if m > 0 && r.IntN(2) == 0 {
				dir = convo.DirOut
			}
			if !t.Before(p.End) {
				break
			}
			if t.Before(p.Start) {
				in.Prior[c.ID] = append(in.Prior[c.ID], convo.Message{Direction: dir, At: t})
			} else {
				typ := convo.EvMessageIn
				if dir == convo.DirOut {
					typ = convo.EvMessageOut
				}
				in.Events = append(in.Events, ev(typ, &c, t, ""))
			}
			if dir == convo.DirIn {
				lastIn = t
			}
			switch x := r.IntN(20); {
			case x < 3: // resolved after this message, sometimes reopened
				rt := t.Add(time.Duration(1+r.IntN(30)) * time.Minute)
				in.Events = append(in.Events, ev(convo.EvStatus, &c, rt, string(convo.StatusResolved)))
				c.ResolvedAt = rt
				if r.IntN(3) == 0 {
					in.Events = append(in.Events, ev(convo.EvStatus, &c, rt.Add(time.Minute), string(convo.StatusOpen)))
				}
			case x < 4:
				in.Events = append(in.Events, ev(convo.EvStatus, &c, t.Add(time.Minute), string(convo.StatusPending)))
			case x < 5:
				in.Events = append(in.Events, ev(convo.EvNote, &c, t.Add(30*time.Second), ""))
			case x < 6:
				in.Events = append(in.Events, ev(convo.EvAssign, &c, t.Add(2*time.Minute), agents[r.IntN(len(agents))]))
			}
			t = t.Add(time.Duration(1+r.IntN(90)) * time.Minute)
		}
		// Deadline records: a met or a breach per metric now and then, some twice.
		for _, k := range SLAKeys {
			if r.IntN(3) != 0 {
				continue
			}
			typ := convo.EvSLAMet
			if r.IntN(4) == 0 {
				typ = convo.EvSLABreached
			}
			e := ev(typ, &c, p.Start.Add(time.Duration(r.Int64N(int64(span)))), k)
			e.Start, e.Due = c.Created, c.Created.Add(time.Hour)
			in.Events = append(in.Events, e)
			if r.IntN(10) == 0 { // resolved again later: the same record rewritten
				e.At = e.At.Add(time.Duration(r.Int64N(int64(p.End.Sub(e.At)))))
				in.Events = append(in.Events, e)
			}
		}
		if !lastIn.IsZero() && r.IntN(20) == 0 {
			e := ev(convo.EvWindowExpired, &c, lastIn.Add(24*time.Hour), string(sla.KeyReplyWindow))
			e.Start, e.Due = lastIn, lastIn.Add(24*time.Hour)
			in.Events = append(in.Events, e)
		}
		if c.Public && r.IntN(3) == 0 {
			c.PrivateReplyAt = start.Add(time.Duration(r.IntN(120)) * time.Minute)
		}
		in.Convs[c.ID] = c
	}
	// In the order the store reads them: by time, then ID.
	slices.SortFunc(in.Events, func(a, b convo.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return in
}
