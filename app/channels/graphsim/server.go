package graphsim

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

var versionRe = regexp.MustCompile(`^v\d+\.\d+$`)

// apiError is a Graph error answer.
type apiError struct {
	status    int
	code, sub int
	msg       string
	regain    int // minutes, for throttling
}

func errorf(code, sub int, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, sub: sub, msg: fmt.Sprintf(format, args...)}
}

func notFound(id string) *apiError {
	return errorf(100, 33, "Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", id)
}

func outOfWindow() *apiError {
	return errorf(10, 2018278, "(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview")
}

func (e *apiError) body(trace int) []byte {
	typ := "OAuthException"
	if e.code == 1 || e.code == 2 {
		typ = "FacebookApiException"
	}
	m := map[string]any{"message": e.msg, "type": typ, "code": e.code, "fbtrace_id": fmt.Sprintf("A%09dTrace", trace)}
	if e.sub != 0 {
		m["error_subcode"] = e.sub
	}
	if e.code == 551 {
		m["error_user_title"] = "Person unavailable"
		m["error_user_msg"] = "This person isn't available right now."
	}
	b, _ := json.Marshal(map[string]any{"error": m})
	return b
}

// request is one call being served.
type request struct {
	r       *http.Request
	q       url.Values // query and, for POSTs, form parameters
	body    []byte
	version string
	owner   *owner
}

// ServeHTTP serves the Graph API.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if s.o.BeforeCall != nil {
		s.o.BeforeCall()
	}
	s.gate.RLock()
	defer s.gate.RUnlock()
	s.mu.Lock()
	for i, h := range s.hooks {
		if strings.Contains(r.Method+" "+r.URL.RequestURI(), h.match) {
			s.hooks = append(s.hooks[:i], s.hooks[i+1:]...)
			s.mu.Unlock()
			h.fn()
			s.mu.Lock()
			break
		}
	}
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	trace := len(s.requests)
	h := w.Header()
	h.Set("Date", s.now.UTC().Format(http.TimeFormat))
	h.Set("Content-Type", "application/json; charset=UTF-8")
	f := s.takeFault(r)
	if f != nil && !f.After {
		s.setUsage(h, nil, f.Regain)
		s.mu.Unlock()
		s.fail(w, f, trace)
		return
	}
	out, o, aerr := s.route(r, body)
	regain := 0
	if aerr != nil {
		regain = aerr.regain
	}
	s.setUsage(h, o, regain)
	s.mu.Unlock()
	if f != nil {
		s.fail(w, f, trace)
		return
	}
	if aerr != nil {
		w.WriteHeader(aerr.status)
		w.Write(aerr.body(trace))
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(errorf(1, 0, "An unknown error occurred").body(trace))
		return
	}
	w.Write(b)
}

func (s *Sim) takeFault(r *http.Request) *Fault {
	call := r.Method + " " + r.URL.Path
	for i, f := range s.faults {
		if f.Match != "" && !strings.Contains(call, f.Match) {
			continue
		}
		if f.Skip > 0 {
			f.Skip--
			return nil
		}
		f.Times--
		if f.Times <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

func (s *Sim) fail(w http.ResponseWriter, f *Fault, trace int) {
	if f.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
		if f.Code == 1 || f.Code == 2 {
			status = http.StatusInternalServerError
		}
	}
	if f.Code == 0 {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, http.StatusText(status))
		return
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(f.Code)
	}
	w.WriteHeader(status)
	w.Write((&apiError{code: f.Code, sub: f.Subcode, msg: msg}).body(trace))
}

func defaultMessage(code int) string {
	switch code {
	case 1:
		return "An unknown error occurred"
	case 2:
		return "An unexpected error has occurred. Please retry your request later."
	case 4:
		return "(#4) Application request limit reached"
	case 17:
		return "(#17) User request limit reached"
	case 32:
		return "(#32) Page request limit reached"
	case 613:
		return "(#613) Calls to this api have exceeded the rate limit."
	case 190:
		return "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons."
	case 368:
		return "(#368) The action attempted has been deemed abusive or is otherwise disallowed"
	case 551:
		return "(#551) This person isn't available right now."
	}
	if code >= 80001 && code <= 80006 {
		return fmt.Sprintf("(#%d) There have been too many calls to this account. Wait a bit and try again.", code)
	}
	return fmt.Sprintf("(#%d) Error", code)
}

