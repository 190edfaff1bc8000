// Package stats computes the team lead's figures for a day or a range of days
// in the team's time zone — volumes, response times in business and
// wall-clock time, SLA compliance, resolutions, repeat contacts, backlog —
// from the event log, and exports them as CSV and XLSX. Every figure is
// computed from per-conversation rows kept in the report, so each one can be
// traced to the conversations behind it. docs/metrics.md defines each metric.
package stats

import (
	"cmp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/sla"
)

// Lookback is how far before the period the event log is read: resolutions
// for repeat contacts, and the status and assignee a conversation had when
// the period began.
const Lookback = 7 * 24 * time.Hour

// RepeatWindow is how soon after a resolution a customer writing again is a repeat contact.
const RepeatWindow = 7 * 24 * time.Hour

// SLA metrics in report order.
const (
	SLAFirst = iota
	SLANext
	SLAResolution
)

// SLAKeys are the metric keys SLA events carry, indexed like Row.SLA.
var SLAKeys = [3]string{string(sla.FirstResponse), string(sla.NextResponse), string(sla.Resolution)}

// Ratio is a share kept as its two counts, so it can be checked and summed.
type Ratio struct {
	Num, Den int
}

// Value is Num/Den; ok is false when Den is zero (nothing to measure).
func (r Ratio) Value() (v float64, ok bool) {
	if r.Den == 0 {
		return 0, false
	}
	return float64(r.Num) / float64(r.Den), true
}

// Durations summarises response times.
type Durations struct {
	N                 int
	Median, Mean, P90 time.Duration
}

// SLACount is how many targets of one metric were met and breached.
type SLACount struct {
	Met, Breached int
}

// Rate is the share of targets met.
func (s SLACount) Rate() Ratio { return Ratio{s.Met, s.Met + s.Breached} }

// Response is one reply to a waiting customer.
type Response struct {
	At       time.Time     // when the reply was sent
	Wall     time.Duration // since the first unanswered customer message, wall-clock
	Business time.Duration // the same in the business time of the conversation's SLA calendar
}

// Row is one conversation touched during the period: what happened to it then.
type Row struct {
	ConvID       string
	AccountID    string
	AccountName  string
	Platform     convo.Platform
	Kind         convo.Kind
	Public       bool
	CustomerID   string
	CustomerName string
	Agent        string // assignee at the end of the period ("" unassigned)
	Created      time.Time

	New            bool // created during the period
	Inbound        int
	Outbound       int
	NeededReply    bool
	Replied        bool
	FirstResponse  *Response // nil unless the first response was sent during the period
	NextResponses  []Response
	SLA            [3]SLACount
	WindowsExpired int
	Resolved       bool
	RepeatContact  bool
	OpenAtEnd      bool // backlog
	MovedToPrivate bool
}

// Figures are the metrics of a set of rows.
type Figures struct {
	Conversations int
	Inbound       int
	PublicInbound int
	Outbound      int
	New           int
	NeededReply   int
	Replied       int

	FirstResponse         Durations
	FirstResponseBusiness Durations
	NextResponse          Durations
	NextResponseBusiness  Durations

	SLA            [3]SLACount
	Breaches       int
	WindowsExpired int
	Resolved       int
	RepeatContacts int
	Backlog        int

	PublicConversations int
	MovedToPrivate      int
}

// ResponseRate is the share of conversations that needed a reply and got one.
func (f Figures) ResponseRate() Ratio { return Ratio{f.Replied, f.NeededReply} }

// PublicShare is the share of inbound messages that arrived in public.
func (f Figures) PublicShare() Ratio { return Ratio{f.PublicInbound, f.Inbound} }

// PrivateMoves is the share of public conversations moved to private.
func (f Figures) PrivateMoves() Ratio { return Ratio{f.MovedToPrivate, f.PublicConversations} }

// Group is the figures of one platform, account or agent.
type Group struct {
	Key   string // platform, account ID or agent ("" unassigned)
	Label string // display name ("" for the unassigned agent: the exporter names it)
	Figures
}

// Volume counts messages and new conversations.
type Volume struct {
	Inbound, Outbound, New int
}

// Day is the volume of one date of the period.
type Day struct {
	Date string
	Volume
}

// Bin is one bar of the first-response distribution: [From, To), To zero = no end.
type Bin struct {
	From, To time.Duration
	Count    int
}

// FirstResponseBins are the edges of the first-response distribution.
var FirstResponseBins = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 4 * time.Hour, 24 * time.Hour}

