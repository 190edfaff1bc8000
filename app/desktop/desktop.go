package desktop

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"sportello/app"
	"sportello/app/convo"
	"sportello/app/prefs"
	"sportello/app/queue"
	"sportello/app/sla"
	"sportello/app/store"
)

// Desktop owns the bound services and the window's lifecycle hooks.
type Desktop struct {
	core         *app.App
	notifier     *Notifier
	Queue        *QueueService
	Conversation *ConversationService
	App          *AppService
	SLA          *SLAService
	Composer     *ComposerService
	Stats        *StatsService
	Accounts     *AccountService

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds the services over a core whose updates go to n.
func New(core *app.App, n *Notifier) *Desktop {
	d := &Desktop{core: core, notifier: n}
	d.Queue = &QueueService{core: core}
	d.Conversation = &ConversationService{core: core}
	d.App = &AppService{core: core}
	d.SLA = &SLAService{core: core}
	d.Composer = &ComposerService{core: core}
	d.Stats = &StatsService{core: core}
	d.Accounts = &AccountService{core: core, notifier: n}
	return d
}

// Bind lists the structs whose exported methods the UI may call.
func (d *Desktop) Bind() []any {
	return []any{d.Queue, d.Conversation, d.App, d.SLA, d.Composer, d.Stats, d.Accounts}
}

// Startup is Wails' OnStartup: it starts event delivery.
func (d *Desktop) Startup(ctx context.Context) {
	d.App.ctx = ctx
	d.Composer.ctx = ctx
	d.Stats.ctx = ctx
	nctx, cancel := context.WithCancel(ctx)
	d.cancel = cancel
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		d.notifier.run(nctx, d.App.status)
	}()
}

// DomReady is Wails' OnDomReady: the window is shown once the UI can paint.
func (d *Desktop) DomReady(ctx context.Context) { runtime.WindowShow(ctx) }

// Shutdown is Wails' OnShutdown: it stops event delivery and the core.
func (d *Desktop) Shutdown(context.Context) {
	if d.cancel != nil {
		d.cancel()
	}
	d.wg.Wait()
	if err := d.core.Close(); err != nil {
		d.core.Log.Error("close", "err", err)
	}
}

// clean turns core errors into messages fit for the agent.
func clean(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errors.New("this conversation no longer exists")
	case errors.Is(err, store.ErrDiskLow):
		return store.ErrDiskLow
	}
	return err
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func (s *QueueService) row(c convo.Conversation) Row {
	r := toRow(c, s.core.Queue.AccountName(c.AccountID))
	r.DueStart = dueStart(s.core, c)
	return r
}

// dueStart is when the deadline behind the conversation's due instant started.
func dueStart(core *app.App, c convo.Conversation) int64 {
	if c.Due.IsZero() || c.Status == convo.StatusSnoozed {
		return 0
	}
	for _, d := range core.SLA.Plan(c) {
		if d.Done.IsZero() && d.Due.Equal(c.Due) {
			return ms(d.Start)
		}
	}
	return 0
}

func toRow(c convo.Conversation, account string) Row {
	tags := c.Tags
	if tags == nil {
		tags = []string{}
	}
	return Row{
		ID: c.ID, Platform: string(c.Platform), AccountID: c.AccountID, AccountName: account, Kind: string(c.Kind),
		Public: c.Public, Status: string(c.Status), Priority: int(c.Priority), Assignee: c.Assignee, Tags: tags,
		CustomerID: c.CustomerID, CustomerName: c.CustomerName, Subject: c.Subject, Preview: c.Preview,
		LastAt: ms(c.LastAt), DueAt: ms(c.Due), SnoozeUntil: ms(c.SnoozeUntil), Awaiting: !c.AwaitingSince.IsZero(),
		LinkedID: c.LinkedID,
	}
}

// QueueService is the unified queue as the UI sees it.
type QueueService struct{ core *app.App }

