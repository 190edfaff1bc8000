package stats_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sportello/app/stats"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", name, lineDiff(string(want), string(got)))
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}

func handBuiltReport(t *testing.T) stats.Report {
	t.Helper()
	d, _ := handBuiltDay(t)
	rep, err := stats.Build(d.st, d.engine.Policy(), "2026-11-23", "")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s is not valid CSV: %v", path, err)
	}
	return recs
}

func TestExportCSV(t *testing.T) {
	rep := handBuiltReport(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "day.csv")
	if err := stats.Export(&rep, stats.CSV, path); err != nil {
		t.Fatal(err)
	}
	want := []string{path, filepath.Join(dir, "day-conversations.csv")}
	if got := stats.Files(path, stats.CSV); !slices.Equal(got, want) {
		t.Errorf("Files = %v, want %v", got, want)
	}
	summary := readCSV(t, want[0])
	convs := readCSV(t, want[1])
	// Read back: the total line and the conversation lines agree.
	head, total := summary[0], summary[1]
	col := func(name string) int { return slices.Index(head, name) }
	if total[col("scope")] != "total" || total[col("inbound")] != "8" || total[col("response_rate_pct")] != "85.7" ||
		total[col("first_response_median_s")] != "900" || total[col("sla_first_response_met_pct")] != "80.0" {
		t.Errorf("total line = %v", total)
	}
	if len(convs) != 1+rep.Total.Conversations {
		t.Errorf("conversations file has %d lines, want a header and %d rows", len(convs), rep.Total.Conversations)
	}
	in := slices.Index(convs[0], "inbound")
	sum := 0
	for _, r := range convs[1:] {
		var n int
		fmt.Sscan(r[in], &n)
		sum += n
	}
	if sum != rep.Total.Inbound {
		t.Errorf("inbound column sums to %d, total says %d", sum, rep.Total.Inbound)
	}
	for _, r := range convs[1:] {
		for _, v := range r {
			if strings.HasPrefix(v, "=") {
				t.Errorf("cell %q would run as a formula", v)
			}
		}
	}
	for i, p := range want {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, []string{"day.csv", "day-conversations.csv"}[i], b)
	}
}

// dumpXLSX renders every sheet as the spreadsheet shows it (formatted values),
// with the number format of each column's cells, and lists the charts.
func dumpXLSX(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%s does not open: %v", path, err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sh)
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			fmt.Fprintf(&b, "%d\t%s\n", i+1, strings.Join(r, "\t"))
		}
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/") {
			fmt.Fprintf(&b, "chart part %s\n", zf.Name)
		}
	}
	return b.String()
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return fmt.Sprint(st.NumFmt)
}

func TestExportXLSX(t *testing.T) {
	rep := handBuiltReport(t)
	path := filepath.Join(t.TempDir(), "day.xlsx")
	if err := stats.Export(&rep, stats.XLSX, path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Summary", "By platform", "By account", "By agent", "Conversations"}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v, want %v", got, want)
	}
	// Find a duration and a percentage on the summary by their labels.
	rows, _ := f.GetRows("Summary")
	for i, r := range rows {
		if len(r) < 2 {
			continue
		}
		cell := fmt.Sprintf("B%d", i+1)
		switch r[0] {
		case "First response median":
			if r[1] != "0:15:00" || numFmt(t, f, "Summary", cell) != "[h]:mm:ss" {
				t.Errorf("first response median shows %q with format %q", r[1], numFmt(t, f, "Summary", cell))
			}
			if v, _ := f.GetCellValue("Summary", cell, excelize.Options{RawCellValue: true}); !strings.HasPrefix(v, "0.0104166") {
				t.Errorf("first response median is stored as %s, want 15/1440 of a day", v)
			}
		case "Response rate":
			if r[1] != "85.7%" || numFmt(t, f, "Summary", cell) != "0.0%" {
				t.Errorf("response rate shows %q with format %q", r[1], numFmt(t, f, "Summary", cell))
			}
		}
	}
	if v, _ := f.GetCellValue("Conversations", "H1"); v != "Customer" {
		t.Fatalf("Conversations!H1 = %q, want the customer column", v)
	}
	// A name that looks like a formula stays text.
	convRows, _ := f.GetRows("Conversations")
	found := false
	for i := range convRows[1:] {
		cell := fmt.Sprintf("H%d", i+2)
		if formula, _ := f.GetCellFormula("Conversations", cell); formula != "" {
			t.Errorf("%s holds the formula %q", cell, formula)
		}
		if v, _ := f.GetCellValue("Conversations", cell); v == "=SUM(1+1) Gina" {
			found = true
		}
	}
	if !found {
		t.Error("Gina's name is not in the Conversations sheet as text")
	}
	golden(t, "day.xlsx.txt", []byte(dumpXLSX(t, path)))
}

func TestExportEmptyDay(t *testing.T) {
	d, _ := handBuiltDay(t)
	rep, err := stats.Build(d.st, d.engine.Policy(), "2026-12-25", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []stats.Format{stats.CSV, stats.XLSX} {
		path := filepath.Join(dir, "empty."+string(f))
		if err := stats.Export(&rep, f, path); err != nil {
			t.Fatalf("Export(empty, %s) = %v", f, err)
		}
	}
	if recs := readCSV(t, filepath.Join(dir, "empty.csv")); len(recs) != 2 || recs[1][slices.Index(recs[0], "conversations")] != "0" {
		t.Errorf("empty summary = %v, want a header and a total of zero", recs)
	}
	if recs := readCSV(t, filepath.Join(dir, "empty-conversations.csv")); len(recs) != 1 {
		t.Errorf("empty conversations file = %v, want the header only", recs)
	}
	xf, err := excelize.OpenFile(filepath.Join(dir, "empty.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	if v, _ := xf.GetCellValue("Summary", "A4"); !strings.Contains(v, "No activity") {
		t.Errorf("Summary!A4 = %q, want the no-activity note", v)
	}
}

func TestExportErrors(t *testing.T) {
	rep := handBuiltReport(t)
	dir := t.TempDir()
	ro := filepath.Join(dir, "readonly")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
	}{
		{"missing folder", filepath.Join(dir, "no", "such", "day.csv")},
		{"a folder", dir},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		cases = append(cases, struct{ name, path string }{"read-only folder", filepath.Join(ro, "day.csv")})
	}
	for _, c := range cases {
		for _, f := range []stats.Format{stats.CSV, stats.XLSX} {
			err := stats.Export(&rep, f, c.path)
			if !errors.Is(err, stats.ErrUnwritable) {
				t.Errorf("%s, %s: Export = %v, want ErrUnwritable", c.name, f, err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
	if _, err := stats.ParseFormat("pdf"); !errors.Is(err, stats.ErrInvalid) {
		t.Errorf("ParseFormat(pdf) = %v, want ErrInvalid", err)
	}
}
