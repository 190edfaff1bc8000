package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"sportello/app/convo"
)

var jsonUnmarshal = json.Unmarshal

// Conversation returns one conversation.
func (s *Store) Conversation(id string) (convo.Conversation, error) {
	var c convo.Conversation
	err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, kConv(id), &c) })
	if err != nil {
		return c, fmt.Errorf("conversation %s: %w", id, err)
	}
	return c, nil
}

// Messages returns the last limit messages of a conversation, oldest first
// (limit ≤ 0: all of them).
func (s *Store) Messages(conv string, limit int) ([]convo.Message, error) {
	var out []convo.Message
	err := s.db.View(func(txn *badger.Txn) error {
		prefix := kMsgPrefix(conv)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		opts.Reverse = true
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(append(prefix, 0xff)); it.ValidForPrefix(prefix); it.Next() {
			var m convo.Message
			if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &m) }); err != nil {
				return err
			}
			out = append(out, m)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// Customer returns one customer.
func (s *Store) Customer(id string) (convo.Customer, error) {
	var c convo.Customer
	err := s.db.View(func(txn *badger.Txn) error { return getJSON(txn, kCust(id), &c) })
	if err != nil {
		return c, fmt.Errorf("customer %s: %w", id, err)
	}
	return c, nil
}

// CustomerConversations returns every conversation of a customer, on any channel.
func (s *Store) CustomerConversations(cust string) ([]convo.Conversation, error) {
	var out []convo.Conversation
	err := s.db.View(func(txn *badger.Txn) error {
		prefix := kCcvPrefix(cust)
		return scan(txn, prefix, false, func(item *badger.Item) (bool, error) {
			var c convo.Conversation
			if err := getJSON(txn, kConv(string(item.Key()[len(prefix):])), &c); err != nil {
				return false, err
			}
			out = append(out, c)
			return true, nil
		})
	})
	return out, err
}

// ForEachConversation calls fn for every conversation, in ID order.
func (s *Store) ForEachConversation(fn func(c convo.Conversation) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(pConv), true, func(item *badger.Item) (bool, error) {
			var c convo.Conversation
			if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &c) }); err != nil {
				return false, err
			}
			return true, fn(c)
		})
	})
}

// FirstDue returns up to n conversations of the queue in due order, straight
// from the due index (what a cold open shows before anything else is loaded).
func (s *Store) FirstDue(n int) ([]convo.Conversation, error) {
	var out []convo.Conversation
	if n <= 0 {
		return nil, nil
	}
	err := s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(pDue), false, func(item *badger.Item) (bool, error) {
			var c convo.Conversation
			if err := getJSON(txn, kConv(convFromDueKey(item.Key())), &c); err != nil {
				return false, err
			}
			out = append(out, c)
			return len(out) < n, nil
		})
	})
	return out, err
}

// Search returns the IDs of conversations whose customer name or messages
// contain every word of q (the last word as a prefix, as the agent types).
// At most limit IDs per word are considered. Messages stored a moment ago
// are indexed first (see index.go).
func (s *Store) Search(q string, limit int) (map[string]bool, error) {
	toks := Tokens(q, 8)
	if len(toks) == 0 || limit <= 0 {
		return nil, nil
	}
	for left := searchCatchUp; left > 0 && s.ixPending.Load() > 0; {
		n, err := s.indexPending(min(left, indexBatch))
		if err != nil {
			return nil, err
		}
		if n == 0 {
			break
		}
		left -= n
	}
	var result map[string]bool
	err := s.db.View(func(txn *badger.Txn) error {
		for i, t := range toks {
			prefix := []byte(pWord + t + "/")
			if i == len(toks)-1 {
				prefix = []byte(pWord + t)
			}
			hits := map[string]bool{}
			err := scan(txn, prefix, false, func(item *badger.Item) (bool, error) {
				k := item.Key()
				slash := strings.LastIndexByte(string(k), '/')
				id := string(k[slash+1:])
				if result == nil || result[id] {
					hits[id] = true
				}
				return len(hits) < limit, nil
			})
			if err != nil {
				return err
			}
			result = hits
			if len(result) == 0 {
				return nil
			}
		}
		return nil
	})
	return result, err
}

