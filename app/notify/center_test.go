package notify

// The Center's own promises, with a Send that the test holds: delivering
// never waits for the OS, a hung notification service neither holds later
// notices nor shutdown, and marking read survives the OS's late answer.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/store"
)

// heldSend is an OS that answers only when told to.
type heldSend struct {
	entered chan string // the title of each notification the OS is handed
	answer  chan error
}

func newHeldSend() *heldSend {
	return &heldSend{entered: make(chan string, 100), answer: make(chan error)}
}

func (h *heldSend) send(title, _ string) error {
	h.entered <- title
	return <-h.answer
}

type testCenter struct {
	*Center
	mu    sync.Mutex
	set   Settings
	final chan Notice
}

// newTestCenter runs a Center on a real in-memory store until the test ends.
func newTestCenter(t *testing.T, send Sender) *testCenter {
	t.Helper()
	now := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	st, err := store.Open("", store.Options{InMemory: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	tc := &testCenter{set: DefaultSettings(), final: make(chan Notice, 200)}
	tc.Center = New(Options{Store: st, Send: send, Now: func() time.Time { return now }, Loc: time.UTC,
		Lang: func() string { return "en" },
		Settings: func() Settings {
			tc.mu.Lock()
			defer tc.mu.Unlock()
			return tc.set
		},
		OnNew: func(n Notice) {
			if n.OS != "" {
				tc.final <- n
			}
		}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); tc.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return tc
}

// recv receives from ch, failing the test after 15 s (of the bubble's
// time in a synctest bubble, where a lost wake-up would otherwise spin
// through fake time for ever).
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatal("nothing received within 15 s")
	}
	var zero T
	return zero
}

func breachOf(id string) sla.Alert {
	due := time.Date(2026, 3, 10, 10, 45, 0, 0, time.UTC)
	return sla.Alert{Conv: convo.Conversation{ID: id, Platform: convo.PlatformTelegram, Kind: convo.KindDM, CustomerName: "Customer " + id},
		Deadline: sla.Deadline{Key: sla.KeyFirstResponse, Start: due.Add(-15 * time.Minute), Due: due}, Threshold: sla.Breach, At: due}
}

func (tc *testCenter) byID(t *testing.T) map[string]Notice {
	t.Helper()
	ns, err := tc.List(500)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Notice{}
	for _, n := range ns {
		out[n.ConvIDs[0]] = n
	}
	return out
}

func TestDeliverNeverBlocks(t *testing.T) {
	held := newHeldSend()
	defer close(held.answer)
	tc := newTestCenter(t, held.send)
	start := time.Now()
	tc.Deliver([]sla.Alert{breachOf("c0")})
	recv(t, held.entered) // the OS holds the first notification
	for i := 1; i <= 70; i++ {
		tc.Deliver([]sla.Alert{breachOf(fmt.Sprint("c", i))})
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("71 deliveries with the OS not answering took %v", el)
	}
	states := map[string]int{}
	for _, n := range tc.byID(t) {
		states[n.OS]++
	}
	// One with the OS, 64 queued, the rest refused at once: none lost.
	want := map[string]int{"": 65, "failed: too many notifications at once": 6}
	if fmt.Sprint(states) != fmt.Sprint(want) {
		t.Errorf("OS states of the in-app notices = %v, want %v", states, want)
	}
}

// Shutdown does not wait for an OS that does not answer.
func TestRunStopsWhileTheOSHangs(t *testing.T) {
	held := newHeldSend()
	defer close(held.answer)
	st, err := store.Open("", store.Options{InMemory: true, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := New(Options{Store: st, Send: held.send, Now: time.Now, Lang: func() string { return "en" }, Settings: DefaultSettings})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	c.Deliver([]sla.Alert{breachOf("c0")})
	recv(t, held.entered)
	cancel()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Run still running 2 s after its context ended: held by a notification the OS never answered")
	}
}

func TestSendTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		held := newHeldSend()
		tc := newTestCenter(t, held.send)
		tc.Deliver([]sla.Alert{breachOf("c1")})
		recv(t, held.entered)
		time.Sleep(sendTimeout)
		synctest.Wait()
		want := fmt.Sprintf("failed: the notification service did not answer within %s", sendTimeout)
		if n := recv(t, tc.final); n.OS != want {
			t.Errorf("c1: OS state %q, want %q", n.OS, want)
		}

		// While that call hangs, later notices fail at once instead of piling up.
		tc.Deliver([]sla.Alert{breachOf("c2")})
		synctest.Wait()
		if n := recv(t, tc.final); n.OS != "failed: the notification service is not answering" {
			t.Errorf("c2: OS state %q, want failed at once", n.OS)
		}
		if len(held.entered) != 0 {
			t.Error("c2 was handed to an OS that had not answered c1")
		}

		// Once it answers, notifications go through again.
		held.answer <- nil
		synctest.Wait() // the call left behind has returned
		tc.Deliver([]sla.Alert{breachOf("c3")})
		if title := recv(t, held.entered); title != "SLA breached · Telegram" {
			t.Errorf("c3 handed to the OS as %q", title)
		}
		held.answer <- nil
		synctest.Wait()
		if n := recv(t, tc.final); n.OS != "shown" || n.ConvIDs[0] != "c3" {
			t.Errorf("%s: OS state %q, want shown", n.ConvIDs[0], n.OS)
		}
	})
}

