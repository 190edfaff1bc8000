package templates

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// entry is a template with its text folded once, when it is saved, so a
// search as the agent types folds only the query.
type entry struct {
	t              Template
	sc, name, body string
	words          []string // of name
	// The characters each field holds, to skip at once a field that lacks
	// one of the query's: most of the library, for most queries.
	scSet, nameSet, bodySet, headSet charSet
}

// headRunes is how much of the body headSet covers: the bounded body
// subsequence reads at most 40+len(q) characters.
const headRunes = 100

func newEntry(t Template) *entry {
	e := &entry{t: t, sc: fold(t.Shortcut), name: fold(t.Name), body: fold(t.Body)}
	e.words = strings.Fields(e.name)
	e.scSet, e.nameSet, e.bodySet = chars(e.sc, -1), chars(e.name, -1), chars(e.body, -1)
	e.headSet = chars(e.body, headRunes)
	return e
}

// charSet is a set of characters with collisions: ASCII by its low six
// bits, everything else as one. A field can hold q's characters in order
// only if q's set is in the field's.
type charSet uint64

func chars(s string, limit int) charSet {
	var set charSet
	for _, r := range s {
		if limit == 0 {
			break
		}
		limit--
		if r < utf8.RuneSelf {
			set |= 1 << (r & 63)
		} else {
			set |= 1 << 63
		}
	}
	return set
}

func (a charSet) in(b charSet) bool { return a&^b == 0 }

// fold lower-cases and drops accents, so "perche" finds "Perché".
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || 'A' <= s[i] && s[i] <= 'Z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// subsequence scores q as a subsequence of s: higher when its letters are
// close together and start early; -1 when q is not a subsequence, or is not
// one within the first within characters of s (within < 0: anywhere).
// Positions count characters.
func subsequence(q, s string, within int) int {
	if q == "" {
		return -1
	}
	qr, qn := utf8.DecodeRuneInString(q)
	first, gaps, last, i := -1, 0, -1, 0
	for _, r := range s {
		if i == within {
			return -1
		}
		if r == qr {
			if first < 0 {
				first = i
			}
			if last >= 0 {
				gaps += i - last - 1
			}
			last = i
			q = q[qn:]
			if q == "" {
				return max(0, 100-gaps*3-first)
			}
			qr, qn = utf8.DecodeRuneInString(q)
		}
		i++
	}
	return -1
}

// score is how well the folded q, whose characters are qs, matches e (0: not at all).
func (e *entry) score(q string, qs charSet) int {
	switch {
	case e.sc == q:
		return 1000
	case strings.HasPrefix(e.sc, q):
		return 800
	case strings.HasPrefix(e.name, q):
		return 700
	}
	for _, w := range e.words {
		if strings.HasPrefix(w, q) {
			return 500
		}
	}
	s := -1
	if qs.in(e.scSet) {
		s = subsequence(q, e.sc, -1)
	}
	if qs.in(e.nameSet) {
		s = max(s, subsequence(q, e.name, -1))
	}
	if s >= 0 {
		return 200 + s
	}
	if !qs.in(e.bodySet) {
		return 0
	}
	if strings.Contains(e.body, q) {
		return 150
	}
	if n := utf8.RuneCountInString(q); n >= 3 && (n+40 > headRunes || qs.in(e.headSet)) {
		// A score over 60 needs 3·gaps + first < 40, so the match ends
		// within the first 40+len(q) characters: no need to read further.
		if s := subsequence(q, e.body, 40+n); s > 60 {
			return 50 + s/2
		}
	}
	return 0
}

// Search returns up to limit (<= 0: all) templates matching q over shortcut,
// name and body, best first, the most used first among equals; in a language
// (it/en, "" any). An empty q lists the most used.
func (l *Library) Search(q, lang string, limit int) []Template {
	q = fold(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "/")))
	qs := chars(q, -1)
	var hits []hit
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, e := range l.list {
		if lang != "" && e.t.Lang != lang {
			continue
		}
		s := 1
		if q != "" {
			s = e.score(q, qs)
		}
		if s == 0 {
			continue
		}
		h := hit{e, s*1000 + min(e.t.Uses, 999)}
		if limit <= 0 {
			hits = append(hits, h)
			continue
		}
		// Keep only the best limit, in order: as the agent types, most of
		// the library matches a letter or two, and sorting it all is wasted.
		if len(hits) == limit && !h.before(hits[limit-1]) {
			continue
		}
		i, _ := slices.BinarySearchFunc(hits, h, hit.compare)
		if len(hits) < limit {
			hits = append(hits, hit{})
		}
		copy(hits[i+1:], hits[i:])
		hits[i] = h
	}
	if limit <= 0 {
		slices.SortFunc(hits, hit.compare)
	}
	out := make([]Template, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.e.t.clone())
	}
	return out
}

type hit struct {
	e     *entry
	score int
}

// compare orders hits best first: score (uses included), then name, then ID.
func (a hit) compare(b hit) int {
	if a.score != b.score {
		return b.score - a.score
	}
	if c := strings.Compare(a.e.t.Name, b.e.t.Name); c != 0 {
		return c
	}
	return strings.Compare(a.e.t.ID, b.e.t.ID)
}

func (a hit) before(b hit) bool { return a.compare(b) < 0 }