// setUsage writes the usage headers.
func (s *Sim) setUsage(h http.Header, o *owner, regain int) {
	u := s.usage
	app, _ := json.Marshal(map[string]int{"call_count": u.App, "total_cputime": u.App / 2, "total_time": u.App / 2})
	h.Set("X-App-Usage", string(app))
	if o == nil {
		if regain > 0 {
			buc, _ := json.Marshal(map[string]any{"0": []map[string]any{{"type": "pages", "call_count": 100, "total_cputime": 0, "total_time": 0, "estimated_time_to_regain_access": regain}}})
			h.Set("X-Business-Use-Case-Usage", string(buc))
		}
		return
	}
	pct := u.BUC
	if s.o.CallBudget > 0 {
		pct = max(pct, len(s.recentCalls(o))*100/s.o.CallBudget)
	}
	typ := "pages"
	if o.IG {
		typ = "instagram"
	}
	buc, _ := json.Marshal(map[string]any{o.ID: []map[string]any{{"type": typ, "call_count": pct, "total_cputime": pct / 3, "total_time": pct / 3, "estimated_time_to_regain_access": regain}}})
	h.Set("X-Business-Use-Case-Usage", string(buc))
	if !o.IG {
		page, _ := json.Marshal(map[string]int{"call_count": u.Page, "total_cputime": u.Page / 2, "total_time": u.Page / 2})
		h.Set("X-Page-Usage", string(page))
	}
}

func (s *Sim) recentCalls(o *owner) []time.Time {
	cs := s.calls[o.ID]
	i := 0
	for i < len(cs) && !cs[i].After(s.now.Add(-time.Hour)) {
		i++
	}
	cs = cs[i:]
	s.calls[o.ID] = cs
	return cs
}

// budget counts the call against the account's hourly budget, or throttles it.
func (s *Sim) budget(o *owner, path string) *apiError {
	if s.o.CallBudget <= 0 {
		return nil
	}
	cs := s.recentCalls(o)
	if len(cs) >= s.o.CallBudget {
		free := cs[len(cs)-s.o.CallBudget].Add(time.Hour).Sub(s.now)
		code := 80001
		switch {
		case o.IG:
			code = 80002
		case strings.Contains(path, "conversations") || strings.Contains(path, "messages") || strings.HasPrefix(path, "t_") || strings.HasPrefix(path, "m_"):
			code = 80006
		}
		e := errorf(code, 0, "%s", defaultMessage(code))
		e.regain = int(math.Ceil(free.Minutes()))
		return e
	}
	s.calls[o.ID] = append(cs, s.now)
	return nil
}

func (s *Sim) route(r *http.Request, body []byte) (any, *owner, *apiError) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	rq := &request{r: r, q: r.URL.Query(), body: body, version: "v23.0"}
	if len(parts) > 0 && versionRe.MatchString(parts[0]) {
		rq.version, parts = parts[0], parts[1:]
	}
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				rq.q[k] = v
			}
		}
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = rq.q.Get("access_token")
	}
	if token == "" {
		return nil, nil, errorf(104, 0, "An access token is required to request this resource.")
	}
	o := s.tokens[token]
	if o == nil {
		return nil, nil, errorf(190, 0, "Invalid OAuth access token - Cannot parse access token")
	}
	if o.expire {
		return nil, o, errorf(190, 463, "Error validating access token: Session has expired on %s. The current time is %s.",
			s.now.Add(-time.Hour).Format("Monday, 02-Jan-06 15:04:05 MST"), s.now.Format("Monday, 02-Jan-06 15:04:05 MST"))
	}
	rq.owner = o
	if len(parts) == 0 || parts[0] == "" || len(parts) > 2 {
		return nil, o, errorf(2500, 0, "Unknown path components: /%s", strings.Join(parts, "/"))
	}
	if e := s.budget(o, strings.Join(parts, "/")); e != nil {
		return nil, o, e
	}
	id := parts[0]
	if id == "me" {
		id = o.ID
	}
	var obj any = s.owners[id]
	if obj == (*owner)(nil) {
		obj = s.objects[id]
	}
	if obj == nil || s.ownerOf(obj) != o {
		return nil, o, notFound(id)
	}
	edge := ""
	if len(parts) == 2 {
		edge = parts[1]
	}
	var fields []field
	if f := rq.q.Get("fields"); f != "" {
		var err error
		if fields, err = parseFields(f); err != nil {
			return nil, o, errorf(100, 0, "(#100) Syntax error in fields: %v", err)
		}
	}
	var out any
	var aerr *apiError
	switch r.Method {
	case http.MethodGet:
		out, aerr = s.get(rq, obj, edge, fields)
	case http.MethodPost:
		out, aerr = s.post(rq, obj, edge)
	default:
		aerr = errorf(100, 0, "Unsupported method %s", r.Method)
	}
	return out, o, aerr
}

