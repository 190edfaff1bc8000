package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"sportello/app/convo"
	"sportello/app/internal/testclock"
)

// t0 is the fake clock's start and the base of every message time.
var t0 = time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC)

func newClock() *testclock.Clock { return testclock.New(t0) }

// plenty is a free-space reading far above any MinFree used here, so tests
// do not depend on the real disk unless they mean to.
func plenty(string) (int64, error) { return 1 << 50, nil }

func withDefaults(o Options) Options {
	if o.Now == nil {
		o.Now = newClock().Now
	}
	if o.FreeSpace == nil {
		o.FreeSpace = plenty
	}
	return o
}

func openMem(t *testing.T, o Options) *Store {
	t.Helper()
	o = withDefaults(o)
	o.InMemory = true
	s, err := Open("", o)
	if err != nil {
		t.Fatalf("Open(in memory) = %v, want nil", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openDisk(t *testing.T, dir string, o Options) *Store {
	t.Helper()
	s, err := Open(dir, withDefaults(o))
	if err != nil {
		t.Fatalf("Open(%s) = %v, want nil", dir, err)
	}
	t.Cleanup(func() { s.Close() }) // Close is idempotent
	return s
}

// backends are the two ways a store is opened; most behaviour must hold for both.
var backends = []struct {
	name string
	open func(t *testing.T, o Options) *Store
}{
	{"memory", openMem},
	{"disk", func(t *testing.T, o Options) *Store { return openDisk(t, t.TempDir(), o) }},
}

func minutes(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

// dm is an inbound item on a WhatsApp-like DM thread whose customer is
// identified by the thread name.
func dm(thread, pid string, dir convo.Direction, at time.Time, text string) convo.Inbound {
	return convo.Inbound{
		ThreadID: thread,
		Kind:     convo.KindDM,
		Customer: convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "h-" + thread, DisplayName: "Cliente " + thread},
		Message:  convo.Message{PlatformID: pid, Direction: dir, Author: "author-" + thread, Text: text, At: at},
	}
}

func mustIngest(t *testing.T, s *Store, acct string, items []convo.Inbound, cursor string) IngestResult {
	t.Helper()
	res, err := s.Ingest(acct, items, cursor)
	if err != nil {
		t.Fatalf("Ingest(%s, %d items) = %v, want nil", acct, len(items), err)
	}
	if len(res.Rejected) > 0 {
		t.Fatalf("Ingest(%s, %d items) rejected %v, want none", acct, len(items), res.Rejected)
	}
	return res
}

func mustConv(t *testing.T, s *Store, id string) convo.Conversation {
	t.Helper()
	c, err := s.Conversation(id)
	if err != nil {
		t.Fatalf("Conversation(%s) = %v, want nil", id, err)
	}
	return c
}

func mustMessages(t *testing.T, s *Store, conv string) []convo.Message {
	t.Helper()
	ms, err := s.Messages(conv, 0)
	if err != nil {
		t.Fatalf("Messages(%s, 0) = %v, want nil", conv, err)
	}
	return ms
}

func allConversations(t *testing.T, s *Store) []convo.Conversation {
	t.Helper()
	var out []convo.Conversation
	if err := s.ForEachConversation(func(c convo.Conversation) error { out = append(out, c); return nil }); err != nil {
		t.Fatalf("ForEachConversation = %v, want nil", err)
	}
	return out
}

func dueIDs(t *testing.T, s *Store, n int) []string {
	t.Helper()
	cs, err := s.FirstDue(n)
	if err != nil {
		t.Fatalf("FirstDue(%d) = %v, want nil", n, err)
	}
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// sampleBatch is two conversations: an answered DM and a public comment.
const acctWA = "acct-wa"

func sampleBatch() []convo.Inbound {
	mario := func(pid string, dir convo.Direction, at time.Time, text string) convo.Inbound {
		return convo.Inbound{
			ThreadID: "t-mario", Kind: convo.KindDM, Language: "it",
			Customer: convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "+39111", DisplayName: "Mario Rossi"},
			Message:  convo.Message{PlatformID: pid, Direction: dir, Author: "Mario", Text: text, At: at},
		}
	}
	return []convo.Inbound{
		mario("p1", convo.DirIn, minutes(0), "Buongiorno, il pacco non è arrivato"),
		mario("p2", convo.DirIn, minutes(1), "Ordine   1234"),
		mario("p3", convo.DirOut, minutes(5), "Controllo subito"),
		{
			ThreadID: "t-anna", Kind: convo.KindComment, Public: true, Subject: "Post del 3 marzo",
			Customer: convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "+39222", DisplayName: "Anna Verdi"},
			Message:  convo.Message{PlatformID: "p4", Direction: convo.DirIn, Author: "Anna", Text: "Pessimo servizio", At: minutes(2)},
		},
	}
}

func sampleWant() (convs []convo.Conversation, msgs map[string][]convo.Message, custs []convo.Customer) {
	mario, anna := ConvID(acctWA, "t-mario"), ConvID(acctWA, "t-anna")
	marioID, annaID := ID("u_", "whatsapp", "+39111"), ID("u_", "whatsapp", "+39222")
	convs = []convo.Conversation{
		{
			ID: mario, AccountID: acctWA, Platform: convo.PlatformWhatsApp, ThreadID: "t-mario", Kind: convo.KindDM,
			Status: convo.StatusOpen, Priority: convo.PriorityNormal, CustomerID: marioID, CustomerName: "Mario Rossi",
			Preview: "Controllo subito", Created: minutes(0), LastIn: minutes(1), LastOut: minutes(5), FirstOut: minutes(5), LastAt: minutes(5),
			MessageCount: 3, Rev: 1,
		},
		{
			ID: anna, AccountID: acctWA, Platform: convo.PlatformWhatsApp, ThreadID: "t-anna", Kind: convo.KindComment,
			Public: true, Status: convo.StatusOpen, Priority: convo.PriorityHigh, CustomerID: annaID, CustomerName: "Anna Verdi",
			Subject: "Post del 3 marzo", Preview: "Pessimo servizio", Created: minutes(2), LastIn: minutes(2), LastAt: minutes(2),
			AwaitingSince: minutes(2), Due: minutes(12), MessageCount: 1, Rev: 1,
		},
	}
	sort.Slice(convs, func(i, j int) bool { return convs[i].ID < convs[j].ID })
	msg := func(conv, pid string, dir convo.Direction, author, text string, at time.Time) convo.Message {
		return convo.Message{ID: ID("m_", acctWA, pid), ConvID: conv, PlatformID: pid, Direction: dir, Author: author, Text: text, At: at}
	}
	msgs = map[string][]convo.Message{
		mario: {
			msg(mario, "p1", convo.DirIn, "Mario", "Buongiorno, il pacco non è arrivato", minutes(0)),
			msg(mario, "p2", convo.DirIn, "Mario", "Ordine   1234", minutes(1)),
			msg(mario, "p3", convo.DirOut, "Mario", "Controllo subito", minutes(5)),
		},
		anna: {msg(anna, "p4", convo.DirIn, "Anna", "Pessimo servizio", minutes(2))},
	}
	custs = []convo.Customer{
		{ID: marioID, Name: "Mario Rossi", Language: "it", Created: minutes(0),
			Identities: []convo.Identity{{Platform: convo.PlatformWhatsApp, Handle: "+39111", DisplayName: "Mario Rossi"}}},
		{ID: annaID, Name: "Anna Verdi", Created: minutes(2),
			Identities: []convo.Identity{{Platform: convo.PlatformWhatsApp, Handle: "+39222", DisplayName: "Anna Verdi"}}},
	}
	return convs, msgs, custs
}

func TestIngestAndReadBack(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Options{})
			var published []string
			s.Subscribe(func(cs []convo.Conversation) {
				for _, c := range cs {
					published = append(published, c.ID)
				}
			})
			wantConvs, wantMsgs, wantCusts := sampleWant()

			res := mustIngest(t, s, acctWA, sampleBatch(), "cur-1")
			if res.Stored != 4 || res.Duplicates != 0 {
				t.Errorf("Ingest(sample) = stored %d, duplicates %d, want 4, 0", res.Stored, res.Duplicates)
			}
			if diff := cmp.Diff(wantConvs, res.Changed); diff != "" {
				t.Errorf("Ingest(sample).Changed mismatch (-want +got):\n%s", diff)
			}
			wantIDs := []string{wantConvs[0].ID, wantConvs[1].ID}
			if diff := cmp.Diff(wantIDs, published); diff != "" {
				t.Errorf("published conversations mismatch (-want +got):\n%s", diff)
			}

			for _, want := range wantConvs {
				if diff := cmp.Diff(want, mustConv(t, s, want.ID)); diff != "" {
					t.Errorf("Conversation(%s) mismatch (-want +got):\n%s", want.ThreadID, diff)
				}
				if diff := cmp.Diff(wantMsgs[want.ID], mustMessages(t, s, want.ID)); diff != "" {
					t.Errorf("Messages(%s, 0) mismatch (-want +got):\n%s", want.ThreadID, diff)
				}
			}
			if diff := cmp.Diff(wantConvs, allConversations(t, s)); diff != "" {
				t.Errorf("ForEachConversation mismatch (-want +got):\n%s", diff)
			}
			for _, want := range wantCusts {
				got, err := s.Customer(want.ID)
				if err != nil {
					t.Fatalf("Customer(%s) = %v, want nil", want.Name, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Customer(%s) mismatch (-want +got):\n%s", want.Name, diff)
				}
			}
			mario := ConvID(acctWA, "t-mario")
			last2, err := s.Messages(mario, 2)
			if err != nil {
				t.Fatalf("Messages(mario, 2) = %v", err)
			}
			if diff := cmp.Diff(wantMsgs[mario][1:], last2); diff != "" {
				t.Errorf("Messages(mario, 2) mismatch (-want +got):\n%s", diff)
			}
			if got, err := s.Cursor(acctWA); got != "cur-1" || err != nil {
				t.Errorf("Cursor(%s) = %q, %v, want %q, nil", acctWA, got, err, "cur-1")
			}
			if _, err := s.Conversation("c_missing"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Conversation(c_missing) = %v, want ErrNotFound", err)
			}
			if _, err := s.Customer("u_missing"); !errors.Is(err, ErrNotFound) {
				t.Errorf("Customer(u_missing) = %v, want ErrNotFound", err)
			}
			if ms, err := s.Messages("c_missing", 0); len(ms) != 0 || err != nil {
				t.Errorf("Messages(c_missing) = %v, %v, want none, nil", ms, err)
			}
		})
	}
}

