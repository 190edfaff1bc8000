// Package notify turns deadline alerts into notifications: native ones
// through the OS (beeep) and, always, an in-app list. Delivery to the OS
// never blocks the app; do-not-disturb and quiet hours silence the OS only.
package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/sla"
	"sportello/app/store"
)

// Settings are the agent's notification preferences.
type Settings struct {
	// Native enables notifications from the OS (the in-app list always fills).
	Native bool `json:"native"`
	// DND silences the OS notifications until turned off.
	DND bool `json:"dnd"`
	// Quiet hours silence the OS notifications every day between
	// QuietStart and QuietEnd (minutes after local midnight; may wrap midnight).
	Quiet      bool `json:"quiet"`
	QuietStart int  `json:"quietStart"`
	QuietEnd   int  `json:"quietEnd"`
}

// DefaultSettings: native notifications on, quiet from 20:00 to 8:00 off.
func DefaultSettings() Settings {
	return Settings{Native: true, QuietStart: 20 * 60, QuietEnd: 8 * 60}
}

// Silenced reports whether OS notifications are off at t (in loc).
func (s Settings) Silenced(t time.Time, loc *time.Location) bool {
	if !s.Native || s.DND {
		return true
	}
	if !s.Quiet || s.QuietStart == s.QuietEnd {
		return false
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	if s.QuietStart < s.QuietEnd {
		return m >= s.QuietStart && m < s.QuietEnd
	}
	return m >= s.QuietStart || m < s.QuietEnd
}

// Notice is one entry of the in-app notification list.
type Notice struct {
	ID      string    `json:"id"`
	At      time.Time `json:"at"`
	Level   string    `json:"level"` // warning or breach
	Title   string    `json:"title"`
	Body    string    `json:"body"`
	ConvIDs []string  `json:"convIds"`
	// OS is "shown", "silenced" (DND, quiet hours or off) or "failed: <reason>".
	OS   string `json:"os"`
	Read bool   `json:"read"`
}

// Sender shows a native notification.
type Sender func(title, body string) error

// Options configure a Center.
type Options struct {
	Store    *store.Store
	Send     Sender
	Now      func() time.Time
	Loc      *time.Location // for quiet hours and the times shown
	Lang     func() string  // "it" or "en"
	Settings func() Settings
	OnNew    func(Notice) // the UI's live update (may be nil)
	Logger   *slog.Logger
}

// coalesceAbove is how many alerts at once still get one notification each.
const coalesceAbove = 3

// sendTimeout is how long the OS gets to take a notification. The D-Bus
// call has no timeout of its own: a hung notification service would hold
// every later notification, and Run's shutdown, forever.
const sendTimeout = 10 * time.Second

// Center delivers alerts. Run must be running for OS delivery.
type Center struct {
	o     Options
	queue chan Notice
	mu    sync.Mutex
}

// New returns a center.
func New(o Options) *Center {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnNew == nil {
		o.OnNew = func(Notice) {}
	}
	if o.Loc == nil {
		o.Loc = time.Local
	}
	return &Center{o: o, queue: make(chan Notice, 64)}
}

// Deliver turns a batch of alerts into notices (one each, or one summary
// when there are many), saves them to the in-app list and queues them for
// the OS unless silenced. It never blocks on the OS.
func (c *Center) Deliver(alerts []sla.Alert) {
	if len(alerts) == 0 {
		return
	}
	lang := c.o.Lang()
	var notices []Notice
	if len(alerts) > coalesceAbove {
		notices = []Notice{c.summary(alerts, lang)}
	} else {
		for _, a := range alerts {
			notices = append(notices, c.one(a, lang))
		}
	}
	silenced := c.o.Settings().Silenced(c.o.Now(), c.o.Loc)
	for _, n := range notices {
		if silenced {
			n.OS = "silenced"
		}
		if err := c.o.Store.PutNotice(n.At, n.ID, n); err != nil {
			c.o.Logger.Error("notification not saved", "err", err)
		}
		c.o.OnNew(n)
		if silenced {
			continue
		}
		select {
		case c.queue <- n:
		default:
			c.record(n, "failed: too many notifications at once")
		}
	}
}

// Run shows queued notices through the OS until ctx ends. A send the OS
// does not answer within sendTimeout is marked failed and left behind;
// until it returns, later notices fail at once rather than queue behind it.
func (c *Center) Run(ctx context.Context) {
	var pending chan struct{} // closed when the send left behind returns
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-c.queue:
			if pending != nil {
				select {
				case <-pending:
					pending = nil
				default:
					c.record(n, "failed: the notification service is not answering")
					continue
				}
			}
			done := make(chan struct{})
			var err error
			go func() {
				defer close(done)
				err = c.o.Send(n.Title, n.Body)
			}()
			timeout := time.NewTimer(sendTimeout)
			status := "shown"
			select {
			case <-ctx.Done():
				timeout.Stop()
				return
			case <-done:
				timeout.Stop()
				if err != nil {
					status = "failed: " + err.Error()
					c.o.Logger.Warn("native notification refused; it stays in the in-app list", "err", err)
				}
			case <-timeout.C:
				pending = done
				status = fmt.Sprintf("failed: the notification service did not answer within %s", sendTimeout)
				c.o.Logger.Warn("native notification not answered; it stays in the in-app list", "after", sendTimeout)
			}
			c.record(n, status)
		}
	}
}

