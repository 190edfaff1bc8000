package desktop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sportello/app"
	"sportello/app/convo"
)

func TestStatsService(t *testing.T) {
	now := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	core, err := app.New(app.Config{InMemory: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	if err := core.Store.PutAccount(convo.Account{ID: "tg", Platform: convo.PlatformTelegram, Name: "Bot"}); err != nil {
		t.Fatal(err)
	}
	cust := convo.Identity{Platform: convo.PlatformTelegram, Handle: "u1", DisplayName: "Ugo"}
	items := []convo.Inbound{
		{ThreadID: "t", Kind: convo.KindDM, Customer: cust, Message: convo.Message{PlatformID: "1", Direction: convo.DirIn, Text: "ciao", At: now.Add(-3 * time.Hour)}},
		{ThreadID: "t", Kind: convo.KindDM, Customer: cust, Message: convo.Message{PlatformID: "2", Direction: convo.DirOut, Text: "salve", At: now.Add(-3*time.Hour + 2*time.Minute)}},
	}
	if _, err := core.Store.Ingest("tg", items, ""); err != nil {
		t.Fatal(err)
	}
	s := &StatsService{core: core}
	today, _ := s.Today()
	rep, err := s.Report(today.Date, "")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Inbound != 1 || rep.Total.FirstResponse.MedianS != 120 || len(rep.Hourly) != 24 || rep.Empty {
		t.Errorf("Report(today) = %+v", rep.Total)
	}
	if len(rep.ByAgent) != 1 || rep.ByAgent[0].Key != "" || len(rep.Total.SLA) != 3 {
		t.Errorf("by agent %+v, SLA %+v", rep.ByAgent, rep.Total.SLA)
	}
	if _, err := s.Report("2026-02-30", ""); err == nil || !strings.HasPrefix(err.Error(), `invalid date "2026-02-30"`) || strings.HasSuffix(err.Error(), "invalid request") {
		t.Errorf("Report(2026-02-30) error = %v", err)
	}
	dir := t.TempDir()
	out, err := s.Export(today.Date, "", "csv", filepath.Join(dir, "d.csv"))
	if err != nil || len(out.Files) != 2 {
		t.Fatalf("Export csv = %+v, %v", out, err)
	}
	for _, f := range out.Files {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	if _, err := s.Export(today.Date, "", "xlsx", "relative.xlsx"); err == nil {
		t.Error("Export to a relative path succeeded")
	}
	if _, err := s.Export(today.Date, "", "xlsx", filepath.Join(dir, "no", "d.xlsx")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Export to a missing folder = %v", err)
	}
	if _, err := s.ExportDialog(today.Date, "", "xlsx"); err == nil {
		t.Error("ExportDialog without a window succeeded")
	}
}
