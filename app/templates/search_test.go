package templates

import (
	"slices"
	"strings"
	"testing"
)

// searchLib is a library of known templates (the starter set removed) for
// search tests; uses maps template IDs to how often each was used.
func searchLib(t *testing.T, uses map[string]int) *Library {
	t.Helper()
	l, _ := openLib(t, "", newClock())
	for _, tpl := range l.All() {
		if err := l.Delete(tpl.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, tpl := range []Template{
		{ID: "ritardo", Shortcut: "ritardo", Name: "Ritardo consegna", Lang: "it", Body: "Ciao {{customer.first_name}}, il corriere è in ritardo con l'ordine {{field.order}}."},
		{ID: "ritiro", Shortcut: "ritiro", Name: "Ritiro in negozio", Lang: "it", Body: "Puoi ritirare il pacco in negozio da domani."},
		{ID: "rimborso", Shortcut: "rimborso", Name: "Rimborso disposto", Lang: "it", Body: "Ho disposto il rimborso: lo vedrai entro 5 giorni."},
		{ID: "rimb-parz", Shortcut: "rimbparziale", Name: "Rimborso parziale", Lang: "it", Body: "Ti rimborsiamo la differenza."},
		{ID: "reso", Shortcut: "reso", Name: "Etichetta per il reso", Lang: "it", Body: "Ti ho mandato l'etichetta per il reso via e-mail."},
		{ID: "perche", Shortcut: "giacenza", Name: "Perché il pacco è in giacenza", Lang: "it", Body: "Il corriere non ha trovato nessuno."},
		{ID: "citta", Name: "Consegna in città", Lang: "it", Body: "Nelle grandi città consegniamo in 24 ore."},
		{ID: "sconto", Shortcut: "sconto", Name: "Codice sconto", Lang: "it", Body: "Ecco il tuo codice: GRAZIE10, valido fino a domenica."},
		{ID: "delay", Shortcut: "delay", Name: "Delivery delay", Lang: "en", Body: "Sorry, the courier is late with order {{field.order}}."},
		{ID: "refund", Shortcut: "refund", Name: "Refund issued", Lang: "en", Body: "I've issued your refund."},
		{ID: "thanks", Shortcut: "thanks", Name: "Thanks", Lang: "en", Body: "Thank you! Have a great day."},
	} {
		if _, err := l.Save(tpl); err != nil {
			t.Fatal(err)
		}
	}
	for id, n := range uses {
		for range n {
			if err := l.Used(id); err != nil {
				t.Fatal(err)
			}
		}
	}
	return l
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name     string
		q, lang  string
		uses     map[string]int
		want     []string // the results start with these, in this order
		wantOnly bool     // and there is nothing else
	}{
		{name: "exact shortcut first", q: "/ritardo", want: []string{"ritardo"}},
		{name: "exact shortcut beats a more used prefix", q: "/reso", uses: map[string]int{"ritardo": 50}, want: []string{"reso"}},
		{name: "shortcut prefix, then by name", q: "/rit", want: []string{"ritardo", "ritiro"}},
		{name: "shortcut prefix without the slash", q: "rimb", want: []string{"rimborso", "rimb-parz"}},
		{name: "one letter more", q: "/rimbp", want: []string{"rimb-parz"}},
		{name: "spaces around the query", q: "  /rit ", want: []string{"ritardo", "ritiro"}},
		{name: "upper case", q: "/RIT", want: []string{"ritardo", "ritiro"}},
		{name: "shortcut prefix beats name prefix", q: "/re", want: []string{"reso", "refund"}},
		{name: "name prefix beats name word prefix", q: "cons", want: []string{"citta", "ritardo"}},
		{name: "name word prefix", q: "negozio", want: []string{"ritiro"}},
		{name: "name word prefix beats subsequence", q: "par", want: []string{"rimb-parz"}},
		{name: "subsequence of the shortcut", q: "rtrd", want: []string{"ritardo"}},
		{name: "subsequence of the name", q: "rimpz", want: []string{"rimb-parz"}, wantOnly: true},
		{name: "body substring", q: "grazie10", want: []string{"sconto"}, wantOnly: true},
		{name: "body substring, ties by name", q: "corriere", want: []string{"perche", "ritardo"}},
		{name: "body substring, ties by use", q: "corriere", uses: map[string]int{"ritardo": 2}, want: []string{"ritardo", "perche"}},
		{name: "accents folded in the name", q: "perche", want: []string{"perche"}},
		{name: "accents folded in the query", q: "PERCHÉ", want: []string{"perche"}},
		{name: "accents folded in a name word", q: "citta", want: []string{"citta"}},
		{name: "accented query, plain text", q: "rìtàrdo", want: []string{"ritardo"}},
		{name: "accents folded in the body", q: "e in ritardo", want: []string{"ritardo"}, wantOnly: true},
		{name: "language filter", q: "delay", lang: "it", want: nil, wantOnly: true},
		{name: "language filter keeps the language", q: "delay", lang: "en", want: []string{"delay"}},
		{name: "most used first among equals", q: "/rim", uses: map[string]int{"rimb-parz": 2}, want: []string{"rimb-parz", "rimborso"}},
		{name: "empty query lists the most used", q: "/", uses: map[string]int{"thanks": 3, "reso": 1}, want: []string{"thanks", "reso"}},
		{name: "empty query in a language", q: "", lang: "it", uses: map[string]int{"thanks": 3, "reso": 1}, want: []string{"reso"}},
		{name: "nothing", q: "xyzzy", want: nil, wantOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := searchLib(t, tt.uses)
			got := ids(l.Search(tt.q, tt.lang, 20))
			if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) || tt.wantOnly && len(got) != len(tt.want) {
				t.Errorf("Search(%q, %q) = %v, want %v first%s", tt.q, tt.lang, got, tt.want, map[bool]string{true: " and only"}[tt.wantOnly])
			}
			for _, id := range got {
				if tpl, _ := l.Get(id); tt.lang != "" && tpl.Lang != tt.lang {
					t.Errorf("Search(%q, %q) found %s in %s", tt.q, tt.lang, id, tpl.Lang)
				}
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	l := searchLib(t, map[string]int{"thanks": 3, "reso": 2, "delay": 1})
	all := ids(l.Search("", "", 0))
	if len(all) != 11 {
		t.Fatalf("Search(limit 0) = %d templates, want all 11", len(all))
	}
	for _, limit := range []int{1, 3, 10, 11, 50, -1} {
		got := ids(l.Search("", "", limit))
		want := all
		if limit > 0 {
			want = all[:min(limit, len(all))]
		}
		if !slices.Equal(got, want) {
			t.Errorf("Search(limit %d) = %v, want %v", limit, got, want)
		}
	}
	// The best few of a broad query are the best of the full ranking.
	for _, q := range []string{"r", "/ri", "e", "co"} {
		full := ids(l.Search(q, "", 0))
		for _, limit := range []int{1, 2, 5} {
			if got := ids(l.Search(q, "", limit)); !slices.Equal(got, full[:min(limit, len(full))]) {
				t.Errorf("Search(%q, limit %d) = %v, want %v", q, limit, got, full[:min(limit, len(full))])
			}
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Perché":         "perche",
		"CITTÀ":          "citta",
		"perche\u0301":   "perche",
		"Ça va":          "ca va",
		"già, più, così": "gia, piu, cosi",
		"plain ascii":    "plain ascii",
		"Mixed Case":     "mixed case",
		"日本":             "日本",
		"emoji 👍 stay":   "emoji 👍 stay",
		"Ñandú":          "nandu",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubsequence(t *testing.T) {
	for _, tt := range []struct {
		q, s   string
		within int
		want   int
	}{
		{"rtd", "ritardo", -1, 100 - 3*(1+2) - 0},
		{"abc", "abc", -1, 100},
		{"abc", "xxabc", -1, 98},
		{"abc", "acb", -1, -1},
		{"", "abc", -1, -1},
		{"èa", "xèya", -1, 100 - 3 - 1}, // positions count characters, not bytes
		{"abc", "xxabc", 5, 98},
		{"abc", "xxabc", 4, -1},
	} {
		if got := subsequence(tt.q, tt.s, tt.within); got != tt.want {
			t.Errorf("subsequence(%q, %q, %d) = %d, want %d", tt.q, tt.s, tt.within, got, tt.want)
		}
	}
}

// The bounded body scan finds exactly what a full scan would score over 60.
func TestSubsequenceWithinIsExact(t *testing.T) {
	bodies := []string{
		"Ciao {{customer.first_name}}, il corriere è in ritardo con l'ordine {{field.order}}.",
		"Nelle grandi città consegniamo in 24 ore, e in tutta Italia in 48.",
		"abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz",
	}
	for _, b := range bodies {
		b = fold(b)
		rs := []rune(b)
		for i := 0; i+3 <= len(rs); i += 2 {
			for _, q := range []string{string(rs[i : i+3]), string([]rune{rs[i], rs[min(i+5, len(rs)-1)], rs[min(i+13, len(rs)-1)]})} {
				full := subsequence(q, b, -1)
				bounded := subsequence(q, b, 40+len([]rune(q)))
				if (full > 60) != (bounded > 60) || full > 60 && full != bounded {
					t.Errorf("subsequence(%q, %q): full %d, bounded %d", q, b, full, bounded)
				}
			}
		}
	}
}

// The character sets only skip work: every query scores every template as
// it would without them (an empty query set skips nothing).
func TestCharSetsOnlySkipWork(t *testing.T) {
	var entries []*entry
	for _, tpl := range Starter() {
		entries = append(entries, newEntry(tpl))
	}
	entries = append(entries, newEntry(Template{Shortcut: "perché", Name: "Perché? Città, più, è già lì", Body: strings.Repeat("x", 90) + " ábc ñ 日本 👍 finale"}))
	queries := []string{"r", "rit", "ritardo", "rmbrs", "delay", "dly", "ciao", "grazie", "perche", "citta", "gia li", "abc", "日本", "👍", "n", "finale", "xxxxxxxxxx", "{{", "customer", "cstmr", "field.order", "zz", "q", "1", "ordine 18422"}
	for _, e := range entries {
		for _, q := range queries {
			q = fold(q)
			if got, want := e.score(q, chars(q, -1)), e.score(q, 0); got != want {
				t.Errorf("score(%q, %q) = %d with character sets, %d without", q, e.t.Name, got, want)
			}
		}
	}
}