// Report is everything the statistics show for a period.
type Report struct {
	Period     Period
	Total      Figures
	ByPlatform []Group
	ByAccount  []Group
	ByAgent    []Group
	Hourly     [24]Volume // by hour of day in the team's time zone, summed over the period
	Daily      []Day
	// FirstResponses is the distribution of wall-clock first-response times.
	FirstResponses []Bin
	Rows           []Row
}

// Empty reports whether nothing happened in the period.
func (r *Report) Empty() bool { return len(r.Rows) == 0 }

// Input is what a report is computed from.
type Input struct {
	Period Period
	// Events are the period's events and the status and assign events of the
	// Lookback before it, in any order; the same ID twice keeps the latest.
	Events []convo.Event
	// Convs holds the record of every conversation an event names.
	Convs map[string]convo.Conversation
	// Prior holds, for conversations created before the period, their
	// inbound and outbound messages before it (texts not needed).
	Prior map[string][]convo.Message
	// Accounts maps account IDs to display names.
	Accounts map[string]string
	// Calendar is the SLA calendar of a conversation, which depends only on
	// its class (sla.ClassOf); nil counts business time as wall-clock time.
	Calendar func(convo.Conversation) *sla.Calendar
}

// step is one entry of a conversation's timeline.
type step struct {
	at   time.Time
	kind kind
	e    *convo.Event
}

// kind is an event type as a small number, in the order events of the same
// instant apply: a conversation begins, the customer writes, the team
// answers, then the rest.
type kind uint8

const (
	kNew kind = iota
	kIn
	kOut
	kNote
	kStatus
	kAssign
	kMet
	kBreached
	kWindow
	kOther
)

func kindOf(t convo.EventType) kind {
	switch t {
	case convo.EvConvNew:
		return kNew
	case convo.EvMessageIn:
		return kIn
	case convo.EvMessageOut:
		return kOut
	case convo.EvNote:
		return kNote
	case convo.EvStatus:
		return kStatus
	case convo.EvAssign:
		return kAssign
	case convo.EvSLAMet:
		return kMet
	case convo.EvSLABreached:
		return kBreached
	case convo.EvWindowExpired:
		return kWindow
	}
	return kOther
}

