package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/store"
)

// exportDesk makes a data folder with a Rome-time policy and three messages
// on Monday 23 November 2026.
func exportDesk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rome, _ := time.LoadLocation("Europe/Rome")
	day := func(h, m int) time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, rome) }
	engine := sla.NewEngine(sla.DefaultPolicy("Europe/Rome"))
	st, err := store.Open(dir, store.Options{Now: func() time.Time { return day(18, 0) }, Due: engine.Due, OnWrite: engine.OnWrite})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetPref("sla-policy", engine.Policy()); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAccount(convo.Account{ID: "wa", Platform: convo.PlatformWhatsApp, Name: "Aurora"}); err != nil {
		t.Fatal(err)
	}
	cust := convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "+39111", DisplayName: "Anna"}
	var items []convo.Inbound
	for i, m := range []struct {
		dir convo.Direction
		at  time.Time
	}{{convo.DirIn, day(9, 0)}, {convo.DirOut, day(9, 5)}, {convo.DirIn, day(23, 30)}} {
		items = append(items, convo.Inbound{ThreadID: "t1", Kind: convo.KindDM, Customer: cust,
			Message: convo.Message{PlatformID: string(rune('a' + i)), Direction: m.dir, Text: "ciao", At: m.at}})
	}
	if _, err := st.Ingest("wa", items, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExportCommand(t *testing.T) {
	data := exportDesk(t)
	out := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		code  int
		says  string
		files []string
	}{
		{"csv", []string{"--date", "2026-11-23", "--format", "csv", "--out", filepath.Join(out, "day.csv")}, 0, "1 conversation: wrote",
			[]string{"day.csv", "day-conversations.csv"}},
		{"xlsx from the extension", []string{"--date", "2026-11-23", "--out", filepath.Join(out, "day.xlsx")}, 0, "wrote", []string{"day.xlsx"}},
		{"a range", []string{"--date", "2026-11-22", "--to", "2026-11-24", "--out", filepath.Join(out, "week.csv")}, 0, "2026-11-22 – 2026-11-24", []string{"week.csv"}},
		{"empty day", []string{"--date", "2026-12-25", "--format", "xlsx", "--out", filepath.Join(out, "xmas.xlsx")}, 0, "no activity on 2026-12-25 (Europe/Rome)", []string{"xmas.xlsx"}},
		{"invalid date", []string{"--date", "2026-11-31", "--out", filepath.Join(out, "bad.csv")}, 2, `invalid date "2026-11-31": use YYYY-MM-DD`, nil},
		{"not a date", []string{"--date", "23/11/2026"}, 2, "invalid date", nil},
		{"range backwards", []string{"--date", "2026-11-23", "--to", "2026-11-01", "--out", filepath.Join(out, "r.csv")}, 2, "ends (2026-11-01) before it starts", nil},
		{"no date", []string{"--out", filepath.Join(out, "x.csv")}, 2, "--date is required", nil},
		{"unknown format", []string{"--date", "2026-11-23", "--format", "pdf"}, 2, `unknown format "pdf"`, nil},
		{"unwritable folder", []string{"--date", "2026-11-23", "--out", filepath.Join(out, "missing", "day.csv")}, 1, "does not exist: cannot write the export", nil},
		{"a folder as the file", []string{"--date", "2026-11-23", "--format", "xlsx", "--out", out}, 1, "is a folder, not a file", nil},
		{"no data", []string{"--date", "2026-11-23", "--data-dir", filepath.Join(out, "nothing")}, 1, "no Sportello data in", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			args := append([]string{"export"}, c.args...)
			if !strings.Contains(strings.Join(c.args, " "), "--data-dir") {
				args = append(args, "--data-dir", data)
			}
			code := run(args, &buf)
			if code != c.code || !strings.Contains(buf.String(), c.says) {
				t.Errorf("run(%q) = %d, %q; want %d and a message with %q", args, code, buf.String(), c.code, c.says)
			}
			for _, f := range c.files {
				if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s not written: %v", f, err)
				}
			}
		})
	}
	// The files read back: Anna's conversation, one reply in 5 minutes, the
	// 23:30 message still waiting at midnight.
	f, err := os.Open(filepath.Join(out, "day-conversations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("day-conversations.csv = %v, %v; want a header and one row", recs, err)
	}
	row := map[string]string{}
	for i, k := range recs[0] {
		row[k] = recs[1][i]
	}
	if row["inbound"] != "2" || row["first_response_s"] != "300" || row["open_at_end"] != "1" || row["customer"] != "Anna" {
		t.Errorf("Anna's row = %v", row)
	}
	x, err := excelize.OpenFile(filepath.Join(out, "day.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if v, _ := x.GetCellValue("Summary", "B2"); v != "2026-11-23" {
		t.Errorf("Summary!B2 = %q, want the date", v)
	}
}

// A running Sportello holds the data folder: the export says what to do.
func TestExportWhileOpen(t *testing.T) {
	data := exportDesk(t)
	st, err := store.Open(data, store.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var buf bytes.Buffer
	code := run([]string{"export", "--date", "2026-11-23", "--data-dir", data, "--out", filepath.Join(t.TempDir(), "d.csv")}, &buf)
	if code != 1 || !strings.Contains(buf.String(), "close Sportello first, or export from its Statistics screen") {
		t.Errorf("export while open = %d, %q", code, buf.String())
	}
}