// UpdateConversation applies fn to a conversation and stores it with its due
// key moved and ev appended to the event log, in one transaction.
func (s *Store) UpdateConversation(id string, fn func(c *convo.Conversation) ([]convo.Event, error)) (convo.Conversation, error) {
	return s.updateConv(id, func(_ *badger.Txn, c *convo.Conversation) ([]convo.Event, error) { return fn(c) })
}

func (s *Store) updateConv(id string, fn func(txn *badger.Txn, c *convo.Conversation) ([]convo.Event, error)) (convo.Conversation, error) {
	var c convo.Conversation
	err := s.update(func(txn *badger.Txn) error {
		c = convo.Conversation{}
		if err := getJSON(txn, kConv(id), &c); err != nil {
			return err
		}
		var oldDue []byte
		if c.Status != convo.StatusResolved {
			oldDue = kDue(c.Due, id)
		}
		before := c
		before.Tags = slices.Clone(c.Tags)
		evs, err := fn(txn, &c)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := setJSON(txn, kEv(e.At, e.ID), e); err != nil {
				return err
			}
		}
		return s.putConv(txn, &before, &c, oldDue)
	})
	if err != nil {
		return c, fmt.Errorf("update conversation %s: %w", id, err)
	}
	s.publish([]convo.Conversation{c})
	return c, nil
}

// UpdateConversations applies fn to many conversations, a thousand per
// transaction (bulk actions); like UpdateConversation otherwise.
func (s *Store) UpdateConversations(ids []string, fn func(c *convo.Conversation) ([]convo.Event, error)) error {
	for len(ids) > 0 {
		chunk := ids[:min(1000, len(ids))]
		ids = ids[len(chunk):]
		var changed []convo.Conversation
		err := s.update(func(txn *badger.Txn) error {
			changed = changed[:0]
			for _, id := range chunk {
				var c convo.Conversation
				if err := getJSON(txn, kConv(id), &c); err != nil {
					return fmt.Errorf("conversation %s: %w", id, err)
				}
				var oldDue []byte
				if c.Status != convo.StatusResolved {
					oldDue = kDue(c.Due, id)
				}
				before := c
				before.Tags = slices.Clone(c.Tags)
				evs, err := fn(&c)
				if err != nil {
					return fmt.Errorf("conversation %s: %w", id, err)
				}
				for _, e := range evs {
					if err := setJSON(txn, kEv(e.At, e.ID), e); err != nil {
						return err
					}
				}
				if err := s.putConv(txn, &before, &c, oldDue); err != nil {
					return err
				}
				changed = append(changed, c)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("update %d conversations: %w", len(chunk), err)
		}
		s.publish(changed)
	}
	return nil
}

// AddNote stores an internal note on a conversation.
func (s *Store) AddNote(conv, author, text string, at time.Time) (convo.Message, error) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if text == "" {
		return convo.Message{}, fmt.Errorf("empty note: %w", ErrInvalid)
	}
	if len(text) > MaxTextBytes {
		return convo.Message{}, fmt.Errorf("note longer than %d KiB: %w", MaxTextBytes>>10, ErrInvalid)
	}
	m := convo.Message{ID: ID("n_", conv, at.String(), text), ConvID: conv, Direction: convo.DirNote, Author: author, Text: text, At: at.UTC()}
	_, err := s.updateConv(conv, func(txn *badger.Txn, c *convo.Conversation) ([]convo.Event, error) {
		if _, err := txn.Get(kMsg(conv, m.At, m.ID)); err == nil {
			return nil, nil // the same note again (a retried call): stored once
		}
		c.MessageCount++
		return []convo.Event{{ID: ID("e_", m.ID), Type: convo.EvNote, At: m.At, ConvID: conv, Account: c.AccountID, Platform: c.Platform, Agent: author}},
			setJSON(txn, kMsg(conv, m.At, m.ID), m)
	})
	return m, err
}

// Accounts returns every connected account.
func (s *Store) Accounts() ([]convo.Account, error) {
	var out []convo.Account
	err := s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(pAcct), true, func(item *badger.Item) (bool, error) {
			var a convo.Account
			if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &a) }); err != nil {
				return false, err
			}
			out = append(out, a)
			return true, nil
		})
	})
	return out, err
}

