package stats

import "time"

// Metric names one figure of the report and says exactly what it counts.
// The definitions are those of docs/metrics.md (a test keeps them equal);
// the exports carry them so a spreadsheet explains itself.
type Metric struct {
	Key        string
	Label      string
	Definition string
}

// Metrics in report order.
var Metrics = []Metric{
	{"conversations", "Conversations", "Conversations with at least one event in the period: a customer message, a reply, a note, a status change, an assignment, an SLA record or an expired reply window. Each is one row of the conversations file, and every other figure is computed from those rows."},
	{"inbound", "Inbound messages", "Customer messages whose time falls in the period."},
	{"outbound", "Replies sent", "Messages the team sent in the period (internal notes excluded)."},
	{"new_conversations", "New conversations", "Conversations whose first message falls in the period."},
	{"needed_reply", "Needed a reply", "Conversations in which a customer message waited for an answer at some moment of the period, and the wait either ended with a reply in the period or was still open at its end. A wait ended by resolving the conversation without a reply does not count."},
	{"replied", "Replied", "Conversations that needed a reply and got one: a message sent in the period answered a waiting customer."},
	{"response_rate", "Response rate", "Replied divided by needed a reply."},
	{"first_response", "First response time", "From the conversation's first customer message to the first reply after it, counted in the period in which the reply is sent (one value per conversation). Shown as median, mean and 90th percentile."},
	{"first_response_business", "First response time, business hours", "The first response time counted only while the SLA calendar of the conversation's class is open (a 24/7 class counts every hour), exactly as the SLA target counts it."},
	{"next_response", "Next response time", "After the first response, from the first customer message not yet answered to the reply that answers it; one value per such reply sent in the period."},
	{"next_response_business", "Next response time, business hours", "The next response time counted only while the SLA calendar of the conversation's class is open."},
	{"sla_first_response", "SLA first response", "First-response targets met and breached in the period, and the share met: met divided by met plus breached. A met record counts when the reply is sent, a breach at the deadline it missed."},
	{"sla_next_response", "SLA next response", "Next-response targets met and breached in the period, and the share met."},
	{"sla_resolution", "SLA resolution", "Resolution targets met and breached in the period, and the share met. A conversation resolved, reopened and resolved again counts once in a report: its latest record."},
	{"breaches", "SLA breaches", "Breached targets of the three metrics together."},
	{"windows_expired", "Reply windows expired", "Platform reply windows (the 24-hour window, the 7-day human-agent window, the 7-day private reply to a public comment) that closed in the period while the customer was waiting for an answer."},
	{"resolved", "Resolved", "Conversations set to resolved at least once in the period."},
	{"repeat_contacts", "Repeat contacts", "Conversations that received a customer message in the period within 7 days after one of that customer's conversations, on any channel and including this one, was resolved."},
	{"backlog", "Backlog at end", "Conversations of the report that were not resolved when the period ended. The status is replayed from the events: a new conversation is open, a status change sets it, and a customer message after the last reply reopens it."},
	{"public_share", "Public share", "Inbound messages in public conversations (comments and mentions) divided by all inbound messages."},
	{"public_conversations", "Public conversations", "Conversations of the report that are public: comments and mentions everyone can read."},
	{"moved_to_private", "Moved to private", "Public conversations whose one private reply to the customer was sent in the period."},
}

// MetricByKey returns a metric's definition.
func MetricByKey(key string) Metric {
	for _, m := range Metrics {
		if m.Key == key {
			return m
		}
	}
	return Metric{Key: key, Label: key}
}

// unit is how a column's value is written.
type unit int

const (
	count    unit = iota
	percent       // a fraction 0..1; CSV writes it ×100
	duration      // seconds
)

// column is one figure as the exports write it.
type column struct {
	key    string // CSV header
	label  string // spreadsheet header
	metric string // the Metric it belongs to
	unit   unit
	value  func(f *Figures) (float64, bool)
}

func n(get func(f *Figures) int) func(f *Figures) (float64, bool) {
	return func(f *Figures) (float64, bool) { return float64(get(f)), true }
}

func ratio(get func(f *Figures) Ratio) func(f *Figures) (float64, bool) {
	return func(f *Figures) (float64, bool) { return get(f).Value() }
}

