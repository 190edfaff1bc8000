package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeLayout is how the Graph API writes datetimes: 2024-01-15T10:30:00+0000.
const TimeLayout = "2006-01-02T15:04:05-0700"

// Time is a Graph datetime. It accepts the Graph layout, RFC 3339 and UNIX
// seconds (the documentation's placeholders say UNIX; the API sends strings).
type Time struct{ time.Time }

// ParseTime reads a Graph datetime; the result is in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n > 1e12 { // milliseconds, as webhooks send
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{TimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.000-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("graph: bad datetime %q", s)
}

// FormatTime writes t the way the Graph API does.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// UnmarshalJSON accepts a string or a number.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON writes the Graph layout.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`null`), nil
	}
	return json.Marshal(FormatTime(t.Time))
}

// Int is a number the API may send as a JSON number, a float or a numeric string.
type Int int64

// UnmarshalJSON accepts 12, 12.0, "12" and null.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*n = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(strings.TrimSpace(s))
		if len(b) == 0 {
			*n = 0
			return nil
		}
	}
	if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		*n = Int(v)
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("graph: bad number %q", b)
	}
	if f > 1<<62 || f < -(1<<62) || f != f {
		return fmt.Errorf("graph: number out of range %q", b)
	}
	*n = Int(f)
	return nil
}