// snapshot is everything a reader can see, to compare a store before and after reopening.
type snapshot struct {
	Convs    []convo.Conversation
	Msgs     map[string][]convo.Message
	Custs    map[string]convo.Customer
	CustConv map[string][]string
	Cursor   string
	Due      []string
	Search   map[string]bool
	Accounts []convo.Account
	Pref     map[string]string
	Events   []convo.Event
}

func takeSnapshot(t *testing.T, s *Store, acct string, days ...string) snapshot {
	t.Helper()
	sn := snapshot{Msgs: map[string][]convo.Message{}, Custs: map[string]convo.Customer{}, CustConv: map[string][]string{}}
	sn.Convs = allConversations(t, s)
	for _, c := range sn.Convs {
		sn.Msgs[c.ID] = mustMessages(t, s, c.ID)
		cust, err := s.Customer(c.CustomerID)
		if err != nil {
			t.Fatalf("Customer(%s) = %v", c.CustomerID, err)
		}
		sn.Custs[cust.ID] = cust
		ccs, err := s.CustomerConversations(c.CustomerID)
		if err != nil {
			t.Fatalf("CustomerConversations(%s) = %v", c.CustomerID, err)
		}
		for _, cc := range ccs {
			sn.CustConv[c.CustomerID] = append(sn.CustConv[c.CustomerID], cc.ID)
		}
	}
	var err error
	if sn.Cursor, err = s.Cursor(acct); err != nil {
		t.Fatalf("Cursor = %v", err)
	}
	sn.Due = dueIDs(t, s, 100)
	if sn.Search, err = s.Search("pacco", 100); err != nil {
		t.Fatalf("Search = %v", err)
	}
	if sn.Accounts, err = s.Accounts(); err != nil {
		t.Fatalf("Accounts = %v", err)
	}
	if err := s.Pref("theme", &sn.Pref); err != nil {
		t.Fatalf("Pref(theme) = %v", err)
	}
	for _, d := range days {
		if err := s.Events(d, func(e convo.Event) error { sn.Events = append(sn.Events, e); return nil }); err != nil {
			t.Fatalf("Events(%s) = %v", d, err)
		}
	}
	return sn
}

func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	s := openDisk(t, dir, Options{Now: clk.Now})
	mustIngest(t, s, acctWA, sampleBatch(), "cur-7")
	mario := ConvID(acctWA, "t-mario")
	if _, err := s.AddNote(mario, "giulia", "richiamare domani", minutes(6)); err != nil {
		t.Fatalf("AddNote = %v", err)
	}
	if _, err := s.UpdateConversation(mario, func(c *convo.Conversation) ([]convo.Event, error) {
		c.Assignee = "giulia"
		return []convo.Event{{ID: "e_assign", Type: convo.EvAssign, At: minutes(7), ConvID: c.ID, Agent: "giulia"}}, nil
	}); err != nil {
		t.Fatalf("UpdateConversation = %v", err)
	}
	acct := convo.Account{ID: acctWA, Platform: convo.PlatformWhatsApp, Name: "Negozio", Created: t0}
	if err := s.PutAccount(acct); err != nil {
		t.Fatalf("PutAccount = %v", err)
	}
	if err := s.SetPref("theme", map[string]string{"mode": "dark"}); err != nil {
		t.Fatalf("SetPref = %v", err)
	}
	before := takeSnapshot(t, s, acctWA, "20250303")
	// The snapshot must hold what was written, or comparing two empty ones proves nothing.
	if len(before.Convs) != 2 || len(before.Msgs[mario]) != 4 || before.Cursor != "cur-7" || len(before.Accounts) != 1 ||
		before.Pref["mode"] != "dark" || len(before.Search) != 1 || len(before.Due) != 2 || len(before.Events) != 8 {
		t.Fatalf("snapshot before reopen = %+v, want 2 conversations, 4 messages of mario, cursor, account, pref, 1 search hit, 2 due, 8 events", before)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}

	s2 := openDisk(t, dir, Options{Now: clk.Now})
	after := takeSnapshot(t, s2, acctWA, "20250303")
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("store after reopen differs (-before +after):\n%s", diff)
	}
	// And it is still writable with the old indexes in place.
	res := mustIngest(t, s2, acctWA, sampleBatch(), "")
	if res.Stored != 0 || res.Duplicates != 4 {
		t.Errorf("Ingest(sample) after reopen = stored %d, duplicates %d, want 0, 4", res.Stored, res.Duplicates)
	}
}

