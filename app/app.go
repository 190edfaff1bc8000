// Package app wires Sportello together: it builds every part and is the one
// place that reads the real clock.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/demo"
	"sportello/app/channels/graph"
	"sportello/app/convo"
	"sportello/app/notify"
	"sportello/app/outbox"
	"sportello/app/prefs"
	"sportello/app/queue"
	"sportello/app/secrets"
	"sportello/app/sla"
	"sportello/app/store"
	"sportello/app/syncer"
	"sportello/app/templates"
)

// Config is what main gives New.
type Config struct {
	DataDir  string
	InMemory bool // tests
	// MinFree is the free disk space below which writing pauses (0: the store's default).
	MinFree int64
	Version string
	Logger  *slog.Logger
	Now     func() time.Time // nil: the real clock
	// OnQueueChange and OnStatus receive live updates (may be nil).
	OnQueueChange func(ids []string)
	OnStatus      func(syncer.Status)
	OnNotice      func(notify.Notice)
	OnOutbox      func(outbox.Item)
	// Notify shows a native notification (beeep in main); nil: none.
	Notify notify.Sender
	// Keychain holds the accounts' tokens; nil: the OS keychain.
	Keychain Keychain
}

// App is a running Sportello core.
type App struct {
	cfg   Config
	Now   func() time.Time
	Log   *slog.Logger
	Store *store.Store
	Queue *queue.Queue
	Sync  *syncer.Engine
	SLA   *sla.Engine
	// Watcher fires deadline thresholds; Notices delivers them.
	Watcher *sla.Watcher
	Notices *notify.Center
	// Templates are the reply templates; Outbox keeps drafts and sends replies.
	Templates *templates.Library
	Outbox    *outbox.Outbox

	keychain Keychain // account tokens

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	running map[string]channels.Channel
	stops   map[string]context.CancelFunc // stops one account's sync (RemoveAccount)
	sim     *demo.Sim
	loadErr error
	closed  bool
}

// DemoSeed makes every demo desk the same.
const DemoSeed = 7

// New opens the store and builds the core; Start begins syncing.
func New(cfg Config) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	engine := sla.NewEngine(sla.DefaultPolicy(prefs.TimeZone()))
	st, err := store.Open(cfg.DataDir, store.Options{Now: cfg.Now, Logger: cfg.Logger, InMemory: cfg.InMemory, MinFree: cfg.MinFree,
		Due: engine.Due, OnWrite: engine.OnWrite})
	if err != nil {
		return nil, err
	}
	if cfg.Keychain == nil {
		cfg.Keychain = secrets.New(secrets.Service)
	}
	a := &App{cfg: cfg, Now: cfg.Now, Log: cfg.Logger, Store: st, SLA: engine, running: map[string]channels.Channel{}, keychain: cfg.Keychain}
	var saved sla.Policy
	switch err := st.Pref("sla-policy", &saved); {
	case err == nil:
		if err := engine.SetPolicy(saved); err != nil {
			cfg.Logger.Warn("saved SLA policy refused, using the defaults", "err", err)
		}
	case !errors.Is(err, store.ErrNotFound):
		cfg.Logger.Warn("SLA policy unreadable, using the defaults", "err", err)
	}
	if n, err := st.Redue(engine.Fingerprint()); err != nil {
		cfg.Logger.Warn("due instants not recomputed", "err", err)
	} else if n > 0 {
		cfg.Logger.Info("due instants recomputed for the SLA policy", "conversations", n)
	}
	a.Queue = queue.New(st, cfg.Now, cfg.OnQueueChange)
	a.Notices = notify.New(notify.Options{Store: st, Send: cfg.notifySend(), Now: cfg.Now, Lang: a.language, Settings: a.NotifySettings,
		OnNew: cfg.OnNotice, Logger: cfg.Logger, Loc: engineLocation(engine)})
	a.Watcher = sla.NewWatcher(engine, st, cfg.Now, cfg.Logger, a.Notices.Deliver)
	st.Subscribe(a.Watcher.Update)
	if a.Templates, err = templates.Open(st, cfg.Now); err != nil {
		st.Close()
		return nil, fmt.Errorf("reply templates: %w", err)
	}
	a.Outbox = outbox.New(st, cfg.Now, cfg.Logger, a.channel, cfg.OnOutbox)
	a.Sync = syncer.New(st, cfg.Now, cfg.Logger, cfg.OnStatus)
	a.ctx, a.cancel = context.WithCancel(context.Background())
	return a, nil
}

