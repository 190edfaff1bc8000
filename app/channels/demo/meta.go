package demo

import (
	"hash/fnv"
	"strings"
	"sync"
	"time"

	"sportello/app/channels"
	"sportello/app/channels/fbcomments"
	"sportello/app/channels/graph"
	"sportello/app/channels/graphsim"
	"sportello/app/channels/instagram"
	"sportello/app/channels/messenger"
	"sportello/app/convo"
)

// The demo's Messenger, Page comments and Instagram accounts go through the
// real channels (messenger, fbcomments, instagram), which call a local Graph
// API (graphsim) over HTTP: the demo fills it with its desk, one event at a
// time as the event's time comes, and its clock follows. The desk is rebuilt
// the same in every run, each event with the same IDs (graphsim.Script), so
// what the store already holds is never delivered twice; replies sent in a
// run are numbered from the run's start, never reusing another run's IDs.

// Numbering of the scripted objects: the accounts and customers, the brand's
// posts, then event k (history first, then live) from metaEvents+4k.
const (
	metaPeople = 0
	metaPosts  = 10_000
	metaEvents = 100_000
)

// metaPoll is how often the demo's Meta accounts poll (the real ones: 15–30 s).
const metaPoll = 2 * time.Second

var postTexts = []string{
	"Nuova collezione autunno: divani in velluto in 6 colori 🛋️",
	"Saldi di fine stagione: fino al 40% su lampade e tavoli",
	"Da oggi consegna al piano gratuita in tutta Italia 🚚",
}

type metaDesk struct {
	s        *Sim
	g        *graphsim.Sim
	page, ig graphsim.Account
	users    []*graphsim.User // by customer
	posts    []string         // the Page's posts
	media    []string         // the Instagram account's posts

	mu     sync.Mutex
	next   int               // the next event to feed: history, then live
	top    map[string]string // a demo comment thread → its top-level comment
	opened map[string]bool   // DM threads with a customer message
}

// meta returns the demo's Graph API, built on first use.
func (s *Sim) meta() *metaDesk {
	s.metaOnce.Do(func() {
		// Replies get IDs from the run's start (µs): never those of another run.
		m := &metaDesk{s: s, top: map[string]string{}, opened: map[string]bool{}}
		m.g = graphsim.New(graphsim.Options{Start: s.o.Anchor.Add(-72 * time.Hour), SeqStart: int(s.o.Now().UnixMicro()), BeforeCall: m.feed})
		at := s.o.Anchor.Add(-72 * time.Hour)
		m.g.Script(at, metaPeople, func() {
			m.page = m.g.AddPage(brand)
			m.ig = m.g.AddInstagram("auroracasa")
			for _, c := range s.customers {
				m.users = append(m.users, m.g.NewUser(c.full))
			}
		})
		m.g.Script(at, metaPosts, func() {
			for _, t := range postTexts {
				m.posts = append(m.posts, m.g.AddPost(m.page.ID, t))
				m.media = append(m.media, m.g.AddMedia(m.ig.ID, t))
			}
		})
		s.mu.Lock()
		s.metaDesk = m
		s.mu.Unlock()
	})
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.metaDesk
}

// Close stops the demo's Graph API, if it was started.
func (s *Sim) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.metaDesk != nil {
		s.metaDesk.g.Close()
	}
}

func isMeta(p convo.Platform) bool {
	return p == convo.PlatformMessenger || p == convo.PlatformFacebook || p == convo.PlatformInstagram
}

// metaChannel is the real channel of a demo Meta account.
func (s *Sim) metaChannel(i int) channels.Channel {
	m := s.meta()
	g := graph.Options{BaseURL: m.g.URL(), Token: m.page.Token, Now: s.o.Now}
	var ch channels.Channel
	var err error
	switch s.accounts[i].Platform {
	case convo.PlatformMessenger:
		ch, err = messenger.New(messenger.Options{Graph: g, PageID: m.page.ID, PollInterval: metaPoll})
	case convo.PlatformFacebook:
		ch, err = fbcomments.New(fbcomments.Options{Graph: g, PageID: m.page.ID, PollInterval: metaPoll})
	default:
		g.Token = m.ig.Token
		ch, err = instagram.New(instagram.Options{Graph: g, AccountID: m.ig.ID, PollInterval: metaPoll})
	}
	if err != nil {
		panic("demo: " + err.Error()) // fixed options: cannot happen
	}
	return ch
}

// feed runs before every call to the Graph API: it adds the Meta events whose
// time has come, then moves the API's clock to now. A call never sees a time
// whose events are not there yet, and replies are dated as the app sees them.
func (m *metaDesk) feed() {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.s
	now := s.o.Now()
	for {
		k := s.caughtUp(m.next, now)
		e := s.event(k)
		if e.at.After(now) {
			break
		}
		m.next = k + 1
		if isMeta(s.accounts[e.acct].Platform) {
			m.g.Script(e.at, metaEvents+4*k, func() { m.add(e) })
		}
	}
	m.g.AdvanceTo(now)
}

// add puts one event on the Graph API (inside its Script).
func (m *metaDesk) add(e event) {
	p := m.s.accounts[e.acct].Platform
	u := m.users[e.cust]
	if e.kind == convo.KindDM {
		owner := m.page.ID
		if p == convo.PlatformInstagram {
			owner = m.ig.ID
		}
		switch {
		case e.dir == convo.DirIn:
			var atts []graphsim.Attachment
			if hasPhoto(e.text) {
				atts = append(atts, graphsim.Attachment{Name: photoName, MimeType: "image/jpeg", Size: photoSize})
			}
			m.g.UserMessage(owner, u, e.text, atts...)
			m.opened[e.thread] = true
		case m.opened[e.thread]: // the brand answers; it cannot write first
			m.g.AccountMessage(owner, u, e.text)
		}
		return
	}
	top, ok := m.top[e.thread]
	switch {
	case !ok && e.dir == convo.DirIn:
		on := m.posts
		if p == convo.PlatformInstagram {
			on = m.media
		}
		h := fnv.New32a()
		h.Write([]byte(e.thread))
		m.top[e.thread] = m.g.Comment(on[int(h.Sum32())%len(on)], u, e.text)
	case !ok: // a brand comment opening a thread: not part of the desk
	case e.dir == convo.DirIn:
		m.g.Comment(top, u, e.text)
	default:
		m.g.Comment(top, nil, e.text)
	}
}

// The photo customers attach when they mention one.
const (
	photoName = "IMG_2031.jpg"
	photoSize = 1843200
)

func hasPhoto(text string) bool {
	return strings.Contains(text, "foto") || strings.Contains(text, "photos")
}
