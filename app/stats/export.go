package stats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Format is an export file format.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat accepts "csv" or "xlsx" (any case).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use csv or xlsx: %w", s, ErrInvalid)
}

// ErrUnwritable is returned when an export cannot be written where asked.
var ErrUnwritable = errors.New("cannot write the export")

// Files lists the files an export to path writes: path itself and, for CSV,
// the per-conversation file beside it (day.csv → day-conversations.csv).
func Files(path string, f Format) []string {
	if f != CSV {
		return []string{path}
	}
	return []string{path, ConversationsPath(path)}
}

// ConversationsPath is the per-conversation CSV written beside the summary at path.
func ConversationsPath(path string) string {
	ext := filepath.Ext(path)
	if !strings.EqualFold(ext, ".csv") {
		return path + "-conversations.csv"
	}
	return strings.TrimSuffix(path, ext) + "-conversations" + ext
}

// Export writes the report to path in format f. Each file is written to a
// temporary file beside it and renamed into place, so a failed export never
// leaves half a file. An empty report still gives valid files (headers, zeros).
func Export(rep *Report, f Format, path string) error {
	if strings.TrimSpace(path) == "" {
		return fmt.Errorf("no file name given: %w", ErrInvalid)
	}
	switch f {
	case CSV:
		if err := writeAtomic(path, func(w io.Writer) error { return WriteSummaryCSV(w, rep) }); err != nil {
			return err
		}
		return writeAtomic(ConversationsPath(path), func(w io.Writer) error { return WriteConversationsCSV(w, rep) })
	case XLSX:
		return writeAtomic(path, func(w io.Writer) error { return WriteXLSX(w, rep) })
	}
	return fmt.Errorf("unknown format %q: %w", f, ErrInvalid)
}

func writeAtomic(path string, write func(w io.Writer) error) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s is a folder, not a file: %w", path, ErrUnwritable)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("the folder %s does not exist: %w", dir, ErrUnwritable)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("no permission to write in %s: %w", dir, ErrUnwritable)
		}
		return fmt.Errorf("%s: %w: %w", path, ErrUnwritable, err)
	}
	// CreateTemp makes the file private; an export is meant to be shared.
	_ = tmp.Chmod(0o644)
	bw := bufio.NewWriterSize(tmp, 256<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w: %w", path, ErrUnwritable, err)
	}
	return nil
}

// safeText keeps a spreadsheet from reading text as a formula: a customer
// called "=HYPERLINK(…)" stays a name (OWASP's CSV injection advice).
func safeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// AgentLabel names an agent group; the unassigned have no agent.
func AgentLabel(agent string) string {
	if agent == "" {
		return "Unassigned"
	}
	return agent
}

// scopes lists the total and every group, in export order.
func scopes(rep *Report) []struct {
	scope, key, label string
	f                 *Figures
} {
	out := []struct {
		scope, key, label string
		f                 *Figures
	}{{"total", "", "Total", &rep.Total}}
	add := func(scope string, gs []Group, label func(g *Group) string) {
		for i := range gs {
			g := &gs[i]
			out = append(out, struct {
				scope, key, label string
				f                 *Figures
			}{scope, g.Key, label(g), &g.Figures})
		}
	}
	add("platform", rep.ByPlatform, func(g *Group) string { return PlatformLabel(g.Key) })
	add("account", rep.ByAccount, func(g *Group) string { return g.Label })
	add("agent", rep.ByAgent, func(g *Group) string { return AgentLabel(g.Key) })
	return out
}

// PlatformLabel is a platform's display name.
func PlatformLabel(p string) string {
	switch p {
	case "messenger":
		return "Messenger"
	case "facebook":
		return "Facebook"
	case "instagram":
		return "Instagram"
	case "x":
		return "X"
	case "whatsapp":
		return "WhatsApp"
	case "telegram":
		return "Telegram"
	case "email":
		return "E-mail"
	}
	return p
}

// csvNumber writes a figure: counts as integers, shares as percentages with
// one decimal, durations in whole seconds; "" when there is nothing to measure.
func csvNumber(u unit, v float64, ok bool) string {
	if !ok {
		return ""
	}
	switch u {
	case percent:
		return strconv.FormatFloat(v*100, 'f', 1, 64)
	case duration:
		return strconv.FormatInt(int64(v+0.5), 10)
	}
	return strconv.FormatInt(int64(v), 10)
}

