// Package templates keeps the reply templates agents make personal: a body
// with variables ({{customer.first_name}}, {{agent.name}}, …), fill-in fields
// the agent must complete, per-platform variants, a language and tags. It
// renders them and finds them as the agent types.
package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"sportello/app/convo"
	"sportello/app/store"
)

// Template is one reply template.
type Template struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Shortcut string `json:"shortcut"` // typed after "/" in the composer
	Body     string `json:"body"`
	// Fields are fill-ins the agent completes before sending ({{field.order}}).
	Fields   []Field                   `json:"fields,omitempty"`
	Variants map[convo.Platform]string `json:"variants,omitempty"` // per-platform bodies
	Lang     string                    `json:"lang"`               // it or en
	Tags     []string                  `json:"tags,omitempty"`
	Uses     int                       `json:"uses"`
	Updated  time.Time                 `json:"updated"`
}

// Field is a fill-in of a template.
type Field struct {
	Name     string `json:"name"` // used as {{field.<name>}}
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// Context are the values variables take.
type Context struct {
	CustomerName string
	AgentName    string
	AccountName  string
	Platform     convo.Platform
	Fields       map[string]string // fill-ins and custom fields
}

// ErrInvalid is returned for a template that cannot be saved or imported.
var ErrInvalid = errors.New("invalid template")

var varRE = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}`)

// Variables lists the variables a body uses, in order of first use.
func Variables(body string) []string {
	var out []string
	for _, m := range varRE.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// BodyFor is the body to use on a platform (its variant, if any).
func (t Template) BodyFor(p convo.Platform) string {
	if v, ok := t.Variants[p]; ok && strings.TrimSpace(v) != "" {
		return v
	}
	return t.Body
}

// Render fills the template's variables for a platform. Missing lists the
// variables and required fields left without a value: the composer refuses
// to send while any is missing, and the text keeps their {{…}} markers.
func Render(t Template, ctx Context) (text string, missing []string) {
	value := func(name string) (string, bool) {
		switch name {
		case "customer.name":
			return ctx.CustomerName, ctx.CustomerName != ""
		case "customer.first_name":
			first, _, _ := strings.Cut(strings.TrimSpace(ctx.CustomerName), " ")
			first = strings.TrimPrefix(first, "@")
			return first, first != ""
		case "agent.name":
			return ctx.AgentName, ctx.AgentName != ""
		case "account.name":
			return ctx.AccountName, ctx.AccountName != ""
		case "conversation.platform":
			return platformName(ctx.Platform), ctx.Platform != ""
		}
		if f, ok := strings.CutPrefix(name, "field."); ok {
			v := strings.TrimSpace(ctx.Fields[f])
			return v, v != ""
		}
		v := strings.TrimSpace(ctx.Fields[name])
		return v, v != ""
	}
	text = varRE.ReplaceAllStringFunc(t.BodyFor(ctx.Platform), func(m string) string {
		name := varRE.FindStringSubmatch(m)[1]
		v, ok := value(name)
		if !ok {
			if !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
			return m
		}
		return v
	})
	for _, f := range t.Fields {
		if f.Required && strings.TrimSpace(ctx.Fields[f.Name]) == "" && !slices.Contains(missing, "field."+f.Name) {
			missing = append(missing, "field."+f.Name)
		}
	}
	return text, missing
}

func platformName(p convo.Platform) string {
	switch p {
	case convo.PlatformWhatsApp:
		return "WhatsApp"
	case convo.PlatformX:
		return "X"
	case convo.PlatformEmail:
		return "e-mail"
	}
	if p == "" {
		return ""
	}
	return strings.ToUpper(string(p[:1])) + string(p[1:])
}

// Validate checks a template before it is saved.
func (t *Template) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	t.Shortcut = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(t.Shortcut, "/")))
	switch {
	case t.Name == "":
		return fmt.Errorf("a template needs a name: %w", ErrInvalid)
	case strings.TrimSpace(t.Body) == "":
		return fmt.Errorf("template %q has an empty body: %w", t.Name, ErrInvalid)
	case strings.ContainsAny(t.Shortcut, " \t\n/"):
		return fmt.Errorf("shortcut %q must be one word: %w", t.Shortcut, ErrInvalid)
	case t.Lang != "it" && t.Lang != "en":
		return fmt.Errorf("template %q: language %q must be it or en: %w", t.Name, t.Lang, ErrInvalid)
	}
	for p := range t.Variants {
		if !p.Valid() {
			return fmt.Errorf("template %q: variant for unknown platform %q: %w", t.Name, p, ErrInvalid)
		}
	}
	for _, f := range t.Fields {
		if f.Name == "" || strings.ContainsAny(f.Name, " {}.") {
			return fmt.Errorf("template %q: field name %q: %w", t.Name, f.Name, ErrInvalid)
		}
	}
	return nil
}

// Library is the set of templates, kept in the store and mirrored in memory
// for search as the agent types.
type Library struct {
	st  *store.Store
	now func() time.Time

	mu   sync.RWMutex
	all  map[string]*Template
	list []*Template // for search, in no particular order
}

// Open loads the library; an empty one gets the starter set.
func Open(st *store.Store, now func() time.Time) (*Library, error) {
	l := &Library{st: st, now: now, all: map[string]*Template{}}
	err := st.Docs(store.Templates, func(id string, raw json.RawMessage) error {
		var t Template
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("template %s: %w", id, err)
		}
		l.put(&t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(l.all) == 0 {
		for _, t := range Starter() {
			if _, err := l.Save(t); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

func (l *Library) put(t *Template) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.all[t.ID]; ok {
		l.list = slices.DeleteFunc(l.list, func(x *Template) bool { return x.ID == t.ID })
	}
	l.all[t.ID] = t
	l.list = append(l.list, t)
}

// Save creates (empty ID) or replaces a template.
func (l *Library) Save(t Template) (Template, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	if t.ID == "" {
		t.ID = store.ID("t_", t.Name, t.Lang, l.now().String())
	}
	l.mu.RLock()
	for _, o := range l.list {
		if o.ID != t.ID && t.Shortcut != "" && o.Shortcut == t.Shortcut {
			l.mu.RUnlock()
			return t, fmt.Errorf("shortcut /%s is already used by %q: %w", t.Shortcut, o.Name, ErrInvalid)
		}
	}
	l.mu.RUnlock()
	t.Updated = l.now().UTC()
	if err := l.st.PutDoc(store.Templates, t.ID, t); err != nil {
		return t, err
	}
	l.put(&t)
	return t, nil
}

// Delete removes a template.
func (l *Library) Delete(id string) error {
	if err := l.st.DeleteDoc(store.Templates, id); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.all, id)
	l.list = slices.DeleteFunc(l.list, func(x *Template) bool { return x.ID == id })
	return nil
}

// Get returns one template.
func (l *Library) Get(id string) (Template, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	t, ok := l.all[id]
	if !ok {
		return Template{}, fmt.Errorf("template %s: %w", id, store.ErrNotFound)
	}
	return *t, nil
}

// All returns every template, most used first.
func (l *Library) All() []Template {
	l.mu.RLock()
	out := make([]Template, 0, len(l.list))
	for _, t := range l.list {
		out = append(out, *t)
	}
	l.mu.RUnlock()
	slices.SortFunc(out, func(a, b Template) int {
		if a.Uses != b.Uses {
			return b.Uses - a.Uses
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Used counts one more use of a template (a reply sent with it).
func (l *Library) Used(id string) error {
	var t Template
	err := l.st.UpdateDoc(store.Templates, id, &t, false, func() error { t.Uses++; return nil })
	if err != nil {
		return err
	}
	l.put(&t)
	return nil
}

// Export is the library as JSON (for sharing between desks).
func (l *Library) Export() ([]byte, error) {
	return json.MarshalIndent(struct {
		Version   int        `json:"version"`
		Templates []Template `json:"templates"`
	}{1, l.All()}, "", "  ")
}

// Import adds the templates of an export, replacing those with the same ID;
// it checks them all before saving any. It returns how many it saved.
func (l *Library) Import(data []byte) (int, error) {
	var in struct {
		Templates []Template `json:"templates"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return 0, fmt.Errorf("not a Sportello template file: %v: %w", err, ErrInvalid)
	}
	for i := range in.Templates {
		if err := in.Templates[i].Validate(); err != nil {
			return 0, fmt.Errorf("template %d: %w", i+1, err)
		}
		in.Templates[i].Uses = 0
	}
	for i, t := range in.Templates {
		if _, err := l.Save(t); err != nil {
			return i, err
		}
	}
	return len(in.Templates), nil
}
