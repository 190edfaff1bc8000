package graphsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// call makes one Graph call and decodes the answer.
func call(t *testing.T, s *Sim, token, method, path string, q url.Values, body string) (int, http.Header, map[string]any) {
	t.Helper()
	u := s.URL() + "/v23.0/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", method, path, raw, err)
	}
	return resp.StatusCode, resp.Header, m
}

func errCode(m map[string]any) (code, sub int) {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(float64)
	sc, _ := e["error_subcode"].(float64)
	return int(c), int(sc)
}

var graphTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$`)

func TestListEnvelope(t *testing.T) {
	s := New(Options{PageSize: 2})
	defer s.Close()
	p := s.AddPage("Aurora Casa")
	for i := range 3 {
		s.UserMessage(p.ID, s.NewUser(fmt.Sprint("u", i)), "ciao")
		s.Advance(time.Second)
	}
	status, h, m := call(t, s, p.Token, "GET", p.ID+"/conversations", url.Values{"platform": {"messenger"}, "fields": {"id,updated_time,participants"}}, "")
	if status != 200 {
		t.Fatalf("status %d: %v", status, m)
	}
	data, _ := m["data"].([]any)
	paging, _ := m["paging"].(map[string]any)
	cursors, _ := paging["cursors"].(map[string]any)
	next, _ := paging["next"].(string)
	if len(data) != 2 || cursors["after"] == "" || !strings.Contains(next, "/v23.0/"+p.ID+"/conversations?") || !strings.Contains(next, "after=") {
		t.Fatalf("envelope = %v", m)
	}
	first := data[0].(map[string]any)
	if !graphTime.MatchString(first["updated_time"].(string)) || !strings.HasPrefix(first["id"].(string), "t_") {
		t.Errorf("conversation = %v", first)
	}
	parts := first["participants"].(map[string]any)["data"].([]any)
	if len(parts) != 2 {
		t.Errorf("participants = %v", parts)
	}
	if d, err := http.ParseTime(h.Get("Date")); err != nil || !d.Equal(s.Now().Truncate(time.Second)) {
		t.Errorf("Date = %q, want the virtual time", h.Get("Date"))
	}
	for _, name := range []string{"X-App-Usage", "X-Business-Use-Case-Usage", "X-Page-Usage"} {
		if !json.Valid([]byte(h.Get(name))) {
			t.Errorf("%s = %q, want JSON", name, h.Get(name))
		}
	}
	// The next link gives the last one, and no further next.
	nu, _ := url.Parse(next)
	_, _, m2 := call(t, s, p.Token, "GET", strings.TrimPrefix(nu.Path, "/v23.0/"), nu.Query(), "")
	if d, _ := m2["data"].([]any); len(d) != 1 || m2["paging"].(map[string]any)["next"] != nil {
		t.Errorf("second page = %v", m2)
	}
}

func TestErrors(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	p := s.AddPage("P")
	for _, tc := range []struct {
		token, path string
		q           url.Values
		code, sub   int
	}{
		{"", "me", nil, 104, 0},
		{"nope", "me", nil, 190, 0},
		{p.Token, "me", url.Values{"fields": {"id,bogus"}}, 100, 0},
		{p.Token, "999", nil, 100, 33},
		{p.Token, p.ID + "/nothing", nil, 100, 0},
		{p.Token, p.ID + "/conversations", url.Values{"fields": {"messages{id"}}, 100, 0},
	} {
		status, _, m := call(t, s, tc.token, "GET", tc.path, tc.q, "")
		e, _ := m["error"].(map[string]any)
		if code, sub := errCode(m); status != 400 || code != tc.code || sub != tc.sub || e["type"] != "OAuthException" || e["fbtrace_id"] == "" || e["message"] == "" {
			t.Errorf("GET %s %v = %d %v, want 400 with code %d/%d", tc.path, tc.q, status, m, tc.code, tc.sub)
		}
	}
	other := s.AddPage("Other")
	if _, _, m := call(t, s, other.Token, "GET", p.ID+"/conversations", nil, ""); func() bool { c, sc := errCode(m); return c != 100 || sc != 33 }() {
		t.Errorf("another Page's inbox = %v, want not found", m)
	}
	s.ExpireToken(p.ID)
	if _, _, m := call(t, s, p.Token, "GET", "me", nil, ""); func() bool { c, sc := errCode(m); return c != 190 || sc != 463 }() {
		t.Errorf("expired token = %v, want 190/463", m)
	}
}

func TestDetailCap(t *testing.T) {
	s := New(Options{MessagePage: 8})
	defer s.Close()
	p := s.AddPage("P")
	u := s.NewUser("U")
	var first string
	for i := range 25 {
		id := s.UserMessage(p.ID, u, fmt.Sprint(i))
		if i == 0 {
			first = id
		}
		s.Advance(time.Second)
	}
	_, _, l := call(t, s, p.Token, "GET", p.ID+"/conversations", url.Values{"fields": {"id,message_count"}}, "")
	conv := l["data"].([]any)[0].(map[string]any)
	if conv["message_count"].(float64) != 25 {
		t.Errorf("message_count = %v, want 25", conv["message_count"])
	}
	n := 0
	path, q := conv["id"].(string)+"/messages", url.Values{"fields": {"id,message"}}
	for range 10 {
		_, _, m := call(t, s, p.Token, "GET", path, q, "")
		n += len(m["data"].([]any))
		next, _ := m["paging"].(map[string]any)["next"].(string)
		if next == "" {
			break
		}
		nu, _ := url.Parse(next)
		path, q = strings.TrimPrefix(nu.Path, "/v23.0/"), nu.Query()
	}
	if n != 20 {
		t.Errorf("messages edge = %d messages, want the 20 most recent", n)
	}
	if _, _, m := call(t, s, p.Token, "GET", first, url.Values{"fields": {"id,message"}}, ""); func() bool { c, _ := errCode(m); return c != 100 }() {
		t.Errorf("the 25th most recent message = %v, want an error", m)
	}
}

func TestCommentFilters(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	p := s.AddPage("P")
	post := s.AddPost(p.ID, "Post")
	top := s.Comment(post, s.NewUser("A"), "top")
	s.Advance(time.Second)
	s.Comment(top, s.NewUser("B"), "reply")
	count := func(q url.Values) int {
		_, _, m := call(t, s, p.Token, "GET", post+"/comments", q, "")
		return len(m["data"].([]any))
	}
	if n := count(nil); n != 1 {
		t.Errorf("default (toplevel) filter = %d comments, want 1", n)
	}
	if n := count(url.Values{"filter": {"stream"}}); n != 2 {
		t.Errorf("filter=stream = %d comments, want 2 (replies too)", n)
	}
	_, _, m := call(t, s, p.Token, "GET", post+"/comments", url.Values{"filter": {"stream"}, "order": {"reverse_chronological"}, "fields": {"id,message,parent{id}"}}, "")
	newest := m["data"].([]any)[0].(map[string]any)
	if newest["message"] != "reply" || newest["parent"].(map[string]any)["id"] != top {
		t.Errorf("newest first = %v", newest)
	}
}

func TestInstagramRepliesTopLevelOnly(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	ig := s.AddInstagram("brand")
	media := s.AddMedia(ig.ID, "Foto")
	top := s.Comment(media, s.NewUser("A"), "top")
	reply := s.Comment(top, s.NewUser("B"), "reply")
	if status, _, m := call(t, s, ig.Token, "POST", top+"/replies", nil, `{"message":"Grazie!"}`); status != 200 || m["id"] == "" {
		t.Errorf("reply to a top-level comment = %d %v", status, m)
	}
	if _, _, m := call(t, s, ig.Token, "POST", reply+"/replies", nil, `{"message":"Grazie!"}`); func() bool { c, _ := errCode(m); return c != 100 }() {
		t.Errorf("reply to a reply = %v, want code 100", m)
	}
}

func TestSendAPI(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	p := s.AddPage("P")
	u := s.NewUser("U")
	s.UserMessage(p.ID, u, "ciao")
	for _, tc := range []struct {
		body      string
		code, sub int
	}{
		{`{"recipient":{"id":"` + u.PSID + `"},"message":{"text":"x"}}`, 100, 2018302}, // no messaging_type
		{`{"recipient":{"id":"` + u.PSID + `"},"messaging_type":"MESSAGE_TAG","tag":"PROMO","message":{"text":"x"}}`, 100, 2018303},
		{`{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"text":"x"}}`, 100, 2018001},
		{`{"recipient":{"id":"` + u.PSID + `"},"messaging_type":"RESPONSE"}`, 100, 0},
		{`{"recipient":{"id":"` + u.PSID + `"},"messaging_type":"RESPONSE","message":{"text":"x"}}`, 0, 0},
		{`{"recipient":{"id":"` + u.PSID + `"},"sender_action":"typing_on"}`, 0, 0},
	} {
		_, _, m := call(t, s, p.Token, "POST", "me/messages", nil, tc.body)
		if code, sub := errCode(m); code != tc.code || sub != tc.sub {
			t.Errorf("POST %s = %v, want code %d/%d", tc.body, m, tc.code, tc.sub)
		}
		if tc.code == 0 && m["recipient_id"] != u.PSID {
			t.Errorf("POST %s = %v, want recipient_id", tc.body, m)
		}
	}
}

func TestFaults(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	p := s.AddPage("P")
	s.Fail(Fault{Match: "/me", Skip: 1, Times: 2, Code: 32, Regain: 4})
	codes := []int{}
	for range 4 {
		_, h, m := call(t, s, p.Token, "GET", "me", nil, "")
		c, _ := errCode(m)
		codes = append(codes, c)
		if c == 32 && !strings.Contains(h.Get("X-Business-Use-Case-Usage"), `"estimated_time_to_regain_access":4`) {
			t.Errorf("throttled answer's usage = %q", h.Get("X-Business-Use-Case-Usage"))
		}
	}
	if fmt.Sprint(codes) != "[0 32 32 0]" {
		t.Errorf("codes = %v, want one pass, two throttled, then recovery", codes)
	}
	s.Fail(Fault{Drop: true})
	// A fresh connection: on a reused one, Go's client retries an idempotent GET once.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := fresh.Get(s.URL() + "/v23.0/me"); err == nil {
		t.Error("dropped call answered")
	}
}

func TestCallBudget(t *testing.T) {
	s := New(Options{CallBudget: 4})
	defer s.Close()
	p := s.AddPage("P")
	var usages []string
	for range 4 {
		_, h, m := call(t, s, p.Token, "GET", "me", nil, "")
		if c, _ := errCode(m); c != 0 {
			t.Fatalf("call within budget = %v", m)
		}
		usages = append(usages, h.Get("X-Business-Use-Case-Usage"))
		s.Advance(10 * time.Minute)
	}
	if !strings.Contains(usages[3], `"call_count":100`) {
		t.Errorf("usage after 4 of 4 calls = %s", usages[3])
	}
	_, h, m := call(t, s, p.Token, "GET", "me", nil, "")
	if c, _ := errCode(m); c != 80001 || !strings.Contains(h.Get("X-Business-Use-Case-Usage"), `"estimated_time_to_regain_access":20`) {
		t.Errorf("call over budget = %v %s, want 80001 regaining in 20 min", m, h.Get("X-Business-Use-Case-Usage"))
	}
	s.Advance(20 * time.Minute)
	if _, _, m := call(t, s, p.Token, "GET", "me", nil, ""); m["error"] != nil {
		t.Errorf("call after the oldest aged out = %v", m)
	}
}

func FuzzParseFields(f *testing.F) {
	for _, s := range []string{
		"id,updated_time,participants,messages{id,created_time,from,to,message,attachments{id,mime_type,name,size}}",
		"id,message,comments.filter(stream).order(reverse_chronological).limit(50){id,message,created_time,from{id,name},parent{id,from{id,name}}}",
		"id,caption,comments{id,text,timestamp,username,from,parent_id,hidden,replies{id,text}}",
		"a.limit(", "{", "a{b{c{d{e{f{g{h{i{j{k}}}}}}}}}}", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := parseFields(s)
		if err != nil {
			return
		}
		var walk func([]field, int)
		walk = func(fs []field, depth int) {
			if depth > 12 {
				t.Fatalf("parseFields(%q) nests deeper than allowed", s)
			}
			for _, f := range fs {
				if f.name == "" {
					t.Errorf("parseFields(%q) gave an empty name", s)
				}
				if f.sub != nil {
					if _, err := parseFields(f.raw); err != nil {
						t.Errorf("the text %q inside braces does not parse again: %v", f.raw, err)
					}
				}
				walk(f.sub, depth+1)
			}
		}
		walk(fs, 0)
	})
}

// TestScriptGivesTheSameIDs rebuilds one desk in two simulators, one of them
// busy with other calls before and between the scripts: the scripted objects
// get the same IDs and times; the others are numbered from SeqStart.
func TestScriptGivesTheSameIDs(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	build := func(s *Sim, busy bool) []string {
		var ids []string
		var page Account
		var u *User
		s.Script(at, 0, func() { page, u = s.AddPage("Aurora"), s.NewUser("Giulia Rossi") })
		if busy {
			s.UserMessage(page.ID, s.NewUser("Other"), "noise")
		}
		s.Script(at.Add(time.Hour), 100, func() {
			ids = append(ids, s.UserMessage(page.ID, u, "ciao"), s.AddPost(page.ID, "Nuova collezione"))
		})
		if busy {
			s.AddPost(page.ID, "noise")
		}
		s.Script(at.Add(2*time.Hour), 200, func() { ids = append(ids, s.Comment(ids[1], u, "bella")) })
		return append(ids, page.ID, page.Token, u.PSID)
	}
	a, b := New(Options{}), New(Options{SeqStart: 1 << 40})
	defer a.Close()
	defer b.Close()
	x, y := build(a, false), build(b, true)
	if fmt.Sprint(x) != fmt.Sprint(y) {
		t.Fatalf("the same scripts gave other IDs:\n%v\n%v", x, y)
	}
	msgs := b.Messages(y[3])
	if i := slices.IndexFunc(msgs, func(m Message) bool { return m.ID == y[0] }); i < 0 || !msgs[i].At.Equal(at.Add(time.Hour)) || msgs[i].Text != "ciao" {
		t.Errorf("the scripted message %s among %+v: want \"ciao\" at %v", y[0], msgs, at.Add(time.Hour))
	}
	// Outside scripts: numbered from SeqStart (two users and a message, a post so far).
	if got := b.NewUser("Later").PSID; !strings.HasSuffix(got, fmt.Sprint(1<<40+5)) {
		t.Errorf("a user made outside scripts has PSID %s, want it numbered from SeqStart", got)
	}
	start := b.Now()
	b.AdvanceTo(start.Add(-time.Hour))
	if !b.Now().Equal(start) {
		t.Errorf("AdvanceTo moved the clock back to %v", b.Now())
	}
	b.AdvanceTo(start.Add(time.Hour))
	if !b.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("AdvanceTo(+1h): clock at %v", b.Now())
	}
}