// WriteSummaryCSV writes one line per scope (the total, then each platform,
// account and agent) with every figure as a column.
func WriteSummaryCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	head := []string{"from", "to", "time_zone", "scope", "key", "name"}
	for _, c := range figureColumns {
		head = append(head, c.key)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, s := range scopes(rep) {
		rec := []string{rep.Period.From, rep.Period.To, rep.Period.Zone, s.scope, safeText(s.key), safeText(s.label)}
		for _, c := range figureColumns {
			v, ok := c.value(s.f)
			rec = append(rec, csvNumber(c.unit, v, ok))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// rowColumn is one column of the per-conversation file.
type rowColumn struct {
	key, label string
	kind       rowKind
	text       func(r *Row, loc *time.Location) string // rowText, rowList, rowTime
	num        func(r *Row) (float64, bool)            // rowCount, rowDuration
}

type rowKind int

const (
	rowText rowKind = iota
	rowCount
	rowDuration
	rowList
	rowTime
)

func bit(b bool) (float64, bool) {
	if b {
		return 1, true
	}
	return 0, true
}

func secondsList(rs []Response, pick func(Response) time.Duration) string {
	parts := make([]string, len(rs))
	for i, x := range rs {
		parts[i] = strconv.FormatInt(int64(pick(x)/time.Second), 10)
	}
	return strings.Join(parts, ";")
}

var rowColumns = func() []rowColumn {
	txt := func(key, label string, f func(r *Row) string) rowColumn {
		return rowColumn{key: key, label: label, kind: rowText, text: func(r *Row, _ *time.Location) string { return f(r) }}
	}
	num := func(key, label string, f func(r *Row) (float64, bool)) rowColumn {
		return rowColumn{key: key, label: label, kind: rowCount, num: f}
	}
	cols := []rowColumn{
		txt("conversation_id", "Conversation", func(r *Row) string { return r.ConvID }),
		txt("platform", "Platform", func(r *Row) string { return string(r.Platform) }),
		txt("account_id", "Account ID", func(r *Row) string { return r.AccountID }),
		txt("account", "Account", func(r *Row) string { return r.AccountName }),
		txt("kind", "Kind", func(r *Row) string { return string(r.Kind) }),
		txt("visibility", "Visibility", func(r *Row) string {
			if r.Public {
				return "public"
			}
			return "private"
		}),
		txt("customer_id", "Customer ID", func(r *Row) string { return r.CustomerID }),
		txt("customer", "Customer", func(r *Row) string { return r.CustomerName }),
		txt("agent", "Agent", func(r *Row) string { return r.Agent }),
		{key: "created", label: "Created", kind: rowTime, text: func(r *Row, loc *time.Location) string {
			if r.Created.IsZero() {
				return ""
			}
			return r.Created.In(loc).Format(time.DateTime)
		}},
		num("new", "New", func(r *Row) (float64, bool) { return bit(r.New) }),
		num("inbound", "Inbound", func(r *Row) (float64, bool) { return float64(r.Inbound), true }),
		num("outbound", "Replies sent", func(r *Row) (float64, bool) { return float64(r.Outbound), true }),
		num("needed_reply", "Needed a reply", func(r *Row) (float64, bool) { return bit(r.NeededReply) }),
		num("replied", "Replied", func(r *Row) (float64, bool) { return bit(r.Replied) }),
		{key: "first_response_s", label: "First response", kind: rowDuration, num: func(r *Row) (float64, bool) {
			if r.FirstResponse == nil {
				return 0, false
			}
			return r.FirstResponse.Wall.Seconds(), true
		}},
		{key: "first_response_business_s", label: "First response (business hours)", kind: rowDuration, num: func(r *Row) (float64, bool) {
			if r.FirstResponse == nil {
				return 0, false
			}
			return r.FirstResponse.Business.Seconds(), true
		}},
		num("next_responses", "Next responses", func(r *Row) (float64, bool) { return float64(len(r.NextResponses)), true }),
		{key: "next_response_s", label: "Next response times (s)", kind: rowList, text: func(r *Row, _ *time.Location) string {
			return secondsList(r.NextResponses, func(x Response) time.Duration { return x.Wall })
		}},
		{key: "next_response_business_s", label: "Next response times, business hours (s)", kind: rowList, text: func(r *Row, _ *time.Location) string {
			return secondsList(r.NextResponses, func(x Response) time.Duration { return x.Business })
		}},
	}
	for i, k := range SLAKeys {
		label := MetricByKey("sla_" + k).Label
		cols = append(cols,
			num("sla_"+k+"_met", label+" met", func(r *Row) (float64, bool) { return float64(r.SLA[i].Met), true }),
			num("sla_"+k+"_breached", label+" breached", func(r *Row) (float64, bool) { return float64(r.SLA[i].Breached), true }),
		)
	}
	return append(cols,
		num("windows_expired", "Reply windows expired", func(r *Row) (float64, bool) { return float64(r.WindowsExpired), true }),
		num("resolved", "Resolved", func(r *Row) (float64, bool) { return bit(r.Resolved) }),
		num("repeat_contact", "Repeat contact", func(r *Row) (float64, bool) { return bit(r.RepeatContact) }),
		num("open_at_end", "Open at end (backlog)", func(r *Row) (float64, bool) { return bit(r.OpenAtEnd) }),
		num("moved_to_private", "Moved to private", func(r *Row) (float64, bool) { return bit(r.MovedToPrivate) }),
	)
}()

// WriteConversationsCSV writes one line per conversation of the report.
func WriteConversationsCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(rowColumns))
	for i, c := range rowColumns {
		head[i] = c.key
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	loc := rep.Period.Location()
	rec := make([]string, len(rowColumns))
	for i := range rep.Rows {
		r := &rep.Rows[i]
		for j, c := range rowColumns {
			switch c.kind {
			case rowText:
				rec[j] = safeText(c.text(r, loc))
			case rowList, rowTime:
				rec[j] = c.text(r, loc)
			case rowDuration:
				v, ok := c.num(r)
				rec[j] = csvNumber(duration, v, ok)
			default:
				v, ok := c.num(r)
				rec[j] = csvNumber(count, v, ok)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
