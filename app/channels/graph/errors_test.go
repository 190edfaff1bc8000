package graph

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"sportello/app/channels"
)

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func graphError(code, sub int, msg string) string {
	b := `{"error":{"message":"` + msg + `","type":"OAuthException","code":` + itoa(code)
	if sub != 0 {
		b += `,"error_subcode":` + itoa(sub)
	}
	return b + `,"fbtrace_id":"AbCdEf123"}}`
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestDecodeError(t *testing.T) {
	bucRegain := header(HeaderBUCUsage, `{"1234":[{"type":"pages","call_count":100,"total_cputime":12,"total_time":20,"estimated_time_to_regain_access":7}]}`)
	for _, tc := range []struct {
		name   string
		status int
		h      http.Header
		body   string
		want   error         // checked with errors.Is
		wait   time.Duration // for throttling
	}{
		{"expired token", 400, nil, graphError(190, 463, "Error validating access token: Session has expired"), channels.ErrAuth, 0},
		{"invalid token", 400, nil, graphError(190, 0, "Invalid OAuth access token"), channels.ErrAuth, 0},
		{"no token", 400, nil, graphError(104, 0, "An access token is required to request this resource."), channels.ErrAuth, 0},
		{"out of window", 400, nil, graphError(10, 2018278, "(#10) This message is sent outside of allowed window."), channels.ErrOutOfWindow, 0},
		{"permission", 403, nil, graphError(200, 0, "(#200) Requires pages_messaging permission"), ErrPermission, 0},
		{"permission 10", 400, nil, graphError(10, 0, "(#10) Application does not have permission for this action"), channels.ErrAuth, 0},
		{"app throttled", 400, nil, graphError(4, 0, "(#4) Application request limit reached"), nil, time.Minute},
		{"user throttled", 400, nil, graphError(17, 0, "(#17) User request limit reached"), nil, time.Minute},
		{"page throttled", 400, bucRegain, graphError(32, 0, "(#32) Page request limit reached"), nil, 7 * time.Minute},
		{"custom throttled", 400, header("Retry-After", "90"), graphError(613, 0, "(#613) Calls to this api have exceeded the rate limit."), nil, 90 * time.Second},
		{"BUC pages", 400, bucRegain, graphError(80001, 0, "There have been too many calls to this Page account."), nil, 7 * time.Minute},
		{"BUC messenger", 400, bucRegain, graphError(80006, 0, "There have been too many messaging requests."), nil, 7 * time.Minute},
		{"HTTP 429", 429, nil, "", nil, time.Minute},
		{"transient", 500, nil, graphError(2, 0, "An unexpected error has occurred. Please retry your request later."), ErrTemporary, 0},
		{"unknown", 500, nil, graphError(1, 0, "An unknown error occurred"), ErrTemporary, 0},
		{"bad gateway text", 502, nil, "Bad Gateway", ErrTemporary, 0},
		{"bad gateway html", 503, nil, "<html><body>503</body></html>", ErrTemporary, 0},
		{"unavailable person", 400, nil, graphError(551, 1545041, "(#551) This person isn't available right now."), channels.ErrRejected, 0},
		{"policy block", 400, nil, graphError(368, 1390008, "(#368) The action attempted has been deemed abusive"), channels.ErrRejected, 0},
		{"already replied", 400, nil, graphError(10900, 0, "(#10900) Activity already replied to"), channels.ErrRejected, 0},
		{"not found", 400, nil, graphError(100, 33, "Unsupported get request."), ErrNotFound, 0},
		{"bad parameter", 400, nil, graphError(100, 0, "(#100) param recipient must be non-empty."), channels.ErrRejected, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h
			if h == nil {
				h = http.Header{}
			}
			err := error(DecodeError(tc.status, h, []byte(tc.body)))
			if tc.wait > 0 {
				var rl *channels.RateLimited
				if !errors.As(err, &rl) {
					t.Fatalf("DecodeError() = %v, want *RateLimited", err)
				}
				if rl.RetryAfter != tc.wait {
					t.Errorf("RetryAfter = %v, want %v", rl.RetryAfter, tc.wait)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("DecodeError() = %v, want errors.Is %v", err, tc.want)
			}
			for _, other := range []error{channels.ErrAuth, channels.ErrOutOfWindow, channels.ErrRejected, ErrTemporary} {
				if other != tc.want && !errors.Is(tc.want, other) && errors.Is(err, other) {
					t.Errorf("DecodeError() = %v is also %v", err, other)
				}
			}
		})
	}
}

func TestErrorMessageIsReadable(t *testing.T) {
	err := DecodeError(400, http.Header{}, []byte(`{"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551,"error_subcode":1545041,"error_user_title":"Persona non disponibile","error_user_msg":"Questa persona non è disponibile al momento.","fbtrace_id":"A1"}}`))
	got := err.Error()
	for _, want := range []string{"Questa persona non è disponibile", "551/1545041", channels.ErrRejected.Error()} {
		if !strings.Contains(got, want) {
			t.Errorf("Error() = %q, want it to contain %q", got, want)
		}
	}
}

func TestParseUsage(t *testing.T) {
	h := header(
		HeaderAppUsage, `{"call_count":28,"total_time":25,"total_cputime":25}`,
		HeaderPageUsage, `{"call_count":"80","total_cputime":10,"total_time":12.0}`,
		HeaderBUCUsage, `{"112233":[{"type":"pages","call_count":5,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":0},{"type":"messenger","call_count":91,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":2}]}`,
	)
	u, err := ParseUsage(h)
	if err != nil {
		t.Fatal(err)
	}
	if u.App == nil || u.App.CallCount != 28 || u.Page == nil || u.Page.CallCount != 80 || u.Page.TotalTime != 12 {
		t.Errorf("ParseUsage() app/page = %+v / %+v", u.App, u.Page)
	}
	if got := u.Max(); got != 91 {
		t.Errorf("Max() = %d, want 91", got)
	}
	if got := u.Regain(); got != 2*time.Minute {
		t.Errorf("Regain() = %v, want 2m", got)
	}
	if _, err := ParseUsage(header(HeaderAppUsage, `{"call_count":`)); err == nil {
		t.Error("ParseUsage(truncated header) = nil error")
	}
}

func TestPollDelay(t *testing.T) {
	for _, tc := range []struct {
		pct, regain int
		want        time.Duration
	}{
		{0, 0, 0}, {50, 0, 0}, {74, 0, 0},
		{75, 0, 30 * time.Second}, {79, 0, 30 * time.Second}, {80, 0, time.Minute}, {90, 0, 4 * time.Minute}, {99, 0, 8 * time.Minute},
		{100, 0, 15 * time.Minute}, {120, 45, 45 * time.Minute},
	} {
		u := Usage{BUC: map[string][]Counts{"1": {{CallCount: Int(tc.pct), RegainMinutes: Int(tc.regain)}}}}
		if got := u.PollDelay(); got != tc.want {
			t.Errorf("PollDelay() at %d%% (regain %d) = %v, want %v", tc.pct, tc.regain, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)
	for _, s := range []string{"2024-01-15T10:30:00+0000", "2024-01-15T11:30:00+0100", "2024-01-15T10:30:00Z", "1705314600", "1705314600000"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v, want %v", s, got, err, want)
		}
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error(`ParseTime("yesterday") = nil error`)
	}
}
