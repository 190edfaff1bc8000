// Package templates keeps the reply templates agents make personal: a body
// with variables ({{customer.first_name}}, {{agent.name}}, …), fill-in fields
// the agent must complete, per-platform variants, a language and tags. It
// renders them and finds them as the agent types.
package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

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
		var v string
		switch name {
		case "customer.name":
			v = strings.Join(strings.Fields(ctx.CustomerName), " ")
		case "customer.first_name":
			v = firstName(ctx.CustomerName)
		case "agent.name":
			v = strings.TrimSpace(ctx.AgentName)
		case "account.name":
			v = strings.TrimSpace(ctx.AccountName)
		case "conversation.platform":
			v = platformName(ctx.Platform)
		default:
			// A fill-in ({{field.order}}) or a custom field ({{loyalty_tier}}).
			f, _ := strings.CutPrefix(name, "field.")
			v = strings.TrimSpace(ctx.Fields[f])
		}
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

// firstName is what to greet a customer by: the first word of their name, or
// their handle without the "@". A phone number or an e-mail address (what a
// platform shows for a customer without a name) is no first name: "Ciao +39,"
// would go out, so it is left to the agent like any other missing value.
func firstName(name string) string {
	words := strings.Fields(name)
	if len(words) == 0 {
		return ""
	}
	first := strings.TrimPrefix(words[0], "@")
	if strings.Contains(first, "@") || !strings.ContainsFunc(first, unicode.IsLetter) {
		return ""
	}
	return first
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
	t.Shortcut = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t.Shortcut), "/")))
	t.Lang = strings.ToLower(strings.TrimSpace(t.Lang))
	switch {
	case t.Name == "":
		return fmt.Errorf("a template needs a name: %w", ErrInvalid)
	case strings.TrimSpace(t.Body) == "":
		return fmt.Errorf("template %q has an empty body: %w", t.Name, ErrInvalid)
	case strings.ContainsFunc(t.Shortcut, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }):
		return fmt.Errorf("shortcut %q must be one word: %w", t.Shortcut, ErrInvalid)
	case t.Lang != "it" && t.Lang != "en":
		return fmt.Errorf("template %q: language %q must be it or en: %w", t.Name, t.Lang, ErrInvalid)
	case len(t.ID) > 100 || !utf8.ValidString(t.ID) || strings.ContainsFunc(t.ID, unicode.IsControl):
		return fmt.Errorf("template %q: malformed ID: %w", t.Name, ErrInvalid) // from a hand-made import file
	}
	for p := range t.Variants {
		if !p.Valid() {
			return fmt.Errorf("template %q: variant for unknown platform %q: %w", t.Name, p, ErrInvalid)
		}
	}
	for i, f := range t.Fields {
		if f.Name == "" || strings.ContainsAny(f.Name, " {}.") {
			return fmt.Errorf("template %q: field name %q: %w", t.Name, f.Name, ErrInvalid)
		}
		if slices.ContainsFunc(t.Fields[:i], func(g Field) bool { return g.Name == f.Name }) {
			return fmt.Errorf("template %q: field %q twice: %w", t.Name, f.Name, ErrInvalid)
		}
	}
	return nil
}

// clone copies t's slices and maps, so a caller changing what it got cannot
// change the library's copy under its lock.
func (t Template) clone() Template {
	t.Fields = slices.Clone(t.Fields)
	t.Tags = slices.Clone(t.Tags)
	t.Variants = maps.Clone(t.Variants)
	return t
}

// Library is the set of templates, kept in the store and mirrored in memory
// for search as the agent types.
type Library struct {
	st  *store.Store
	now func() time.Time

	// writeMu makes each change one step: the shortcut check and the usage
	// count a save keeps hold until it is written.
	writeMu sync.Mutex

	mu   sync.RWMutex
	all  map[string]*entry
	list []*entry // for search, in no particular order
}

// seededID marks, among the templates, a library that got its starter set:
// an agent who deletes every template does not get it back at the next start.
const seededID = "\x00seeded"

