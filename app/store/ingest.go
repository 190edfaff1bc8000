package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	badger "github.com/dgraph-io/badger/v4"

	"sportello/app/convo"
)

// MaxTextBytes is the largest message text the store keeps whole; longer
// texts are refused item by item with a clear error.
const MaxTextBytes = 512 << 10

// IngestResult says what a batch did.
type IngestResult struct {
	Stored     int
	Duplicates int
	Rejected   []error // one per refused item; the rest of the batch is stored
	Changed    []convo.Conversation
}

// ID derives a stable ID from parts, so the same platform object always maps
// to the same record (re-delivery and reordering end identical).
func ID(prefix string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return prefix + hex.EncodeToString(h[:10])
}

// ConvID is the conversation ID of a platform thread on an account.
func ConvID(account, thread string) string { return ID("c_", account, thread) }

// Ingest stores a batch of inbound items from one account and, in the same
// transaction as the last of them, the account's new sync cursor. A message
// already stored (same platform ID) is skipped. It returns once on disk.
func (s *Store) Ingest(account string, items []convo.Inbound, cursor string) (IngestResult, error) {
	s.ingesting.Add(1)
	defer s.ingesting.Add(-1)
	var res IngestResult
	valid := make([]prepared, 0, len(items))
	for i := range items {
		in := items[i] // validate repairs text in a copy: the caller's items stay as given
		if err := validate(&in); err != nil {
			res.Rejected = append(res.Rejected, fmt.Errorf("item %d (%s): %w", i, in.Message.PlatformID, err))
			continue
		}
		p, err := prepare(account, &in)
		if err != nil {
			res.Rejected = append(res.Rejected, fmt.Errorf("item %d (%s): %w", i, in.Message.PlatformID, err))
			continue
		}
		valid = append(valid, p)
	}
	changed := map[string]convo.Conversation{}
	err := s.ingestChunk(account, valid, cursor, &res, changed)
	if res.Stored > 0 {
		s.ixPending.Add(int64(res.Stored))
		s.kickIndexer()
	}
	if err != nil {
		return res, err
	}
	for _, c := range changed {
		res.Changed = append(res.Changed, c)
	}
	slices.SortFunc(res.Changed, func(a, b convo.Conversation) int { return strings.Compare(a.ID, b.ID) })
	s.publish(res.Changed)
	return res, nil
}

