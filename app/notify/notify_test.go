//go:build linux

package notify_test

// Native notifications end to end on Linux: the Center sends through the
// real beeep, over a real (private) session bus, to a notification server
// the test owns (dbustest), which records what the OS was asked to show.

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gen2brain/beeep"
	"github.com/google/go-cmp/cmp"

	"sportello/app/convo"
	"sportello/app/notify"
	"sportello/app/notify/dbustest"
	"sportello/app/sla"
	"sportello/app/store"
)

// TestMain runs every test of the package on a private session bus that
// starts no services (see dbustest.Main): never the desktop's, never skipped.
func TestMain(m *testing.M) { os.Exit(dbustest.Main(m)) }

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		panic(err)
	}
	return loc
}()

// noon is when the tests' deadlines fall: 12:15 in Rome.
var noon = time.Date(2026, 3, 10, 12, 15, 0, 0, rome)

// icon is a small PNG: main passes the app icon's bytes, which beeep sends
// as the image-data hint.
var icon = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0xc0
	}
	img.Set(3, 3, color.RGBA{R: 0xff, A: 0xff})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// desk is a Center on a real in-memory store, sending through beeep.
type desk struct {
	t      *testing.T
	c      *notify.Center
	st     *store.Store
	srv    *dbustest.Server
	mu     sync.Mutex
	now    time.Time
	lang   string
	set    notify.Settings
	shown  chan notify.Notice // notices whose OS state is final
	cancel func()
}

