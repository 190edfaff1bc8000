package store

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []string
	}{
		{"empty", "", 0, nil},
		{"only separators", " ,.;!? \n\t", 0, nil},
		{"lower case", "Ciao, MONDO!", 0, []string{"ciao", "mondo"}},
		{"accent dropped", "Perché", 0, []string{"perche"}},
		{"precomposed and decomposed agree", "perch\u00e9 perche\u0301", 0, []string{"perche"}},
		{"italian accents", "Città Forlì però più così", 0, []string{"citta", "forli", "pero", "piu", "cosi"}},
		{"other accents", "Über Ñandú façade naïve", 0, []string{"uber", "nandu", "facade", "naive"}},
		{"dotted capital I", "İstanbul", 0, []string{"istanbul"}},
		{"one-letter words dropped", "a e i o u è ok", 0, []string{"ok"}},
		{"apostrophes split", "l'ordine dell'utente", 0, []string{"ordine", "dell", "utente"}},
		{"hyphen splits", "e-mail no-reply", 0, []string{"mail", "no", "reply"}},
		{"digits kept", "Ordine 12345, taglia 42, A1", 0, []string{"ordine", "12345", "taglia", "42", "a1"}},
		{"duplicates once", "pacco Pacco PACCO pacco", 0, []string{"pacco"}},
		{"emoji and symbols split", "ok👍grazie!!! 10€", 0, []string{"ok", "grazie", "10"}},
		{"cyrillic", "Привет, Мир", 0, []string{"привет", "мир"}},
		{"greek accents", "Καλημέρα", 0, []string{"καλημερα"}},
		{"long word cut to 24 bytes", strings.Repeat("x", 30) + " fine", 0, []string{strings.Repeat("x", 24), "fine"}},
		{"cut never splits a letter", "a" + strings.Repeat("б", 30), 0, []string{"a" + strings.Repeat("б", 11)}},
		{"cut words that agree are one token", strings.Repeat("y", 24) + "a " + strings.Repeat("y", 24) + "b", 0, []string{strings.Repeat("y", 24)}},
		{"max stops early", "uno due tre quattro", 2, []string{"uno", "due"}},
		{"max counts distinct tokens", "uno uno uno due tre", 2, []string{"uno", "due"}},
		{"max not reached", "uno due", 5, []string{"uno", "due"}},
		{"max zero is no limit", "uno due tre quattro cinque", 0, []string{"uno", "due", "tre", "quattro", "cinque"}},
		{"max with trailing word", "a uno b due", 2, []string{"uno", "due"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Tokens(tt.text, tt.max)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Tokens(%q, %d) mismatch (-want +got):\n%s", tt.text, tt.max, diff)
			}
		})
	}
}

// Every token is valid UTF-8 of at most maxTokenLen bytes, however the
// text is made: tokens are keys and are shown in the UI.
func TestTokensValidAndShort(t *testing.T) {
	tests := []string{
		"a" + strings.Repeat("б", 30),  // two-byte letters across the cut
		"ab" + strings.Repeat("日", 20), // three-byte letters across the cut
		"a" + strings.Repeat("𝒜", 10),  // four-byte letters
		strings.Repeat("é", 40),
		"ok \xff\xfe broken",
	}
	for _, text := range tests {
		for _, tok := range Tokens(text, 0) {
			if !utf8.ValidString(tok) || len(tok) > maxTokenLen || len(tok) < 2 {
				t.Errorf("Tokens(%q) has token %q (%d bytes), want valid UTF-8 of 2..%d bytes", text, tok, len(tok), maxTokenLen)
			}
		}
	}
}