func (s *Sim) ownerOf(obj any) *owner {
	switch v := obj.(type) {
	case *owner:
		return v
	case *conv:
		return v.owner
	case *message:
		return v.conv.owner
	case *post:
		return v.owner
	case *media:
		return v.owner
	case *comment:
		return v.owner()
	}
	return nil
}

func (s *Sim) get(rq *request, obj any, edge string, fields []field) (any, *apiError) {
	after := rq.q.Get("after")
	if edge == "" {
		return s.render(rq, obj, fields)
	}
	id := s.idOf(obj)
	ed := field{name: edge, sub: fields, raw: rq.q.Get("fields"), mods: map[string]string{}}
	for _, k := range []string{"limit", "filter", "order", "platform", "user_id"} {
		if v := rq.q.Get(k); v != "" {
			ed.mods[k] = v
		}
	}
	return s.edge(rq, obj, id, ed, after)
}

func (s *Sim) idOf(obj any) string {
	switch v := obj.(type) {
	case *owner:
		return v.ID
	case *conv:
		return v.id
	case *message:
		return v.id
	case *post:
		return v.id
	case *media:
		return v.id
	case *comment:
		return v.id
	}
	return ""
}

// edge lists an object's edge as a data/paging envelope.
func (s *Sim) edge(rq *request, obj any, id string, f field, after string) (map[string]any, *apiError) {
	var items []any
	pageSize := s.o.PageSize
	switch v := obj.(type) {
	case *owner:
		switch {
		case f.name == "conversations":
			platform := f.mods["platform"]
			if platform == "" {
				platform = map[bool]string{false: "messenger", true: "instagram"}[v.IG]
			}
			if platform != "messenger" && platform != "instagram" {
				return nil, errorf(100, 0, "(#100) platform must be one of the following values: messenger, instagram")
			}
			if platform == "instagram" != v.IG {
				break
			}
			convs := append([]*conv(nil), v.convs...)
			sort.SliceStable(convs, func(i, j int) bool {
				if !convs[i].updated.Equal(convs[j].updated) {
					return convs[i].updated.After(convs[j].updated)
				}
				return convs[i].id > convs[j].id
			})
			uid := f.mods["user_id"]
			for _, c := range convs {
				if uid == "" || s.scoped(v, c.user) == uid {
					items = append(items, c)
				}
			}
		case (f.name == "feed" || f.name == "posts" || f.name == "published_posts") && !v.IG:
			for i := len(v.posts) - 1; i >= 0; i-- {
				items = append(items, v.posts[i])
			}
		case f.name == "media" && v.IG:
			for i := len(v.media) - 1; i >= 0; i-- {
				items = append(items, v.media[i])
			}
		default:
			return nil, nonexistingEdge(f.name, v)
		}
	case *conv:
		if f.name != "messages" {
			return nil, nonexistingEdge(f.name, v)
		}
		pageSize = s.o.MessagePage
		for i := len(v.msgs) - 1; i >= 0 && len(items) < 20; i-- {
			items = append(items, v.msgs[i])
		}
	case *message:
		if f.name != "attachments" {
			return nil, nonexistingEdge(f.name, v)
		}
		for i := range v.atts {
			items = append(items, &attachmentOf{m: v, i: i})
		}
	case *post:
		if f.name != "comments" {
			return nil, nonexistingEdge(f.name, v)
		}
		stream := f.mods["filter"] == "stream"
		if fl := f.mods["filter"]; fl != "" && fl != "stream" && fl != "toplevel" {
			return nil, errorf(100, 0, "(#100) filter must be one of the following values: toplevel, stream")
		}
		for _, c := range v.comments {
			if stream || c.parent == nil {
				items = append(items, c)
			}
		}
		switch f.mods["order"] {
		case "", "chronological":
		case "reverse_chronological":
			reverse(items)
		default:
			return nil, errorf(100, 0, "(#100) order must be one of the following values: chronological, reverse_chronological, ranked")
		}
	case *media:
		if f.name != "comments" {
			return nil, nonexistingEdge(f.name, v)
		}
		for i := len(v.comments) - 1; i >= 0; i-- {
			if v.comments[i].parent == nil {
				items = append(items, v.comments[i])
			}
		}
	case *comment:
		if (v.post != nil && f.name != "comments") || (v.media != nil && f.name != "replies") {
			return nil, nonexistingEdge(f.name, v)
		}
		var cs []*comment
		if v.post != nil {
			cs = v.post.comments
		} else {
			cs = v.media.comments
		}
		for _, c := range cs {
			if c.parent == v {
				items = append(items, c)
			}
		}
		if f.mods["order"] == "reverse_chronological" {
			reverse(items)
		}
	default:
		return nil, nonexistingEdge(f.name, v)
	}
	if l := f.mods["limit"]; l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return nil, errorf(100, 0, "(#100) Param limit must be a positive integer")
		}
		pageSize = min(n, 100)
	}
	start, pg := 0, 0
	if after != "" {
		c, ok := decodeCursor(after)
		if !ok {
			return nil, errorf(100, 0, "(#100) The after cursor is invalid")
		}
		pg = c.pg
		if c.after != "" {
			start = -1
			for i, it := range items {
				if s.idOf(it) == c.after || attachmentID(it) == c.after {
					start = i + 1
				}
			}
			if start < 0 {
				return nil, errorf(100, 0, "(#100) The after cursor is invalid: the item it points at no longer exists")
			}
		}
	}
	size := pageSize
	if s.o.ShortPages {
		switch pg % 3 {
		case 1:
			size = 0
		case 2:
			size = 1
		}
	}
	end := min(start+size, len(items))
	data := []any{}
	for _, it := range items[start:end] {
		m, aerr := s.render(rq, it, f.sub)
		if aerr != nil {
			return nil, aerr
		}
		data = append(data, m)
	}
	out := map[string]any{"data": data}
	lastID := ""
	if after != "" {
		if c, ok := decodeCursor(after); ok {
			lastID = c.after
		}
	}
	if end > start {
		lastID = itemID(s, items[end-1])
	}
	paging := map[string]any{}
	if end > start {
		paging["cursors"] = map[string]string{"before": cursor{after: itemID(s, items[start]), pg: pg}.encode(), "after": cursor{after: lastID, pg: pg + 1}.encode()}
	}
	if end < len(items) {
		q := url.Values{}
		if f.raw != "" {
			q.Set("fields", f.raw)
		}
		for k, v := range f.mods {
			if k != "limit" {
				q.Set(k, v)
			}
		}
		q.Set("limit", strconv.Itoa(pageSize))
		q.Set("after", cursor{after: lastID, pg: pg + 1}.encode())
		paging["next"] = s.srv.URL + "/" + rq.version + "/" + id + "/" + f.name + "?" + q.Encode()
		if end == start {
			paging["cursors"] = map[string]string{"before": "", "after": cursor{after: lastID, pg: pg + 1}.encode()}
		}
	}
	if len(paging) > 0 {
		out["paging"] = paging
	}
	return out, nil
}