func newDesk(t *testing.T, withServer bool) *desk {
	t.Helper()
	d := &desk{t: t, now: noon.Add(-225 * time.Second), lang: "en", set: notify.DefaultSettings(), shown: make(chan notify.Notice, 100)}
	st, err := store.Open("", store.Options{InMemory: true, Now: d.clock})
	if err != nil {
		t.Fatal(err)
	}
	d.st = st
	if withServer {
		srv, err := dbustest.Start(nil)
		if err != nil {
			t.Fatal(err)
		}
		d.srv = srv
		t.Cleanup(func() { srv.Close() })
	}
	beeep.AppName = "Sportello"
	d.c = notify.New(notify.Options{Store: st, Now: d.clock, Loc: rome,
		Send: func(title, body string) error { return beeep.Notify(title, body, icon) },
		Lang: func() string { d.mu.Lock(); defer d.mu.Unlock(); return d.lang },
		Settings: func() notify.Settings {
			d.mu.Lock()
			defer d.mu.Unlock()
			return d.set
		},
		OnNew: func(n notify.Notice) {
			if n.OS != "" {
				d.shown <- n
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); d.c.Run(ctx) }()
	d.cancel = func() { cancel(); <-done }
	t.Cleanup(func() {
		d.cancel()
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return d
}

func (d *desk) clock() time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.now
}

func (d *desk) settings(f func(s *notify.Settings)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(&d.set)
}

// final waits for the OS's verdict on the next notice.
func (d *desk) final() notify.Notice {
	d.t.Helper()
	select {
	case n := <-d.shown:
		return n
	case <-time.After(15 * time.Second):
		d.t.Fatal("no notice reached its final OS state within 15 s")
	}
	return notify.Notice{}
}

// received waits for n notifications on the bus and returns them as
// "appName | summary | body".
func (d *desk) received(n int) []string {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	got, err := d.srv.Wait(ctx, n)
	if err != nil {
		d.t.Fatal(err)
	}
	var out []string
	for _, g := range got {
		out = append(out, g.AppName+" | "+g.Summary+" | "+g.Body)
	}
	return out
}

func (d *desk) list() []notify.Notice {
	d.t.Helper()
	ns, err := d.c.List(100)
	if err != nil {
		d.t.Fatal(err)
	}
	return ns
}

// alert builds the alert of a deadline due at noon (started at 12:00).
func alert(id, customer string, p convo.Platform, key sla.Key, th sla.Threshold) sla.Alert {
	d := sla.Deadline{Key: key, Start: noon.Add(-15 * time.Minute), Due: noon, Warn: noon.Add(-225 * time.Second)}
	switch key {
	case sla.KeyReplyWindow, sla.KeyHumanAgent, sla.KeyPrivateReply:
		d.Window, d.Warn = true, noon.Add(-5*time.Minute)
	}
	at := d.Due
	if th == sla.Warning {
		at = d.Warn
	}
	return sla.Alert{Conv: convo.Conversation{ID: id, Platform: p, Kind: convo.KindDM, CustomerName: customer},
		Deadline: d, Threshold: th, At: at}
}

func TestNativeNotification(t *testing.T) {
	tests := []struct {
		name  string
		lang  string
		alert sla.Alert
		want  string
	}{
		{"warning", "en", alert("c1", "Giulia Rossi", convo.PlatformMessenger, sla.KeyFirstResponse, sla.Warning),
			"Sportello | Messenger · Giulia Rossi | first response due in 4 min (at 12:15)"},
		{"warning it", "it", alert("c1", "Giulia Rossi", convo.PlatformMessenger, sla.KeyFirstResponse, sla.Warning),
			"Sportello | Messenger · Giulia Rossi | prima risposta entro 4 min (alle 12:15)"},
		{"breach", "en", alert("c2", "Marco Bianchi", convo.PlatformWhatsApp, sla.KeyNextResponse, sla.Breach),
			"Sportello | SLA breached · WhatsApp | Marco Bianchi: next response overdue since 12:15"},
		{"breach it", "it", alert("c2", "Marco Bianchi", convo.PlatformWhatsApp, sla.KeyNextResponse, sla.Breach),
			"Sportello | SLA superato · WhatsApp | Marco Bianchi: risposta successiva scaduta dalle 12:15"},
		{"window warning", "en", alert("c3", "Anna Verdi", convo.PlatformInstagram, sla.KeyReplyWindow, sla.Warning),
			"Sportello | Instagram reply window closes in 4 min | Anna Verdi: after 12:15 only tagged or template replies are allowed"},
		{"window closed it", "it", alert("c3", "Anna Verdi", convo.PlatformMessenger, sla.KeyReplyWindow, sla.Breach),
			"Sportello | Messenger: finestra di risposta chiusa | Anna Verdi: la finestra di 24 ore si è chiusa alle 12:15 senza risposta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(t, true)
			d.lang = tt.lang
			d.c.Deliver([]sla.Alert{tt.alert})
			if diff := cmp.Diff([]string{tt.want}, d.received(1)); diff != "" {
				t.Errorf("notifications (-want +got):\n%s", diff)
			}
			got := d.srv.Notifications()[0]
			if _, ok := got.Hints["image-data"]; !ok {
				t.Errorf("hints %v: no image-data (the app icon)", got.Hints)
			}
			if n := d.final(); n.OS != "shown" || n.Title+" | "+n.Body != strings.TrimPrefix(tt.want, "Sportello | ") {
				t.Errorf("in-app notice = %q %q, OS %q; want the same texts, shown", n.Title, n.Body, n.OS)
			}
			if ns := d.list(); len(ns) != 1 || ns[0].OS != "shown" || ns[0].Read || ns[0].Level != string(tt.alert.Threshold) {
				t.Errorf("List() = %+v, want one unread %s notice shown", ns, tt.alert.Threshold)
			}
		})
	}
}

func TestCoalescing(t *testing.T) {
	names := []struct {
		name string
		p    convo.Platform
	}{{"Giulia Rossi", convo.PlatformMessenger}, {"Marco Bianchi", convo.PlatformWhatsApp}, {"Anna Verdi", convo.PlatformInstagram},
		{"Luca Neri", convo.PlatformX}, {"Sara Gallo", convo.PlatformTelegram}, {"Paolo Conti", convo.PlatformEmail}, {"Elena Ricci", convo.PlatformFacebook}}
	batch := func(n int, th func(i int) sla.Threshold) []sla.Alert {
		var out []sla.Alert
		for i := range n {
			c := names[i%len(names)]
			out = append(out, alert(fmt.Sprintf("c%d", i), c.name, c.p, sla.KeyFirstResponse, th(i)))
		}
		return out
	}
	breach := func(int) sla.Threshold { return sla.Breach }
	warning := func(int) sla.Threshold { return sla.Warning }
	mixed := func(i int) sla.Threshold { return []sla.Threshold{sla.Breach, sla.Warning}[i%2] }
	oneConv := batch(1, breach)
	for _, k := range []sla.Key{sla.KeyResolution, sla.KeyReplyWindow, sla.KeyHumanAgent} {
		oneConv = append(oneConv, alert("c0", "Giulia Rossi", convo.PlatformMessenger, k, sla.Breach))
	}
	tests := []struct {
		name   string
		lang   string
		alerts []sla.Alert
		want   []string
	}{
		{"three are shown one by one", "en", batch(3, breach), []string{
			"SLA breached · Messenger | Giulia Rossi: first response overdue since 12:15",
			"SLA breached · WhatsApp | Marco Bianchi: first response overdue since 12:15",
			"SLA breached · Instagram | Anna Verdi: first response overdue since 12:15"}},
		{"seven breached", "en", batch(7, breach), []string{
			"7 conversations breached | 7 breached, 0 due soon: Giulia Rossi (Messenger), Marco Bianchi (WhatsApp), Anna Verdi (Instagram), …"}},
		{"seven breached it", "it", batch(7, breach), []string{
			"7 conversazioni oltre la scadenza | 7 scadute, 0 in scadenza: Giulia Rossi (Messenger), Marco Bianchi (WhatsApp), Anna Verdi (Instagram), …"}},
		{"four due soon", "en", batch(4, warning), []string{
			"4 conversations due soon | 0 breached, 4 due soon: Giulia Rossi (Messenger), Marco Bianchi (WhatsApp), Anna Verdi (Instagram), …"}},
		{"mixed it", "it", batch(5, mixed), []string{
			"5 conversazioni richiedono attenzione | 3 scadute, 2 in scadenza: Giulia Rossi (Messenger), Marco Bianchi (WhatsApp), Anna Verdi (Instagram), …"}},
		{"four deadlines of one conversation", "en", oneConv, []string{
			"1 conversation breached | 4 breached, 0 due soon: Giulia Rossi (Messenger)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(t, true)
			d.lang = tt.lang
			d.c.Deliver(tt.alerts)
			var want []string
			for _, w := range tt.want {
				want = append(want, "Sportello | "+w)
			}
			if diff := cmp.Diff(want, d.received(len(want))); diff != "" {
				t.Errorf("notifications (-want +got):\n%s", diff)
			}
			for range want {
				d.final()
			}
			ns := d.list()
			if len(ns) != len(want) {
				t.Fatalf("%d in-app notices, want %d", len(ns), len(want))
			}
			if len(want) == 1 {
				var ids []string
				seen := map[string]bool{}
				for _, a := range tt.alerts {
					if !seen[a.Conv.ID] {
						seen[a.Conv.ID] = true
						ids = append(ids, a.Conv.ID)
					}
				}
				if diff := cmp.Diff(ids, ns[0].ConvIDs); diff != "" {
					t.Errorf("summary's conversations (-want +got):\n%s", diff)
				}
			}
			// Nothing more arrives: one notification for the whole batch.
			time.Sleep(100 * time.Millisecond)
			if got := len(d.srv.Notifications()); got != len(want) {
				t.Errorf("%d notifications, want %d", got, len(want))
			}
		})
	}
}

// Do-not-disturb and quiet hours silence the OS, never the in-app list.
func TestSilenced(t *testing.T) {
	at := func(hhmm string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", "2026-03-10 "+hhmm, rome)
		if err != nil {
			panic(err)
		}
		return t
	}
	quiet := func(from, to int) func(*notify.Settings) {
		return func(s *notify.Settings) { s.Quiet, s.QuietStart, s.QuietEnd = true, from, to }
	}
	tests := []struct {
		name     string
		now      time.Time
		set      func(*notify.Settings)
		silenced bool
	}{
		{"defaults", at("23:30"), func(*notify.Settings) {}, false},
		{"do not disturb", at("12:11"), func(s *notify.Settings) { s.DND = true }, true},
		{"native off", at("12:11"), func(s *notify.Settings) { s.Native = false }, true},
		{"quiet 20-8 late evening", at("23:30"), quiet(20*60, 8*60), true},
		{"quiet 20-8 just after midnight", at("00:10"), quiet(20*60, 8*60), true},
		{"quiet 20-8 last minute", at("07:59"), quiet(20*60, 8*60), true},
		{"quiet 20-8 over", at("08:00"), quiet(20*60, 8*60), false},
		{"quiet 20-8 afternoon", at("19:59"), quiet(20*60, 8*60), false},
		{"quiet 13-14 inside", at("13:30"), quiet(13*60, 14*60), true},
		{"quiet 13-14 outside", at("12:11"), quiet(13*60, 14*60), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDesk(t, true)
			d.now = tt.now
			d.settings(tt.set)
			d.c.Deliver([]sla.Alert{alert("c1", "Giulia Rossi", convo.PlatformMessenger, sla.KeyFirstResponse, sla.Breach)})
			want := "shown"
			if tt.silenced {
				want = "silenced"
				// The silenced notice is in the list at once; the OS never
				// hears of it: the next notice is the first to reach the bus.
				if ns := d.list(); len(ns) != 1 || ns[0].OS != "silenced" {
					t.Fatalf("List() = %+v, want one silenced notice", ns)
				}
				d.settings(func(s *notify.Settings) { *s = notify.DefaultSettings() })
				d.c.Deliver([]sla.Alert{alert("c2", "Marco Bianchi", convo.PlatformWhatsApp, sla.KeyFirstResponse, sla.Breach)})
				if got := d.received(1); !strings.Contains(got[0], "Marco Bianchi") {
					t.Errorf("first notification on the bus: %q, want Marco Bianchi's", got[0])
				}
			} else {
				d.received(1)
			}
			if n := d.final(); n.OS != want {
				t.Errorf("OS state %q, want %q", n.OS, want)
			}
		})
	}
}

// With no notification service, the OS refuses: the notice stays in the
// in-app list marked failed, and delivering never waits for the OS.
func TestNoNotificationServer(t *testing.T) {
	d := newDesk(t, true)
	if err := d.srv.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	d.c.Deliver([]sla.Alert{alert("c1", "Giulia Rossi", convo.PlatformMessenger, sla.KeyFirstResponse, sla.Breach)})
	if el := time.Since(start); el > time.Second {
		t.Errorf("Deliver took %v", el)
	}
	n := d.final()
	if !strings.HasPrefix(n.OS, "failed: ") || !strings.Contains(n.OS, dbustest.Name) {
		t.Errorf("OS state %q, want failed naming %s", n.OS, dbustest.Name)
	}
	if ns := d.list(); len(ns) != 1 || ns[0].OS != n.OS || ns[0].Title != "SLA breached · Messenger" {
		t.Errorf("List() = %+v, want the failed notice", ns)
	}
	t.Logf("refused in %v: %s", time.Since(start), n.OS)
}