// Open loads the library; a new one gets the starter set.
func Open(st *store.Store, now func() time.Time) (*Library, error) {
	l := &Library{st: st, now: now, all: map[string]*entry{}}
	seeded := false
	err := st.Docs(store.Templates, func(id string, raw json.RawMessage) error {
		if id == seededID {
			seeded = true
			return nil
		}
		var t Template
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("template %s: %w", id, err)
		}
		l.put(t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if seeded {
		return l, nil
	}
	if len(l.all) == 0 {
		for _, t := range Starter() {
			if _, err := l.Save(t); err != nil {
				return nil, err
			}
		}
	}
	if err := st.PutDoc(store.Templates, seededID, true); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Library) put(t Template) {
	e := newEntry(t.clone())
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.all[t.ID]; ok {
		l.list = slices.DeleteFunc(l.list, func(x *entry) bool { return x.t.ID == t.ID })
	}
	l.all[t.ID] = e
	l.list = append(l.list, e)
}

// Save creates (empty ID) or replaces a template. A replaced template keeps
// its usage count: that is counted by Used, not taken from the editor's copy.
func (l *Library) Save(t Template) (Template, error) {
	if err := t.Validate(); err != nil {
		return t, err
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if t.Shortcut != "" {
		l.mu.RLock()
		for _, o := range l.list {
			if o.t.ID != t.ID && o.t.Shortcut == t.Shortcut {
				l.mu.RUnlock()
				return t, fmt.Errorf("shortcut /%s is already used by %q: %w", t.Shortcut, o.t.Name, ErrInvalid)
			}
		}
		l.mu.RUnlock()
	}
	return l.save(t)
}

// save writes a valid template whose shortcut is free; writeMu is held.
func (l *Library) save(t Template) (Template, error) {
	l.mu.RLock()
	old, ok := l.all[t.ID]
	l.mu.RUnlock()
	if ok {
		t.Uses = old.t.Uses
	}
	if t.ID == "" {
		// Name, language and instant, made unique: two templates of the
		// same name saved in the same instant must not replace each other.
		base := []string{t.Name, t.Lang, l.now().String()}
		t.ID = store.ID("t_", base...)
		for i := 2; l.has(t.ID); i++ {
			t.ID = store.ID("t_", append(base, strconv.Itoa(i))...)
		}
	}
	t.Updated = l.now().UTC()
	if err := l.st.PutDoc(store.Templates, t.ID, t); err != nil {
		return t, err
	}
	l.put(t)
	return t.clone(), nil
}

func (l *Library) has(id string) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	_, ok := l.all[id]
	return ok
}

// Delete removes a template.
func (l *Library) Delete(id string) error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if err := l.st.DeleteDoc(store.Templates, id); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.all, id)
	l.list = slices.DeleteFunc(l.list, func(x *entry) bool { return x.t.ID == id })
	return nil
}

// Get returns one template.
func (l *Library) Get(id string) (Template, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.all[id]
	if !ok {
		return Template{}, fmt.Errorf("template %s: %w", id, store.ErrNotFound)
	}
	return e.t.clone(), nil
}

// All returns every template, most used first.
func (l *Library) All() []Template {
	l.mu.RLock()
	out := make([]Template, 0, len(l.list))
	for _, e := range l.list {
		out = append(out, e.t.clone())
	}
	l.mu.RUnlock()
	slices.SortFunc(out, func(a, b Template) int {
		if a.Uses != b.Uses {
			return b.Uses - a.Uses
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Used counts one more use of a template (a reply sent with it).
func (l *Library) Used(id string) error {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	var t Template
	err := l.st.UpdateDoc(store.Templates, id, &t, false, func() error { t.Uses++; return nil })
	if err != nil {
		return err
	}
	l.put(t)
	return nil
}

// Export is the library as JSON (for sharing between desks).
func (l *Library) Export() ([]byte, error) {
	return json.MarshalIndent(struct {
		Version   int        `json:"version"`
		Templates []Template `json:"templates"`
	}{1, l.All()}, "", "  ")
}

// Import adds the templates of an export, replacing those with the same ID
// (keeping their usage counts); it checks them all, shortcuts included,
// before saving any. It returns how many it saved.
func (l *Library) Import(data []byte) (int, error) {
	var in struct {
		Templates *[]Template `json:"templates"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return 0, fmt.Errorf("not a Sportello template file: %v: %w", err, ErrInvalid)
	}
	if in.Templates == nil {
		return 0, fmt.Errorf("not a Sportello template file: no templates in it: %w", ErrInvalid)
	}
	ts := *in.Templates
	ids := map[string]bool{}
	for i := range ts {
		t := &ts[i]
		if err := t.Validate(); err != nil {
			return 0, fmt.Errorf("template %d: %w", i+1, err)
		}
		if t.ID != "" {
			if ids[t.ID] {
				return 0, fmt.Errorf("template %d (%q): ID %s twice in the file: %w", i+1, t.Name, t.ID, ErrInvalid)
			}
			ids[t.ID] = true
		}
		t.Uses = 0
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	// Shortcuts are checked on the library as it will be: the templates the
	// file does not replace, and the file's own.
	owner := map[string]string{}
	l.mu.RLock()
	for _, e := range l.list {
		if !ids[e.t.ID] && e.t.Shortcut != "" {
			owner[e.t.Shortcut] = e.t.Name
		}
	}
	l.mu.RUnlock()
	for i, t := range ts {
		if t.Shortcut == "" {
			continue
		}
		if name, ok := owner[t.Shortcut]; ok {
			return 0, fmt.Errorf("template %d (%q): shortcut /%s is already used by %q: %w", i+1, t.Name, t.Shortcut, name, ErrInvalid)
		}
		owner[t.Shortcut] = t.Name
	}
	for i, t := range ts {
		if _, err := l.save(t); err != nil {
			return i, err
		}
	}
	return len(ts), nil
}