func itemID(s *Sim, it any) string {
	if id := attachmentID(it); id != "" {
		return id
	}
	return s.idOf(it)
}

func reverse(xs []any) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

type attachmentOf struct {
	m *message
	i int
}

func attachmentID(it any) string {
	if a, ok := it.(*attachmentOf); ok {
		return fmt.Sprintf("att_%s_%d", a.m.id, a.i)
	}
	return ""
}

func nodeType(obj any) string {
	switch v := obj.(type) {
	case *owner:
		if v.IG {
			return "IGUser"
		}
		return "Page"
	case *conv:
		return "UnifiedThread"
	case *message:
		return "Message"
	case *post:
		return "PagePost"
	case *media:
		return "IGMedia"
	case *comment:
		if v.media != nil {
			return "IGComment"
		}
		return "Comment"
	}
	return "Node"
}

func nonexistingEdge(name string, obj any) *apiError {
	return errorf(100, 0, "(#100) Tried accessing nonexisting field (%s) on node type (%s)", name, nodeType(obj))
}

// allowed checks the requested fields against a node type's fields.
func allowed(sel selection, obj any, names ...string) *apiError {
	for n := range sel {
		ok := false
		for _, a := range names {
			if a == n {
				ok = true
				break
			}
		}
		if !ok {
			return nonexistingEdge(n, obj)
		}
	}
	return nil
}