func (c *Center) record(n Notice, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Only the OS status changes: the agent may have read it meanwhile.
	var cur Notice
	err := c.o.Store.UpdateNotice(n.At, n.ID, &cur, func() error { cur.OS = status; return nil })
	if err != nil {
		// Not in the list (saving it failed): the UI still learns the answer.
		c.o.Logger.Error("notification state not saved", "err", err)
		cur = n
		cur.OS = status
	}
	c.o.OnNew(cur)
}

// List returns the newest notices first.
func (c *Center) List(limit int) ([]Notice, error) {
	out := []Notice{}
	err := c.o.Store.Notices(limit, func(raw json.RawMessage) error {
		var n Notice
		if err := json.Unmarshal(raw, &n); err != nil {
			return err
		}
		out = append(out, n)
		return nil
	})
	return out, err
}

// MarkAllRead marks every listed notice read.
func (c *Center) MarkAllRead() error {
	ns, err := c.List(500)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range ns {
		if n.Read {
			continue
		}
		n.Read = true
		if err := c.o.Store.PutNotice(n.At, n.ID, n); err != nil {
			return err
		}
	}
	return nil
}

func noticeID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "n_" + hex.EncodeToString(h[:10])
}

func (c *Center) one(a sla.Alert, lang string) Notice {
	t := texts[lang]
	if t == nil {
		t = texts["en"]
	}
	cust := customer(a.Conv)
	plat := PlatformName(a.Conv.Platform)
	due := a.Deadline.Due.In(c.o.Loc).Format("15:04")
	what := t.keys[a.Deadline.Key]
	n := Notice{ID: noticeID(a.Conv.ID, string(a.Deadline.Key), a.Deadline.Start.String(), string(a.Threshold)),
		At: a.At, Level: string(a.Threshold), ConvIDs: []string{a.Conv.ID}}
	switch {
	case a.Threshold == sla.Warning && !a.Deadline.Window:
		left := a.Deadline.Due.Sub(c.o.Now())
		n.Title = fmt.Sprintf(t.warnTitle, plat, cust)
		n.Body = fmt.Sprintf(t.warnBody, what, Duration(left, lang), due)
	case a.Threshold == sla.Warning:
		left := a.Deadline.Due.Sub(c.o.Now())
		n.Title = fmt.Sprintf(t.windowWarnTitle, plat, Duration(left, lang))
		n.Body = fmt.Sprintf(t.windowWarnBody[a.Deadline.Key], cust, due)
	case !a.Deadline.Window:
		n.Title = fmt.Sprintf(t.breachTitle, plat)
		n.Body = fmt.Sprintf(t.breachBody, cust, what, due)
	default:
		n.Title = fmt.Sprintf(t.windowClosedTitle, plat)
		n.Body = fmt.Sprintf(t.windowClosedBody[a.Deadline.Key], cust, due)
	}
	return n
}

func (c *Center) summary(alerts []sla.Alert, lang string) Notice {
	t := texts[lang]
	if t == nil {
		t = texts["en"]
	}
	var breaches, warnings int
	ids := []string{}
	seen := map[string]bool{}
	parts := []string{}
	for _, a := range alerts {
		if a.Threshold == sla.Breach {
			breaches++
		} else {
			warnings++
		}
		if !seen[a.Conv.ID] {
			seen[a.Conv.ID] = true
			ids = append(ids, a.Conv.ID)
		}
		parts = append(parts, a.Conv.ID, string(a.Deadline.Key), a.Deadline.Start.String(), string(a.Threshold))
	}
	n := Notice{ID: noticeID(parts...), At: alerts[len(alerts)-1].At, ConvIDs: ids, Level: string(sla.Warning)}
	title := func(one, many string) string {
		if len(ids) == 1 { // many deadlines of one conversation (after a sleep)
			return one
		}
		return fmt.Sprintf(many, len(ids))
	}
	switch {
	case warnings == 0:
		n.Level = string(sla.Breach)
		n.Title = title(t.oneBreachedTitle, t.manyBreachedTitle)
	case breaches == 0:
		n.Title = title(t.oneWarnTitle, t.manyWarnTitle)
	default:
		n.Level = string(sla.Breach)
		n.Title = title(t.oneMixedTitle, t.manyMixedTitle)
	}
	names := []string{}
	for _, a := range alerts {
		name := customer(a.Conv) + " (" + PlatformName(a.Conv.Platform) + ")"
		if contains(names, name) {
			continue
		}
		if len(names) == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, name)
	}
	n.Body = fmt.Sprintf(t.manyBody, breaches, warnings, strings.Join(names, ", "))
	return n
}

// customer names a conversation's customer, or its subject.
func customer(c convo.Conversation) string {
	if c.CustomerName == "" {
		return c.Subject
	}
	return c.CustomerName
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// PlatformName is how a platform is named to people.
func PlatformName(p convo.Platform) string {
	switch p {
	case convo.PlatformMessenger:
		return "Messenger"
	case convo.PlatformFacebook:
		return "Facebook"
	case convo.PlatformInstagram:
		return "Instagram"
	case convo.PlatformX:
		return "X"
	case convo.PlatformWhatsApp:
		return "WhatsApp"
	case convo.PlatformTelegram:
		return "Telegram"
	case convo.PlatformEmail:
		return "E-mail"
	}
	return string(p)
}

// Duration says how long, roughly, in words: "4 min", "2 h 5 min", "1 g 3 h".
func Duration(d time.Duration, lang string) string {
	if d < 0 {
		d = 0
	}
	day := "d"
	if lang == "it" {
		day = "g"
	}
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", max(m, 1))
	case m < 24*60:
		if m%60 == 0 {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d h %d min", m/60, m%60)
	}
	return fmt.Sprintf("%d %s %d h", m/(24*60), day, m%(24*60)/60)
}
