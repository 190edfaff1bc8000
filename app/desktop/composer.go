package desktop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"sportello/app"
	"sportello/app/channels"
	"sportello/app/convo"
	"sportello/app/outbox"
	"sportello/app/sla"
	"sportello/app/templates"
)

// TemplateField is a fill-in of a template.
type TemplateField struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// Template is a reply template.
type Template struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Shortcut string            `json:"shortcut"`
	Body     string            `json:"body"`
	Fields   []TemplateField   `json:"fields"`
	Variants map[string]string `json:"variants"` // platform → body
	Lang     string            `json:"lang"`
	Tags     []string          `json:"tags"`
	Uses     int               `json:"uses"`
}

// Rendered is a template filled for a conversation.
type Rendered struct {
	Text    string   `json:"text"`
	Missing []string `json:"missing"` // variables and required fields without a value
}

// Length is a text counted as the conversation's platform counts it.
type Length struct {
	Length int `json:"length"`
	Limit  int `json:"limit"` // 0: no limit
}

// Draft is the reply being written in a conversation.
type Draft struct {
	ConvID       string            `json:"convId"`
	Text         string            `json:"text"`
	TemplateID   string            `json:"templateId"`
	Fields       map[string]string `json:"fields"`
	Updated      int64             `json:"updated"`
	CustomerName string            `json:"customerName"`
	Platform     string            `json:"platform"`
}

// SendRequest is a reply the agent sends.
type SendRequest struct {
	ConvID     string            `json:"convId"`
	Text       string            `json:"text"`
	TemplateID string            `json:"templateId"`
	Fields     map[string]string `json:"fields"`
	// Confirmed means the agent saw the warnings of Check and sends anyway.
	Confirmed bool `json:"confirmed"`
}

// Warnings are the things worth a second look before sending.
type Warnings struct {
	// Verbatim: the text is the template with nothing of the agent's own.
	Verbatim bool `json:"verbatim"`
	// AlreadySent: this template already went to this customer.
	AlreadySent bool `json:"alreadySent"`
}

// OutItem is an outgoing reply with its state.
type OutItem struct {
	ID         string `json:"id"`
	ConvID     string `json:"convId"`
	Text       string `json:"text"`
	State      string `json:"state"` // queued, sending, sent, failed, needs-check
	Err        string `json:"err"`
	Attempts   int    `json:"attempts"`
	Created    int64  `json:"created"`
	SentAt     int64  `json:"sentAt"`
	Next       int64  `json:"next"`
	PlatformID string `json:"platformId"`
}

// ComposerService is the reply composer: templates, drafts, sending.
type ComposerService struct {
	core *app.App
	ctx  context.Context // Wails', for the file dialogs
}

func toTemplate(t templates.Template) Template {
	out := Template{ID: t.ID, Name: t.Name, Shortcut: t.Shortcut, Body: t.Body, Lang: t.Lang, Tags: t.Tags, Uses: t.Uses,
		Fields: []TemplateField{}, Variants: map[string]string{}}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, f := range t.Fields {
		out.Fields = append(out.Fields, TemplateField(f))
	}
	for p, b := range t.Variants {
		out.Variants[string(p)] = b
	}
	return out
}

func fromTemplate(t Template) templates.Template {
	out := templates.Template{ID: t.ID, Name: t.Name, Shortcut: t.Shortcut, Body: t.Body, Lang: t.Lang, Tags: t.Tags, Uses: t.Uses}
	for _, f := range t.Fields {
		out.Fields = append(out.Fields, templates.Field(f))
	}
	if len(t.Variants) > 0 {
		out.Variants = map[convo.Platform]string{}
		for p, b := range t.Variants {
			out.Variants[convo.Platform(p)] = b
		}
	}
	return out
}

func toOut(it outbox.Item) OutItem {
	return OutItem{ID: it.ID, ConvID: it.ConvID, Text: it.Text, State: string(it.State), Err: it.Err, Attempts: it.Attempts,
		Created: ms(it.Created), SentAt: ms(it.SentAt), Next: ms(it.Next), PlatformID: it.PlatformID}
}

// SearchTemplates finds templates as the agent types after "/" (best first).
func (s *ComposerService) SearchTemplates(query, lang string) ([]Template, error) {
	out := []Template{}
	for _, t := range s.core.Templates.Search(query, lang, 20) {
		out = append(out, toTemplate(t))
	}
	return out, nil
}

// Templates lists every template, most used first.
func (s *ComposerService) Templates() ([]Template, error) {
	out := []Template{}
	for _, t := range s.core.Templates.All() {
		out = append(out, toTemplate(t))
	}
	return out, nil
}

// SaveTemplate creates or updates a template.
func (s *ComposerService) SaveTemplate(t Template) (Template, error) {
	saved, err := s.core.Templates.Save(fromTemplate(t))
	return toTemplate(saved), clean(err)
}

// DeleteTemplate removes a template.
func (s *ComposerService) DeleteTemplate(id string) error { return clean(s.core.Templates.Delete(id)) }

