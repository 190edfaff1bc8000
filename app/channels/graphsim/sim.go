// Package graphsim is a local Meta Graph API server for tests and the demo. It
// speaks the real wire format on 127.0.0.1: data/paging envelopes with
// cursors (and, on request, short and empty pages that still have a next
// link), field expansion, Graph error bodies, the usage headers, and the
// platforms' rules:
//
//   - Page conversations (platform=messenger) and Instagram conversations,
//     newest first, whose messages show only the 20 most recent in detail;
//   - Page posts and their comments (filter=stream, order=reverse_chronological),
//     public replies (POST /{comment}/comments) that join the top-level comment;
//   - Instagram media and comments, public replies to top-level comments only
//     (POST /{comment}/replies);
//   - the Send API: messaging_type RESPONSE within 24 h of the customer's last
//     message, MESSAGE_TAG with HUMAN_AGENT up to 7 days, else code 10
//     subcode 2018278; private replies (recipient.comment_id) once per comment
//     (else code 10900) within 7 days of it (else 10/2018278). A private reply
//     opens the customer's conversation but not the 24 h window: that needs
//     the customer to answer.
//
// A virtual clock, which the test moves, dates everything (and the Date
// header). Faults can be injected: the next calls fail with a Graph code, an
// HTTP status or a dropped connection. Usage headers can be set, or derived
// from a call budget per rolling hour, past which calls are throttled with
// the Business Use Case codes (80001 Pages, 80002 Instagram, 80006 Messenger).
package graphsim

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options configure a simulator.
type Options struct {
	// Start is the virtual clock's start (default 2026-03-02 09:00 UTC).
	Start time.Time
	// PageSize is a list's default page size (default 25, max 100).
	PageSize int
	// MessagePage is the page size of the messages edge (default 25; the
	// detail cap of 20 still applies).
	MessagePage int
	// ShortPages makes lists alternate full, empty and one-item pages, each
	// with a next link while more remain.
	ShortPages bool
	// CallBudget is how many calls an account may make in a rolling hour
	// before it is throttled (0: unlimited). Usage headers report the share used.
	CallBudget int
	// BeforeCall, if set, runs at the start of every API call, before it is
	// served: the demo adds the messages whose time has come and moves the
	// clock (AdvanceTo) there, so every call sees the desk as of its time.
	BeforeCall func()
	// SeqStart numbers the objects made outside Script (default 0). A desk
	// rebuilt every run (the demo) gives each run its own, so the replies of
	// one run never take the IDs of another's.
	SeqStart int
}

// User is a person writing to the brand. The platforms give each app a
// different ID for the same person, so a user has several.
type User struct {
	Name     string
	Username string // Instagram
	Email    string
	PSID     string // Page-scoped: Messenger
	ASID     string // App-scoped: the author of Facebook comments
	IGSID    string // Instagram-scoped: DMs and comments
	// Unavailable makes sends to the user fail with code 551.
	Unavailable bool
}

// Account is a Facebook Page or an Instagram professional account.
type Account struct {
	ID       string
	Name     string
	Username string
	Token    string
	IG       bool
}

// Attachment is a file a user sends.
type Attachment struct {
	Name     string
	MimeType string
	Size     int64
	URL      string
}

// Fault makes the next matching calls fail.
type Fault struct {
	Times int    // how many calls fail (default 1)
	Skip  int    // how many matching calls pass before the failures
	Match string // a substring of "METHOD /path" the call must contain ("" = any)
	// Code and Subcode give a Graph error body; Status the HTTP status
	// (default 400, or 500 for codes 1 and 2). With Code 0 and a Status, the
	// body is plain text, as from a proxy.
	Code, Subcode int
	Status        int
	Message       string
	// Regain sets estimated_time_to_regain_access (minutes) in the usage headers.
	Regain int
	// Drop closes the connection without an answer.
	Drop bool
	// After lets the call through and fails it on the way back (Drop or an
	// error), so the request takes effect but its answer is lost.
	After bool
}

// Usage is what the usage headers report, in percent.
type Usage struct {
	App, Page, BUC int
}

type owner struct {
	Account
	convs  []*conv
	posts  []*post
	media  []*media
	expire bool
}

type conv struct {
	id      string
	owner   *owner
	user    *User
	msgs    []*message // oldest first
	updated time.Time
	lastIn  time.Time
}

type message struct {
	id       string
	conv     *conv
	fromSelf bool
	text     string
	at       time.Time
	atts     []Attachment
}

type post struct {
	id       string
	owner    *owner
	text     string
	at       time.Time
	updated  time.Time
	comments []*comment // oldest first, replies included
}

type media struct {
	id       string
	owner    *owner
	caption  string
	at       time.Time
	comments []*comment
}

type comment struct {
	id             string
	post           *post
	media          *media
	parent         *comment
	fromSelf       bool
	user           *User
	text           string
	at             time.Time
	privateReplied bool
	hidden         bool
}

func (c *comment) owner() *owner {
	if c.post != nil {
		return c.post.owner
	}
	return c.media.owner
}