// List returns a window of the filtered queue with the facet counts.
func (s *QueueService) List(f Filter, offset, limit int) (Page, error) {
	me := s.core.Settings().AgentName
	p, err := s.core.Queue.List(queue.Filter{
		Platform: convo.Platform(f.Platform), AccountID: f.AccountID, Status: f.Status, Visibility: f.Visibility,
		Assignee: f.Assignee, Tag: f.Tag, Search: f.Search, Me: me,
	}, offset, limit)
	if err != nil {
		return Page{}, clean(err)
	}
	out := Page{Rows: make([]Row, 0, len(p.Rows)), Total: p.Total, Offset: offset}
	for _, c := range p.Rows {
		out.Rows = append(out.Rows, s.row(c))
	}
	out.Counts = Counts{
		Platform: counts(p.Counts[queue.FacetPlatform]), Account: counts(p.Counts[queue.FacetAccount]),
		Status: counts(p.Counts[queue.FacetStatus]), Visibility: counts(p.Counts[queue.FacetVisibility]),
		Assignee: counts(p.Counts[queue.FacetAssignee]), Tag: counts(p.Counts[queue.FacetTag]),
	}
	return out, nil
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for v, n := range m {
		out = append(out, Count{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Value < b.Value {
			return -1
		}
		return 1
	})
	return out
}

// AssignToMe assigns the conversation to the current agent.
func (s *QueueService) AssignToMe(id string) (Row, error) {
	c, err := s.core.Queue.Assign(id, s.core.Settings().AgentName)
	return s.row(c), clean(err)
}

// Unassign removes the conversation's assignee.
func (s *QueueService) Unassign(id string) (Row, error) {
	c, err := s.core.Queue.Assign(id, "")
	return s.row(c), clean(err)
}

// Snooze hides the conversation until untilMs (Unix milliseconds).
func (s *QueueService) Snooze(id string, untilMs int64) (Row, error) {
	c, err := s.core.Queue.Snooze(id, s.core.Settings().AgentName, time.UnixMilli(untilMs))
	return s.row(c), clean(err)
}

// Resolve closes the conversation.
func (s *QueueService) Resolve(id string) (Row, error) {
	c, err := s.core.Queue.Resolve(id, s.core.Settings().AgentName)
	return s.row(c), clean(err)
}

// Reopen puts the conversation back in the open queue.
func (s *QueueService) Reopen(id string) (Row, error) {
	c, err := s.core.Queue.Reopen(id, s.core.Settings().AgentName)
	return s.row(c), clean(err)
}

// ConversationService opens threads.
type ConversationService struct{ core *app.App }

// threadLimit is how many recent messages an opened thread shows.
const threadLimit = 300

// Open returns the thread, the customer card and the customer's other conversations.
func (s *ConversationService) Open(id string) (Thread, error) {
	st := s.core.Store
	c, err := st.Conversation(id)
	if err != nil {
		return Thread{}, clean(err)
	}
	msgs, err := st.Messages(id, threadLimit)
	if err != nil {
		return Thread{}, clean(err)
	}
	cust, err := st.Customer(c.CustomerID)
	if err != nil {
		return Thread{}, clean(err)
	}
	others, err := st.CustomerConversations(c.CustomerID)
	if err != nil {
		return Thread{}, clean(err)
	}
	slices.SortFunc(others, func(a, b convo.Conversation) int { return b.LastAt.Compare(a.LastAt) })
	now := s.core.Now()
	row := toRow(c, s.core.Queue.AccountName(c.AccountID))
	row.DueStart = dueStart(s.core, c)
	t := Thread{Conversation: row, Messages: make([]Message, 0, len(msgs)),
		Deadlines: toDeadlines(s.core.SLA.Deadlines(c, now)), Reply: toReply(sla.ReplyState(c, now))}
	for _, m := range msgs {
		atts := make([]Attachment, 0, len(m.Attachments))
		for _, a := range m.Attachments {
			atts = append(atts, Attachment{Type: a.Type, Name: a.Name, Size: a.Size})
		}
		t.Messages = append(t.Messages, Message{ID: m.ID, Direction: string(m.Direction), Author: m.Author, Text: m.Text, At: ms(m.At), Attachments: atts})
	}
	t.Customer = Customer{ID: cust.ID, Name: cust.Name, Language: cust.Language, Identities: []Identity{}, Conversations: []Row{}}
	for _, i := range cust.Identities {
		t.Customer.Identities = append(t.Customer.Identities, Identity{Platform: string(i.Platform), Handle: i.Handle, DisplayName: i.DisplayName})
	}
	for _, o := range others {
		if o.ID != id {
			t.Customer.Conversations = append(t.Customer.Conversations, toRow(o, s.core.Queue.AccountName(o.AccountID)))
		}
	}
	return t, nil
}

// AddNote adds an internal note, never sent to the customer.
func (s *ConversationService) AddNote(id, text string) (Message, error) {
	m, err := s.core.Store.AddNote(id, s.core.Settings().AgentName, text, s.core.Now())
	if err != nil {
		return Message{}, clean(err)
	}
	return Message{ID: m.ID, Direction: string(m.Direction), Author: m.Author, Text: m.Text, At: ms(m.At), Attachments: []Attachment{}}, nil
}

// AppService reports the app's state and keeps the agent's settings.
type AppService struct {
	core *app.App
	ctx  context.Context
}

// Status returns the accounts' sync states, disk state and demo flag.
func (s *AppService) Status() (Status, error) { return s.status(), nil }

func (s *AppService) status() Status {
	st := Status{Version: s.core.Version(), DataDir: s.core.Store.Dir(), Accounts: []AccountStatus{}}
	st.DiskFree, st.DiskLow = s.core.Store.Disk()
	accts, err := s.core.Store.Accounts()
	if err != nil {
		s.core.Log.Warn("accounts unreadable", "err", err)
	}
	sync := s.core.Sync.Statuses()
	for _, a := range accts {
		if !a.Removed.IsZero() {
			continue // removed by the agent: its conversations stay, the account is gone
		}
		ss := sync[a.ID]
		state := string(ss.State)
		if state == "" {
			state = "offline"
		}
		st.Demo = st.Demo || a.Demo
		st.Accounts = append(st.Accounts, AccountStatus{ID: a.ID, Platform: string(a.Platform), Name: a.Name, Demo: a.Demo, State: state, Error: ss.Err, LastSync: ms(ss.LastSync)})
	}
	return st
}

// StartDemo opens the demo workspace.
func (s *AppService) StartDemo() (Status, error) {
	if err := s.core.StartDemo(); err != nil {
		return Status{}, clean(err)
	}
	return s.status(), nil
}

// Settings returns the agent's settings and the OS locale.
func (s *AppService) Settings() (Settings, error) {
	p := s.core.Settings()
	return Settings{Language: p.Language, OSLocale: prefs.OSLocale(), AgentName: p.AgentName, Theme: p.Theme}, nil
}

// SaveSettings stores the agent's settings.
func (s *AppService) SaveSettings(in Settings) (Settings, error) {
	p, err := s.core.SaveSettings(prefs.Settings{Language: in.Language, AgentName: in.AgentName, Theme: in.Theme})
	if err != nil {
		return Settings{}, clean(err)
	}
	if s.ctx != nil {
		switch p.Theme {
		case "light":
			runtime.WindowSetLightTheme(s.ctx)
		case "dark":
			runtime.WindowSetDarkTheme(s.ctx)
		default:
			runtime.WindowSetSystemDefaultTheme(s.ctx)
		}
	}
	return Settings{Language: p.Language, OSLocale: prefs.OSLocale(), AgentName: p.AgentName, Theme: p.Theme}, nil
}