// PutAccount adds or replaces an account.
func (s *Store) PutAccount(a convo.Account) error {
	if a.ID == "" || !a.Platform.Valid() {
		return fmt.Errorf("account %q on %q: %w", a.ID, a.Platform, ErrInvalid)
	}
	return s.update(func(txn *badger.Txn) error { return setJSON(txn, kAcct(a.ID), a) })
}

// Cursor returns an account's sync cursor ("" before the first sync).
func (s *Store) Cursor(account string) (string, error) {
	var cur string
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		cur, err = getString(txn, kCur(account))
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	return cur, err
}

// Events calls fn for every event of a UTC day (YYYYMMDD), in time order.
func (s *Store) Events(day string, fn func(e convo.Event) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(pEv+day+"/"), true, func(item *badger.Item) (bool, error) {
			var e convo.Event
			if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &e) }); err != nil {
				return false, err
			}
			return true, fn(e)
		})
	})
}

// Pref reads a preference into v; ErrNotFound when never saved.
func (s *Store) Pref(name string, v any) error {
	return s.db.View(func(txn *badger.Txn) error { return getJSON(txn, kPref(name), v) })
}

// SetPref saves a preference.
func (s *Store) SetPref(name string, v any) error {
	return s.update(func(txn *badger.Txn) error { return setJSON(txn, kPref(name), v) })
}

// reindexWords rebuilds the search index from customer names and messages.
func (s *Store) reindexWords() error {
	var convs []convo.Conversation
	if err := s.ForEachConversation(func(c convo.Conversation) error { convs = append(convs, c); return nil }); err != nil {
		return err
	}
	for _, c := range convs {
		msgs, err := s.Messages(c.ID, 0)
		if err != nil {
			return err
		}
		wb := s.db.NewWriteBatch()
		for _, t := range Tokens(c.CustomerName, 8) {
			if err := wb.Set(kWord(t, c.ID), nil); err != nil {
				wb.Cancel()
				return err
			}
		}
		for _, m := range msgs {
			for _, t := range Tokens(m.Text, maxTokensPerMsg) {
				if err := wb.Set(kWord(t, c.ID), nil); err != nil {
					wb.Cancel()
					return err
				}
			}
		}
		if err := wb.Flush(); err != nil {
			return err
		}
	}
	return nil
}

var keyDuePolicy = []byte(pMeta + "duepolicy")

// Redue recomputes the due instant of every conversation in the queue when
// the policy that computed them (named by fingerprint) has changed, so the
// queue order follows new SLA targets. It returns how many changed.
func (s *Store) Redue(fingerprint string) (int, error) {
	var current string
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		current, err = getString(txn, keyDuePolicy)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil || current == fingerprint {
		return 0, err
	}
	var stale []string
	err = s.ForEachConversation(func(c convo.Conversation) error {
		if c.Status != convo.StatusResolved && !s.opts.Due(c).Equal(c.Due) {
			stale = append(stale, c.ID)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// putConv recomputes the due instant; the change itself is empty.
	if err := s.UpdateConversations(stale, func(*convo.Conversation) ([]convo.Event, error) { return nil, nil }); err != nil {
		return 0, err
	}
	return len(stale), s.update(func(txn *badger.Txn) error { return txn.Set(keyDuePolicy, []byte(fingerprint)) })
}
