package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"sportello/app/convo"
	"sportello/app/internal/testclock"
	"sportello/app/store"
)

func newClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC))
}

func plenty(string) (int64, error) { return 1 << 40, nil }

// openStore opens a store in dir ("" = in memory); the caller closes it
// (reopen tests close it before opening it again).
func openStore(t *testing.T, dir string, clk *testclock.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{Now: clk.Now, InMemory: dir == "", FreeSpace: plenty})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// openLib opens a library on a store closed at the end of the test.
func openLib(t *testing.T, dir string, clk *testclock.Clock) (*Library, *store.Store) {
	t.Helper()
	st := openStore(t, dir, clk)
	t.Cleanup(func() { st.Close() })
	l, err := Open(st, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return l, st
}

// reopen closes st and opens the library on dir again, as after a restart.
func reopen(t *testing.T, st *store.Store, dir string, clk *testclock.Clock) (*Library, *store.Store) {
	t.Helper()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return openLib(t, dir, clk)
}

func ids(ts []Template) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func TestOpenSeedsTheStarterSetOnce(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	st := openStore(t, dir, clk)
	l, err := Open(st, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	first := l.All()
	if len(first) != len(Starter()) {
		t.Fatalf("new library has %d templates, want the %d of the starter set", len(first), len(Starter()))
	}
	for _, tpl := range first {
		if !strings.HasPrefix(tpl.ID, "t_starter_") || tpl.Updated.IsZero() {
			t.Errorf("starter template %+v: want a fixed t_starter_ ID and a save time", tpl)
		}
	}
	clk.Add(time.Hour)
	l, st = reopen(t, st, dir, clk)
	if diff := cmp.Diff(first, l.All()); diff != "" {
		t.Errorf("after reopening (-before +after):\n%s", diff)
	}
	// An agent who deletes every template does not get the starter set back.
	for _, tpl := range first {
		if err := l.Delete(tpl.ID); err != nil {
			t.Fatal(err)
		}
	}
	if l, _ = reopen(t, st, dir, clk); len(l.All()) != 0 {
		t.Errorf("after deleting every template and reopening: %d templates, want none", len(l.All()))
	}
}

func TestSaveRefusesInvalidTemplates(t *testing.T) {
	valid := func() Template {
		return Template{Name: "Reso", Shortcut: "reso", Body: "Ciao {{customer.first_name}}, ecco l'etichetta.", Lang: "it",
			Fields: []Field{{Name: "order", Label: "Ordine", Required: true}}, Variants: map[convo.Platform]string{convo.PlatformX: "Ciao! DM"}}
	}
	tests := []struct {
		name   string
		change func(*Template)
		want   string // in the message, so the agent knows what to fix
	}{
		{"empty name", func(t *Template) { t.Name = "  " }, "needs a name"},
		{"empty body", func(t *Template) { t.Body = " \n\t" }, "empty body"},
		{"shortcut with a space", func(t *Template) { t.Shortcut = "re so" }, "one word"},
		{"shortcut with a tab", func(t *Template) { t.Shortcut = "re\tso" }, "one word"},
		{"shortcut with a no-break space", func(t *Template) { t.Shortcut = "re\u00a0so" }, "one word"},
		{"shortcut with a slash", func(t *Template) { t.Shortcut = "re/so" }, "one word"},
		{"shortcut with two leading slashes", func(t *Template) { t.Shortcut = "//reso" }, "one word"},
		{"shortcut of a starter template", func(t *Template) { t.Shortcut = "ritardo" }, `already used by "Ritardo consegna"`},
		{"shortcut of a starter template, typed differently", func(t *Template) { t.Shortcut = " /RITARDO " }, "already used"},
		{"language not it or en", func(t *Template) { t.Lang = "fr" }, `language "fr"`},
		{"no language", func(t *Template) { t.Lang = "" }, "must be it or en"},
		{"variant for an unknown platform", func(t *Template) { t.Variants["myspace"] = "ciao" }, `unknown platform "myspace"`},
		{"field without a name", func(t *Template) { t.Fields = append(t.Fields, Field{Label: "Data"}) }, "field name"},
		{"field name with a space", func(t *Template) { t.Fields = append(t.Fields, Field{Name: "data consegna"}) }, "field name"},
		{"field name with a dot", func(t *Template) { t.Fields = append(t.Fields, Field{Name: "field.data"}) }, "field name"},
		{"field name with braces", func(t *Template) { t.Fields = append(t.Fields, Field{Name: "{data}"}) }, "field name"},
		{"the same field twice", func(t *Template) { t.Fields = append(t.Fields, Field{Name: "order"}) }, `field "order" twice`},
	}
	l, _ := openLib(t, "", newClock())
	before := l.All()
	if _, err := l.Save(valid()); err != nil {
		t.Fatalf("Save(valid) = %v", err) // the base of every case is itself valid
	}
	if err := l.Delete(l.Search("/reso", "", 1)[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := valid()
			tt.change(&tpl)
			_, err := l.Save(tpl)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Save = %v, want ErrInvalid saying %q", err, tt.want)
			}
			if diff := cmp.Diff(before, l.All()); diff != "" {
				t.Errorf("a refused template changed the library (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSaveNormalisesAndReplaces(t *testing.T) {
	clk := newClock()
	l, _ := openLib(t, "", clk)
	saved, err := l.Save(Template{Name: "  Cambio taglia ", Shortcut: " /Cambio ", Body: "Certo, {{customer.first_name}}!", Lang: " IT "})
	if err != nil {
		t.Fatal(err)
	}
	if saved.ID == "" || saved.Name != "Cambio taglia" || saved.Shortcut != "cambio" || saved.Lang != "it" || !saved.Updated.Equal(clk.Now()) {
		t.Fatalf("Save = %+v, want an ID, trimmed name, shortcut cambio, lang it, saved now", saved)
	}
	clk.Add(time.Minute)
	saved.Body = "Certo {{customer.first_name}}, ti mando l'etichetta."
	saved.Tags = []string{"reso"}
	again, err := l.Save(saved) // its own shortcut is no conflict
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != saved.ID || !again.Updated.Equal(clk.Now()) {
		t.Errorf("replacing: %+v, want the same ID and a new save time", again)
	}
	got, err := l.Get(saved.ID)
	if err != nil || got.Body != saved.Body || !slices.Equal(got.Tags, []string{"reso"}) {
		t.Errorf("Get = %+v, %v; want the new body and tags", got, err)
	}
	if n := len(l.All()); n != len(Starter())+1 {
		t.Errorf("%d templates after a create and a replace, want %d", n, len(Starter())+1)
	}
}

// Two templates with the same name saved in the same instant (a frozen or
// coarse clock, an import) are two templates, not one replacing the other.
func TestSameNameSameInstantAreTwoTemplates(t *testing.T) {
	l, _ := openLib(t, "", newClock())
	a, err := l.Save(Template{Name: "Saluti", Shortcut: "saluti1", Body: "Ciao!", Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Save(Template{Name: "Saluti", Shortcut: "saluti2", Body: "Buongiorno!", Lang: "it"})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == b.ID {
		t.Fatalf("both saved as %s", a.ID)
	}
	if ga, _ := l.Get(a.ID); ga.Body != "Ciao!" {
		t.Errorf("first template = %+v, want it kept", ga)
	}
}

func TestDelete(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	l, st := openLib(t, dir, clk)
	const id = "t_starter_grazie"
	if err := l.Delete(id); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get(deleted) = %v, want ErrNotFound", err)
	}
	if got := l.Search("/grazie", "", 0); slices.Contains(ids(got), id) {
		t.Errorf("Search still finds the deleted template: %v", ids(got))
	}
	if _, err := l.Save(Template{Name: "Grazie mille", Shortcut: "grazie", Body: "Grazie {{customer.first_name}}!", Lang: "it"}); err != nil {
		t.Errorf("reusing the deleted template's shortcut: %v", err)
	}
	if err := l.Delete("t_never_was"); err != nil {
		t.Errorf("Delete(unknown) = %v, want nil", err)
	}
	l, _ = reopen(t, st, dir, clk)
	if _, err := l.Get(id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after reopening, Get(deleted) = %v, want ErrNotFound", err)
	}
	if n := len(l.All()); n != len(Starter()) {
		t.Errorf("after reopening: %d templates, want %d", n, len(Starter()))
	}
}

func TestUsesAreCountedAndKept(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	l, st := openLib(t, dir, clk)
	for range 3 {
		if err := l.Used("t_starter_refund"); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Used("t_starter_delay"); err != nil {
		t.Fatal(err)
	}
	if err := l.Used("t_never_was"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Used(unknown) = %v, want ErrNotFound", err)
	}
	check := func(when string, l *Library) {
		t.Helper()
		all := l.All()
		if got := ids(all[:2]); !slices.Equal(got, []string{"t_starter_refund", "t_starter_delay"}) {
			t.Errorf("%s: All() starts with %v, want the most used first", when, got)
		}
		if all[0].Uses != 3 || all[1].Uses != 1 || all[2].Uses != 0 {
			t.Errorf("%s: uses %d, %d, %d; want 3, 1, 0", when, all[0].Uses, all[1].Uses, all[2].Uses)
		}
		if got := l.Search("", "en", 1); len(got) != 1 || got[0].ID != "t_starter_refund" {
			t.Errorf("%s: Search(\"\", en, 1) = %v, want the most used", when, ids(got))
		}
	}
	check("before reopening", l)
	l, _ = reopen(t, st, dir, clk)
	check("after reopening", l)

	// The editor's copy was read before the uses: saving it keeps the count.
	stale, _ := l.Get("t_starter_refund")
	stale.Uses = 0
	stale.Body = "Hi {{customer.first_name}}, your refund for order {{field.order}} is on its way."
	if _, err := l.Save(stale); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get("t_starter_refund"); got.Uses != 3 || got.Body != stale.Body {
		t.Errorf("after editing: %+v, want the new body and still 3 uses", got)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	clk := newClock()
	a, _ := openLib(t, "", clk)
	custom := []Template{
		{Name: "Cambio taglia", Shortcut: "taglia", Lang: "it", Tags: []string{"reso", "taglia"},
			Body:     "Ciao {{customer.first_name}}, per il cambio del {{field.item}} ti mando l'etichetta.",
			Fields:   []Field{{Name: "item", Label: "Articolo", Required: true}, {Name: "size", Label: "Taglia"}},
			Variants: map[convo.Platform]string{convo.PlatformX: "Ciao! Ti scriviamo in DM 📩", convo.PlatformWhatsApp: "Ciao {{customer.first_name}} 👋"}},
		{Name: "Invoice", Lang: "en", Body: "Hi {{customer.name}}, the invoice is attached.\n\n{{agent.name}}, {{account.name}}"},
	}
	for _, tpl := range custom {
		if _, err := a.Save(tpl); err != nil {
			t.Fatal(err)
		}
	}
	edited, _ := a.Get("t_starter_grazie")
	edited.Body = "Grazie mille {{customer.first_name}}! A presto da {{account.name}}"
	if _, err := a.Save(edited); err != nil {
		t.Fatal(err)
	}
	if err := a.Used("t_starter_grazie"); err != nil {
		t.Fatal(err)
	}
	data, err := a.Export()
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Version   int               `json:"version"`
		Templates []json.RawMessage `json:"templates"`
	}
	if err := json.Unmarshal(data, &file); err != nil || file.Version != 1 || len(file.Templates) != len(Starter())+2 {
		t.Fatalf("Export = version %d, %d templates, %v; want version 1 and %d", file.Version, len(file.Templates), err, len(Starter())+2)
	}

	// Another desk, started another day, with its own starter set.
	clk2 := newClock()
	clk2.Add(72 * time.Hour)
	b, _ := openLib(t, t.TempDir(), clk2)
	n, err := b.Import(data)
	if err != nil || n != len(Starter())+2 {
		t.Fatalf("Import = %d, %v; want %d, nil", n, err, len(Starter())+2)
	}
	ignore := cmpopts.IgnoreFields(Template{}, "Uses", "Updated")
	byID := cmpopts.SortSlices(func(x, y Template) bool { return x.ID < y.ID })
	if diff := cmp.Diff(a.All(), b.All(), ignore, byID); diff != "" {
		t.Errorf("imported library differs (-exported +imported):\n%s", diff)
	}
	for _, tpl := range b.All() {
		if tpl.Uses != 0 {
			t.Errorf("imported %q with %d uses, want the other desk's uses left behind", tpl.Name, tpl.Uses)
		}
	}
	// Importing the same file again changes nothing but the save times.
	before := b.All()
	if n, err := b.Import(data); err != nil || n != len(before) {
		t.Fatalf("second Import = %d, %v", n, err)
	}
	if diff := cmp.Diff(before, b.All(), cmpopts.IgnoreFields(Template{}, "Updated")); diff != "" {
		t.Errorf("second import changed the library (-first +second):\n%s", diff)
	}
}

// Importing keeps the local usage count of the templates it replaces.
func TestImportKeepsLocalUses(t *testing.T) {
	l, _ := openLib(t, "", newClock())
	if err := l.Used("t_starter_ritardo"); err != nil {
		t.Fatal(err)
	}
	data, _ := l.Export()
	if _, err := l.Import(data); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get("t_starter_ritardo"); got.Uses != 1 {
		t.Errorf("after importing its own export: %d uses, want 1", got.Uses)
	}
}

func TestImportRefusesAndSavesNothing(t *testing.T) {
	tpl := func(id, name, shortcut, lang, body string) string {
		b, _ := json.Marshal(Template{ID: id, Name: name, Shortcut: shortcut, Lang: lang, Body: body})
		return string(b)
	}
	good := tpl("", "Buone feste", "feste", "it", "Buone feste da {{account.name}}!")
	good2 := tpl("t_x", "Saldi", "saldi", "it", "I saldi iniziano sabato.")
	file := func(ts ...string) string { return `{"version":1,"templates":[` + strings.Join(ts, ",") + `]}` }
	tests := []struct {
		name, data, want string
	}{
		{"empty file", "", "not a Sportello template file"},
		{"broken json", `{"version":1,"templates":[` + good, "not a Sportello template file"},
		{"a list, not a file", `[` + good + `]`, "not a Sportello template file"},
		{"no templates in it", `{"version":1}`, "no templates"},
		{"wrong type", file(good, `{"name":5,"body":"x","lang":"it"}`), "not a Sportello template file"},
		{"invalid second template", file(good, tpl("", "Bonjour", "bonjour", "fr", "Bonjour !")), `template 2: template "Bonjour": language "fr"`},
		{"empty body last", file(good, good2, tpl("", "Vuoto", "vuoto", "it", "  ")), "template 3"},
		{"the same shortcut twice in the file", file(good, tpl("", "Feste 2", "feste", "it", "Auguri!")), "shortcut /feste is already used by \"Buone feste\""},
		{"a shortcut used here by another template", file(good2, tpl("t_other", "Ritardo", "ritardo", "it", "Scusa!")), `shortcut /ritardo is already used by "Ritardo consegna"`},
		{"the same ID twice", file(good2, tpl("t_x", "Saldi 2", "saldi2", "it", "Saldi!")), "twice in the file"},
		{"an ID with control characters", file(tpl("t_\x01", "Strano", "strano", "it", "Ciao")), "malformed ID"},
		{"an ID too long", file(tpl(strings.Repeat("x", 200), "Lungo", "lungo", "it", "Ciao")), "malformed ID"},
	}
	dir := t.TempDir()
	clk := newClock()
	l, st := openLib(t, dir, clk)
	before := l.All()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := l.Import([]byte(tt.data))
			if n != 0 || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Import = %d, %v; want 0 and ErrInvalid saying %q", n, err, tt.want)
			}
			if diff := cmp.Diff(before, l.All()); diff != "" {
				t.Errorf("a refused import changed the library (-before +after):\n%s", diff)
			}
		})
	}
	l, _ = reopen(t, st, dir, clk)
	if diff := cmp.Diff(before, l.All()); diff != "" {
		t.Errorf("refused imports changed the store (-before +after):\n%s", diff)
	}
}

// An import may move shortcuts among the templates it replaces: it is
// checked as the library will be, not one template at a time.
func TestImportSwapsShortcuts(t *testing.T) {
	l, _ := openLib(t, "", newClock())
	a, _ := l.Get("t_starter_grazie")
	b, _ := l.Get("t_starter_thanks")
	a.Shortcut, b.Shortcut = b.Shortcut, a.Shortcut
	data, _ := json.Marshal(map[string]any{"version": 1, "templates": []Template{a, b}})
	if n, err := l.Import(data); n != 2 || err != nil {
		t.Fatalf("Import = %d, %v; want 2, nil", n, err)
	}
	if got := l.Search("/thanks", "", 1); len(got) != 1 || got[0].ID != "t_starter_grazie" {
		t.Errorf("/thanks finds %v, want t_starter_grazie", ids(got))
	}
}

// Templates handed out are copies: changing one does not change the library.
func TestTemplatesAreCopies(t *testing.T) {
	l, _ := openLib(t, "", newClock())
	got, _ := l.Get("t_starter_privato")
	got.Variants[convo.PlatformX] = "cambiato"
	got.Tags[0] = "cambiato"
	for _, x := range [][]Template{l.All(), l.Search("/privato", "", 1), {must(l.Get("t_starter_privato"))}} {
		for _, tpl := range x {
			if tpl.ID == "t_starter_privato" && (tpl.Variants[convo.PlatformX] == "cambiato" || tpl.Tags[0] == "cambiato") {
				t.Fatalf("the library's copy changed: %+v", tpl)
			}
		}
	}
}

func must(t Template, err error) Template {
	if err != nil {
		panic(err)
	}
	return t
}

// Many agents' windows (or one impatient agent) saving at once: each
// shortcut ends with one template, and counts are not lost.
func TestConcurrentUse(t *testing.T) {
	l, _ := openLib(t, "", newClock())
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Save(Template{Name: fmt.Sprintf("Ciao %d", i), Shortcut: "ciao", Body: "Ciao!", Lang: "it"})
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if !errors.Is(err, ErrInvalid) {
				t.Error(err)
			}
			for range 5 {
				if err := l.Used("t_starter_ritardo"); err != nil {
					t.Error(err)
				}
				l.Search("/ri", "it", 5)
				if r, _ := l.Get("t_starter_ritardo"); r.Name == "" {
					t.Error("Get during saves returned an empty template")
				}
				r, _ := l.Get("t_starter_ritardo")
				if _, err := l.Save(r); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d templates saved with shortcut /ciao, want 1", won)
	}
	if r, _ := l.Get("t_starter_ritardo"); r.Uses != 40 {
		t.Errorf("uses = %d after 40 concurrent uses and saves, want 40", r.Uses)
	}
}

// A record in the store that is not a template stops Open with its ID,
// rather than opening a library that silently lacks it.
func TestOpenReportsACorruptTemplate(t *testing.T) {
	clk := newClock()
	st := openStore(t, "", clk)
	defer st.Close()
	if err := st.PutDoc(store.Templates, "t_bad", "not a template"); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(st, clk.Now); err == nil || !strings.Contains(err.Error(), "t_bad") {
		t.Errorf("Open = %v, want an error naming t_bad", err)
	}
}
