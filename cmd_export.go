package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sportello/app/prefs"
	"sportello/app/sla"
	"sportello/app/stats"
	"sportello/app/store"
)

const exportUsage = `usage: sportello export --date YYYY-MM-DD [--to YYYY-MM-DD] [--format csv|xlsx] [--out FILE] [--data-dir DIR]

Writes the statistics of a day (or of the days --date..--to) in the team's time
zone, without opening a window. CSV writes FILE (the summary) and
FILE-conversations.csv (one line per conversation); XLSX writes one workbook.
The format defaults to FILE's extension, else csv; FILE defaults to
sportello-DATE.FORMAT in the current folder. Definitions: docs/metrics.md.

Exit status: 0 written (an empty day gives files with zeros, and says so),
1 the data or the file could not be used, 2 a wrong argument.
`

// runExport is `sportello export`: it runs before anything that needs a
// display, reads the data folder and writes the files.
func runExport(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("sportello export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	date := fs.String("date", "", "the day to export, YYYY-MM-DD in the team's time zone")
	to := fs.String("to", "", "last day of a range starting at --date (inclusive)")
	format := fs.String("format", "", "csv or xlsx (default: from --out, else csv)")
	out := fs.String("out", "", "file to write (default sportello-DATE.FORMAT)")
	dataDir := fs.String("data-dir", "", "Sportello's data folder (default: the OS's per-user data folder)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, msg string, a ...any) int {
		fmt.Fprintf(stderr, "sportello export: "+msg+"\n", a...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, "unexpected argument %q (see sportello export --help)", fs.Arg(0))
	}
	if *date == "" {
		return fail(2, "--date is required, e.g. --date %s", time.Now().AddDate(0, 0, -1).Format(time.DateOnly))
	}
	// Check the dates before touching the data: a typo is reported at once.
	for _, d := range []string{*date, *to} {
		if d == "" {
			continue
		}
		if _, err := stats.ParseDate(d, time.UTC); err != nil {
			return fail(2, "%s", strings.TrimSuffix(err.Error(), ": "+stats.ErrInvalid.Error()))
		}
	}
	f := stats.Format(strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), "."))
	if *format != "" {
		var err error
		if f, err = stats.ParseFormat(*format); err != nil {
			return fail(2, "unknown format %q: use csv or xlsx", *format)
		}
	} else if f != stats.CSV && f != stats.XLSX {
		f = stats.CSV
	}
	if *out == "" {
		name := "sportello-" + *date
		if *to != "" && *to != *date {
			name += "_" + *to
		}
		*out = name + "." + string(f)
	}
	if *dataDir == "" {
		d, err := prefs.DataDir()
		if err != nil {
			return fail(1, "cannot find the user data folder: %v (use --data-dir)", err)
		}
		*dataDir = d
	}
	if _, err := os.Stat(filepath.Join(*dataDir, "MANIFEST")); err != nil {
		return fail(1, "no Sportello data in %s (use --data-dir to name the data folder)", *dataDir)
	}

	st, err := store.Open(*dataDir, store.Options{Now: time.Now})
	if errors.Is(err, store.ErrLocked) {
		return fail(1, "Sportello is open on %s: close Sportello first, or export from its Statistics screen", *dataDir)
	}
	if err != nil {
		return fail(1, "cannot open the data: %v", err)
	}
	defer st.Close()
	pol := sla.DefaultPolicy(prefs.TimeZone())
	var saved sla.Policy
	if err := st.Pref("sla-policy", &saved); err == nil && saved.Validate() == nil {
		pol = saved
	}
	rep, err := stats.Build(st, pol, *date, *to)
	if err != nil {
		if errors.Is(err, stats.ErrInvalid) {
			return fail(2, "%s", strings.TrimSuffix(err.Error(), ": "+stats.ErrInvalid.Error()))
		}
		return fail(1, "cannot compute the statistics: %v", err)
	}
	if err := stats.Export(&rep, f, *out); err != nil {
		return fail(1, "%v", err)
	}
	files := stats.Files(*out, f)
	if rep.Empty() {
		fmt.Fprintf(stderr, "sportello export: no activity on %s (%s): %s written with zero figures\n", rep.Period, rep.Period.Zone, strings.Join(files, " and "))
		return 0
	}
	noun := "conversations"
	if rep.Total.Conversations == 1 {
		noun = "conversation"
	}
	fmt.Fprintf(stderr, "sportello export: %s (%s), %d %s: wrote %s\n", rep.Period, rep.Period.Zone, rep.Total.Conversations, noun, strings.Join(files, " and "))
	return 0
}