func TestDuplicateDelivery(t *testing.T) {
	batch := func() []convo.Inbound {
		var items []convo.Inbound
		for i := range 6 {
			items = append(items, dm(fmt.Sprintf("t%d", i%2), fmt.Sprintf("p%d", i), convo.DirIn, minutes(i), fmt.Sprintf("testo %d", i)))
		}
		return items
	}
	countEvents := func(t *testing.T, s *Store) int {
		n := 0
		if err := s.Events("20250303", func(convo.Event) error { n++; return nil }); err != nil {
			t.Fatalf("Events = %v", err)
		}
		return n
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Run("redelivered batch", func(t *testing.T) {
				s := b.open(t, Options{})
				mustIngest(t, s, "a", batch(), "")
				convsBefore := allConversations(t, s)
				evBefore := countEvents(t, s)

				again := batch()
				again[0].Message.Text = "edited on the platform" // the first delivery wins
				res := mustIngest(t, s, "a", again, "")
				if res.Stored != 0 || res.Duplicates != len(again) {
					t.Errorf("second Ingest = stored %d, duplicates %d, want 0, %d", res.Stored, res.Duplicates, len(again))
				}
				for _, c := range allConversations(t, s) {
					ms := mustMessages(t, s, c.ID)
					if len(ms) != 3 || c.MessageCount != 3 {
						t.Errorf("conversation %s has %d messages, MessageCount %d, want 3, 3", c.ThreadID, len(ms), c.MessageCount)
					}
				}
				if diff := cmp.Diff(convsBefore, allConversations(t, s)); diff != "" {
					t.Errorf("conversations changed by a duplicate delivery (-before +after):\n%s", diff)
				}
				if got := mustMessages(t, s, ConvID("a", "t0"))[0].Text; got != "testo 0" {
					t.Errorf("text of p0 after re-delivery = %q, want %q", got, "testo 0")
				}
				if got := countEvents(t, s); got != evBefore {
					t.Errorf("events after re-delivery = %d, want %d", got, evBefore)
				}
			})
			t.Run("twice in one batch", func(t *testing.T) {
				s := b.open(t, Options{})
				items := batch()
				items = append(items, items[1], items[4])
				res := mustIngest(t, s, "a", items, "")
				if res.Stored != 6 || res.Duplicates != 2 {
					t.Errorf("Ingest(6 + 2 repeated) = stored %d, duplicates %d, want 6, 2", res.Stored, res.Duplicates)
				}
				for _, th := range []string{"t0", "t1"} {
					c := mustConv(t, s, ConvID("a", th))
					if n := len(mustMessages(t, s, c.ID)); n != 3 || c.MessageCount != 3 {
						t.Errorf("conversation %s has %d messages, MessageCount %d, want 3, 3", th, n, c.MessageCount)
					}
				}
			})
			t.Run("same platform ID on another account", func(t *testing.T) {
				s := b.open(t, Options{})
				mustIngest(t, s, "a", batch(), "")
				res := mustIngest(t, s, "b", batch(), "")
				if res.Stored != 6 || res.Duplicates != 0 {
					t.Errorf("Ingest(account b) = stored %d, duplicates %d, want 6, 0", res.Stored, res.Duplicates)
				}
			})
		})
	}
}

// orderFixture is a few conversations of every kind with messages in all
// directions at distinct times.
func orderFixture() []convo.Inbound {
	r := rand.New(rand.NewPCG(7, 7))
	type th struct {
		id      string
		kind    convo.Kind
		public  bool
		subject string
	}
	threads := []th{{"dm", convo.KindDM, false, ""}, {"mail", convo.KindEmail, false, "Fattura"}, {"post", convo.KindComment, true, ""}, {"tag", convo.KindMention, true, ""}}
	var items []convo.Inbound
	for i := range 80 {
		t := threads[r.IntN(len(threads))]
		dir := convo.DirIn
		switch n := r.IntN(10); {
		case n >= 9:
			dir = convo.DirNote
		case n >= 6:
			dir = convo.DirOut
		}
		in := dm(t.id, fmt.Sprintf("p%02d", i), dir, t0.Add(time.Duration(i)*time.Minute+time.Duration(r.IntN(50))*time.Second), fmt.Sprintf("messaggio numero %d", i))
		in.Kind, in.Public, in.Subject = t.kind, t.public, t.subject
		if t.id == "mail" { // priority only ever rises: the urgent one wins whenever it comes
			p := convo.PriorityLow
			if i > 40 && i < 50 {
				p = convo.PriorityUrgent
			}
			in.Priority = &p
		}
		items = append(items, in)
	}
	return items
}

func TestIngestOrderIndependent(t *testing.T) {
	fixture := orderFixture()
	const acct = "a"
	read := func(t *testing.T, s *Store) ([]convo.Conversation, map[string][]convo.Message, []string) {
		convs := allConversations(t, s)
		msgs := map[string][]convo.Message{}
		for _, c := range convs {
			msgs[c.ID] = mustMessages(t, s, c.ID)
		}
		return convs, msgs, dueIDs(t, s, 100)
	}
	ordered := openMem(t, Options{})
	mustIngest(t, ordered, acct, fixture, "")
	wantConvs, wantMsgs, wantDue := read(t, ordered)
	if len(wantConvs) != 4 {
		t.Fatalf("ordered delivery made %d conversations, want 4", len(wantConvs))
	}
	if c := mustConv(t, ordered, ConvID(acct, "mail")); c.Priority != convo.PriorityUrgent {
		t.Fatalf("ordered delivery: mail Priority = %d, want %d (urgent, the highest delivered)", c.Priority, convo.PriorityUrgent)
	}

	// batches splits items into runs of 1..maxBatch, in the order given.
	batches := func(items []convo.Inbound, r *rand.Rand, maxBatch int) [][]convo.Inbound {
		var out [][]convo.Inbound
		for len(items) > 0 {
			n := min(1+r.IntN(maxBatch), len(items))
			b := slices.Clone(items[:n])
			out = append(out, b)
			items = items[n:]
		}
		return out
	}
	tests := []struct {
		name     string
		seed     uint64
		reverse  bool
		maxBatch int
		redeliv  bool
	}{
		{name: "reverse one by one", reverse: true, maxBatch: 1},
		{name: "shuffled small batches", seed: 1, maxBatch: 4},
		{name: "shuffled large batches", seed: 2, maxBatch: 25},
		{name: "shuffled with re-deliveries", seed: 3, maxBatch: 10, redeliv: true},
		{name: "shuffled mixed", seed: 4, maxBatch: 8, redeliv: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(tt.seed, 99))
			items := slices.Clone(fixture)
			if tt.reverse {
				slices.Reverse(items)
			} else {
				r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			}
			s := openMem(t, Options{})
			delivered := 0
			for _, b := range batches(items, r, tt.maxBatch) {
				fresh := len(b)
				if tt.redeliv && delivered > 0 {
					b = append(b, items[r.IntN(delivered)]) // an item already stored
				}
				mustIngest(t, s, acct, b, "")
				delivered += fresh
			}
			gotConvs, gotMsgs, gotDue := read(t, s)
			// Rev counts writes, so it depends on the number of batches, not on the messages.
			if diff := cmp.Diff(wantConvs, gotConvs, cmpopts.IgnoreFields(convo.Conversation{}, "Rev")); diff != "" {
				t.Errorf("conversations differ from ordered delivery (-ordered +shuffled):\n%s", diff)
			}
			if diff := cmp.Diff(wantMsgs, gotMsgs); diff != "" {
				t.Errorf("messages differ from ordered delivery (-ordered +shuffled):\n%s", diff)
			}
			if diff := cmp.Diff(wantDue, gotDue); diff != "" {
				t.Errorf("FirstDue differs from ordered delivery (-ordered +shuffled):\n%s", diff)
			}
		})
	}
}

