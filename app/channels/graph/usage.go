package graph

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Counts is one usage record: percentages of the allowance used.
// X-App-Usage and X-Page-Usage hold one; X-Business-Use-Case-Usage one per
// business object and use case.
type Counts struct {
	Type         string `json:"type,omitempty"`
	CallCount    Int    `json:"call_count"`
	TotalCPUTime Int    `json:"total_cputime"`
	TotalTime    Int    `json:"total_time"`
	// RegainMinutes is estimated_time_to_regain_access, in minutes.
	RegainMinutes Int `json:"estimated_time_to_regain_access"`
}

// Max is the highest of the three percentages.
func (c Counts) Max() int { return int(max(c.CallCount, c.TotalCPUTime, c.TotalTime)) }

// Usage is what the last response said about the rate limits.
type Usage struct {
	App  *Counts             // X-App-Usage
	Page *Counts             // X-Page-Usage
	BUC  map[string][]Counts // X-Business-Use-Case-Usage, by business object ID
}

// Header names.
const (
	HeaderAppUsage  = "X-App-Usage"
	HeaderPageUsage = "X-Page-Usage"
	HeaderBUCUsage  = "X-Business-Use-Case-Usage"
)

// ParseUsage reads the usage headers. Headers that are absent stay nil; a
// malformed one is skipped and reported.
func ParseUsage(h http.Header) (Usage, error) {
	var u Usage
	var errs []error
	for _, p := range []struct {
		name string
		dst  **Counts
	}{{HeaderAppUsage, &u.App}, {HeaderPageUsage, &u.Page}} {
		v := strings.TrimSpace(h.Get(p.name))
		if v == "" {
			continue
		}
		var c Counts
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			errs = append(errs, err)
			continue
		}
		*p.dst = &c
	}
	if v := strings.TrimSpace(h.Get(HeaderBUCUsage)); v != "" {
		var m map[string][]Counts
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			errs = append(errs, err)
		} else {
			u.BUC = m
		}
	}
	return u, errors.Join(errs...)
}

// Known reports whether any usage header was seen.
func (u Usage) Known() bool { return u.App != nil || u.Page != nil || len(u.BUC) > 0 }

// Max is the highest percentage across every header (0–100, or more when throttled).
func (u Usage) Max() int {
	m := 0
	for _, c := range []*Counts{u.App, u.Page} {
		if c != nil {
			m = max(m, c.Max())
		}
	}
	for _, cs := range u.BUC {
		for _, c := range cs {
			m = max(m, c.Max())
		}
	}
	return m
}

// Regain is the longest estimated_time_to_regain_access across the headers.
func (u Usage) Regain() time.Duration {
	var m Int
	for _, c := range []*Counts{u.App, u.Page} {
		if c != nil {
			m = max(m, c.RegainMinutes)
		}
	}
	for _, cs := range u.BUC {
		for _, c := range cs {
			m = max(m, c.RegainMinutes)
		}
	}
	return time.Duration(min(max(m, 0), 24*60)) * time.Minute
}

// SlowAt is the usage percentage from which polling slows down, so the
// account stays clear of Meta's throttling.
const SlowAt = 75

// maxPollDelay caps the slowdown.
const maxPollDelay = 15 * time.Minute

// PollDelay is how long to wait between polls at this usage: nothing below
// SlowAt, then 30 s doubling every 5 points (75% → 30 s, 95% → 8 min), and
// at 100% or more the time to regain access (at least the cap).
func (u Usage) PollDelay() time.Duration {
	m := u.Max()
	switch {
	case m < SlowAt:
		return 0
	case m >= 100:
		return max(u.Regain(), maxPollDelay)
	}
	return min(30*time.Second<<((m-SlowAt)/5), maxPollDelay)
}