// Start loads the queue in the background and starts every account's sync.
func (a *App) Start() error {
	a.wg.Add(5)
	go func() {
		defer a.wg.Done()
		if err := a.Queue.Load(); err != nil {
			a.Log.Error("queue load failed", "err", err)
			a.mu.Lock()
			a.loadErr = err
			a.mu.Unlock()
		}
	}()
	go func() {
		defer a.wg.Done()
		// Arm every open conversation's deadlines; missed thresholds fire once.
		var batch []convo.Conversation
		err := a.Store.ForEachConversation(func(c convo.Conversation) error {
			if c.Status != convo.StatusResolved {
				batch = append(batch, c)
			}
			return nil
		})
		if err != nil {
			a.Log.Error("deadlines not armed", "err", err)
		}
		a.Watcher.Update(batch)
	}()
	go func() { defer a.wg.Done(); a.Watcher.Run(a.ctx) }()
	go func() { defer a.wg.Done(); a.Notices.Run(a.ctx) }()
	go func() { defer a.wg.Done(); a.Outbox.Run(a.ctx) }()
	accts, err := a.Store.Accounts()
	if err != nil {
		return fmt.Errorf("read accounts: %w", err)
	}
	for _, acct := range accts {
		if err := a.startAccount(acct); err != nil {
			a.Log.Warn("account not started", "account", acct.ID, "err", err)
		}
	}
	return nil
}

// Close stops syncing and closes the store; safe to call more than once.
func (a *App) Close() error {
	a.cancel()
	a.Sync.Wait()
	a.wg.Wait()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	if a.sim != nil {
		a.sim.Close() // the demo's local Graph API
	}
	return a.Store.Close()
}

// Settings returns the saved settings, or the defaults.
func (a *App) Settings() prefs.Settings {
	s := prefs.Defaults()
	if err := a.Store.Pref("settings", &s); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.Log.Warn("settings unreadable, using defaults", "err", err)
	}
	return s.Normalize()
}

// SaveSettings stores the settings and returns them as saved.
func (a *App) SaveSettings(s prefs.Settings) (prefs.Settings, error) {
	s = s.Normalize()
	return s, a.Store.SetPref("settings", s)
}

// HasDemo reports whether the demo workspace is set up.
func (a *App) HasDemo() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.sim != nil
}

// StartDemo sets up the demo workspace (once) and starts its accounts.
func (a *App) StartDemo() error {
	accts, err := a.Store.Accounts()
	if err != nil {
		return err
	}
	existing := false
	for _, acct := range accts {
		if acct.Demo {
			existing = true
			if err := a.startAccount(acct); err != nil {
				return err
			}
		}
	}
	if existing {
		return nil
	}
	sim := demo.New(demo.Options{Seed: DemoSeed, Anchor: a.Now().UTC(), Now: a.Now})
	for _, acct := range sim.Accounts() {
		if err := a.Store.PutAccount(acct); err != nil {
			return err
		}
	}
	if err := a.Queue.RefreshAccounts(); err != nil {
		return err
	}
	for _, acct := range sim.Accounts() {
		if err := a.startAccount(acct); err != nil {
			return err
		}
	}
	return nil
}

