package templates

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"sportello/app/channels"
	"sportello/app/convo"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with what the code renders now")

// golden compares got with testdata/<name>.golden (or rewrites it with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./app/templates -update writes it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s\nIf the change is intended: go test ./app/templates -run %s -update", path, diff, t.Name())
	}
}

// rendering is one golden case: a heading, then the text, then what is missing.
type rendering struct {
	b strings.Builder
}

func (r *rendering) add(heading string, tpl Template, ctx Context) (string, []string) {
	text, missing := Render(tpl, ctx)
	m := "-"
	if len(missing) > 0 {
		m = strings.Join(missing, ", ")
	}
	fmt.Fprintf(&r.b, "== %s ==\n%s\nmissing: %s\n\n", heading, text, m)
	return text, missing
}

func TestRenderVariables(t *testing.T) {
	tpl := Template{Lang: "it", Body: "Ciao {{customer.first_name}} ({{customer.name}}), sono {{agent.name}} di {{account.name}} " +
		"e ti rispondo su {{conversation.platform}}. Ordine {{field.order}}; livello {{loyalty_tier}}; città {{ customer.city }}."}
	fields := map[string]string{"order": "A18422", "loyalty_tier": "Oro", "customer.city": "Bari"}
	customers := []struct{ label, name string }{
		{"first and last name", "Giulia Rossi"},
		{"instagram handle", "@mario.rossi"},
		{"x handle with capitals and digits", "@AuroraFan_88"},
		{"three-word name", "Maria Grazia De Luca"},
		{"spaces around and between", "  Luca   Bianchi  "},
		{"no-break space between", "Anna\u00a0Verdi"},
		{"accented name", "Éloïse Dupont-Martin"},
		{"apostrophe", "D'Amico Salvatore"},
		{"one word", "Francesca"},
		{"cjk name", "李小龙"},
		{"phone number (a whatsapp customer without a name)", "+39 320 123 4567"},
		{"e-mail address (an e-mail customer without a name)", "anna.verdi@mail.example"},
		{"only an at sign", "@"},
		{"no name at all", ""},
	}
	var r rendering
	for _, c := range customers {
		r.add(c.label+": "+c.name, tpl, Context{CustomerName: c.name, AgentName: "Chiara", AccountName: "Aurora Casa",
			Platform: convo.PlatformInstagram, Fields: fields})
	}
	r.add("no agent, account, platform or fields", tpl, Context{CustomerName: "Giulia Rossi"})
	r.add("blank names count as missing", tpl, Context{CustomerName: " \t ", AgentName: "  ", AccountName: "\n", Platform: convo.PlatformX, Fields: fields})
	r.add("values that look like variables stay as typed", tpl, Context{CustomerName: "{{agent.name}} Rossi", AgentName: "{{customer.name}}",
		AccountName: "Aurora Casa", Platform: convo.PlatformTelegram, Fields: map[string]string{"order": "{{field.order}}", "loyalty_tier": "$1", "customer.city": `\1`}})
	golden(t, "render_variables", r.b.String())
}

func TestRenderPlatformVariants(t *testing.T) {
	tpl := Template{Lang: "it",
		Body: "Ciao {{customer.first_name}}, ti rispondiamo qui su {{conversation.platform}}: l'ordine {{field.order}} parte domani.",
		Variants: map[convo.Platform]string{
			convo.PlatformX:         "@{{customer.first_name}} ti abbiamo scritto in DM 📩",
			convo.PlatformWhatsApp:  "Ciao {{customer.first_name}} 👋 l'ordine *{{field.order}}* parte domani.",
			convo.PlatformEmail:     "Gentile {{customer.name}},\n\nl'ordine {{field.order}} parte domani.\n\nCordiali saluti,\n{{agent.name}}\n{{account.name}}",
			convo.PlatformInstagram: "  \n ", // blank: the body is used
		}}
	var r rendering
	platforms := append(slices.Clone(convo.Platforms), "", "myspace")
	for _, p := range platforms {
		ctx := Context{CustomerName: "Giulia Rossi", AgentName: "Chiara", AccountName: "Aurora Casa", Platform: p,
			Fields: map[string]string{"order": "A18422"}}
		text, _ := r.add(fmt.Sprintf("platform %q", p), tpl, ctx)
		if p.Valid() {
			if n, max := channels.TextLength(p, text), channels.TextLimit(p, convo.KindDM); max > 0 && n > max {
				t.Errorf("%s: rendered text is %d of %d", p, n, max)
			}
		}
	}
	golden(t, "render_platforms", r.b.String())
}