func TestCustomerMergeAcrossChannels(t *testing.T) {
	wa := convo.Identity{Platform: convo.PlatformWhatsApp, Handle: "+39333", DisplayName: "Anna Bianchi"}
	mail := convo.Identity{Platform: convo.PlatformEmail, Handle: "anna@example.com", DisplayName: "Anna B."}
	waItem := func(aka ...convo.Identity) convo.Inbound {
		return convo.Inbound{ThreadID: "wa-1", Kind: convo.KindDM, Customer: wa, AKA: aka,
			Message: convo.Message{PlatformID: "wa-m1", Direction: convo.DirIn, Text: "ciao", At: minutes(0)}}
	}
	mailItem := func(aka ...convo.Identity) convo.Inbound {
		return convo.Inbound{ThreadID: "mail-1", Kind: convo.KindEmail, Subject: "Ordine", Customer: mail, AKA: aka,
			Message: convo.Message{PlatformID: "mail-m1", Direction: convo.DirIn, Text: "salve", At: minutes(10)}}
	}
	type delivery struct {
		acct string
		item convo.Inbound
	}
	tests := []struct {
		name       string
		deliveries []delivery
		same       bool
	}{
		{"AKA on the first channel", []delivery{{"acct-wa", waItem(mail)}, {"acct-mail", mailItem()}}, true},
		{"AKA on the second channel", []delivery{{"acct-mail", mailItem()}, {"acct-wa", waItem(mail)}}, true},
		{"no AKA: two customers", []delivery{{"acct-wa", waItem()}, {"acct-mail", mailItem()}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMem(t, Options{})
			var convs []convo.Conversation
			for _, d := range tt.deliveries {
				mustIngest(t, s, d.acct, []convo.Inbound{d.item}, "")
				convs = append(convs, mustConv(t, s, ConvID(d.acct, d.item.ThreadID)))
			}
			first, second := convs[0], convs[1]
			if got := first.CustomerID == second.CustomerID; got != tt.same {
				t.Fatalf("same customer = %v (%s, %s), want %v", got, first.CustomerID, second.CustomerID, tt.same)
			}
			ccs, err := s.CustomerConversations(first.CustomerID)
			if err != nil {
				t.Fatalf("CustomerConversations = %v", err)
			}
			var got []string
			for _, c := range ccs {
				got = append(got, c.ID)
			}
			want := []string{first.ID}
			if tt.same {
				want = append(want, second.ID)
			}
			if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("CustomerConversations(%s) mismatch (-want +got):\n%s", first.CustomerID, diff)
			}
			cust, err := s.Customer(first.CustomerID)
			if err != nil {
				t.Fatalf("Customer = %v", err)
			}
			wantIdents := 1
			if tt.same {
				wantIdents = 2
			}
			if len(cust.Identities) != wantIdents {
				t.Errorf("Customer(%s).Identities = %v, want %d identities", cust.ID, cust.Identities, wantIdents)
			}
			if tt.same && second.CustomerName != first.CustomerName {
				t.Errorf("second conversation CustomerName = %q, want the merged customer's %q", second.CustomerName, first.CustomerName)
			}
		})
	}
}

func TestIngestRejectsInvalidItems(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(in *convo.Inbound)
		wantErr string
	}{
		{"no platform ID", func(in *convo.Inbound) { in.Message.PlatformID = "" }, "no platform ID"},
		{"no thread", func(in *convo.Inbound) { in.ThreadID = "" }, "no thread"},
		{"no customer handle", func(in *convo.Inbound) { in.Customer.Handle = "" }, "no customer identity"},
		{"unknown platform", func(in *convo.Inbound) { in.Customer.Platform = "myspace" }, "no customer identity"},
		{"no time", func(in *convo.Inbound) { in.Message.At = time.Time{} }, "no time"},
		{"text too long", func(in *convo.Inbound) { in.Message.Text = strings.Repeat("a", MaxTextBytes+1) }, "more than"},
		{"bad direction", func(in *convo.Inbound) { in.Message.Direction = "sideways" }, "unknown direction"},
		{"bad kind", func(in *convo.Inbound) { in.Kind = "fax" }, "unknown conversation kind"},
		{"no kind", func(in *convo.Inbound) { in.Kind = "" }, "unknown conversation kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMem(t, Options{})
			bad := dm("t-bad", "p-bad", convo.DirIn, minutes(1), "cattivo")
			tt.mutate(&bad)
			items := []convo.Inbound{
				dm("t-good", "p-1", convo.DirIn, minutes(0), "uno"),
				bad,
				dm("t-good", "p-2", convo.DirIn, minutes(2), "due"),
			}
			res, err := s.Ingest("a", items, "cur")
			if err != nil {
				t.Fatalf("Ingest = %v, want nil (bad items are rejected one by one)", err)
			}
			if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error(), "item 1") || !strings.Contains(res.Rejected[0].Error(), tt.wantErr) {
				t.Fatalf("Ingest(%s).Rejected = %v, want one error for item 1 containing %q", tt.name, res.Rejected, tt.wantErr)
			}
			if res.Stored != 2 {
				t.Errorf("Ingest(%s).Stored = %d, want 2", tt.name, res.Stored)
			}
			convs := allConversations(t, s)
			if len(convs) != 1 || convs[0].ThreadID != "t-good" {
				t.Fatalf("conversations = %+v, want only t-good", convs)
			}
			var pids []string
			for _, m := range mustMessages(t, s, convs[0].ID) {
				pids = append(pids, m.PlatformID)
			}
			if diff := cmp.Diff([]string{"p-1", "p-2"}, pids); diff != "" {
				t.Errorf("stored platform IDs mismatch (-want +got):\n%s", diff)
			}
			if got, _ := s.Cursor("a"); got != "cur" {
				t.Errorf("Cursor = %q, want %q", got, "cur")
			}
		})
	}
}

func TestIngestAcceptsAndRepairs(t *testing.T) {
	t.Run("text of exactly MaxTextBytes", func(t *testing.T) {
		s := openMem(t, Options{})
		text := strings.Repeat("abcd ", MaxTextBytes/5) + strings.Repeat("x", MaxTextBytes%5)
		mustIngest(t, s, "a", []convo.Inbound{dm("t", "p", convo.DirIn, t0, text)}, "")
		ms := mustMessages(t, s, ConvID("a", "t"))
		if len(ms) != 1 || ms[0].Text != text {
			t.Fatalf("Messages = %d messages, want the one of %d bytes stored whole", len(ms), len(text))
		}
	})
	t.Run("invalid UTF-8 repaired", func(t *testing.T) {
		s := openMem(t, Options{})
		in := dm("t", "p", convo.DirIn, t0, "ciao \xff\xfe mondo")
		in.Message.Author = "Lu\xc3ca"
		in.Subject = "Oggetto \x80"
		in.Customer.DisplayName = "Gi\xe0nni"
		items := []convo.Inbound{in}
		res := mustIngest(t, s, "a", items, "")
		if res.Stored != 1 {
			t.Fatalf("Ingest(invalid UTF-8).Stored = %d, want 1", res.Stored)
		}
		if items[0].Message.Text != "ciao \xff\xfe mondo" {
			t.Errorf("caller's item text after Ingest = %q, want it left as given", items[0].Message.Text)
		}
		c := mustConv(t, s, ConvID("a", "t"))
		ms := mustMessages(t, s, c.ID)
		cust, err := s.Customer(c.CustomerID)
		if err != nil {
			t.Fatalf("Customer = %v", err)
		}
		got := map[string]string{"text": ms[0].Text, "author": ms[0].Author, "subject": c.Subject, "customer": cust.Name, "customerName": c.CustomerName, "preview": c.Preview}
		want := map[string]string{"text": "ciao \uFFFD mondo", "author": "Lu\uFFFDca", "subject": "Oggetto \uFFFD", "customer": "Gi\uFFFDnni", "customerName": "Gi\uFFFDnni", "preview": "ciao \uFFFD mondo"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("repaired fields mismatch (-want +got):\n%s", diff)
		}
		hits, err := s.Search("mondo", 10)
		if err != nil || !hits[c.ID] {
			t.Errorf("Search(mondo) = %v, %v, want the repaired conversation", hits, err)
		}
	})
}