// channelFor builds the channel of an account.
func (a *App) channelFor(acct convo.Account) (channels.Channel, error) {
	if !acct.Demo {
		return a.metaChannel(acct)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sim == nil {
		anchor, err := time.Parse(time.RFC3339Nano, acct.Settings["anchor"])
		if err != nil {
			return nil, fmt.Errorf("demo account %s: bad anchor: %w", acct.ID, err)
		}
		a.sim = demo.New(demo.Options{Seed: DemoSeed, Anchor: anchor, Now: a.Now})
	}
	ch := a.sim.Channel(acct.ID)
	if ch == nil {
		return nil, fmt.Errorf("unknown demo account %s", acct.ID)
	}
	if err := a.upgradeDemoCursor(acct); err != nil {
		return nil, err
	}
	return ch, nil
}

// upgradeDemoCursor moves a demo Meta account of a workspace made before the
// demo used the local Graph API on to it: its old cursor becomes "from now
// on", so what it already holds is not read again under the Graph's IDs.
func (a *App) upgradeDemoCursor(acct convo.Account) error {
	switch acct.Platform {
	case convo.PlatformMessenger, convo.PlatformFacebook, convo.PlatformInstagram:
	default:
		return nil
	}
	cur, err := a.Store.Cursor(acct.ID)
	if err != nil || cur == "" {
		return err
	}
	if _, err := graph.DecodeCheckpoint(cur); err == nil {
		return nil
	}
	_, err = a.Store.Ingest(acct.ID, nil, graph.Checkpoint{Since: a.Now().Unix()}.Encode())
	return err
}

func (a *App) startAccount(acct convo.Account) error {
	if !acct.Removed.IsZero() {
		return nil // removed by the agent: its conversations stay, its sync does not
	}
	ch, err := a.channelFor(acct)
	if err != nil {
		return err
	}
	a.mu.Lock()
	if a.running[acct.ID] != nil {
		a.mu.Unlock()
		return nil
	}
	a.running[acct.ID] = ch
	ctx, stop := context.WithCancel(a.ctx)
	if a.stops == nil {
		a.stops = map[string]context.CancelFunc{}
	}
	a.stops[acct.ID] = stop
	a.mu.Unlock()
	a.Sync.Start(ctx, acct, ch)
	return nil
}

// Version is the build's version.
func (a *App) Version() string { return a.cfg.Version }

// SetPolicy validates, saves and applies a new SLA policy; the queue reorders.
func (a *App) SetPolicy(p sla.Policy) (sla.Policy, error) {
	if err := p.Validate(); err != nil {
		return p, err
	}
	if err := a.Store.SetPref("sla-policy", p); err != nil {
		return p, err
	}
	if err := a.SLA.SetPolicy(p); err != nil {
		return p, err
	}
	if _, err := a.Store.Redue(a.SLA.Fingerprint()); err != nil {
		return p, fmt.Errorf("reorder the queue for the new policy: %w", err)
	}
	return p, nil
}

// language is the agent's language for texts made in Go ("it" or "en").
func (a *App) language() string {
	l := a.Settings().Language
	if l == "auto" {
		l = strings.ToLower(prefs.OSLocale())
	}
	if strings.HasPrefix(l, "it") {
		return "it"
	}
	return "en"
}

// NotifySettings returns the saved notification settings, or the defaults.
func (a *App) NotifySettings() notify.Settings {
	s := notify.DefaultSettings()
	if err := a.Store.Pref("notify", &s); err != nil && !errors.Is(err, store.ErrNotFound) {
		a.Log.Warn("notification settings unreadable, using defaults", "err", err)
	}
	return s
}

// SaveNotifySettings stores the notification settings.
func (a *App) SaveNotifySettings(s notify.Settings) (notify.Settings, error) {
	if s.QuietStart < 0 || s.QuietStart >= 24*60 || s.QuietEnd < 0 || s.QuietEnd >= 24*60 {
		return s, fmt.Errorf("quiet hours %d–%d are not times of day: %w", s.QuietStart, s.QuietEnd, store.ErrInvalid)
	}
	return s, a.Store.SetPref("notify", s)
}

// engineLocation is the team's time zone, for times shown in notifications.
func engineLocation(e *sla.Engine) *time.Location {
	if loc, err := time.LoadLocation(e.Policy().Business.TimeZone); err == nil {
		return loc
	}
	return time.Local
}

// TestNotification sends a native notification right away (not through the
// quiet hours) and reports the OS's refusal, if any.
func (a *App) TestNotification() error {
	title, body := "Sportello", "Notifications work: you will be warned before every deadline."
	if a.language() == "it" {
		body = "Le notifiche funzionano: riceverai un avviso prima di ogni scadenza."
	}
	return a.cfg.notifySend()(title, body)
}

func (cfg Config) notifySend() notify.Sender {
	if cfg.Notify == nil {
		return func(string, string) error { return errors.New("no native notifications in this build") }
	}
	return cfg.Notify
}

// channel is the running channel of an account.
func (a *App) channel(accountID string) (channels.Channel, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch := a.running[accountID]
	return ch, ch != nil
}
