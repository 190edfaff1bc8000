package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sportello/app"
	"sportello/app/sla"
	"sportello/app/stats"
)

// benchStatsStore times the Statistics screen's report over the workload's
// store: the event log of the day before "now" and "now"'s day, read and
// computed as the UI asks for it.
func benchStatsStore(core *app.App, now time.Time) error {
	pol := core.SLA.Policy()
	loc, err := time.LoadLocation(pol.Business.TimeZone)
	if err != nil {
		return err
	}
	to := now.In(loc).Format(time.DateOnly)
	from := now.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	var runs []time.Duration
	var rep stats.Report
	for range 3 {
		t := time.Now()
		rep, err = stats.Build(core.Store, pol, from, to)
		if err != nil {
			return err
		}
		runs = append(runs, time.Since(t))
	}
	fmt.Printf("# stats report over the store: %s, %d conversations, %d inbound\n", rep.Period, rep.Total.Conversations, rep.Total.Inbound)
	line("stats_report_store", ms(pct(runs, 0.5)), "ms")
	return nil
}

// benchStatsExport times the team lead's export of a 100k-conversation day:
// the report computed from a generated event log (stats.Synthetic, fixed
// seed), then written as CSV (two files) and as XLSX, to disk.
func benchStatsExport(nConv int) error {
	pol := sla.DefaultPolicy("Europe/Rome")
	p, err := stats.NewPeriod("2026-11-23", "", pol.Business.TimeZone)
	if err != nil {
		return err
	}
	in := stats.Synthetic(42, nConv, p, pol)
	var computes, csvs, xlsxs []time.Duration
	var rep stats.Report
	for range 3 {
		t := time.Now()
		rep = stats.Compute(in)
		computes = append(computes, time.Since(t))
	}
	dir, err := os.MkdirTemp("", "sportello-bench-stats-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for i := range 5 {
		t := time.Now()
		if err := stats.Export(&rep, stats.CSV, filepath.Join(dir, fmt.Sprintf("day%d.csv", i))); err != nil {
			return err
		}
		csvs = append(csvs, time.Since(t))
	}
	for i := range 3 {
		t := time.Now()
		if err := stats.Export(&rep, stats.XLSX, filepath.Join(dir, fmt.Sprintf("day%d.xlsx", i))); err != nil {
			return err
		}
		xlsxs = append(xlsxs, time.Since(t))
	}
	st, _ := os.Stat(filepath.Join(dir, "day0.xlsx"))
	fmt.Printf("# stats export: %d conversations, %d events in the day (%d rows); xlsx %d KiB\n", nConv, len(in.Events), len(rep.Rows), st.Size()>>10)
	fmt.Println("# stats_export_* write an already computed report; the whole export is stats_compute_100k plus it")
	line("stats_compute_100k", ms(pct(computes, 0.5)), "ms")
	line("stats_export_csv", ms(pct(csvs, 0.5)), "ms")
	line("stats_export_xlsx", ms(pct(xlsxs, 0.5)), "ms")
	return nil
}