func TestCursor(t *testing.T) {
	s := openMem(t, Options{})
	cursor := func(acct string) string {
		t.Helper()
		c, err := s.Cursor(acct)
		if err != nil {
			t.Fatalf("Cursor(%s) = %v", acct, err)
		}
		return c
	}
	steps := []struct {
		name   string
		acct   string
		items  []convo.Inbound
		cursor string
		wantA  string
		wantB  string
	}{
		{name: "before any sync", wantA: "", wantB: ""},
		{name: "first batch", acct: "a", items: []convo.Inbound{dm("t", "p1", convo.DirIn, t0, "x")}, cursor: "a-1", wantA: "a-1"},
		{name: "empty cursor keeps the old one", acct: "a", items: []convo.Inbound{dm("t", "p2", convo.DirIn, t0, "x")}, cursor: "", wantA: "a-1"},
		{name: "other account", acct: "b", items: []convo.Inbound{dm("t", "p1", convo.DirIn, t0, "x")}, cursor: "b-1", wantA: "a-1", wantB: "b-1"},
		{name: "only duplicates", acct: "a", items: []convo.Inbound{dm("t", "p1", convo.DirIn, t0, "x")}, cursor: "a-2", wantA: "a-2", wantB: "b-1"},
		{name: "empty batch", acct: "b", cursor: "b-2", wantA: "a-2", wantB: "b-2"},
	}
	for _, st := range steps {
		if st.acct != "" {
			if _, err := s.Ingest(st.acct, st.items, st.cursor); err != nil {
				t.Fatalf("%s: Ingest = %v", st.name, err)
			}
		}
		if got := cursor("a"); got != st.wantA {
			t.Errorf("%s: Cursor(a) = %q, want %q", st.name, got, st.wantA)
		}
		if got := cursor("b"); got != st.wantB {
			t.Errorf("%s: Cursor(b) = %q, want %q", st.name, got, st.wantB)
		}
	}
}

func TestFirstDue(t *testing.T) {
	s := openMem(t, Options{})
	kind := func(in convo.Inbound, k convo.Kind) convo.Inbound {
		in.Kind = k
		in.Public = k.Public()
		return in
	}
	items := []convo.Inbound{
		dm("A", "a1", convo.DirIn, minutes(0), "dm"),                             // due +15m
		kind(dm("B", "b1", convo.DirIn, minutes(-120), "mail"), convo.KindEmail), // due +4h
		kind(dm("C", "c1", convo.DirIn, minutes(1), "post"), convo.KindComment),  // due +10m
		dm("D", "d1", convo.DirIn, minutes(-60), "answered"),                     // answered: nothing due
		dm("D", "d2", convo.DirOut, minutes(-50), "reply"),
		kind(dm("F", "f1", convo.DirIn, minutes(2), "tag"), convo.KindMention), // due +10m
		dm("G", "g1", convo.DirIn, minutes(-30), "answered then resolved"),
		dm("G", "g2", convo.DirOut, minutes(-20), "fatto"),
	}
	mustIngest(t, s, "a", items, "")
	id := func(th string) string { return ConvID("a", th) }
	setStatus := func(th string, st convo.Status, snooze time.Time) {
		t.Helper()
		if _, err := s.UpdateConversation(id(th), func(c *convo.Conversation) ([]convo.Event, error) {
			c.Status, c.SnoozeUntil = st, snooze
			return nil, nil
		}); err != nil {
			t.Fatalf("UpdateConversation(%s, %s) = %v", th, st, err)
		}
	}
	steps := []struct {
		name    string
		do      func()
		want    []string             // threads in due order
		wantDue map[string]time.Time // zero: nothing due
	}{
		{
			name: "after ingest",
			do:   func() {},
			want: []string{"C", "F", "A", "B", "D|G"},
			wantDue: map[string]time.Time{"C": minutes(11), "F": minutes(12), "A": minutes(15), "B": minutes(120),
				"D": {}, "G": {}},
		},
		{
			name: "resolved leaves the queue",
			do: func() {
				setStatus("G", convo.StatusResolved, time.Time{})
				setStatus("C", convo.StatusResolved, time.Time{})
			},
			want:    []string{"F", "A", "B", "D"},
			wantDue: map[string]time.Time{"C": {}, "G": {}},
		},
		{
			name:    "snoozed is due when the snooze ends",
			do:      func() { setStatus("A", convo.StatusSnoozed, minutes(300)) },
			want:    []string{"F", "B", "A", "D"},
			wantDue: map[string]time.Time{"A": minutes(300)},
		},
		{
			name: "late inbound older than the last reply keeps it resolved",
			do: func() {
				mustIngest(t, s, "a", []convo.Inbound{dm("G", "g0", convo.DirIn, minutes(-25), "late")}, "")
			},
			want:    []string{"F", "B", "A", "D"},
			wantDue: map[string]time.Time{"G": {}},
		},
		{
			name: "new inbound reopens and re-enters",
			do: func() {
				mustIngest(t, s, "a", []convo.Inbound{dm("G", "g3", convo.DirIn, minutes(3), "di nuovo")}, "")
			},
			want:    []string{"F", "G", "B", "A", "D"},
			wantDue: map[string]time.Time{"G": minutes(33)}, // next-response target: it was answered before
		},
	}
	for _, st := range steps {
		st.do()
		var want []string
		for _, th := range st.want {
			if alts := strings.Split(th, "|"); len(alts) > 1 {
				// Equal due instants (nothing due) sort by conversation ID.
				ids := []string{id(alts[0]), id(alts[1])}
				slices.Sort(ids)
				want = append(want, ids...)
				continue
			}
			want = append(want, id(th))
		}
		if diff := cmp.Diff(want, dueIDs(t, s, 100)); diff != "" {
			t.Errorf("%s: FirstDue(100) mismatch (-want +got):\n%s", st.name, diff)
		}
		if diff := cmp.Diff(want[:2], dueIDs(t, s, 2)); diff != "" {
			t.Errorf("%s: FirstDue(2) mismatch (-want +got):\n%s", st.name, diff)
		}
		for th, due := range st.wantDue {
			if got := mustConv(t, s, id(th)).Due; !got.Equal(due) {
				t.Errorf("%s: Conversation(%s).Due = %v, want %v", st.name, th, got, due)
			}
		}
	}
	g := mustConv(t, s, id("G"))
	if g.Status != convo.StatusOpen || !g.AwaitingSince.Equal(minutes(3)) {
		t.Errorf("reopened G = status %s, awaiting %v, want open, %v", g.Status, g.AwaitingSince, minutes(3))
	}
}

func TestCustomDue(t *testing.T) {
	// The SLA engine plugs in through Options.Due; FirstDue follows it.
	s := openMem(t, Options{Due: func(c convo.Conversation) time.Time { return c.LastAt.Add(-time.Duration(c.MessageCount) * time.Hour) }})
	mustIngest(t, s, "a", []convo.Inbound{
		dm("one", "1", convo.DirIn, minutes(0), "x"),     // due -1h
		dm("three", "3a", convo.DirOut, minutes(1), "x"), // due 3m-3h
		dm("three", "3b", convo.DirIn, minutes(2), "x"),  //
		dm("three", "3c", convo.DirIn, minutes(3), "x"),  //
		dm("two", "2a", convo.DirIn, minutes(30), "x"),   // due 31m-2h
		dm("two", "2b", convo.DirIn, minutes(31), "x"),   //
	}, "")
	want := []string{ConvID("a", "three"), ConvID("a", "two"), ConvID("a", "one")}
	if diff := cmp.Diff(want, dueIDs(t, s, 10)); diff != "" {
		t.Errorf("FirstDue with a custom Due mismatch (-want +got):\n%s", diff)
	}
}