// Sim is one simulated Graph API. It is safe for concurrent use.
type Sim struct {
	o   Options
	srv *httptest.Server

	// gate lets Script run alone: every call holds it for reading.
	gate     sync.RWMutex
	mu       sync.Mutex
	now      time.Time
	seq      int
	owners   map[string]*owner
	tokens   map[string]*owner
	objects  map[string]any
	users    []*User
	faults   []*Fault
	hooks    []hook
	usage    Usage
	calls    map[string][]time.Time
	requests []string
}

// New starts a simulator on 127.0.0.1; Close stops it.
func New(o Options) *Sim {
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	}
	if o.PageSize <= 0 {
		o.PageSize = 25
	}
	if o.MessagePage <= 0 {
		o.MessagePage = 25
	}
	s := &Sim{o: o, now: o.Start.UTC(), seq: o.SeqStart, owners: map[string]*owner{}, tokens: map[string]*owner{},
		objects: map[string]any{}, calls: map[string][]time.Time{}}
	s.srv = httptest.NewServer(s) // binds 127.0.0.1
	return s
}

// Close stops the server.
func (s *Sim) Close() { s.srv.Close() }

// URL is the base URL to configure a Graph client with (no version).
func (s *Sim) URL() string { return s.srv.URL }

// Now is the virtual time.
func (s *Sim) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// Advance moves the virtual clock forward.
func (s *Sim) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

// AdvanceTo moves the virtual clock forward to t (never back).
func (s *Sim) AdvanceTo(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.now) {
		s.now = t.UTC()
	}
}

// Script runs fn with the clock at at and the objects fn adds (conversations,
// messages, posts, media, comments, users, accounts) numbered from seq+1,
// while no call is served; then the clock and numbering go back to where they
// were. The same scripts give the same IDs in every run, whatever was called
// before: the demo rebuilds its desk with them at each start. fn must not
// call the API over HTTP, nor Script.
func (s *Sim) Script(at time.Time, seq int, fn func()) {
	s.gate.Lock()
	defer s.gate.Unlock()
	s.mu.Lock()
	now, saved := s.now, s.seq
	s.now, s.seq = at.UTC(), seq
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.now, s.seq = now, saved
		s.mu.Unlock()
	}()
	fn()
}

func (s *Sim) next() int { s.seq++; return s.seq }

// stamp is the virtual time at the API's resolution, seconds.
func (s *Sim) stamp() time.Time { return s.now.Truncate(time.Second) }

// AddPage adds a Facebook Page and returns it with its Page token.
func (s *Sim) AddPage(name string) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.next()
	o := &owner{Account: Account{ID: fmt.Sprintf("10%011d", n), Name: name, Token: fmt.Sprintf("EAAPage%dToken", n)}}
	s.owners[o.ID] = o
	s.tokens[o.Token] = o
	return o.Account
}

// AddInstagram adds an Instagram professional account with its token.
func (s *Sim) AddInstagram(username string) Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.next()
	o := &owner{Account: Account{ID: fmt.Sprintf("1784%011d", n), Name: username, Username: username, IG: true,
		Token: fmt.Sprintf("IGAA%dToken", n)}}
	s.owners[o.ID] = o
	s.tokens[o.Token] = o
	return o.Account
}

// NewUser adds a person with an ID on every platform.
func (s *Sim) NewUser(name string) *User {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.next()
	u := &User{Name: name, Username: strings.ToLower(strings.ReplaceAll(name, " ", ".")),
		PSID: fmt.Sprintf("24%014d", n), ASID: fmt.Sprintf("31%014d", n), IGSID: fmt.Sprintf("91%014d", n)}
	u.Email = u.PSID + "@facebook.com"
	s.users = append(s.users, u)
	return u
}

// ExpireToken makes an account's token expired (code 190, subcode 463).
func (s *Sim) ExpireToken(accountID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[accountID].expire = true
}

// Fail makes the next matching calls fail; faults apply in order.
func (s *Sim) Fail(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

type hook struct {
	match string
	fn    func()
}

// OnCall runs fn once, before the first later call whose "METHOD /path?query"
// contains match is served, so a test can change the platform mid-sync
// (e.g. a conversation moving to the top while the listing is paged). fn may
// use the simulator.
func (s *Sim) OnCall(match string, fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, hook{match, fn})
}

// SetUsage sets the usage headers' percentages.
func (s *Sim) SetUsage(u Usage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usage = u
}

// Requests lists the calls served so far, as "METHOD /path?query".
func (s *Sim) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Sim) owner(id string) *owner {
	o := s.owners[id]
	if o == nil {
		panic("graphsim: unknown account " + id)
	}
	return o
}

func (s *Sim) scoped(o *owner, u *User) string {
	if o.IG {
		return u.IGSID
	}
	return u.PSID
}

func (s *Sim) convWith(o *owner, u *User, create bool) *conv {
	for _, c := range o.convs {
		if c.user == u {
			return c
		}
	}
	if !create {
		return nil
	}
	n := s.next()
	c := &conv{owner: o, user: u, id: fmt.Sprintf("t_%d", 100000000+n)}
	if o.IG {
		c.id = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "ig_thread:1:IGMessageThread:%d", n))
	}
	o.convs = append(o.convs, c)
	s.objects[c.id] = c
	return c
}

