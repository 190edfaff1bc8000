package desktop

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"sportello/app"
	"sportello/app/stats"
)

// StatsService gives team leads the day's figures and exports them.
type StatsService struct {
	core *app.App
	ctx  context.Context // Wails' context, for the save dialog
}

// StatsDurations summarises response times in seconds (n = how many).
type StatsDurations struct {
	N       int     `json:"n"`
	MedianS float64 `json:"medianS"`
	MeanS   float64 `json:"meanS"`
	P90S    float64 `json:"p90S"`
}

// StatsSLA is one SLA metric's records.
type StatsSLA struct {
	Metric   string `json:"metric"` // first_response, next_response, resolution
	Met      int    `json:"met"`
	Breached int    `json:"breached"`
}

// StatsFigures are the metrics of a total or a group (docs/metrics.md).
type StatsFigures struct {
	Conversations         int            `json:"conversations"`
	Inbound               int            `json:"inbound"`
	PublicInbound         int            `json:"publicInbound"`
	Outbound              int            `json:"outbound"`
	New                   int            `json:"new"`
	NeededReply           int            `json:"neededReply"`
	Replied               int            `json:"replied"`
	FirstResponse         StatsDurations `json:"firstResponse"`
	FirstResponseBusiness StatsDurations `json:"firstResponseBusiness"`
	NextResponse          StatsDurations `json:"nextResponse"`
	NextResponseBusiness  StatsDurations `json:"nextResponseBusiness"`
	SLA                   []StatsSLA     `json:"sla"`
	Breaches              int            `json:"breaches"`
	WindowsExpired        int            `json:"windowsExpired"`
	Resolved              int            `json:"resolved"`
	RepeatContacts        int            `json:"repeatContacts"`
	Backlog               int            `json:"backlog"`
	PublicConversations   int            `json:"publicConversations"`
	MovedToPrivate        int            `json:"movedToPrivate"`
}

// StatsGroup is one platform, account or agent ("" key: unassigned).
type StatsGroup struct {
	Key     string       `json:"key"`
	Label   string       `json:"label"`
	Figures StatsFigures `json:"figures"`
}

// StatsVolume counts messages and new conversations.
type StatsVolume struct {
	Inbound  int `json:"inbound"`
	Outbound int `json:"outbound"`
	New      int `json:"new"`
}

// StatsDay is one date's volume.
type StatsDay struct {
	Date string `json:"date"`
	StatsVolume
}

// StatsBin is one bar of the first-response distribution, in seconds (toS 0: no end).
type StatsBin struct {
	FromS float64 `json:"fromS"`
	ToS   float64 `json:"toS"`
	Count int     `json:"count"`
}

// StatsReport is what the Statistics screen shows for a period.
type StatsReport struct {
	From           string        `json:"from"`
	To             string        `json:"to"`
	TimeZone       string        `json:"timeZone"`
	Empty          bool          `json:"empty"`
	Total          StatsFigures  `json:"total"`
	ByPlatform     []StatsGroup  `json:"byPlatform"`
	ByAccount      []StatsGroup  `json:"byAccount"`
	ByAgent        []StatsGroup  `json:"byAgent"`
	Hourly         []StatsVolume `json:"hourly"` // 24 hours of the team's time zone
	Daily          []StatsDay    `json:"daily"`
	FirstResponses []StatsBin    `json:"firstResponses"`
	ComputeMs      int64         `json:"computeMs"`
}

// StatsToday is today's date in the team's time zone.
type StatsToday struct {
	Date     string `json:"date"`
	TimeZone string `json:"timeZone"`
}

// StatsExport says what an export wrote (no files: the dialog was cancelled).
type StatsExport struct {
	Files []string `json:"files"`
	Empty bool     `json:"empty"`
}

func statsDurations(d stats.Durations) StatsDurations {
	return StatsDurations{N: d.N, MedianS: d.Median.Seconds(), MeanS: d.Mean.Seconds(), P90S: d.P90.Seconds()}
}

func statsFigures(f stats.Figures) StatsFigures {
	out := StatsFigures{
		Conversations: f.Conversations, Inbound: f.Inbound, PublicInbound: f.PublicInbound, Outbound: f.Outbound, New: f.New,
		NeededReply: f.NeededReply, Replied: f.Replied,
		FirstResponse: statsDurations(f.FirstResponse), FirstResponseBusiness: statsDurations(f.FirstResponseBusiness),
		NextResponse: statsDurations(f.NextResponse), NextResponseBusiness: statsDurations(f.NextResponseBusiness),
		Breaches: f.Breaches, WindowsExpired: f.WindowsExpired, Resolved: f.Resolved, RepeatContacts: f.RepeatContacts,
		Backlog: f.Backlog, PublicConversations: f.PublicConversations, MovedToPrivate: f.MovedToPrivate,
	}
	for i, k := range stats.SLAKeys {
		out.SLA = append(out.SLA, StatsSLA{Metric: k, Met: f.SLA[i].Met, Breached: f.SLA[i].Breached})
	}
	return out
}

func statsGroups(gs []stats.Group, label func(g stats.Group) string) []StatsGroup {
	out := make([]StatsGroup, 0, len(gs))
	for _, g := range gs {
		out = append(out, StatsGroup{Key: g.Key, Label: label(g), Figures: statsFigures(g.Figures)})
	}
	return out
}

