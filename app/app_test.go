package app

import (
	"strings"
	"sync"
	"testing"
	"time"

	"sportello/app/convo"
	"sportello/app/prefs"
	"sportello/app/queue"
	"sportello/app/syncer"
)

var t0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func fakeNow() time.Time { return t0 }

// statusLog records the sync engine's reports.
type statusLog struct {
	mu  sync.Mutex
	got []syncer.Status
}

func (l *statusLog) add(s syncer.Status) {
	l.mu.Lock()
	l.got = append(l.got, s)
	l.mu.Unlock()
}

// count is how many reports of state st each account got.
func (l *statusLog) count(st syncer.State) map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, s := range l.got {
		if s.State == st {
			out[s.Account]++
		}
	}
	return out
}

func newApp(t *testing.T, cfg Config) (*App, *statusLog) {
	t.Helper()
	log := &statusLog{}
	cfg.Now = fakeNow
	cfg.OnStatus = log.add
	if cfg.DataDir == "" {
		cfg.InMemory = true
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v", cfg, err)
	}
	t.Cleanup(func() { a.Close() })
	return a, log
}

// waitFor polls cond for up to 10 s of real time: the sync engine runs on
// real timers here.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s", what)
}

// allOnline reports whether every demo account has synced.
func allOnline(a *App) bool {
	st := a.Sync.Statuses()
	if len(st) != len(convo.Platforms) {
		return false
	}
	for _, s := range st {
		if s.State != syncer.StateOnline {
			return false
		}
	}
	return true
}