func TestRenderMissing(t *testing.T) {
	tpl := Template{Lang: "it",
		Body: "Ciao {{customer.first_name}}, ordine {{ field.order }} ({{field.order}}), nota: {{field.note}}. Codice {{coupon}}. " +
			"Non sono variabili: {{1abc}}, {{}}, {customer.name}, {{ customer name }}.",
		Fields: []Field{
			{Name: "order", Label: "Numero d'ordine", Required: true},
			{Name: "date", Label: "Data di consegna", Required: true}, // required, not in the body
			{Name: "note", Label: "Nota"},
			{Name: "extra", Label: "Facoltativo, non usato"},
		}}
	var r rendering
	cases := []struct {
		label  string
		ctx    Context
		wanted []string
	}{
		{"nothing filled", Context{}, []string{"customer.first_name", "field.order", "field.note", "coupon", "field.date"}},
		{"blank fill-ins count as missing", Context{CustomerName: "Giulia", Fields: map[string]string{"order": "  ", "date": "\t", "note": " ", "coupon": ""}},
			[]string{"field.order", "field.note", "coupon", "field.date"}},
		{"required date only missing", Context{CustomerName: "Giulia", Fields: map[string]string{"order": "A18422", "note": "al piano", "coupon": "NATALE"}},
			[]string{"field.date"}},
		{"everything filled", Context{CustomerName: "Giulia", Fields: map[string]string{"order": " A18422 ", "date": "26/11", "note": "al piano", "coupon": "NATALE"}}, nil},
	}
	for _, c := range cases {
		_, missing := r.add(c.label, tpl, c.ctx)
		if !slices.Equal(missing, c.wanted) {
			t.Errorf("%s: missing = %q, want %q", c.label, missing, c.wanted)
		}
	}
	golden(t, "render_missing", r.b.String())
}

// TestStarterRenders fills every starter template of a language for a
// customer of that language, on every platform: nothing is left missing,
// and the reply fits the platform.
func TestStarterRenders(t *testing.T) {
	for _, c := range []struct {
		lang, customer, agent string
		fields                map[string]string
	}{
		{"it", "Giulia Rossi", "Chiara", map[string]string{"order": "A18422", "date": "giovedì 26 novembre", "days": "5"}},
		{"en", "John Smith", "Kate", map[string]string{"order": "A18422", "date": "Thursday 26 November", "days": "5"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			var r rendering
			n := 0
			for _, tpl := range Starter() {
				if tpl.Lang != c.lang {
					continue
				}
				if err := tpl.Validate(); err != nil {
					t.Errorf("starter %q: %v", tpl.Name, err)
				}
				n++
				for _, p := range []convo.Platform{convo.PlatformWhatsApp, convo.PlatformX, convo.PlatformInstagram, convo.PlatformEmail} {
					ctx := Context{CustomerName: c.customer, AgentName: c.agent, AccountName: "Aurora Casa", Platform: p, Fields: c.fields}
					text, missing := Render(tpl, ctx)
					if p == convo.PlatformWhatsApp || p == convo.PlatformX { // the body and the X variant
						r.add(fmt.Sprintf("/%s on %s", tpl.Shortcut, p), tpl, ctx)
					}
					if len(missing) > 0 || strings.Contains(text, "{{") {
						t.Errorf("/%s on %s: missing %q in %q", tpl.Shortcut, p, missing, text)
					}
					if n, max := channels.TextLength(p, text), channels.TextLimit(p, convo.KindComment); max > 0 && n > max {
						t.Errorf("/%s on %s: %d of %d", tpl.Shortcut, p, n, max)
					}
				}
				// Unfilled, each says what the agent must complete.
				if _, missing := Render(tpl, Context{CustomerName: c.customer, AgentName: c.agent, AccountName: "Aurora Casa"}); !slices.Equal(missing, wantMissing(tpl)) {
					t.Errorf("/%s unfilled: missing %q, want %q", tpl.Shortcut, missing, wantMissing(tpl))
				}
			}
			if n != 4 {
				t.Errorf("%d starter templates in %s, want 4 (delay, refund, move to private, thanks)", n, c.lang)
			}
			golden(t, "starter_"+c.lang, r.b.String())
		})
	}
}

func wantMissing(tpl Template) []string {
	var out []string
	for _, f := range tpl.Fields {
		if f.Required {
			out = append(out, "field."+f.Name)
		}
	}
	return out
}

func TestVariables(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []string
	}{
		{"Ciao {{customer.first_name}}, {{ field.order }} e {{field.order}} da {{agent.name}}", []string{"customer.first_name", "field.order", "agent.name"}},
		{"niente {{}} {{1x}} {x} {{ a b }}", nil},
		{"{{a}}{{b}}{{a}}", []string{"a", "b"}},
	} {
		if got := Variables(tt.body); !slices.Equal(got, tt.want) {
			t.Errorf("Variables(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestPlatformName(t *testing.T) {
	for p, want := range map[convo.Platform]string{
		convo.PlatformWhatsApp: "WhatsApp", convo.PlatformX: "X", convo.PlatformEmail: "e-mail",
		convo.PlatformMessenger: "Messenger", convo.PlatformFacebook: "Facebook", convo.PlatformInstagram: "Instagram",
		convo.PlatformTelegram: "Telegram", "": "",
	} {
		if got := platformName(p); got != want {
			t.Errorf("platformName(%q) = %q, want %q", p, got, want)
		}
	}
}