func (s *Sim) addMessage(c *conv, fromSelf bool, text string, atts []Attachment) *message {
	n := s.next()
	m := &message{conv: c, fromSelf: fromSelf, text: text, at: s.stamp(), atts: atts}
	if c.owner.IG {
		m.id = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "ig_item:1:IGMessage:%d", n))
	} else {
		m.id = "m_" + base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "mid.$cAA%d", n))
	}
	c.msgs = append(c.msgs, m)
	c.updated = m.at
	if !fromSelf {
		c.lastIn = m.at
	}
	s.objects[m.id] = m
	return m
}

// UserMessage makes a user write to an account's inbox (Messenger for a
// Page, Direct for Instagram) at the virtual time; it returns the message ID.
func (s *Sim) UserMessage(accountID string, u *User, text string, atts ...Attachment) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(accountID)
	return s.addMessage(s.convWith(o, u, true), false, text, atts).id
}

// AccountMessage is a reply the brand wrote in the platform's own app.
func (s *Sim) AccountMessage(accountID string, u *User, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(accountID)
	return s.addMessage(s.convWith(o, u, true), true, text, nil).id
}

// AddPost publishes a Page post.
func (s *Sim) AddPost(pageID, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(pageID)
	p := &post{owner: o, text: text, at: s.stamp(), id: fmt.Sprintf("%s_%d", o.ID, 5000000+s.next())}
	p.updated = p.at
	o.posts = append(o.posts, p)
	s.objects[p.id] = p
	return p.id
}

// AddMedia publishes an Instagram post.
func (s *Sim) AddMedia(igID, caption string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(igID)
	m := &media{owner: o, caption: caption, at: s.stamp(), id: fmt.Sprintf("1790%013d", s.next())}
	o.media = append(o.media, m)
	s.objects[m.id] = m
	return m.id
}

// Comment adds a comment on a post or media (on), or a reply when on is a
// comment ID. A nil user is the account itself. On Facebook a reply to a
// reply joins the top-level comment, as the platform does.
func (s *Sim) Comment(on string, u *User, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.addComment(on, u, text)
	if err != nil {
		panic("graphsim: " + err.Error())
	}
	return c.id
}

func (s *Sim) addComment(on string, u *User, text string) (*comment, error) {
	c := &comment{user: u, fromSelf: u == nil, text: text, at: s.stamp()}
	switch obj := s.objects[on].(type) {
	case *post:
		c.post = obj
	case *media:
		c.media = obj
	case *comment:
		top := obj
		if top.parent != nil {
			if top.media != nil {
				return nil, fmt.Errorf("replies to replies are not supported on Instagram")
			}
			top = top.parent
		}
		c.parent, c.post, c.media = top, top.post, top.media
	default:
		return nil, fmt.Errorf("nothing to comment on with ID %s", on)
	}
	n := s.next()
	if c.post != nil {
		_, postNum, _ := strings.Cut(c.post.id, "_")
		c.id = fmt.Sprintf("%s_%d", postNum, 7000000+n)
		c.post.comments = append(c.post.comments, c)
		c.post.updated = c.at
	} else {
		c.id = fmt.Sprintf("1785%013d", n)
		c.media.comments = append(c.media.comments, c)
	}
	s.objects[c.id] = c
	return c, nil
}

// Hide hides an Instagram comment (it can no longer be replied to).
func (s *Sim) Hide(commentID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[commentID].(*comment).hidden = true
}

// Message is a message as the simulator holds it, for test assertions.
type Message struct {
	ID       string
	Thread   string // the user's scoped ID (PSID or IGSID)
	Text     string
	At       time.Time
	FromSelf bool
}

// Messages lists every message of an account's inbox, oldest first.
func (s *Sim) Messages(accountID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(accountID)
	var out []Message
	for _, c := range o.convs {
		for _, m := range c.msgs {
			out = append(out, Message{ID: m.id, Thread: s.scoped(o, c.user), Text: m.text, At: m.at, FromSelf: m.fromSelf})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// CommentInfo is a comment as the simulator holds it.
type CommentInfo struct {
	ID       string
	Top      string // the top-level comment of its thread
	Text     string
	At       time.Time
	FromSelf bool
	// PrivateReplied reports whether the comment got its private reply.
	PrivateReplied bool
}

// Comments lists every comment on an account's posts or media, oldest first.
func (s *Sim) Comments(accountID string) []CommentInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.owner(accountID)
	var all []*comment
	for _, p := range o.posts {
		all = append(all, p.comments...)
	}
	for _, m := range o.media {
		all = append(all, m.comments...)
	}
	var out []CommentInfo
	for _, c := range all {
		top := c.id
		if c.parent != nil {
			top = c.parent.id
		}
		out = append(out, CommentInfo{ID: c.id, Top: top, Text: c.text, At: c.at, FromSelf: c.fromSelf, PrivateReplied: c.privateReplied})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}