func TestAwaitingSince(t *testing.T) {
	type step struct {
		pid     string
		dir     convo.Direction
		at      int // minutes after t0
		awaitAt int // -1: zero (nothing awaiting)
		dueAt   int // -1: nothing due
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"reply clears, next inbound sets", []step{
			{"i1", convo.DirIn, 0, 0, 15},
			{"i2", convo.DirIn, 1, 0, 15},
			{"o1", convo.DirOut, 5, -1, -1},
			{"i3", convo.DirIn, 10, 10, 40},
			{"i4", convo.DirIn, 11, 10, 40},
			{"o2", convo.DirOut, 12, -1, -1},
		}},
		{"late reply moves to the next inbound after it", []step{
			{"i1", convo.DirIn, 0, 0, 15},
			{"i2", convo.DirIn, 10, 0, 15},
			{"o1", convo.DirOut, 5, 10, 40},
		}},
		{"reply older than the last reply changes nothing", []step{
			{"i1", convo.DirIn, 0, 0, 15},
			{"o1", convo.DirOut, 5, -1, -1},
			{"i2", convo.DirIn, 10, 10, 40},
			{"o0", convo.DirOut, 3, 10, 40},
		}},
		{"inbound older than the last reply is not awaiting", []step{
			{"i2", convo.DirIn, 10, 10, 25},
			{"o1", convo.DirOut, 5, 10, 40},
			{"i1", convo.DirIn, 0, 10, 40},
		}},
		{"earlier inbound delivered late moves awaiting back", []step{
			{"i2", convo.DirIn, 10, 10, 25},
			{"i1", convo.DirIn, 4, 4, 19},
			{"note", convo.DirNote, 20, 4, 19},
		}},
	}
	at := func(m int) time.Time {
		if m < 0 {
			return time.Time{}
		}
		return minutes(m)
	}
	for _, tt := range tests {
		item := func(st step) convo.Inbound { return dm("t", st.pid, st.dir, minutes(st.at), st.pid) }
		t.Run(tt.name+"/step by step", func(t *testing.T) {
			s := openMem(t, Options{})
			for _, st := range tt.steps {
				mustIngest(t, s, "a", []convo.Inbound{item(st)}, "")
				c := mustConv(t, s, ConvID("a", "t"))
				if !c.AwaitingSince.Equal(at(st.awaitAt)) || !c.Due.Equal(at(st.dueAt)) {
					t.Errorf("after %s: AwaitingSince, Due = %v, %v, want %v, %v", st.pid, c.AwaitingSince, c.Due, at(st.awaitAt), at(st.dueAt))
				}
			}
		})
		t.Run(tt.name+"/one batch", func(t *testing.T) {
			s := openMem(t, Options{})
			var items []convo.Inbound
			for _, st := range tt.steps {
				items = append(items, item(st))
			}
			mustIngest(t, s, "a", items, "")
			c := mustConv(t, s, ConvID("a", "t"))
			last := tt.steps[len(tt.steps)-1]
			if !c.AwaitingSince.Equal(at(last.awaitAt)) || !c.Due.Equal(at(last.dueAt)) {
				t.Errorf("AwaitingSince, Due = %v, %v, want %v, %v", c.AwaitingSince, c.Due, at(last.awaitAt), at(last.dueAt))
			}
		})
	}
}

func TestSearch(t *testing.T) {
	s := openMem(t, Options{})
	person := func(thread, name, pid, text string) convo.Inbound {
		in := dm(thread, pid, convo.DirIn, t0, text)
		in.Customer.DisplayName = name
		return in
	}
	mustIngest(t, s, "a", []convo.Inbound{
		person("A", "Mario Rossi", "a1", "Perché il pacco non è arrivato?"),
		person("B", "Anna Verdi", "b1", "Vorrei un rimborso per il pacco danneggiato"),
		person("C", "Luca Rossini", "c1", "Grazie mille"),
		person("C", "Luca Rossini", "c2", "Città: Forlì"),
		person("D", "Jérôme Müller", "d1", "Ñandú"),
	}, "")
	A, B, C, D := ConvID("a", "A"), ConvID("a", "B"), ConvID("a", "C"), ConvID("a", "D")
	tests := []struct {
		q    string
		want []string
	}{
		{"mario", []string{A}},
		{"rossi", []string{A, C}}, // the last word is a prefix: rossini too
		{"rossi mario", []string{A}},
		{"rossi luca", nil}, // but earlier words are whole: not rossini
		{"ROSSINI", []string{C}},
		{"perche", []string{A}},
		{"perché", []string{A}},
		{"PERCHÈ", []string{A}},
		{"citta forli", []string{C}},
		{"jerome muller", []string{D}}, // accents inside words
		{"Jérôme Mül", []string{D}},
		{"nandu", []string{D}},
		{"pac", []string{A, B}},
		{"pacco", []string{A, B}},
		{"pacco rimb", []string{B}},
		{"pacco arrivato", []string{A}},
		{"verdi rimborso", []string{B}}, // name and text together
		{"pacco grazie", nil},
		{"danneggiata", nil},
		{"zzz", nil},
		{"", nil},
		{"?!", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, err := s.Search(tt.q, 100)
			if err != nil {
				t.Fatalf("Search(%q) = %v", tt.q, err)
			}
			want := map[string]bool{}
			for _, id := range tt.want {
				want[id] = true
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Search(%q) mismatch (-want +got):\n%s", tt.q, diff)
			}
		})
	}
}

func TestEvents(t *testing.T) {
	s := openMem(t, Options{})
	mustIngest(t, s, "a", []convo.Inbound{
		dm("A", "a1", convo.DirIn, minutes(0), "ciao"),
		dm("A", "a2", convo.DirOut, minutes(5), "buongiorno"),
	}, "")
	A := ConvID("a", "A")
	if _, err := s.AddNote(A, "giulia", "cliente importante", minutes(6)); err != nil {
		t.Fatalf("AddNote = %v", err)
	}
	if _, err := s.UpdateConversation(A, func(c *convo.Conversation) ([]convo.Event, error) {
		c.Status = convo.StatusResolved
		return []convo.Event{{ID: "e_status", Type: convo.EvStatus, At: minutes(7), ConvID: c.ID, Data: "resolved"}}, nil
	}); err != nil {
		t.Fatalf("UpdateConversation = %v", err)
	}
	mustIngest(t, s, "a", []convo.Inbound{dm("B", "b1", convo.DirIn, minutes(24*60), "domani")}, "")
	B := ConvID("a", "B")

	type ev struct {
		Type     convo.EventType
		At       time.Time
		Conv     string
		Account  string
		Platform convo.Platform
		Agent    string
		Data     string
	}
	wa := convo.PlatformWhatsApp
	tests := []struct {
		day  string
		want []ev
	}{
		{"20250303", []ev{
			{convo.EvConvNew, minutes(0), A, "a", wa, "", "dm"},
			{convo.EvMessageIn, minutes(0), A, "a", wa, "", ""},
			{convo.EvMessageOut, minutes(5), A, "a", wa, "", ""},
			{convo.EvNote, minutes(6), A, "a", wa, "giulia", ""},
			{convo.EvStatus, minutes(7), A, "", "", "", "resolved"},
		}},
		{"20250304", []ev{
			{convo.EvConvNew, minutes(24 * 60), B, "a", wa, "", "dm"},
			{convo.EvMessageIn, minutes(24 * 60), B, "a", wa, "", ""},
		}},
		{"20250305", nil},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			var got []ev
			var prev time.Time
			err := s.Events(tt.day, func(e convo.Event) error {
				if e.At.Before(prev) {
					t.Errorf("Events(%s): %s at %v after one at %v, want time order", tt.day, e.Type, e.At, prev)
				}
				prev = e.At
				if e.ID == "" {
					t.Errorf("Events(%s): %s has no ID", tt.day, e.Type)
				}
				got = append(got, ev{e.Type, e.At, e.ConvID, e.Account, e.Platform, e.Agent, e.Data})
				return nil
			})
			if err != nil {
				t.Fatalf("Events(%s) = %v", tt.day, err)
			}
			// Events of the same instant come in ID order, which is a hash.
			sortEv := cmpopts.SortSlices(func(a, b ev) bool {
				return a.At.Before(b.At) || a.At.Equal(b.At) && a.Type < b.Type
			})
			if diff := cmp.Diff(tt.want, got, sortEv, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Events(%s) mismatch (-want +got):\n%s", tt.day, diff)
			}
		})
	}
}

