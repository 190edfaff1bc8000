package stats_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"sportello/app/sla"
	"sportello/app/stats"
)

// counts keeps the additive part of figures: everything but medians, means
// and percentiles (the count of values behind those is additive, and kept).
func counts(f stats.Figures) stats.Figures {
	for _, d := range []*stats.Durations{&f.FirstResponse, &f.FirstResponseBusiness, &f.NextResponse, &f.NextResponseBusiness} {
		*d = stats.Durations{N: d.N}
	}
	return f
}

func add(a, b stats.Figures) stats.Figures {
	a.Conversations += b.Conversations
	a.Inbound += b.Inbound
	a.PublicInbound += b.PublicInbound
	a.Outbound += b.Outbound
	a.New += b.New
	a.NeededReply += b.NeededReply
	a.Replied += b.Replied
	a.FirstResponse.N += b.FirstResponse.N
	a.FirstResponseBusiness.N += b.FirstResponseBusiness.N
	a.NextResponse.N += b.NextResponse.N
	a.NextResponseBusiness.N += b.NextResponseBusiness.N
	for i := range a.SLA {
		a.SLA[i].Met += b.SLA[i].Met
		a.SLA[i].Breached += b.SLA[i].Breached
	}
	a.Breaches += b.Breaches
	a.WindowsExpired += b.WindowsExpired
	a.Resolved += b.Resolved
	a.RepeatContacts += b.RepeatContacts
	a.Backlog += b.Backlog
	a.PublicConversations += b.PublicConversations
	a.MovedToPrivate += b.MovedToPrivate
	return a
}

// TestTotalsAreSumsOfBreakdowns: over random days (fixed seeds), every count
// of the total equals the sum of that count over platforms, over accounts and
// over agents, and the hourly, daily and distribution series add up too.
func TestTotalsAreSumsOfBreakdowns(t *testing.T) {
	pol := sla.DefaultPolicy(zone)
	for seed := uint64(1); seed <= 60; seed++ {
		from := []string{"2026-11-23", "2026-03-29", "2026-10-25", "2026-12-31"}[seed%4] // DST days included
		to := from
		if seed%5 == 0 {
			to = map[string]string{"2026-11-23": "2026-11-29", "2026-03-29": "2026-04-02", "2026-10-25": "2026-10-31", "2026-12-31": "2027-01-06"}[from]
		}
		p, err := stats.NewPeriod(from, to, zone)
		if err != nil {
			t.Fatal(err)
		}
		rep := stats.Compute(stats.Synthetic(seed, 50+int(seed)*37, p, pol))
		total := counts(rep.Total)
		if total.Conversations != len(rep.Rows) || total.Conversations == 0 {
			t.Fatalf("seed %d: %d conversations for %d rows", seed, total.Conversations, len(rep.Rows))
		}
		for name, gs := range map[string][]stats.Group{"platform": rep.ByPlatform, "account": rep.ByAccount, "agent": rep.ByAgent} {
			var sum stats.Figures
			for _, g := range gs {
				sum = add(sum, counts(g.Figures))
			}
			if diff := cmp.Diff(total, sum); diff != "" {
				t.Errorf("seed %d: total vs sum by %s (-total +sum):\n%s", seed, name, diff)
			}
		}
		var hIn, hOut, hNew, dIn, dOut, dNew, bins int
		for _, v := range rep.Hourly {
			hIn, hOut, hNew = hIn+v.Inbound, hOut+v.Outbound, hNew+v.New
		}
		for _, d := range rep.Daily {
			dIn, dOut, dNew = dIn+d.Inbound, dOut+d.Outbound, dNew+d.New
		}
		for _, b := range rep.FirstResponses {
			bins += b.Count
		}
		if hIn != total.Inbound || dIn != total.Inbound || hOut != total.Outbound || dOut != total.Outbound || hNew != total.New || dNew != total.New {
			t.Errorf("seed %d: hourly %d/%d/%d and daily %d/%d/%d in/out/new, total %d/%d/%d", seed, hIn, hOut, hNew, dIn, dOut, dNew, total.Inbound, total.Outbound, total.New)
		}
		if bins != total.FirstResponse.N {
			t.Errorf("seed %d: distribution holds %d first responses, total %d", seed, bins, total.FirstResponse.N)
		}
		// Rows alone explain the total: what a spreadsheet user would check.
		var replied, needed, resolved int
		for _, r := range rep.Rows {
			if r.Replied && !r.NeededReply {
				t.Errorf("seed %d: %s replied without needing a reply", seed, r.ConvID)
			}
			replied += b2i(r.Replied)
			needed += b2i(r.NeededReply)
			resolved += b2i(r.Resolved)
		}
		if replied != total.Replied || needed != total.NeededReply || resolved != total.Resolved {
			t.Errorf("seed %d: rows give replied %d needed %d resolved %d; total %d %d %d", seed, replied, needed, resolved, total.Replied, total.NeededReply, total.Resolved)
		}
	}
}

// TestComputeIsDeterministic: the same input, shuffled, gives the same report.
func TestComputeIsDeterministic(t *testing.T) {
	p, _ := stats.NewPeriod("2026-11-23", "", zone)
	in := stats.Synthetic(7, 5000, p, sla.DefaultPolicy(zone)) // enough rows for parallel replay
	a := stats.Compute(in)
	for i, j := 0, len(in.Events)-1; i < j; i, j = i+1, j-1 {
		in.Events[i], in.Events[j] = in.Events[j], in.Events[i]
	}
	b := stats.Compute(in)
	if diff := cmp.Diff(a, b, cmpopts.IgnoreFields(stats.Report{}, "Period")); diff != "" {
		t.Errorf("reversed events changed the report:\n%s", diff)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