// Compute builds the report of in.Period. It reads nothing: Load gathers the input.
func Compute(in Input) Report {
	p := in.Period
	loc := p.Location()
	from := p.Start.Add(-Lookback)
	evs := dedupe(in.Events, from, p.End)

	rep := Report{Period: p}
	days := p.Days()
	dayStarts := make([]time.Time, len(days))
	for i, d := range days {
		rep.Daily = append(rep.Daily, Day{Date: d})
		dayStarts[i] = p.Start.AddDate(0, 0, i)
	}

	// One timeline per conversation, in event order; only those the period
	// touches become rows. Each event's conversation is looked up once, and
	// the timelines are laid out in one array (a counting sort by conversation).
	type timeline struct {
		id         string
		start, end int // its steps: all[start:end]
		touched    bool
	}
	index := make(map[string]int32, len(in.Convs))
	var tls []timeline
	owner := make([]int32, len(evs))        // timeline of each event, -1 for none
	resolutions := map[string][]time.Time{} // by customer, for repeat contacts
	lastID, last := "", int32(-1)
	for j, e := range evs {
		owner[j] = -1
		if e.Type == convo.EvStatus && e.Data == string(convo.StatusResolved) {
			if c, ok := in.Convs[e.ConvID]; ok && c.CustomerID != "" {
				resolutions[c.CustomerID] = append(resolutions[c.CustomerID], e.At)
			}
		}
		inPeriod := !e.At.Before(p.Start)
		if !inPeriod && e.Type != convo.EvStatus && e.Type != convo.EvAssign {
			continue // before the period only these matter; messages come from Prior
		}
		i := last
		if e.ConvID != lastID {
			var ok bool
			if i, ok = index[e.ConvID]; !ok {
				i = int32(len(tls))
				index[e.ConvID] = i
				tls = append(tls, timeline{id: e.ConvID})
			}
			lastID, last = e.ConvID, i
		}
		owner[j] = i
		tl := &tls[i]
		tl.end++ // a count for now
		if !inPeriod {
			continue
		}
		tl.touched = true
		if e.Type == convo.EvMessageIn || e.Type == convo.EvMessageOut || e.Type == convo.EvConvNew {
			lt := e.At.In(loc)
			d := max(sort.Search(len(dayStarts), func(k int) bool { return dayStarts[k].After(e.At) })-1, 0)
			h, dv := &rep.Hourly[lt.Hour()], &rep.Daily[d].Volume
			switch e.Type {
			case convo.EvMessageIn:
				h.Inbound++
				dv.Inbound++
			case convo.EvMessageOut:
				h.Outbound++
				dv.Outbound++
			default:
				h.New++
				dv.New++
			}
		}
	}
	n := 0
	for i := range tls {
		count := tls[i].end
		tls[i].start, tls[i].end = n, n
		n += count
	}
	all := make([]step, n)
	for j, e := range evs {
		if i := owner[j]; i >= 0 {
			tl := &tls[i]
			all[tl.end] = step{at: e.At, kind: kindOf(e.Type), e: e}
			tl.end++
		}
	}
	for _, ts := range resolutions {
		slices.SortFunc(ts, time.Time.Compare)
	}

	// The calendars, made (and their time zones loaded) before the workers share them.
	calendars := map[sla.Class]*sla.Calendar{}
	if in.Calendar != nil {
		for _, cl := range sla.Classes {
			c := convo.Conversation{Kind: convo.KindDM}
			switch cl {
			case sla.ClassPublic:
				c = convo.Conversation{Kind: convo.KindComment, Public: true}
			case sla.ClassEmail:
				c = convo.Conversation{Kind: convo.KindEmail}
			}
			cal := in.Calendar(c)
			cal.Between(p.Start, p.Start.Add(time.Hour))
			calendars[sla.ClassOf(c)] = cal
		}
	}
	slices.SortFunc(tls, func(a, b timeline) int { return strings.Compare(a.id, b.id) })
	var rows []*timeline
	for i := range tls {
		if tls[i].touched {
			rows = append(rows, &tls[i])
		}
	}
	rep.Rows = make([]Row, len(rows))
	build := func(k int) {
		tl := rows[k]
		c, ok := in.Convs[tl.id]
		if !ok { // no record (should not happen): what the events say
			e := all[tl.start].e
			c = convo.Conversation{ID: tl.id, AccountID: e.Account, Platform: e.Platform}
		}
		// Before the events: the messages before the period, and a resolution
		// older than the log read, which the record remembers.
		var pre []step
		for _, m := range in.Prior[tl.id] {
			if m.At.Before(p.Start) && (m.Direction == convo.DirIn || m.Direction == convo.DirOut) {
				t := messageEvent(m.Direction)
				pre = append(pre, step{at: m.At, kind: kindOf(t), e: &convo.Event{Type: t, At: m.At}})
			}
		}
		if !c.ResolvedAt.IsZero() && c.ResolvedAt.Before(from) {
			pre = append(pre, step{at: c.ResolvedAt, kind: kStatus, e: &convo.Event{Type: convo.EvStatus, At: c.ResolvedAt, Data: string(convo.StatusResolved)}})
		}
		steps := all[tl.start:tl.end:tl.end]
		if len(pre) > 0 {
			steps = append(pre, steps...)
		}
		byTime := func(a, b step) int {
			if c := a.at.Compare(b.at); c != 0 {
				return c
			}
			return cmp.Compare(a.kind, b.kind)
		}
		if !slices.IsSortedFunc(steps, byTime) {
			slices.SortStableFunc(steps, byTime)
		}
		var cal *sla.Calendar
		if in.Calendar != nil {
			if cal = calendars[sla.ClassOf(c)]; cal == nil {
				cal = in.Calendar(c)
			}
		}
		rep.Rows[k] = replay(c, steps, p, cal, resolutions[c.CustomerID], in.Accounts[c.AccountID])
	}
	// Conversations replay independently: one share of them per core.
	workers := min(runtime.GOMAXPROCS(0), max(len(rows)/2000, 1))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for k := w; k < len(rows); k += workers {
				build(k)
			}
		})
	}
	wg.Wait()

	rep.Total = figures(rep.Rows, nil)
	rep.ByPlatform = groups(rep.Rows, func(r *Row) (string, string) { return string(r.Platform), string(r.Platform) }, platformOrder)
	rep.ByAccount = groups(rep.Rows, func(r *Row) (string, string) { return r.AccountID, r.AccountName }, labelOrder)
	rep.ByAgent = groups(rep.Rows, func(r *Row) (string, string) { return r.Agent, r.Agent }, agentOrder)
	rep.FirstResponses = make([]Bin, len(FirstResponseBins)+1)
	for i := range rep.FirstResponses {
		if i > 0 {
			rep.FirstResponses[i].From = FirstResponseBins[i-1]
		}
		if i < len(FirstResponseBins) {
			rep.FirstResponses[i].To = FirstResponseBins[i]
		}
	}
	for i := range rep.Rows {
		if fr := rep.Rows[i].FirstResponse; fr != nil {
			b, _ := slices.BinarySearch(FirstResponseBins, fr.Wall+1)
			rep.FirstResponses[b].Count++
		}
	}
	return rep
}

