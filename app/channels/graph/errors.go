package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sportello/app/channels"
)

// Errors beyond the channels package's own; each wraps the channels error the
// sync engine and the outbox react to.
var (
	// ErrTemporary: a transient platform error (code 1 or 2, HTTP 5xx, a
	// dropped connection): retry later. For a send, the outcome is unknown,
	// so the outbox reconciles before retrying.
	ErrTemporary = errors.New("temporary platform error")
	// ErrPermission: the token lacks a permission or a task on the Page
	// (codes 10 and 200–299). The account must be connected again.
	ErrPermission = fmt.Errorf("missing permission: %w", channels.ErrAuth)
	// ErrNotFound: the object does not exist or cannot be seen (code 100,
	// subcode 33). Reading skips it; sending to it is refused.
	ErrNotFound = fmt.Errorf("object not found: %w", channels.ErrRejected)
)

// Error is a Graph API error body:
// {"error":{"message","type","code","error_subcode","error_user_title","error_user_msg","fbtrace_id"}}.
type Error struct {
	Status    int    `json:"-"` // HTTP status
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	Subcode   int    `json:"error_subcode"`
	UserTitle string `json:"error_user_title"`
	UserMsg   string `json:"error_user_msg"`
	TraceID   string `json:"fbtrace_id"`

	kind error // a channels error, ErrTemporary, ErrPermission, ErrNotFound or *channels.RateLimited
}

func (e *Error) Error() string {
	msg := e.Message
	if e.UserMsg != "" {
		msg = e.UserMsg
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	code := strconv.Itoa(e.Code)
	if e.Subcode != 0 {
		code += "/" + strconv.Itoa(e.Subcode)
	}
	return fmt.Sprintf("%v: %s (Graph error %s)", e.kind, msg, code)
}

// Unwrap exposes the class of the error to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.kind }

// Throttling codes: application (4), user (17), Page (32), custom (613) and
// Business Use Case limits (80001 Pages, 80002 Instagram, … 80006 Messenger).
func throttling(code int) bool {
	switch code {
	case 4, 17, 32, 613:
		return true
	}
	return code >= 80001 && code <= 80006
}

// defaultThrottle is the wait when a throttled response says nothing about
// when access comes back.
const defaultThrottle = time.Minute

// DecodeError reads an error response. It never fails: a body that is not a
// Graph error still yields an *Error classified by its HTTP status.
func DecodeError(status int, h http.Header, body []byte) *Error {
	var env struct {
		Error *Error `json:"error"`
	}
	e := &Error{}
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		e = env.Error
	} else if s := strings.TrimSpace(string(body)); s != "" && len(s) < 200 && !strings.ContainsAny(s, "<{") {
		e.Message = s
	}
	e.Status = status
	e.kind = classify(e, h)
	return e
}

func classify(e *Error, h http.Header) error {
	switch {
	case e.Code == 190 || e.Code == 102 || e.Code == 104: // expired or invalid, session, no token
		return channels.ErrAuth
	case e.Subcode == 2018278:
		return channels.ErrOutOfWindow
	case throttling(e.Code) || e.Status == http.StatusTooManyRequests:
		return &channels.RateLimited{RetryAfter: retryAfter(h)}
	case e.Code == 1 || e.Code == 2 || e.Status >= 500 || (e.Code == 0 && e.Status == 0):
		return ErrTemporary
	case e.Code == 10 || (e.Code >= 200 && e.Code <= 299):
		return ErrPermission
	case e.Code == 100 && e.Subcode == 33:
		return ErrNotFound
	}
	// 551 (person unavailable), 368 (policy block), 100 (bad parameter), 10900
	// (already replied privately) and the rest: retrying cannot help.
	return channels.ErrRejected
}

// retryAfter is how long a throttled response asks to wait: the largest
// estimated_time_to_regain_access (minutes) of the usage headers, else
// Retry-After, else a minute.
func retryAfter(h http.Header) time.Duration {
	u, _ := ParseUsage(h)
	if d := u.Regain(); d > 0 {
		return d
	}
	if s := h.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 && n < 86400 {
			return time.Duration(n) * time.Second
		}
	}
	return defaultThrottle
}
