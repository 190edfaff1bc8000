package stats

import (
	"archive/zip"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX export.
const (
	SheetSummary       = "Summary"
	SheetByPlatform    = "By platform"
	SheetByAccount     = "By account"
	SheetByAgent       = "By agent"
	SheetConversations = "Conversations"
)

// Excel number formats: durations are fractions of a day.
const (
	fmtDuration = "[h]:mm:ss"
	fmtPercent  = "0.0%"
	fmtCount    = "#,##0"
	fmtDateTime = "yyyy-mm-dd hh:mm:ss"
)

const secondsPerDay = 86400

type xlsxStyles struct {
	title, header, count, pct, dur, datetime, text, note int
}

func newStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	custom := func(format string) *string { return &format }
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF2"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.count = mk(&excelize.Style{CustomNumFmt: custom(fmtCount)})
	s.pct = mk(&excelize.Style{CustomNumFmt: custom(fmtPercent)})
	s.dur = mk(&excelize.Style{CustomNumFmt: custom(fmtDuration)})
	s.datetime = mk(&excelize.Style{CustomNumFmt: custom(fmtDateTime)})
	s.text = mk(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	s.note = mk(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "6B7280"}})
	return s, err
}

// figureCell is a figure as a spreadsheet cell: durations as fractions of a
// day (shown [h]:mm:ss), shares as fractions (shown 0.0%), nothing when there
// is nothing to measure.
func figureCell(c column, f *Figures, s xlsxStyles) excelize.Cell {
	v, ok := c.value(f)
	if !ok {
		return excelize.Cell{}
	}
	switch c.unit {
	case percent:
		return excelize.Cell{StyleID: s.pct, Value: v}
	case duration:
		return excelize.Cell{StyleID: s.dur, Value: v / secondsPerDay}
	}
	return excelize.Cell{StyleID: s.count, Value: int64(v)}
}

// WriteXLSX writes the report as a workbook: Summary (every figure of the
// total with its definition, the volume by hour and a chart of it), By
// platform, By account, By agent (one row per group, then the total) and
// Conversations (one row per conversation).
func WriteXLSX(w io.Writer, rep *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	// The fastest deflate, on every core: a 100k-conversation day is written
	// in about a second, for a file only slightly larger.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return newParallelDeflate(out), nil
		})
		return zw
	})
	s, err := newStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	if err := summarySheet(f, rep, s); err != nil {
		return fmt.Errorf("summary sheet: %w", err)
	}
	for _, g := range []struct {
		name, first string
		groups      []Group
		label       func(g *Group) string
	}{
		{SheetByPlatform, "Platform", rep.ByPlatform, func(g *Group) string { return PlatformLabel(g.Key) }},
		{SheetByAccount, "Account", rep.ByAccount, func(g *Group) string { return g.Label }},
		{SheetByAgent, "Agent", rep.ByAgent, func(g *Group) string { return AgentLabel(g.Key) }},
	} {
		if err := groupSheet(f, g.name, g.first, g.groups, g.label, &rep.Total, s); err != nil {
			return fmt.Errorf("%s sheet: %w", g.name, err)
		}
	}
	if err := conversationsSheet(f, rep, s); err != nil {
		return fmt.Errorf("conversations sheet: %w", err)
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func summarySheet(f *excelize.File, rep *Report, s xlsxStyles) error {
	const sh = SheetSummary
	w := sheetWriter{f: f, sheet: sh}
	for _, c := range []struct {
		cols  string
		width float64
	}{{"A", 36}, {"B", 14}, {"C", 90}, {"D", 2}, {"E", 8}, {"F", 13}, {"G", 13}} {
		w.width(c.cols, c.width)
	}
	w.put(1, 1, "Sportello statistics", s.title)
	w.put(1, 2, "Period", 0)
	w.put(2, 2, rep.Period.String(), 0)
	w.put(1, 3, "Time zone", 0)
	w.put(2, 3, rep.Period.Zone, 0)
	if rep.Empty() {
		w.put(1, 4, "No activity in this period: every figure is zero.", s.note)
	}
	const headRow = 6
	for i, h := range []string{"Metric", "Value", "Definition", "", "Hour", "Inbound", "Replies sent"} {
		if h != "" {
			w.put(i+1, headRow, h, s.header)
		}
	}
	for i, c := range figureColumns {
		row := headRow + 1 + i
		w.put(1, row, c.label, 0)
		if v := figureCell(c, &rep.Total, s); v.Value != nil {
			w.put(2, row, v.Value, v.StyleID)
		}
		if isFirstOf(c) {
			w.put(3, row, MetricByKey(c.metric).Definition, s.text)
		}
	}
	for h := range 24 {
		row := headRow + 1 + h
		w.put(5, row, fmt.Sprintf("%02d", h), 0)
		w.put(6, row, rep.Hourly[h].Inbound, s.count)
		w.put(7, row, rep.Hourly[h].Outbound, s.count)
	}
	if w.err != nil {
		return w.err
	}
	first, last := headRow+1, headRow+24
	ref := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sh, col, first, col, last) }
	return f.AddChart(sh, "I6", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{Name: fmt.Sprintf("'%s'!$F$%d", sh, headRow), Categories: ref("E"), Values: ref("F")},
			{Name: fmt.Sprintf("'%s'!$G$%d", sh, headRow), Categories: ref("E"), Values: ref("G")},
		},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Messages by hour (" + rep.Period.Zone + ")"}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
		YAxis:     excelize.ChartAxis{MajorGridLines: true},
	})
}