func (s *Sim) render(rq *request, obj any, fields []field) (map[string]any, *apiError) {
	ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-0700") }
	out := map[string]any{}
	switch v := obj.(type) {
	case *owner:
		sel := selectFields(fields, "name")
		if e := allowed(sel, v, "id", "name", "username", "link", "category", "followers_count", "profile_picture_url"); e != nil {
			return nil, e
		}
		out["id"] = v.ID
		if _, ok := sel["name"]; ok {
			out["name"] = v.Name
		}
		if _, ok := sel["username"]; ok && v.Username != "" {
			out["username"] = v.Username
		}
	case *conv:
		sel := selectFields(fields, "updated_time")
		if e := allowed(sel, v, "id", "updated_time", "message_count", "unread_count", "participants", "messages", "link", "snippet", "senders", "can_reply", "name"); e != nil {
			return nil, e
		}
		out["id"] = v.id
		for name, f := range sel {
			switch name {
			case "updated_time":
				out[name] = ts(v.updated)
			case "message_count":
				out[name] = len(v.msgs)
			case "unread_count":
				out[name] = 0
			case "participants", "senders":
				out[name] = map[string]any{"data": []any{s.person(v.owner, v.user), s.person(v.owner, nil)}}
			case "messages":
				if e := s.nested(rq, out, name, v, v.id, f); e != nil {
					return nil, e
				}
			case "link":
				out[name] = "/" + v.owner.ID + "/inbox/" + v.id
			case "snippet":
				if len(v.msgs) > 0 {
					out[name] = v.msgs[len(v.msgs)-1].text
				}
			case "can_reply":
				out[name] = true
			}
		}
	case *message:
		sel := selectFields(fields, "created_time")
		if e := allowed(sel, v, "id", "created_time", "from", "to", "message", "attachments", "sticker", "tags", "shares", "is_unsupported", "reactions", "story"); e != nil {
			return nil, e
		}
		recent := false
		for i := len(v.conv.msgs) - 1; i >= 0 && i >= len(v.conv.msgs)-20; i-- {
			recent = recent || v.conv.msgs[i] == v
		}
		if !recent && len(sel) > 1 {
			return nil, errorf(100, 2534022, "(#100) Only the 20 most recent messages of a conversation can be read")
		}
		out["id"] = v.id
		from, to := s.person(v.conv.owner, v.conv.user), s.person(v.conv.owner, nil)
		if v.fromSelf {
			from, to = to, from
		}
		for name, f := range sel {
			switch name {
			case "created_time":
				out[name] = ts(v.at)
			case "from":
				out[name] = from
			case "to":
				out[name] = map[string]any{"data": []any{to}}
			case "message":
				out[name] = v.text
			case "attachments":
				if len(v.atts) > 0 {
					if e := s.nested(rq, out, name, v, v.id, f); e != nil {
						return nil, e
					}
				}
			case "is_unsupported":
				out[name] = false
			}
		}
	case *attachmentOf:
		a := v.m.atts[v.i]
		sel := selectFields(fields, "mime_type", "name", "size")
		if e := allowed(sel, v, "id", "mime_type", "name", "size", "file_url", "image_data", "video_data"); e != nil {
			return nil, e
		}
		out["id"] = attachmentID(v)
		for name := range sel {
			switch name {
			case "mime_type":
				out[name] = a.MimeType
			case "name":
				out[name] = a.Name
			case "size":
				out[name] = a.Size
			case "file_url":
				if !strings.HasPrefix(a.MimeType, "image/") && !strings.HasPrefix(a.MimeType, "video/") {
					out[name] = a.URL
				}
			case "image_data":
				if strings.HasPrefix(a.MimeType, "image/") {
					out[name] = map[string]any{"url": a.URL, "preview_url": a.URL, "width": 1080, "height": 1080, "max_width": 1080, "max_height": 1080}
				}
			case "video_data":
				if strings.HasPrefix(a.MimeType, "video/") {
					out[name] = map[string]any{"url": a.URL, "preview_url": a.URL, "width": 720, "height": 1280, "length": 12}
				}
			}
		}
	case *post:
		sel := selectFields(fields, "message", "created_time")
		if e := allowed(sel, v, "id", "message", "created_time", "updated_time", "permalink_url", "from", "comments", "story", "status_type", "is_published"); e != nil {
			return nil, e
		}
		out["id"] = v.id
		for name, f := range sel {
			switch name {
			case "message":
				out[name] = v.text
			case "created_time":
				out[name] = ts(v.at)
			case "updated_time":
				out[name] = ts(v.updated)
			case "permalink_url":
				out[name] = "https://www.facebook.com/" + strings.Replace(v.id, "_", "/posts/", 1)
			case "from":
				out[name] = s.person(v.owner, nil)
			case "comments":
				if e := s.nested(rq, out, name, v, v.id, f); e != nil {
					return nil, e
				}
			case "is_published":
				out[name] = true
			case "status_type":
				out[name] = "mobile_status_update"
			}
		}
	case *media:
		sel := selectFields(fields)
		if e := allowed(sel, v, "id", "caption", "timestamp", "media_type", "media_product_type", "media_url", "permalink", "comments_count", "like_count", "comments", "username"); e != nil {
			return nil, e
		}
		out["id"] = v.id
		for name, f := range sel {
			switch name {
			case "caption":
				out[name] = v.caption
			case "timestamp":
				out[name] = ts(v.at)
			case "media_type":
				out[name] = "IMAGE"
			case "media_product_type":
				out[name] = "FEED"
			case "permalink":
				out[name] = "https://www.instagram.com/p/" + v.id + "/"
			case "comments_count":
				out[name] = len(v.comments)
			case "like_count":
				out[name] = 0
			case "username":
				out[name] = v.owner.Username
			case "comments":
				if e := s.nested(rq, out, name, v, v.id, f); e != nil {
					return nil, e
				}
			}
		}
	case *comment:
		if v.media != nil {
			return s.renderIGComment(rq, v, fields)
		}
		sel := selectFields(fields, "created_time", "from", "message")
		if e := allowed(sel, v, "id", "message", "created_time", "from", "parent", "comment_count", "can_reply_privately", "is_hidden", "attachment", "comments", "like_count", "permalink_url", "message_tags"); e != nil {
			return nil, e
		}
		out["id"] = v.id
		for name, f := range sel {
			switch name {
			case "message":
				out[name] = v.text
			case "created_time":
				out[name] = ts(v.at)
			case "from":
				out[name] = s.commenter(v)
			case "parent":
				if v.parent != nil {
					sub := f.sub
					if sub == nil {
						sub = []field{{name: "created_time"}, {name: "from"}, {name: "message"}}
					}
					m, e := s.render(rq, v.parent, sub)
					if e != nil {
						return nil, e
					}
					out[name] = m
				}
			case "comment_count":
				n := 0
				for _, c := range v.post.comments {
					if c.parent == v {
						n++
					}
				}
				out[name] = n
			case "can_reply_privately":
				out[name] = !v.fromSelf && !v.privateReplied && s.now.Before(v.at.Add(7*24*time.Hour))
			case "is_hidden":
				out[name] = v.hidden
			case "like_count":
				out[name] = 0
			case "permalink_url":
				out[name] = "https://www.facebook.com/" + v.id
			case "comments":
				if e := s.nested(rq, out, name, v, v.id, f); e != nil {
					return nil, e
				}
			}
		}
	default:
		return nil, errorf(1, 0, "An unknown error occurred")
	}
	return out, nil
}