func TestDemo(t *testing.T) {
	a, log := newApp(t, Config{})
	if err := a.Start(); err != nil {
		t.Fatalf("Start() = %v", err)
	}
	if a.HasDemo() {
		t.Errorf("HasDemo() before StartDemo = true, want false")
	}
	if err := a.StartDemo(); err != nil {
		t.Fatalf("StartDemo() = %v", err)
	}
	waitFor(t, "the queue to fill", func() bool { return a.Queue.Len() > 100 })
	waitFor(t, "every demo account online", func() bool { return allOnline(a) })
	if !a.HasDemo() {
		t.Errorf("HasDemo() after StartDemo = false, want true")
	}

	if err := a.StartDemo(); err != nil {
		t.Fatalf("second StartDemo() = %v", err)
	}
	accts, err := a.Store.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	platforms := map[convo.Platform]int{}
	for _, ac := range accts {
		ids = append(ids, ac.ID)
		platforms[ac.Platform]++
		if !ac.Demo {
			t.Errorf("account %s is not marked demo", ac.ID)
		}
	}
	if len(accts) != len(convo.Platforms) || len(platforms) != len(convo.Platforms) {
		t.Errorf("accounts after StartDemo twice = %v, want one per platform", ids)
	}
	// A second engine on an account would report "syncing" again once it runs.
	time.Sleep(100 * time.Millisecond)
	for id, n := range log.count(syncer.StateSyncing) {
		if n != 1 {
			t.Errorf("account %s reported syncing %d times, want 1", id, n)
		}
	}

	// The queue holds exactly what the store holds, on every platform.
	n := 0
	if err := a.Store.ForEachConversation(func(convo.Conversation) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	p, err := a.Queue.List(queue.Filter{Status: "all"}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != n || a.Queue.Len() != n {
		t.Errorf("queue Total %d, Len %d; want the store's %d conversations", p.Total, a.Queue.Len(), n)
	}
	for _, pl := range convo.Platforms {
		if p.Counts[queue.FacetPlatform][string(pl)] == 0 {
			t.Errorf("queue has no %s conversation", pl)
		}
	}
	if got := a.Queue.AccountName("demo-email"); got == "demo-email" {
		t.Errorf("AccountName(demo-email) = %q, want the account's display name", got)
	}

	if err := a.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
}

// TestReopen closes an on-disk app and opens it again: the demo accounts
// start by themselves and the queue comes back without StartDemo.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	a, _ := newApp(t, Config{DataDir: dir})
	if err := a.Start(); err != nil {
		t.Fatalf("Start() = %v", err)
	}
	if err := a.StartDemo(); err != nil {
		t.Fatalf("StartDemo() = %v", err)
	}
	waitFor(t, "every demo account online", func() bool { return allOnline(a) })
	want := a.Queue.Len()
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	b, _ := newApp(t, Config{DataDir: dir})
	if err := b.Start(); err != nil {
		t.Fatalf("Start() after reopening = %v", err)
	}
	waitFor(t, "every demo account online after reopening", func() bool { return allOnline(b) })
	waitFor(t, "the queue to load after reopening", func() bool { return b.Queue.Len() == want })
	if !b.HasDemo() {
		t.Errorf("HasDemo() after reopening = false, want true")
	}
	accts, err := b.Store.Accounts()
	if err != nil || len(accts) != len(convo.Platforms) {
		t.Errorf("Accounts() after reopening = %d accounts, %v; want %d", len(accts), err, len(convo.Platforms))
	}
}

func TestSettings(t *testing.T) {
	t.Setenv("USER", "tester")
	t.Setenv("USERNAME", "")
	a, _ := newApp(t, Config{})
	if got, want := a.Settings(), (prefs.Settings{Language: "auto", AgentName: "tester", Theme: "auto"}); got != want {
		t.Errorf("Settings() before saving = %+v, want %+v", got, want)
	}
	tests := []struct {
		name string
		in   prefs.Settings
		want prefs.Settings
	}{
		{"kept", prefs.Settings{Language: "it", AgentName: "Giulia", Theme: "dark"}, prefs.Settings{Language: "it", AgentName: "Giulia", Theme: "dark"}},
		{"english light", prefs.Settings{Language: "en", AgentName: "Sam", Theme: "light"}, prefs.Settings{Language: "en", AgentName: "Sam", Theme: "light"}},
		{"unknown language", prefs.Settings{Language: "fr", AgentName: "Marie", Theme: "auto"}, prefs.Settings{Language: "auto", AgentName: "Marie", Theme: "auto"}},
		{"empty language", prefs.Settings{AgentName: "Marie", Theme: "light"}, prefs.Settings{Language: "auto", AgentName: "Marie", Theme: "light"}},
		{"unknown theme", prefs.Settings{Language: "it", AgentName: "Luca", Theme: "neon"}, prefs.Settings{Language: "it", AgentName: "Luca", Theme: "auto"}},
		{"name trimmed", prefs.Settings{Language: "it", AgentName: "  Anna Bianchi \n", Theme: "dark"}, prefs.Settings{Language: "it", AgentName: "Anna Bianchi", Theme: "dark"}},
		{"empty name", prefs.Settings{Language: "it", AgentName: "   ", Theme: "dark"}, prefs.Settings{Language: "it", AgentName: "tester", Theme: "dark"}},
		{"long name", prefs.Settings{Language: "en", AgentName: strings.Repeat("x", 100), Theme: "dark"}, prefs.Settings{Language: "en", AgentName: strings.Repeat("x", 80), Theme: "dark"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.SaveSettings(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("SaveSettings(%+v) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if got := a.Settings(); got != tt.want {
				t.Errorf("Settings() after SaveSettings(%+v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCloseWithoutStart(t *testing.T) {
	a, _ := newApp(t, Config{})
	for i := range 2 {
		if err := a.Close(); err != nil {
			t.Errorf("Close() #%d = %v, want nil", i+1, err)
		}
	}
	// The store is closed but not nil, so a late call fails with an error instead of crashing.
	if _, err := a.Store.Accounts(); err == nil {
		t.Error("Store.Accounts() after Close = nil error, want an error")
	}
}

func TestNewDefaults(t *testing.T) {
	a, err := New(Config{InMemory: true, Version: "1.2.3"})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	defer a.Close()
	if a.Version() != "1.2.3" {
		t.Errorf("Version() = %q, want 1.2.3", a.Version())
	}
	if a.Now == nil || a.Log == nil {
		t.Errorf("New without clock or logger: Now %v, Log %v; want defaults", a.Now != nil, a.Log != nil)
	}
}
