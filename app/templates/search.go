package templates

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold lower-cases and drops accents, so "perche" finds "Perché".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// subsequence scores q as a subsequence of s: higher when its letters are
// close together and start early; -1 when q is not a subsequence.
func subsequence(q, s string) int {
	qi, first, gaps, last := 0, -1, 0, -1
	qr := []rune(q)
	for i, r := range []rune(s) {
		if qi < len(qr) && r == qr[qi] {
			if first < 0 {
				first = i
			}
			if last >= 0 {
				gaps += i - last - 1
			}
			last = i
			qi++
		}
	}
	if qi < len(qr) {
		return -1
	}
	return max(0, 100-gaps*3-first)
}

// score is how well q matches t (0: not at all).
func score(q string, t *Template) int {
	sc, name, body := fold(t.Shortcut), fold(t.Name), fold(t.Body)
	best := 0
	switch {
	case sc == q:
		best = 1000
	case strings.HasPrefix(sc, q):
		best = 800
	case strings.HasPrefix(name, q):
		best = 700
	}
	if best == 0 {
		for _, w := range strings.Fields(name) {
			if strings.HasPrefix(w, q) {
				best = 500
				break
			}
		}
	}
	if best == 0 {
		if s := max(subsequence(q, sc), subsequence(q, name)); s >= 0 {
			best = 200 + s
		}
	}
	if best == 0 && strings.Contains(body, q) {
		best = 150
	}
	if best == 0 && len(q) >= 3 {
		if s := subsequence(q, body); s > 60 {
			best = 50 + s/2
		}
	}
	return best
}

// Search returns up to limit templates matching q over shortcut, name and
// body, best first; in a language (it/en, "" any). An empty q lists the most used.
func (l *Library) Search(q, lang string, limit int) []Template {
	q = fold(strings.TrimSpace(strings.TrimPrefix(q, "/")))
	type hit struct {
		t     *Template
		score int
	}
	var hits []hit
	l.mu.RLock()
	for _, t := range l.list {
		if lang != "" && t.Lang != lang {
			continue
		}
		s := 1
		if q != "" {
			s = score(q, t)
		}
		if s > 0 {
			hits = append(hits, hit{t, s*1000 + min(t.Uses, 999)})
		}
	}
	l.mu.RUnlock()
	slices.SortFunc(hits, func(a, b hit) int {
		if a.score != b.score {
			return b.score - a.score
		}
		return strings.Compare(a.t.Name, b.t.Name)
	})
	out := make([]Template, 0, min(limit, len(hits)))
	for _, h := range hits[:min(limit, len(hits))] {
		out = append(out, *h.t)
	}
	return out
}