// cleanStats turns the statistics' errors into messages for the team lead.
func cleanStats(err error) error {
	switch {
	case errors.Is(err, stats.ErrInvalid), errors.Is(err, stats.ErrUnwritable):
		return errors.New(trimSentinel(err))
	}
	return clean(err)
}

// trimSentinel drops the sentinel's own words from the end of a wrapped message.
func trimSentinel(err error) string {
	msg := err.Error()
	for _, s := range []error{stats.ErrInvalid} {
		if suffix := ": " + s.Error(); len(msg) > len(suffix) && msg[len(msg)-len(suffix):] == suffix {
			return msg[:len(msg)-len(suffix)]
		}
	}
	return msg
}

func (s *StatsService) report(from, to string) (stats.Report, error) {
	rep, err := stats.Build(s.core.Store, s.core.SLA.Policy(), from, to)
	return rep, cleanStats(err)
}

// Today returns today's date in the team's time zone (the SLA calendar's).
func (s *StatsService) Today() (StatsToday, error) {
	zone := s.core.SLA.Policy().Business.TimeZone
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC
	}
	return StatsToday{Date: s.core.Now().In(loc).Format(time.DateOnly), TimeZone: zone}, nil
}

// Report computes the figures of the days from..to (YYYY-MM-DD, inclusive;
// to may be empty for one day) in the team's time zone.
func (s *StatsService) Report(from, to string) (StatsReport, error) {
	start := time.Now()
	rep, err := s.report(from, to)
	if err != nil {
		return StatsReport{}, err
	}
	out := StatsReport{From: rep.Period.From, To: rep.Period.To, TimeZone: rep.Period.Zone, Empty: rep.Empty(),
		Total:      statsFigures(rep.Total),
		ByPlatform: statsGroups(rep.ByPlatform, func(g stats.Group) string { return g.Key }),
		ByAccount:  statsGroups(rep.ByAccount, func(g stats.Group) string { return g.Label }),
		ByAgent:    statsGroups(rep.ByAgent, func(g stats.Group) string { return g.Key }),
		Hourly:     make([]StatsVolume, 0, 24), Daily: make([]StatsDay, 0, len(rep.Daily)), FirstResponses: []StatsBin{},
	}
	for _, h := range rep.Hourly {
		out.Hourly = append(out.Hourly, StatsVolume(h))
	}
	for _, d := range rep.Daily {
		out.Daily = append(out.Daily, StatsDay{Date: d.Date, StatsVolume: StatsVolume(d.Volume)})
	}
	for _, b := range rep.FirstResponses {
		out.FirstResponses = append(out.FirstResponses, StatsBin{FromS: b.From.Seconds(), ToS: b.To.Seconds(), Count: b.Count})
	}
	out.ComputeMs = time.Since(start).Milliseconds()
	return out, nil
}

// Export writes the figures of from..to to path as csv or xlsx (CSV also
// writes the per-conversation file beside it, see docs/metrics.md).
func (s *StatsService) Export(from, to, format, path string) (StatsExport, error) {
	f, err := stats.ParseFormat(format)
	if err != nil {
		return StatsExport{}, cleanStats(err)
	}
	if path == "" || !filepath.IsAbs(path) {
		return StatsExport{}, fmt.Errorf("choose where to save the file (a full path, not %q)", path)
	}
	rep, err := s.report(from, to)
	if err != nil {
		return StatsExport{}, err
	}
	if err := stats.Export(&rep, f, path); err != nil {
		return StatsExport{}, cleanStats(err)
	}
	return StatsExport{Files: stats.Files(path, f), Empty: rep.Empty()}, nil
}

// ExportDialog asks where to save with the system's save dialog, then
// exports there. Cancelling the dialog returns no files and no error.
func (s *StatsService) ExportDialog(from, to, format string) (StatsExport, error) {
	f, err := stats.ParseFormat(format)
	if err != nil {
		return StatsExport{}, cleanStats(err)
	}
	name := "sportello-" + from
	if to != "" && to != from {
		name += "_" + to
	}
	name += "." + string(f)
	path := ""
	if dir := testDialogDir(); dir != "" {
		path = filepath.Join(dir, name) // end-to-end tests: a browser cannot drive the native dialog
	} else {
		if s.ctx == nil {
			return StatsExport{}, errors.New("the save dialog needs the app window")
		}
		filter := runtime.FileFilter{DisplayName: "CSV (*.csv)", Pattern: "*.csv"}
		if f == stats.XLSX {
			filter = runtime.FileFilter{DisplayName: "Excel (*.xlsx)", Pattern: "*.xlsx"}
		}
		path, err = runtime.SaveFileDialog(s.ctx, runtime.SaveDialogOptions{
			Title: "Export statistics", DefaultFilename: name, Filters: []runtime.FileFilter{filter}, CanCreateDirectories: true,
		})
		if err != nil {
			return StatsExport{}, fmt.Errorf("the save dialog failed: %w", err)
		}
		if path == "" {
			return StatsExport{Files: []string{}}, nil // cancelled
		}
		if filepath.Ext(path) == "" {
			path += "." + string(f)
		}
	}
	return s.Export(from, to, format, path)
}