func TestAddNote(t *testing.T) {
	s := openMem(t, Options{})
	mustIngest(t, s, "a", []convo.Inbound{dm("A", "a1", convo.DirIn, minutes(0), "ciao")}, "")
	A := ConvID("a", "A")
	tests := []struct {
		name    string
		conv    string
		text    string
		wantErr error
	}{
		{"empty", A, "  \n ", ErrInvalid},
		{"too long", A, strings.Repeat("n", MaxTextBytes+1), ErrInvalid},
		{"unknown conversation", "c_missing", "nota", ErrNotFound},
		{"stored", A, "  richiamare \xff domani ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AddNote(tt.conv, "giulia", tt.text, minutes(3))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("AddNote(%q) = %v, want %v", tt.name, err, tt.wantErr)
			}
		})
	}
	// A retried call with the same note stores and counts it once.
	if _, err := s.AddNote(A, "giulia", "  richiamare \xff domani ", minutes(3)); err != nil {
		t.Fatalf("AddNote(same note again) = %v", err)
	}
	c := mustConv(t, s, A)
	ms := mustMessages(t, s, A)
	if c.MessageCount != 2 || len(ms) != 2 {
		t.Fatalf("after one note: MessageCount %d, %d messages, want 2, 2", c.MessageCount, len(ms))
	}
	note := ms[1]
	if note.Direction != convo.DirNote || note.Text != "richiamare \uFFFD domani" || note.Author != "giulia" || !note.At.Equal(minutes(3)) {
		t.Errorf("note = %+v, want a trimmed, repaired note by giulia at %v", note, minutes(3))
	}
	// A note is not a reply: the customer is still waiting.
	if !c.AwaitingSince.Equal(minutes(0)) || c.Preview != "ciao" {
		t.Errorf("after a note: AwaitingSince %v, Preview %q, want %v, %q", c.AwaitingSince, c.Preview, minutes(0), "ciao")
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := openDisk(t, dir, Options{})
	if s2, err := Open(dir, withDefaults(Options{})); !errors.Is(err, ErrLocked) {
		if err == nil {
			s2.Close()
		}
		t.Fatalf("second Open(%s) = %v, want ErrLocked", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	s3, err := Open(dir, withDefaults(Options{}))
	if err != nil {
		t.Fatalf("Open after Close = %v, want nil", err)
	}
	s3.Close()
}

func TestOpenNeedsClock(t *testing.T) {
	if s, err := Open("", Options{InMemory: true}); !errors.Is(err, ErrInvalid) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("Open without Now = %v, want ErrInvalid", err)
	}
}

// rawDB opens the data folder with plain Badger, as an older or newer build would.
func rawDB(t *testing.T, dir string) *badger.DB {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatalf("badger.Open(%s) = %v", dir, err)
	}
	return db
}

func rawGet(t *testing.T, dir string, key []byte) string {
	t.Helper()
	db := rawDB(t, dir)
	defer db.Close()
	var v []byte
	if err := db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	}); err != nil {
		t.Fatalf("get %s = %v", key, err)
	}
	return string(v)
}

func TestOpenNewerSchema(t *testing.T) {
	dir := t.TempDir()
	newer := fmt.Sprint(SchemaVersion + 1)
	db := rawDB(t, dir)
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("meta/schema"), []byte(newer)) }); err != nil {
		t.Fatalf("write schema = %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("close raw db = %v", err)
	}
	if s, err := Open(dir, withDefaults(Options{})); !errors.Is(err, ErrNewerSchema) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("Open(schema %s) = %v, want ErrNewerSchema", newer, err)
	}
	// Refusing must leave the newer store as it was, and unlocked.
	if got := rawGet(t, dir, []byte("meta/schema")); got != newer {
		t.Errorf("meta/schema after refused Open = %q, want %q", got, newer)
	}
}

func TestMigrateFromSchema1(t *testing.T) {
	if SchemaVersion != 2 {
		t.Fatalf("SchemaVersion = %d: this test builds a schema 1 store by removing what 2 added; extend it", SchemaVersion)
	}
	dir := t.TempDir()
	s := openDisk(t, dir, Options{})
	mustIngest(t, s, acctWA, sampleBatch(), "")
	s.Close()

	// Make it a schema 1 store: no search index.
	db := rawDB(t, dir)
	var words [][]byte
	if err := db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte("word/"), false, func(item *badger.Item) (bool, error) {
			words = append(words, item.KeyCopy(nil))
			return true, nil
		})
	}); err != nil {
		t.Fatalf("scan word/ = %v", err)
	}
	if len(words) == 0 {
		t.Fatal("store has no word/ keys to delete, want a search index")
	}
	if err := db.Update(func(txn *badger.Txn) error {
		for _, k := range words {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return txn.Set([]byte("meta/schema"), []byte("1"))
	}); err != nil {
		t.Fatalf("downgrade = %v", err)
	}
	db.Close()

	s2 := openDisk(t, dir, Options{})
	tests := []struct {
		q    string
		want string
	}{
		{"mario rossi", ConvID(acctWA, "t-mario")},
		{"pacco arriv", ConvID(acctWA, "t-mario")},
		{"anna", ConvID(acctWA, "t-anna")},
		{"pessimo servizio", ConvID(acctWA, "t-anna")},
	}
	for _, tt := range tests {
		got, err := s2.Search(tt.q, 10)
		if diff := cmp.Diff(map[string]bool{tt.want: true}, got); err != nil || diff != "" {
			t.Errorf("Search(%q) after migration = %v (-want +got):\n%s", tt.q, err, diff)
		}
	}
	s2.Close()
	if got := rawGet(t, dir, []byte("meta/schema")); got != fmt.Sprint(SchemaVersion) {
		t.Errorf("meta/schema after migration = %q, want %d", got, SchemaVersion)
	}
}