// nested renders obj's edge f into out[name].
func (s *Sim) nested(rq *request, out map[string]any, name string, obj any, id string, f field) *apiError {
	m, e := s.edge(rq, obj, id, f, "")
	if e != nil {
		return e
	}
	out[name] = m
	return nil
}

func (s *Sim) renderIGComment(rq *request, v *comment, fields []field) (map[string]any, *apiError) {
	sel := selectFields(fields, "text", "timestamp")
	if e := allowed(sel, v, "id", "text", "timestamp", "username", "from", "parent_id", "hidden", "like_count", "replies", "media"); e != nil {
		return nil, e
	}
	out := map[string]any{"id": v.id}
	for name, f := range sel {
		switch name {
		case "text":
			out[name] = v.text
		case "timestamp":
			out[name] = v.at.UTC().Format("2006-01-02T15:04:05-0700")
		case "username":
			out[name] = s.commenter(v)["username"]
		case "from":
			out[name] = s.commenter(v)
		case "parent_id":
			if v.parent != nil {
				out[name] = v.parent.id
			}
		case "hidden":
			out[name] = v.hidden
		case "like_count":
			out[name] = 0
		case "media":
			out[name] = map[string]any{"id": v.media.id, "media_product_type": "FEED"}
		case "replies":
			if v.parent == nil {
				if e := s.nested(rq, out, name, v, v.id, f); e != nil {
					return nil, e
				}
			}
		}
	}
	return out, nil
}