// sheetWriter sets cells one by one and keeps the first error.
type sheetWriter struct {
	f     *excelize.File
	sheet string
	err   error
}

func (w *sheetWriter) put(col, row int, v any, style int) {
	if w.err != nil {
		return
	}
	ref := cellName(col, row)
	if w.err = w.f.SetCellValue(w.sheet, ref, v); w.err == nil && style != 0 {
		w.err = w.f.SetCellStyle(w.sheet, ref, ref, style)
	}
}

func (w *sheetWriter) width(col string, width float64) {
	if w.err == nil {
		w.err = w.f.SetColWidth(w.sheet, col, col, width)
	}
}

// isFirstOf reports whether c is the first column of its metric (which carries the definition).
func isFirstOf(c column) bool {
	for _, o := range figureColumns {
		if o.metric == c.metric {
			return o.key == c.key
		}
	}
	return false
}

func groupSheet(f *excelize.File, name, first string, gs []Group, label func(g *Group) string, total *Figures, s xlsxStyles) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 28); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, len(figureColumns)+1, 14); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight"}); err != nil {
		return err
	}
	head := []any{excelize.Cell{StyleID: s.header, Value: first}}
	for _, c := range figureColumns {
		head = append(head, excelize.Cell{StyleID: s.header, Value: c.label})
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 45}); err != nil {
		return err
	}
	row := func(i int, l string, fig *Figures, style int) error {
		vals := []any{excelize.Cell{StyleID: style, Value: l}}
		for _, c := range figureColumns {
			vals = append(vals, figureCell(c, fig, s))
		}
		return sw.SetRow(fmt.Sprintf("A%d", i), vals)
	}
	for i := range gs {
		if err := row(i+2, label(&gs[i]), &gs[i].Figures, 0); err != nil {
			return err
		}
	}
	if err := row(len(gs)+2, "Total", total, s.header); err != nil {
		return err
	}
	return sw.Flush()
}

func conversationsSheet(f *excelize.File, rep *Report, s xlsxStyles) error {
	if _, err := f.NewSheet(SheetConversations); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SheetConversations)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(rowColumns), 14); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 26); err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(rowColumns))
	for i, c := range rowColumns {
		head[i] = excelize.Cell{StyleID: s.header, Value: c.label}
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	loc := rep.Period.Location()
	vals := make([]any, len(rowColumns))
	for i := range rep.Rows {
		r := &rep.Rows[i]
		for j, c := range rowColumns {
			switch c.kind {
			case rowText, rowList:
				if v := c.text(r, loc); v != "" {
					vals[j] = v // written as text: never read as a formula
				} else {
					vals[j] = nil
				}
			case rowTime:
				if r.Created.IsZero() {
					vals[j] = nil
				} else {
					vals[j] = excelize.Cell{StyleID: s.datetime, Value: excelDate(r.Created.In(loc))}
				}
			case rowDuration:
				if v, ok := c.num(r); ok {
					vals[j] = excelize.Cell{StyleID: s.dur, Value: v / secondsPerDay}
				} else {
					vals[j] = nil
				}
			default:
				// A zero count or flag stays blank, so what happened stands out
				// (SUM and COUNT read blanks as zero); the CSV writes 0.
				if v, _ := c.num(r); v != 0 {
					vals[j] = int(v) // small ints box without allocating
				} else {
					vals[j] = nil
				}
			}
		}
		if err := sw.SetRow(cellName(1, i+2), vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// excelDate is the spreadsheet serial of a wall-clock time: days since
// 1899-12-30, the time of day as the fraction.
func excelDate(t time.Time) float64 {
	y, m, d := t.Date()
	wall := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	return float64(wall.Unix())/secondsPerDay + 25569
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}
