package graphsim

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// field is one entry of a fields parameter, with field expansion:
// messages.limit(5){id,from}.
type field struct {
	name string
	mods map[string]string // limit, filter, order…
	sub  []field           // nil: not expanded
	raw  string            // the text inside the braces
}

// parseFields parses a Graph fields parameter.
func parseFields(s string) ([]field, error) {
	p := &fieldParser{s: s}
	fs, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
	}
	return fs, nil
}

type fieldParser struct {
	s     string
	i     int
	depth int
}

func (p *fieldParser) list() ([]field, error) {
	var out []field
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] == '}' {
			return out, nil
		}
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		out = append(out, f)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return out, nil
	}
}

func (p *fieldParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *fieldParser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *fieldParser) field() (field, error) {
	f := field{name: p.ident()}
	if f.name == "" {
		return f, fmt.Errorf("field name expected at %d", p.i)
	}
	for p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		mod := p.ident()
		if mod == "" || p.i >= len(p.s) || p.s[p.i] != '(' {
			return f, fmt.Errorf("modifier expected after %s", f.name+".")
		}
		end := strings.IndexByte(p.s[p.i:], ')')
		if end < 0 {
			return f, fmt.Errorf("unclosed modifier %s", mod)
		}
		if f.mods == nil {
			f.mods = map[string]string{}
		}
		f.mods[mod] = p.s[p.i+1 : p.i+end]
		p.i += end + 1
	}
	if p.i < len(p.s) && p.s[p.i] == '{' {
		if p.depth > 8 {
			return f, fmt.Errorf("fields nested too deep")
		}
		p.i++
		p.depth++
		start := p.i
		sub, err := p.list()
		p.depth--
		if err != nil {
			return f, err
		}
		if p.i >= len(p.s) || p.s[p.i] != '}' {
			return f, fmt.Errorf("unclosed { after %s", f.name)
		}
		f.raw = p.s[start:p.i]
		f.sub = sub
		if f.sub == nil {
			f.sub = []field{}
		}
		p.i++
	}
	return f, nil
}

// selection is a parsed fields list by name.
type selection map[string]field

func selectFields(fs []field, defaults ...string) selection {
	sel := selection{}
	if fs == nil {
		for _, d := range defaults {
			sel[d] = field{name: d}
		}
	}
	for _, f := range fs {
		sel[f.name] = f
	}
	sel["id"] = field{name: "id"}
	return sel
}

// cursor is a paging position: after the item with this ID, on page pg.
type cursor struct {
	after string
	pg    int
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.after + "|" + strconv.Itoa(c.pg)))
}

func decodeCursor(s string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	a, p, ok := strings.Cut(string(b), "|")
	n, err := strconv.Atoi(p)
	if !ok || err != nil || n < 0 {
		return cursor{}, false
	}
	return cursor{after: a, pg: n}, true
}