// person is a participant object; u == nil is the account itself.
func (s *Sim) person(o *owner, u *User) map[string]any {
	switch {
	case u == nil && o.IG:
		return map[string]any{"id": o.ID, "username": o.Username}
	case u == nil:
		return map[string]any{"id": o.ID, "name": o.Name, "email": o.ID + "@facebook.com"}
	case o.IG:
		return map[string]any{"id": u.IGSID, "username": u.Username}
	}
	return map[string]any{"id": u.PSID, "name": u.Name, "email": u.Email}
}

func (s *Sim) commenter(c *comment) map[string]any {
	o := c.owner()
	switch {
	case c.fromSelf && o.IG:
		return map[string]any{"id": o.ID, "username": o.Username}
	case c.fromSelf:
		return map[string]any{"id": o.ID, "name": o.Name}
	case o.IG:
		return map[string]any{"id": c.user.IGSID, "username": c.user.Username}
	}
	return map[string]any{"id": c.user.ASID, "name": c.user.Name}
}

// sendRequest is the Send API's body.
type sendRequest struct {
	Recipient struct {
		ID        string `json:"id"`
		CommentID string `json:"comment_id"`
		PostID    string `json:"post_id"`
	} `json:"recipient"`
	MessagingType string `json:"messaging_type"`
	Tag           string `json:"tag"`
	Message       *struct {
		Text       string          `json:"text"`
		Attachment json.RawMessage `json:"attachment"`
	} `json:"message"`
	SenderAction string `json:"sender_action"`
}

func (s *Sim) post(rq *request, obj any, edge string) (any, *apiError) {
	switch v := obj.(type) {
	case *owner:
		if edge == "messages" {
			return s.send(rq, v)
		}
	case *comment:
		if (v.post != nil && edge == "comments") || (v.media != nil && edge == "replies") {
			return s.publicReply(rq, v)
		}
	}
	return nil, errorf(100, 0, "(#100) Unsupported post request")
}

func (s *Sim) param(rq *request, name string) string {
	if v := rq.q.Get(name); v != "" {
		return v
	}
	if strings.HasPrefix(rq.r.Header.Get("Content-Type"), "application/json") {
		var m map[string]any
		if json.Unmarshal(rq.body, &m) == nil {
			if v, ok := m[name].(string); ok {
				return v
			}
		}
	}
	return ""
}