func TestDiskLow(t *testing.T) {
	const minFree = 1 << 30
	clk := newClock()
	var free atomic.Int64
	free.Store(10 << 30)
	o := Options{Now: clk.Now, MinFree: minFree, FreeSpace: func(string) (int64, error) { return free.Load(), nil }}
	dir := t.TempDir()
	s := openDisk(t, dir, o)
	mustIngest(t, s, "a", []convo.Inbound{dm("t", "p0", convo.DirIn, t0, "prima")}, "c0")

	ingest := func(pid, cursor string) (IngestResult, error) {
		return s.Ingest("a", []convo.Inbound{dm("t", pid, convo.DirIn, t0.Add(time.Minute), "testo"), dm("t2", pid+"b", convo.DirIn, t0, "altro")}, cursor)
	}
	free.Store(100 << 20)
	clk.Add(500 * time.Millisecond)
	// A good reading is trusted for one second of the clock.
	if _, err := ingest("p1", "c1"); err != nil {
		t.Fatalf("Ingest within a second of a good reading = %v, want nil", err)
	}
	clk.Add(time.Second)
	res, err := ingest("p2", "c2")
	if !errors.Is(err, ErrDiskLow) {
		t.Fatalf("Ingest with 100 MiB free = %v, want ErrDiskLow", err)
	}
	if res.Stored != 0 {
		t.Errorf("Ingest with disk low stored %d, want 0", res.Stored)
	}
	if ms := mustMessages(t, s, ConvID("a", "t")); len(ms) != 2 {
		t.Errorf("messages after refused Ingest = %d, want 2", len(ms))
	}
	if c := mustConv(t, s, ConvID("a", "t2")); c.MessageCount != 1 {
		t.Errorf("t2 MessageCount after refused Ingest = %d, want 1", c.MessageCount)
	}
	if got, _ := s.Cursor("a"); got != "c1" {
		t.Errorf("Cursor after refused Ingest = %q, want %q", got, "c1")
	}
	if gotFree, low := s.Disk(); !low || gotFree != 100<<20 {
		t.Errorf("Disk() = %d, %v, want %d, true", gotFree, low, 100<<20)
	}
	for name, write := range map[string]func() error{
		"AddNote": func() error { _, err := s.AddNote(ConvID("a", "t"), "g", "nota", t0); return err },
		"UpdateConversation": func() error {
			_, err := s.UpdateConversation(ConvID("a", "t"), func(*convo.Conversation) ([]convo.Event, error) { return nil, nil })
			return err
		},
		"SetPref":    func() error { return s.SetPref("x", 1) },
		"PutAccount": func() error { return s.PutAccount(convo.Account{ID: "a", Platform: convo.PlatformWhatsApp}) },
	} {
		if err := write(); !errors.Is(err, ErrDiskLow) {
			t.Errorf("%s with disk low = %v, want ErrDiskLow", name, err)
		}
	}

	// Space comes back: the next write works without waiting (a low reading is never cached).
	free.Store(5 << 30)
	res, err = ingest("p3", "c3")
	if err != nil || res.Stored != 2 {
		t.Fatalf("Ingest after space returned = %+v, %v, want 2 stored, nil", res, err)
	}
	if got, _ := s.Cursor("a"); got != "c3" {
		t.Errorf("Cursor after space returned = %q, want %q", got, "c3")
	}
	if gotFree, low := s.Disk(); low || gotFree != 5<<30 {
		t.Errorf("Disk() = %d, %v, want %d, false", gotFree, low, 5<<30)
	}
	s.Close()

	// Opening replays the value log: refused below a quarter of MinFree.
	free.Store(minFree/4 - 1)
	if s2, err := Open(dir, o); !errors.Is(err, ErrDiskLow) {
		if err == nil {
			s2.Close()
		}
		t.Errorf("Open with %d bytes free = %v, want ErrDiskLow", free.Load(), err)
	}
	free.Store(minFree / 2)
	s3 := openDisk(t, dir, o)
	if _, err := s3.Ingest("a", []convo.Inbound{dm("t", "p4", convo.DirIn, t0, "x")}, ""); !errors.Is(err, ErrDiskLow) {
		t.Errorf("Ingest after Open with %d bytes free = %v, want ErrDiskLow", free.Load(), err)
	}
}

func TestLargeBatchStoredWhole(t *testing.T) {
	const n = 3000
	s := openMem(t, Options{})
	r := rand.New(rand.NewPCG(3, 3000))
	vocab := strings.Fields("ordine pacco spedizione rimborso corriere consegna fattura taglia colore reso cambio negozio prezzo sconto codice tracciamento ritardo cliente grazie buongiorno")
	items := make([]convo.Inbound, n)
	for i := range items {
		var b strings.Builder
		for b.Len() < 2048 {
			b.WriteString(vocab[r.IntN(len(vocab))])
			b.WriteByte(' ')
		}
		items[i] = dm(fmt.Sprintf("t%d", i%40), fmt.Sprintf("p%d", i), convo.DirIn, t0.Add(time.Duration(i)*time.Second), b.String()[:2048])
	}
	// The batch must be too big for one transaction, or this tests nothing.
	err := s.db.Update(func(txn *badger.Txn) error {
		for i, in := range items {
			if err := txn.Set(fmt.Appendf(nil, "test/%d", i), []byte(in.Message.Text)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, badger.ErrTxnTooBig) {
		t.Fatalf("one transaction with the texts of %d messages = %v, want ErrTxnTooBig", n, err)
	}

	res := mustIngest(t, s, "a", items, "big")
	if res.Stored != n || res.Duplicates != 0 || len(res.Changed) != 40 {
		t.Errorf("Ingest(%d items) = stored %d, duplicates %d, %d changed, want %d, 0, 40", n, res.Stored, res.Duplicates, len(res.Changed), n)
	}
	total := 0
	for _, c := range allConversations(t, s) {
		ms := mustMessages(t, s, c.ID)
		if len(ms) != c.MessageCount || len(ms) != n/40 {
			t.Errorf("conversation %s: %d messages, MessageCount %d, want %d", c.ThreadID, len(ms), c.MessageCount, n/40)
		}
		total += len(ms)
	}
	if total != n {
		t.Errorf("messages stored = %d, want %d", total, n)
	}
	if got, _ := s.Cursor("a"); got != "big" {
		t.Errorf("Cursor after a split batch = %q, want %q", got, "big")
	}
}

func TestConcurrentIngest(t *testing.T) {
	// Writers on the same conversations and customers: none is lost, and
	// the counts match. (Were they to conflict, each failed attempt needs
	// another writer's commit; the others make 15, under the store's 20
	// retries, so this cannot flake.)
	s := openMem(t, Options{})
	const writers, batches, per = 4, 5, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*batches)
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				var items []convo.Inbound
				for i := range per {
					items = append(items, dm(fmt.Sprintf("t%d", i%3), fmt.Sprintf("w%d-b%d-%d", w, b, i), convo.DirIn, minutes(w*100+b*10+i), "x"))
				}
				if _, err := s.Ingest("a", items, ""); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Ingest = %v", err)
	}
	total := 0
	for _, c := range allConversations(t, s) {
		if n := len(mustMessages(t, s, c.ID)); n != c.MessageCount {
			t.Errorf("conversation %s: %d messages, MessageCount %d, want equal", c.ThreadID, n, c.MessageCount)
		}
		total += c.MessageCount
	}
	if total != writers*batches*per {
		t.Errorf("messages stored = %d, want %d", total, writers*batches*per)
	}
}

// A kill between Badger creating a memtable or value-log file and sizing it
// leaves an empty file; the next Open must still work and keep the data.
func TestOpenWithEmptyLogFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Now: newClock().Now, FreeSpace: plenty})
	if err != nil {
		t.Fatal(err)
	}
	mustIngest(t, s, "a", []convo.Inbound{dm("A", "a1", convo.DirIn, minutes(0), "ciao")}, "")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"00042.mem", "000042.vlog"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(dir, Options{Now: newClock().Now, FreeSpace: plenty})
	if err != nil {
		t.Fatalf("Open(with empty log files) = %v, want it to open", err)
	}
	defer s.Close()
	if ms := mustMessages(t, s, ConvID("a", "A")); len(ms) != 1 {
		t.Errorf("after reopen: %d messages, want 1", len(ms))
	}
}