// ExportTemplates asks where to save the library as JSON and writes it;
// it returns the path ("" if the agent cancelled).
func (s *ComposerService) ExportTemplates() (string, error) {
	data, err := s.core.Templates.Export()
	if err != nil {
		return "", err
	}
	path := ""
	if dir := testDialogDir(); dir != "" {
		path = filepath.Join(dir, "sportello-templates.json") // end-to-end tests: no native dialog
	} else {
		if s.ctx == nil {
			return "", errors.New("the save dialog needs the app window")
		}
		path, err = runtime.SaveFileDialog(s.ctx, runtime.SaveDialogOptions{Title: "Export templates", DefaultFilename: "sportello-templates.json",
			Filters: []runtime.FileFilter{{DisplayName: "JSON (*.json)", Pattern: "*.json"}}, CanCreateDirectories: true})
		if err != nil {
			return "", fmt.Errorf("the save dialog failed: %w", err)
		}
		if path == "" {
			return "", nil // cancelled
		}
		if filepath.Ext(path) == "" {
			path += ".json"
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("cannot write %s: %w", path, err)
	}
	return path, nil
}

// ImportTemplates asks for a JSON export and adds its templates; it returns how many.
func (s *ComposerService) ImportTemplates() (int, error) {
	if dir := testDialogDir(); dir != "" {
		return s.ImportTemplatesFrom(filepath.Join(dir, "sportello-templates-import.json")) // end-to-end tests: no native dialog
	}
	if s.ctx == nil {
		return 0, errors.New("the open dialog needs the app window")
	}
	path, err := runtime.OpenFileDialog(s.ctx, runtime.OpenDialogOptions{Title: "Import templates", Filters: []runtime.FileFilter{{DisplayName: "JSON (*.json)", Pattern: "*.json"}}})
	if err != nil {
		return 0, fmt.Errorf("the open dialog failed: %w", err)
	}
	if path == "" {
		return 0, nil // cancelled
	}
	return s.ImportTemplatesFrom(path)
}

// ImportTemplatesFrom adds the templates of a JSON export at path.
func (s *ComposerService) ImportTemplatesFrom(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %w", path, err)
	}
	n, err := s.core.Templates.Import(data)
	return n, clean(err)
}

func (s *ComposerService) context(convID string) (convo.Conversation, templates.Context, error) {
	c, err := s.core.Store.Conversation(convID)
	if err != nil {
		return c, templates.Context{}, clean(err)
	}
	return c, templates.Context{CustomerName: c.CustomerName, AgentName: s.core.Settings().AgentName,
		AccountName: s.core.Queue.AccountName(c.AccountID), Platform: c.Platform}, nil
}

// Render fills a template for a conversation with the agent's fill-ins.
func (s *ComposerService) Render(convID, templateID string, fields map[string]string) (Rendered, error) {
	_, ctx, err := s.context(convID)
	if err != nil {
		return Rendered{}, err
	}
	t, err := s.core.Templates.Get(templateID)
	if err != nil {
		return Rendered{}, clean(err)
	}
	ctx.Fields = fields
	text, missing := templates.Render(t, ctx)
	if missing == nil {
		missing = []string{}
	}
	return Rendered{Text: text, Missing: missing}, nil
}

// Count measures a reply as the conversation's platform counts it.
func (s *ComposerService) Count(convID, text string) (Length, error) {
	c, err := s.core.Store.Conversation(convID)
	if err != nil {
		return Length{}, clean(err)
	}
	return Length{Length: channels.TextLength(c.Platform, text), Limit: channels.TextLimit(c.Platform, c.Kind)}, nil
}

