package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const (
	maxTokenLen     = 24
	maxTokensPerMsg = 64
)

// Tokens splits text into lower-case search tokens without accents
// ("Perché" → "perche"), dropping one-letter words; at most max distinct ones.
func Tokens(text string, max int) []string {
	var out []string
	seen := map[string]bool{}
	var b strings.Builder
	flush := func() {
		if b.Len() >= 2 {
			t := b.String()
			if len(t) > maxTokenLen {
				t = strings.ToValidUTF8(t[:maxTokenLen], "") // never half a letter
			}
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
		b.Reset()
	}
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
			if max > 0 && len(out) >= max {
				return out
			}
		}
	}
	flush()
	return out
}