func (s *Sim) send(rq *request, o *owner) (any, *apiError) {
	var req sendRequest
	if strings.HasPrefix(rq.r.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rq.body, &req); err != nil {
			return nil, errorf(100, 0, "(#100) Invalid JSON body: %v", err)
		}
	} else {
		for k, dst := range map[string]any{"recipient": &req.Recipient, "message": &req.Message} {
			if v := rq.q.Get(k); v != "" {
				if err := json.Unmarshal([]byte(v), dst); err != nil {
					return nil, errorf(100, 0, "(#100) param %s must be JSON", k)
				}
			}
		}
		req.MessagingType, req.Tag, req.SenderAction = rq.q.Get("messaging_type"), rq.q.Get("tag"), rq.q.Get("sender_action")
	}
	if req.SenderAction != "" {
		if req.Recipient.ID == "" {
			return nil, errorf(100, 0, "(#100) param recipient must be non-empty")
		}
		return map[string]string{"recipient_id": req.Recipient.ID}, nil
	}
	if req.Message == nil || (req.Message.Text == "" && len(req.Message.Attachment) == 0) {
		return nil, errorf(100, 0, "(#100) param message must be non-empty.")
	}
	text := req.Message.Text
	if o.IG && len(text) > 1000 {
		return nil, errorf(100, 2534015, "(#100) The message text must be less than 1000 characters")
	}
	if !o.IG && utf8.RuneCountInString(text) > 2000 {
		return nil, errorf(100, 2018047, "(#100) Length of param message[text] must be less than or equal to 2000")
	}
	switch {
	case req.Recipient.CommentID != "":
		c, ok := s.objects[req.Recipient.CommentID].(*comment)
		if !ok || c.owner() != o {
			return nil, notFound(req.Recipient.CommentID)
		}
		if req.MessagingType != "" && req.MessagingType != "RESPONSE" {
			return nil, errorf(100, 0, "(#100) A private reply must use messaging_type RESPONSE")
		}
		switch {
		case c.fromSelf:
			return nil, errorf(10903, 0, "(#10903) This activity can't be replied to")
		case c.privateReplied:
			return nil, errorf(10900, 0, "(#10900) Activity already replied to")
		case !s.now.Before(c.at.Add(7 * 24 * time.Hour)):
			return nil, outOfWindow()
		}
		if c.user.Unavailable {
			return nil, errorf(551, 1545041, "%s", defaultMessage(551))
		}
		c.privateReplied = true
		m := s.addMessage(s.convWith(o, c.user, true), true, text, nil)
		return map[string]string{"recipient_id": s.scoped(o, c.user), "message_id": m.id}, nil
	case req.Recipient.ID != "":
		var cv *conv
		for _, c := range o.convs {
			if s.scoped(o, c.user) == req.Recipient.ID {
				cv = c
			}
		}
		if cv == nil {
			return nil, errorf(100, 2018001, "(#100) No matching user found")
		}
		if cv.user.Unavailable {
			return nil, errorf(551, 1545041, "%s", defaultMessage(551))
		}
		switch req.MessagingType {
		case "RESPONSE", "UPDATE":
			if cv.lastIn.IsZero() || s.now.After(cv.lastIn.Add(24*time.Hour)) {
				return nil, outOfWindow()
			}
		case "MESSAGE_TAG":
			switch {
			case req.Tag == "HUMAN_AGENT":
				if cv.lastIn.IsZero() || s.now.After(cv.lastIn.Add(7*24*time.Hour)) {
					return nil, outOfWindow()
				}
			case !o.IG && (req.Tag == "ACCOUNT_UPDATE" || req.Tag == "POST_PURCHASE_UPDATE" || req.Tag == "CONFIRMED_EVENT_UPDATE"):
			default:
				return nil, errorf(100, 2018303, "(#100) Param tag must be one of {HUMAN_AGENT, ACCOUNT_UPDATE, POST_PURCHASE_UPDATE, CONFIRMED_EVENT_UPDATE}")
			}
		case "":
			return nil, errorf(100, 2018302, "(#100) The parameter messaging_type is required")
		default:
			return nil, errorf(100, 0, "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}")
		}
		m := s.addMessage(cv, true, text, nil)
		return map[string]string{"recipient_id": req.Recipient.ID, "message_id": m.id}, nil
	}
	return nil, errorf(100, 0, "(#100) param recipient must be non-empty.")
}

func (s *Sim) publicReply(rq *request, c *comment) (any, *apiError) {
	text := s.param(rq, "message")
	if strings.TrimSpace(text) == "" {
		return nil, errorf(100, 0, "(#100) Missing message or attachment")
	}
	if c.media != nil {
		switch {
		case c.parent != nil:
			return nil, errorf(100, 0, "(#100) Replies can only be made to top-level comments")
		case c.hidden:
			return nil, errorf(100, 0, "(#100) Hidden comments cannot be replied to")
		case utf8.RuneCountInString(text) > 2200:
			return nil, errorf(100, 0, "(#100) The comment is too long")
		}
	} else if utf8.RuneCountInString(text) > 8000 {
		return nil, errorf(100, 0, "(#100) The comment is too long")
	}
	r, err := s.addComment(c.id, nil, text)
	if err != nil {
		return nil, errorf(100, 0, "(#100) %v", err)
	}
	return map[string]string{"id": r.id}, nil
}