func messageEvent(d convo.Direction) convo.EventType {
	if d == convo.DirIn {
		return convo.EvMessageIn
	}
	return convo.EvMessageOut
}

// dedupe returns the events in [from, to) in time order, the latest of each
// ID, and for deadline records the latest of each (conversation, metric,
// clock start).
func dedupe(in []convo.Event, from, to time.Time) []*convo.Event {
	out := make([]*convo.Event, 0, len(in))
	for i := range in {
		if e := &in[i]; !e.At.Before(from) && e.At.Before(to) {
			out = append(out, e)
		}
	}
	byTime := func(a, b *convo.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	if !slices.IsSortedFunc(out, byTime) { // the store reads them in this order already
		// Sort small keys rather than pointers: far fewer cache misses.
		type key struct {
			ns int64
			e  *convo.Event
		}
		keys := make([]key, len(out))
		for i, e := range out {
			keys[i] = key{e.At.UnixNano(), e}
		}
		slices.SortFunc(keys, func(a, b key) int {
			if a.ns != b.ns {
				return cmp.Compare(a.ns, b.ns)
			}
			return strings.Compare(a.e.ID, b.e.ID)
		})
		for i, k := range keys {
			out[i] = k.e
		}
	}
	// Only deadline records are written again under the same ID (a
	// conversation resolved, reopened and resolved again); every other event
	// ID includes its instant, so the same ID is the same key and stored once.
	// A record's ID derives from its conversation, metric and clock start, so
	// keeping the latest record of each (conversation, metric, start) also
	// keeps one of each ID — and one outcome per clock if a policy change
	// ever recorded both a met and a breach.
	type slaKey struct {
		conv, metric string
		start        int64
	}
	recorded := func(e *convo.Event) bool {
		return e.Type == convo.EvSLAMet || e.Type == convo.EvSLABreached || e.Type == convo.EvWindowExpired
	}
	nrec := 0
	for _, e := range out {
		if recorded(e) {
			nrec++
		}
	}
	if nrec == 0 {
		return out
	}
	latest := make(map[slaKey]int, nrec)
	for i, e := range out {
		if recorded(e) {
			latest[slaKey{e.ConvID, e.Data, e.Start.UnixNano()}] = i
		}
	}
	if len(latest) == nrec {
		return out // no record twice
	}
	kept := out[:0]
	for i, e := range out {
		if recorded(e) && latest[slaKey{e.ConvID, e.Data, e.Start.UnixNano()}] != i {
			continue
		}
		kept = append(kept, e)
	}
	return kept
}

// replay walks a conversation's timeline and records what happened in the period.
func replay(c convo.Conversation, tl []step, p Period, cal *sla.Calendar, resolutions []time.Time, accountName string) Row {
	r := Row{ConvID: c.ID, AccountID: c.AccountID, AccountName: accountName, Platform: c.Platform, Kind: c.Kind,
		Public: c.Public, CustomerID: c.CustomerID, CustomerName: c.CustomerName, Created: c.Created}
	if r.AccountName == "" {
		r.AccountName = c.AccountID
	}
	status := convo.StatusOpen
	var waiting, lastOut time.Time
	answered, assigned := false, false
	agent := ""
	for _, s := range tl {
		in := p.Contains(s.at)
		switch s.kind {
		case kNew:
			r.New = r.New || in
		case kIn:
			if in {
				r.Inbound++
				if !r.RepeatContact && repeat(resolutions, s.at) {
					r.RepeatContact = true
				}
			}
			if waiting.IsZero() {
				waiting = s.at
			}
			if s.at.After(lastOut) {
				status = convo.StatusOpen // the customer wrote again
			}
		case kOut:
			if in {
				r.Outbound++
			}
			if !waiting.IsZero() {
				if in {
					resp := Response{At: s.at, Wall: s.at.Sub(waiting).Round(time.Second)}
					resp.Business = resp.Wall
					if cal != nil {
						resp.Business = cal.Between(waiting, s.at).Round(time.Second)
					}
					if answered {
						r.NextResponses = append(r.NextResponses, resp)
					} else {
						r.FirstResponse = &resp
					}
					r.Replied = true
				}
				answered = true
				waiting = time.Time{}
			}
			lastOut = s.at
		case kStatus:
			status = convo.Status(s.e.Data)
			if status == convo.StatusResolved {
				waiting = time.Time{} // resolved means handled: the wait ends without a reply
				r.Resolved = r.Resolved || in
			}
		case kAssign:
			agent, assigned = s.e.Data, true
		case kMet, kBreached:
			for i, k := range SLAKeys {
				if in && s.e.Data == k {
					if s.kind == kMet {
						r.SLA[i].Met++
					} else {
						r.SLA[i].Breached++
					}
				}
			}
		case kWindow:
			if in {
				r.WindowsExpired++
			}
		}
	}
	if !assigned {
		agent = c.Assignee // assigned before the log we read
	}
	r.Agent = agent
	r.NeededReply = r.Replied || !waiting.IsZero()
	r.OpenAtEnd = status != convo.StatusResolved
	r.MovedToPrivate = c.Public && p.Contains(c.PrivateReplyAt)
	return r
}

// repeat reports whether a resolution (sorted) lies in the RepeatWindow before t.
func repeat(resolutions []time.Time, t time.Time) bool {
	i, _ := slices.BinarySearchFunc(resolutions, t, time.Time.Compare) // first ≥ t
	return i > 0 && t.Sub(resolutions[i-1]) <= RepeatWindow
}

// figures computes the metrics of the rows at idx (nil: every row).
func figures(rows []Row, idx []int) Figures {
	var f Figures
	var fr, frb, nr, nrb []time.Duration
	n := len(rows)
	if idx != nil {
		n = len(idx)
	}
	for j := range n {
		r := &rows[j]
		if idx != nil {
			r = &rows[idx[j]]
		}
		f.Conversations++
		f.Inbound += r.Inbound
		f.Outbound += r.Outbound
		if r.Public {
			f.PublicInbound += r.Inbound
			f.PublicConversations++
		}
		f.New += b2i(r.New)
		f.NeededReply += b2i(r.NeededReply)
		f.Replied += b2i(r.Replied)
		if r.FirstResponse != nil {
			fr = append(fr, r.FirstResponse.Wall)
			frb = append(frb, r.FirstResponse.Business)
		}
		for _, x := range r.NextResponses {
			nr = append(nr, x.Wall)
			nrb = append(nrb, x.Business)
		}
		for m := range f.SLA {
			f.SLA[m].Met += r.SLA[m].Met
			f.SLA[m].Breached += r.SLA[m].Breached
			f.Breaches += r.SLA[m].Breached
		}
		f.WindowsExpired += r.WindowsExpired
		f.Resolved += b2i(r.Resolved)
		f.RepeatContacts += b2i(r.RepeatContact)
		f.Backlog += b2i(r.OpenAtEnd)
		f.MovedToPrivate += b2i(r.MovedToPrivate)
	}
	f.FirstResponse, f.FirstResponseBusiness = summarize(fr), summarize(frb)
	f.NextResponse, f.NextResponseBusiness = summarize(nr), summarize(nrb)
	return f
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// summarize is the median (the mean of the two middle values for an even
// count), the mean (rounded to the second) and the nearest-rank 90th percentile.
func summarize(ds []time.Duration) Durations {
	n := len(ds)
	if n == 0 {
		return Durations{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	med := ds[n/2]
	if n%2 == 0 {
		med = (ds[n/2-1] + ds[n/2]) / 2
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return Durations{N: n, Median: med.Round(time.Second), Mean: (sum / time.Duration(n)).Round(time.Second), P90: ds[rank-1]}
}

// groups splits the rows by key and computes each group's figures.
func groups(rows []Row, key func(*Row) (string, string), less func(a, b Group) int) []Group {
	labels := map[string]string{}
	for i := range rows {
		k, l := key(&rows[i])
		labels[k] = l
	}
	idx := map[string][]int{}
	for i := range rows {
		k, _ := key(&rows[i])
		idx[k] = append(idx[k], i)
	}
	out := make([]Group, 0, len(labels))
	for k, l := range labels {
		out = append(out, Group{Key: k, Label: l, Figures: figures(rows, idx[k])})
	}
	slices.SortFunc(out, less)
	return out
}

func platformOrder(a, b Group) int {
	pos := func(k string) int {
		if i := slices.Index(convo.Platforms, convo.Platform(k)); i >= 0 {
			return i
		}
		return len(convo.Platforms)
	}
	if c := cmp.Compare(pos(a.Key), pos(b.Key)); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

func labelOrder(a, b Group) int {
	if c := cmp.Compare(a.Label, b.Label); c != 0 {
		return c
	}
	return cmp.Compare(a.Key, b.Key)
}

// agentOrder sorts agents by name, the unassigned last.
func agentOrder(a, b Group) int {
	if (a.Key == "") != (b.Key == "") {
		if a.Key == "" {
			return 1
		}
		return -1
	}
	return cmp.Compare(a.Key, b.Key)
}