// ingestChunk commits items in one transaction, halving the batch when it is
// too big for one; the cursor goes with the last half.
func (s *Store) ingestChunk(account string, items []prepared, cursor string, res *IngestResult, changed map[string]convo.Conversation) error {
	var stored, dups int
	var convs []convo.Conversation
	err := s.update(func(txn *badger.Txn) error {
		w := &writer{s: s, txn: txn, account: account, convs: map[string]*convState{}}
		stored, dups = 0, 0
		for i := range items {
			dup, err := w.add(&items[i])
			if err != nil {
				return err
			}
			if dup {
				dups++
			} else {
				stored++
			}
		}
		var err error
		if convs, err = w.flush(); err != nil {
			return err
		}
		if cursor != "" {
			return txn.Set(kCur(account), []byte(cursor))
		}
		return nil
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(items) > 1 {
		half := len(items) / 2
		if err := s.ingestChunk(account, items[:half], "", res, changed); err != nil {
			return err
		}
		return s.ingestChunk(account, items[half:], cursor, res, changed)
	}
	if err != nil {
		return fmt.Errorf("ingest %d items for %s: %w", len(items), account, err)
	}
	res.Stored += stored
	res.Duplicates += dups
	for _, c := range convs {
		changed[c.ID] = c
	}
	return nil
}

func validate(in *convo.Inbound) error {
	m := &in.Message
	switch {
	case m.PlatformID == "":
		return errors.New("message has no platform ID")
	case in.ThreadID == "":
		return errors.New("message has no thread")
	case in.Customer.Handle == "" || !in.Customer.Platform.Valid():
		return errors.New("message has no customer identity")
	case m.At.IsZero():
		return errors.New("message has no time")
	case len(m.Text) > MaxTextBytes:
		return fmt.Errorf("message text is %d KiB, more than the %d KiB kept", len(m.Text)>>10, MaxTextBytes>>10)
	case m.Direction != convo.DirIn && m.Direction != convo.DirOut && m.Direction != convo.DirNote:
		return fmt.Errorf("unknown direction %q", m.Direction)
	}
	switch in.Kind {
	case convo.KindDM, convo.KindComment, convo.KindMention, convo.KindEmail:
	default:
		return fmt.Errorf("unknown conversation kind %q", in.Kind)
	}
	m.Text = strings.ToValidUTF8(m.Text, "\uFFFD")
	m.Author = strings.ToValidUTF8(m.Author, "\uFFFD")
	in.Subject = strings.ToValidUTF8(in.Subject, "\uFFFD")
	in.Customer.DisplayName = strings.ToValidUTF8(in.Customer.DisplayName, "\uFFFD")
	m.At = m.At.UTC()
	return nil
}

type convState struct {
	c      convo.Conversation
	oldDue []byte // due key before this txn; nil for a new conversation
	isNew  bool
	orig   convo.Conversation // as stored before this txn
}

// writer applies items inside one transaction, keeping each touched
// conversation in memory and writing it (and its due key) once at the end.
type writer struct {
	s       *Store
	txn     *badger.Txn
	account string
	convs   map[string]*convState
	order   []string
}

// prepared is an item with everything that does not depend on the store
// computed before the write lock is taken, so concurrent syncs use every core.
type prepared struct {
	in     *convo.Inbound
	msg    convo.Message
	pidKey []byte
	msgKey []byte
	msgVal []byte
	ixVal  []byte // the words to index just after the commit (index.go)
	evKey  []byte
	evVal  []byte
}

func prepare(account string, in *convo.Inbound) (prepared, error) {
	p := prepared{in: in, msg: in.Message}
	m := &p.msg
	m.ConvID = ConvID(account, in.ThreadID)
	m.ID = ID("m_", account, m.PlatformID)
	p.pidKey = kPid(account, m.PlatformID)
	p.msgKey = kMsg(m.ConvID, m.At, m.ID)
	var err error
	if p.msgVal, err = json.Marshal(m); err != nil {
		return p, err
	}
	p.ixVal = ixValue(m.ConvID, m.Text)
	e := convo.Event{ID: ID("e_", string(messageEvent(m.Direction)), m.ID, m.At.String()), Type: messageEvent(m.Direction), At: m.At,
		ConvID: m.ConvID, Account: account, Platform: in.Customer.Platform}
	p.evKey = kEv(m.At, e.ID)
	p.evVal, err = json.Marshal(e)
	return p, err
}

func (w *writer) add(p *prepared) (dup bool, err error) {
	if _, err := w.txn.Get(p.pidKey); err == nil {
		return true, nil
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return false, err
	}
	in := p.in
	cs, err := w.conversation(in)
	if err != nil {
		return false, err
	}
	c := &cs.c
	if p.msg.At.Before(c.Created) {
		c.Created = p.msg.At
	}
	if err := w.txn.Set(p.msgKey, p.msgVal); err != nil {
		return false, err
	}
	if err := w.txn.Set(p.pidKey, p.msgKey); err != nil {
		return false, err
	}
	if err := w.s.addPending(w.txn, p.ixVal); err != nil {
		return false, err
	}
	if err := applyMessage(w.txn, c, p.msg); err != nil {
		return false, err
	}
	for _, t := range in.Tags {
		if !slices.Contains(c.Tags, t) {
			c.Tags = append(c.Tags, t)
		}
	}
	if in.Priority != nil && *in.Priority > c.Priority {
		c.Priority = *in.Priority
	}
	return false, w.txn.Set(p.evKey, p.evVal)
}

func messageEvent(d convo.Direction) convo.EventType {
	switch d {
	case convo.DirIn:
		return convo.EvMessageIn
	case convo.DirOut:
		return convo.EvMessageOut
	}
	return convo.EvNote
}

func (w *writer) event(c *convo.Conversation, t convo.EventType, at time.Time, ref, data string) error {
	e := convo.Event{ID: ID("e_", string(t), ref, at.String()), Type: t, At: at, ConvID: c.ID, Account: c.AccountID, Platform: c.Platform, Data: data}
	return setJSON(w.txn, kEv(at, e.ID), e)
}

// conversation finds or creates the conversation of in's thread.
func (w *writer) conversation(in *convo.Inbound) (*convState, error) {
	id := ConvID(w.account, in.ThreadID)
	if cs, ok := w.convs[id]; ok {
		return cs, nil
	}
	cs := &convState{}
	err := getJSON(w.txn, kConv(id), &cs.c)
	switch {
	case err == nil:
		cs.orig = cs.c
		cs.orig.Tags = slices.Clone(cs.c.Tags)
		if cs.c.Status != convo.StatusResolved {
			cs.oldDue = kDue(cs.c.Due, id)
		}
	case errors.Is(err, ErrNotFound):
		cust, err := resolveCustomer(w.txn, in)
		if err != nil {
			return nil, err
		}
		cs.isNew = true
		cs.c = convo.Conversation{
			ID: id, AccountID: w.account, Platform: in.Customer.Platform, ThreadID: in.ThreadID,
			Kind: in.Kind, Public: in.Public, Status: convo.StatusOpen, Priority: convo.PriorityNormal,
			CustomerID: cust.ID, CustomerName: cust.Name, Subject: in.Subject, Created: in.Message.At,
		}
		if in.Public {
			cs.c.Priority = convo.PriorityHigh // a public complaint spreads: speed first
		}
		if err := w.txn.Set(kThr(w.account, in.ThreadID), []byte(id)); err != nil {
			return nil, err
		}
		if err := w.txn.Set(kCcv(cust.ID, id), nil); err != nil {
			return nil, err
		}
		for _, t := range Tokens(cust.Name, 8) {
			if err := w.txn.Set(kWord(t, id), nil); err != nil {
				return nil, err
			}
		}
		if err := w.event(&cs.c, convo.EvConvNew, in.Message.At, id, string(in.Kind)); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	w.convs[id] = cs
	w.order = append(w.order, id)
	return cs, nil
}

// flush writes every touched conversation and moves its due key.
func (w *writer) flush() ([]convo.Conversation, error) {
	out := make([]convo.Conversation, 0, len(w.order))
	for _, id := range w.order {
		cs := w.convs[id]
		var before *convo.Conversation
		if !cs.isNew {
			before = &cs.orig
		}
		if err := w.s.putConv(w.txn, before, &cs.c, cs.oldDue); err != nil {
			return nil, err
		}
		out = append(out, cs.c)
	}
	return out, nil
}

// putConv writes c with its due instant recomputed, replacing oldDue, and the
// events OnWrite derives from the change since before (nil: a new conversation).
func (s *Store) putConv(txn *badger.Txn, before *convo.Conversation, c *convo.Conversation, oldDue []byte) error {
	c.Rev++
	c.Due = time.Time{}
	if c.Status != convo.StatusResolved {
		c.Due = s.opts.Due(*c)
	}
	if oldDue != nil {
		if err := txn.Delete(oldDue); err != nil {
			return err
		}
	}
	if c.Status != convo.StatusResolved {
		if err := txn.Set(kDue(c.Due, c.ID), nil); err != nil {
			return err
		}
	}
	if s.opts.OnWrite != nil {
		for _, e := range s.opts.OnWrite(before, *c) {
			if err := setJSON(txn, kEv(e.At, e.ID), e); err != nil {
				return err
			}
		}
	}
	return setJSON(txn, kConv(c.ID), c)
}

// applyMessage updates the conversation's times, preview and state for m.
// The result depends only on the set of messages, not on their order.
func applyMessage(txn *badger.Txn, c *convo.Conversation, m convo.Message) error {
	c.MessageCount++
	if m.Direction == convo.DirNote {
		return nil
	}
	if !m.At.Before(c.LastAt) {
		c.LastAt = m.At
		c.Preview = preview(m.Text)
	}
	switch m.Direction {
	case convo.DirIn:
		if m.At.After(c.LastIn) {
			c.LastIn = m.At
		}
		if m.At.After(c.LastOut) && (c.AwaitingSince.IsZero() || m.At.Before(c.AwaitingSince)) {
			c.AwaitingSince = m.At
		}
		if m.At.After(c.LastOut) && c.Status != convo.StatusOpen {
			c.Status = convo.StatusOpen // the customer wrote again
			c.SnoozeUntil = time.Time{}
		}
	case convo.DirOut:
		if c.FirstOut.IsZero() || m.At.Before(c.FirstOut) {
			c.FirstOut = m.At
		}
		if m.At.After(c.LastOut) {
			c.LastOut = m.At
			switch {
			case c.AwaitingSince.IsZero() || c.AwaitingSince.After(m.At):
			case !c.LastIn.After(m.At):
				c.AwaitingSince = time.Time{} // in-order delivery: nothing after this reply
			default: // a reply delivered after later customer messages: find the first of them
				next, err := firstInboundAfter(txn, c.ID, m.At)
				if err != nil {
					return err
				}
				c.AwaitingSince = next
			}
		}
	}
	return nil
}

// firstInboundAfter is the time of the first inbound message strictly after t.
func firstInboundAfter(txn *badger.Txn, conv string, t time.Time) (time.Time, error) {
	var found time.Time
	prefix := kMsgPrefix(conv)
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(appendTime(prefix, t.Add(1))); it.ValidForPrefix(prefix); it.Next() {
		var m convo.Message
		if err := it.Item().Value(func(b []byte) error { return jsonUnmarshal(b, &m) }); err != nil {
			return found, err
		}
		if m.Direction == convo.DirIn {
			return m.At, nil
		}
	}
	return found, nil
}

func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= 140 {
		return text
	}
	cut := 140
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut] + "…"
}

// resolveCustomer finds the customer by any identity in, creating one if none
// is known, and records identities not seen before.
func resolveCustomer(txn *badger.Txn, in *convo.Inbound) (convo.Customer, error) {
	ids := append([]convo.Identity{in.Customer}, in.AKA...)
	var cust convo.Customer
	custID := ""
	for _, id := range ids {
		v, err := getString(txn, kIdent(string(id.Platform), id.Handle))
		if err == nil {
			custID = v
			break
		}
		if !errors.Is(err, ErrNotFound) {
			return cust, err
		}
	}
	if custID != "" {
		if err := getJSON(txn, kCust(custID), &cust); err != nil {
			return cust, fmt.Errorf("customer %s: %w", custID, err)
		}
	} else {
		cust = convo.Customer{ID: ID("u_", string(in.Customer.Platform), in.Customer.Handle), Name: in.Customer.DisplayName, Language: in.Language, Created: in.Message.At}
		for _, aka := range in.AKA { // a person's name reads better than a @username
			if strings.HasPrefix(cust.Name, "@") && aka.DisplayName != "" && !strings.HasPrefix(aka.DisplayName, "@") {
				cust.Name = aka.DisplayName
			}
		}
		if cust.Name == "" {
			cust.Name = in.Customer.Handle
		}
	}
	changed := custID == ""
	for _, id := range ids {
		if id.Handle == "" || slices.ContainsFunc(cust.Identities, func(x convo.Identity) bool { return x.Platform == id.Platform && x.Handle == id.Handle }) {
			continue
		}
		cust.Identities = append(cust.Identities, id)
		if err := txn.Set(kIdent(string(id.Platform), id.Handle), []byte(cust.ID)); err != nil {
			return cust, err
		}
		changed = true
	}
	if changed {
		return cust, setJSON(txn, kCust(cust.ID), cust)
	}
	return cust, nil
}