func dur(get func(f *Figures) Durations, pick func(d Durations) time.Duration) func(f *Figures) (float64, bool) {
	return func(f *Figures) (float64, bool) {
		d := get(f)
		return pick(d).Seconds(), d.N > 0
	}
}

var (
	median = func(d Durations) time.Duration { return d.Median }
	mean   = func(d Durations) time.Duration { return d.Mean }
	p90    = func(d Durations) time.Duration { return d.P90 }
)

// figureColumns are the figures of a total or a group, in export order.
var figureColumns = func() []column {
	cols := []column{
		{"conversations", "Conversations", "conversations", count, n(func(f *Figures) int { return f.Conversations })},
		{"inbound", "Inbound messages", "inbound", count, n(func(f *Figures) int { return f.Inbound })},
		{"inbound_public", "Inbound in public", "public_share", count, n(func(f *Figures) int { return f.PublicInbound })},
		{"public_share_pct", "Public share", "public_share", percent, ratio((*Figures).PublicShare)},
		{"outbound", "Replies sent", "outbound", count, n(func(f *Figures) int { return f.Outbound })},
		{"new_conversations", "New conversations", "new_conversations", count, n(func(f *Figures) int { return f.New })},
		{"needed_reply", "Needed a reply", "needed_reply", count, n(func(f *Figures) int { return f.NeededReply })},
		{"replied", "Replied", "replied", count, n(func(f *Figures) int { return f.Replied })},
		{"response_rate_pct", "Response rate", "response_rate", percent, ratio((*Figures).ResponseRate)},
	}
	times := []struct {
		key, label, metric string
		get                func(f *Figures) Durations
	}{
		{"first_response", "First response", "first_response", func(f *Figures) Durations { return f.FirstResponse }},
		{"first_response_business", "First response (business hours)", "first_response_business", func(f *Figures) Durations { return f.FirstResponseBusiness }},
		{"next_response", "Next response", "next_response", func(f *Figures) Durations { return f.NextResponse }},
		{"next_response_business", "Next response (business hours)", "next_response_business", func(f *Figures) Durations { return f.NextResponseBusiness }},
	}
	for _, t := range times {
		if t.key == "first_response" || t.key == "next_response" {
			get := t.get
			cols = append(cols, column{t.key + "s", t.label + "s (count)", t.metric, count, n(func(f *Figures) int { return get(f).N })})
		}
		cols = append(cols,
			column{t.key + "_median_s", t.label + " median", t.metric, duration, dur(t.get, median)},
			column{t.key + "_mean_s", t.label + " mean", t.metric, duration, dur(t.get, mean)},
			column{t.key + "_p90_s", t.label + " p90", t.metric, duration, dur(t.get, p90)},
		)
	}
	for i, k := range SLAKeys {
		label := MetricByKey("sla_" + k).Label
		cols = append(cols,
			column{"sla_" + k + "_met", label + " met", "sla_" + k, count, n(func(f *Figures) int { return f.SLA[i].Met })},
			column{"sla_" + k + "_breached", label + " breached", "sla_" + k, count, n(func(f *Figures) int { return f.SLA[i].Breached })},
			column{"sla_" + k + "_met_pct", label + " met %", "sla_" + k, percent, ratio(func(f *Figures) Ratio { return f.SLA[i].Rate() })},
		)
	}
	cols = append(cols,
		column{"breaches", "SLA breaches", "breaches", count, n(func(f *Figures) int { return f.Breaches })},
		column{"windows_expired", "Reply windows expired", "windows_expired", count, n(func(f *Figures) int { return f.WindowsExpired })},
		column{"resolved", "Resolved", "resolved", count, n(func(f *Figures) int { return f.Resolved })},
		column{"repeat_contacts", "Repeat contacts", "repeat_contacts", count, n(func(f *Figures) int { return f.RepeatContacts })},
		column{"backlog", "Backlog at end", "backlog", count, n(func(f *Figures) int { return f.Backlog })},
		column{"public_conversations", "Public conversations", "public_conversations", count, n(func(f *Figures) int { return f.PublicConversations })},
		column{"moved_to_private", "Moved to private", "moved_to_private", count, n(func(f *Figures) int { return f.MovedToPrivate })},
	)
	return cols
}()