// Draft returns a conversation's draft.
func (s *ComposerService) Draft(convID string) (Draft, error) {
	d, err := s.core.Outbox.Draft(convID)
	if err != nil {
		return Draft{}, clean(err)
	}
	return Draft{ConvID: d.ConvID, Text: d.Text, TemplateID: d.TemplateID, Fields: orEmpty(d.Fields), Updated: ms(d.Updated)}, nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// SaveDraft stores the draft as the agent types (an empty one is removed).
func (s *ComposerService) SaveDraft(d Draft) error {
	return clean(s.core.Outbox.SaveDraft(outbox.Draft{ConvID: d.ConvID, Text: d.Text, TemplateID: d.TemplateID, Fields: d.Fields}))
}

// Drafts lists the open drafts, most recent first.
func (s *ComposerService) Drafts() ([]Draft, error) {
	ds, err := s.core.Outbox.Drafts()
	if err != nil {
		return nil, clean(err)
	}
	out := []Draft{}
	for _, d := range ds {
		x := Draft{ConvID: d.ConvID, Text: d.Text, TemplateID: d.TemplateID, Fields: orEmpty(d.Fields), Updated: ms(d.Updated)}
		if c, err := s.core.Store.Conversation(d.ConvID); err == nil {
			x.CustomerName, x.Platform = c.CustomerName, string(c.Platform)
		}
		out = append(out, x)
	}
	return out, nil
}

var leftover = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}`)

// Check returns the warnings for a reply before it is sent.
func (s *ComposerService) Check(req SendRequest) (Warnings, error) {
	var w Warnings
	if req.TemplateID == "" {
		return w, nil
	}
	c, ctx, err := s.context(req.ConvID)
	if err != nil {
		return w, err
	}
	t, err := s.core.Templates.Get(req.TemplateID)
	if err != nil {
		return w, nil // deleted meanwhile: nothing to compare with
	}
	// Verbatim: the text equals the template filled with only the required
	// blanks — nothing the agent wrote for this customer.
	ctx.Fields = req.Fields
	rendered, _ := templates.Render(t, ctx)
	w.Verbatim = strings.Join(strings.Fields(rendered), " ") == strings.Join(strings.Fields(req.Text), " ")
	convs, err := s.core.Store.CustomerConversations(c.CustomerID)
	if err != nil {
		return w, clean(err)
	}
	for _, cc := range convs {
		msgs, err := s.core.Store.Messages(cc.ID, 0)
		if err != nil {
			return w, clean(err)
		}
		for _, m := range msgs {
			if m.Direction == convo.DirOut && m.Template == t.ID {
				w.AlreadySent = true
			}
		}
	}
	return w, nil
}

// ErrNeedsConfirmation asks the UI to show Check's warnings first.
var ErrNeedsConfirmation = errors.New("the reply needs a personal touch: confirm to send it as it is")

// Send queues a reply; it refuses with the names of unfilled variables and
// fields, and when the platform's reply window allows nothing (or only
// templates), and tags it HUMAN_AGENT when only that is allowed.
func (s *ComposerService) Send(req SendRequest) (OutItem, error) {
	c, ctx, err := s.context(req.ConvID)
	if err != nil {
		return OutItem{}, err
	}
	var missing []string
	for _, m := range leftover.FindAllStringSubmatch(req.Text, -1) {
		missing = append(missing, m[1])
	}
	if req.TemplateID != "" {
		if t, err := s.core.Templates.Get(req.TemplateID); err == nil {
			ctx.Fields = req.Fields
			if _, miss := templates.Render(t, ctx); len(miss) > 0 {
				for _, m := range miss {
					if strings.HasPrefix(m, "field.") {
						missing = append(missing, m)
					}
				}
			}
		}
	}
	if len(missing) > 0 {
		return OutItem{}, fmt.Errorf("fill in before sending: %s", strings.Join(missing, ", "))
	}
	tag := ""
	switch r := sla.ReplyState(c, s.core.Now()); r.Mode {
	case sla.ModeClosed:
		return OutItem{}, errors.New("the platform's 7-day window has closed: nothing more can be sent in this conversation")
	case sla.ModeAwaiting:
		return OutItem{}, errors.New("the customer has not answered the private reply yet: the platform accepts another message only after they write back")
	case sla.ModeTemplate:
		return OutItem{}, errors.New("the 24-hour window has closed: WhatsApp allows only approved templates now")
	case sla.ModeTagged:
		tag = "HUMAN_AGENT"
	}
	if !req.Confirmed {
		w, err := s.Check(req)
		if err != nil {
			return OutItem{}, err
		}
		if w.Verbatim || w.AlreadySent {
			return OutItem{}, ErrNeedsConfirmation
		}
	}
	cust, err := s.core.Store.Customer(c.CustomerID)
	if err != nil {
		return OutItem{}, clean(err)
	}
	id := convo.Identity{Platform: c.Platform, DisplayName: cust.Name}
	for _, i := range cust.Identities {
		if i.Platform == c.Platform {
			id = i
		}
	}
	it, err := s.core.Outbox.Send(c, id, req.Text, tag, req.TemplateID, s.core.Settings().AgentName)
	if err != nil {
		return OutItem{}, clean(err)
	}
	if req.TemplateID != "" {
		if err := s.core.Templates.Used(req.TemplateID); err != nil {
			s.core.Log.Warn("template use not counted", "err", err)
		}
	}
	return toOut(it), nil
}

// Outbox returns the outgoing replies of a conversation with their states.
func (s *ComposerService) Outbox(convID string) ([]OutItem, error) {
	its, err := s.core.Outbox.Items(convID)
	if err != nil {
		return nil, clean(err)
	}
	out := []OutItem{}
	for _, it := range its {
		out = append(out, toOut(it))
	}
	return out, nil
}

// Retry sends a failed reply again, with edited text if given.
func (s *ComposerService) Retry(id, text string) (OutItem, error) {
	it, err := s.core.Outbox.Retry(id, text)
	return toOut(it), clean(err)
}

// MarkSent confirms that a reply whose fate was unknown did go out.
func (s *ComposerService) MarkSent(id string) (OutItem, error) {
	it, err := s.core.Outbox.MarkSent(id)
	return toOut(it), clean(err)
}