func TestMarkAllRead(t *testing.T) {
	held := newHeldSend()
	defer close(held.answer)
	tc := newTestCenter(t, held.send)
	tc.Deliver([]sla.Alert{breachOf("c1")})
	recv(t, held.entered)
	tc.mu.Lock()
	tc.set.DND = true
	tc.mu.Unlock()
	tc.Deliver([]sla.Alert{breachOf("c2")})
	recv(t, tc.final) // c2, silenced

	if err := tc.MarkAllRead(); err != nil {
		t.Fatal(err)
	}
	// The OS answers c1 after it was marked read: it stays read.
	held.answer <- nil
	if n := recv(t, tc.final); n.ConvIDs[0] != "c1" || n.OS != "shown" {
		t.Fatalf("final notice %v %q, want c1 shown", n.ConvIDs, n.OS)
	}
	ns := tc.byID(t)
	for _, id := range []string{"c1", "c2"} {
		if !ns[id].Read {
			t.Errorf("%s: unread after MarkAllRead (%+v)", id, ns[id])
		}
	}
	if ns["c1"].OS != "shown" || ns["c2"].OS != "silenced" {
		t.Errorf("OS states c1 %q, c2 %q; want shown, silenced", ns["c1"].OS, ns["c2"].OS)
	}

	tc.mu.Lock()
	tc.set.DND = false
	tc.mu.Unlock()
	tc.Deliver([]sla.Alert{breachOf("c3")})
	recv(t, held.entered)
	held.answer <- nil
	recv(t, tc.final)
	if n := tc.byID(t)["c3"]; n.Read {
		t.Error("c3, delivered after MarkAllRead, is read")
	}
}

func TestSettingsSilenced(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-03-29 is the spring DST change in Rome: 02:00 becomes 03:00.
	at := func(s string) time.Time {
		tt, err := time.ParseInLocation("2006-01-02 15:04", s, rome)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	quiet := func(from, to string) Settings {
		m := func(s string) int { h, mm, _ := strings.Cut(s, ":"); return atoi(h)*60 + atoi(mm) }
		return Settings{Native: true, Quiet: true, QuietStart: m(from), QuietEnd: m(to)}
	}
	tests := []struct {
		s    Settings
		at   string
		want bool
	}{
		{DefaultSettings(), "2026-03-10 23:00", false},
		{Settings{Native: false}, "2026-03-10 12:00", true},
		{Settings{Native: true, DND: true}, "2026-03-10 12:00", true},
		{quiet("20:00", "08:00"), "2026-03-10 19:59", false},
		{quiet("20:00", "08:00"), "2026-03-10 20:00", true},
		{quiet("20:00", "08:00"), "2026-03-10 00:00", true},
		{quiet("20:00", "08:00"), "2026-03-10 07:59", true},
		{quiet("20:00", "08:00"), "2026-03-10 08:00", false},
		{quiet("20:00", "08:00"), "2026-03-29 03:30", true}, // the night the clocks go forward
		{quiet("13:00", "14:00"), "2026-03-10 12:59", false},
		{quiet("13:00", "14:00"), "2026-03-10 13:00", true},
		{quiet("13:00", "14:00"), "2026-03-10 14:00", false},
		{quiet("22:00", "22:00"), "2026-03-10 22:00", false}, // an empty span silences nothing
		{func() Settings { s := quiet("20:00", "08:00"); s.Quiet = false; return s }(), "2026-03-10 23:00", false},
	}
	for _, tt := range tests {
		if got := tt.s.Silenced(at(tt.at), rome); got != tt.want {
			t.Errorf("%+v.Silenced(%s) = %v, want %v", tt.s, tt.at, got, tt.want)
		}
	}
	// Quiet hours are the team's local time, whatever the instant's zone.
	if !quiet("20:00", "08:00").Silenced(at("2026-03-10 23:00").UTC(), rome) {
		t.Error("23:00 in Rome given as UTC is not in quiet hours 20:00-08:00")
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d      time.Duration
		en, it string
	}{
		{-time.Minute, "1 min", "1 min"},
		{0, "1 min", "1 min"},
		{225 * time.Second, "4 min", "4 min"},
		{59 * time.Minute, "59 min", "59 min"},
		{time.Hour, "1 h", "1 h"},
		{2*time.Hour + 5*time.Minute, "2 h 5 min", "2 h 5 min"},
		{27 * time.Hour, "1 d 3 h", "1 g 3 h"},
	}
	for _, tt := range tests {
		if got := Duration(tt.d, "en"); got != tt.en {
			t.Errorf("Duration(%v, en) = %q, want %q", tt.d, got, tt.en)
		}
		if got := Duration(tt.d, "it"); got != tt.it {
			t.Errorf("Duration(%v, it) = %q, want %q", tt.d, got, tt.it)
		}
	}
}
