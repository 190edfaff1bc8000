package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"sportello/app/convo"
)

// Firing is one deadline threshold reached: its mark makes it fire once,
// across restarts; Event (optional) goes to the event log with the mark.
type Firing struct {
	Mark  string
	Event *convo.Event
}

// Fire records firings not recorded before, with their events, in one
// transaction, and reports which were new (fresh[i] for firings[i]).
func (s *Store) Fire(firings []Firing) ([]bool, error) {
	fresh := make([]bool, len(firings))
	err := s.update(func(txn *badger.Txn) error {
		clear(fresh)
		for i, f := range firings {
			k := kMark(f.Mark)
			if _, err := txn.Get(k); err == nil {
				continue
			} else if !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			if err := txn.Set(k, nil); err != nil {
				return err
			}
			if f.Event != nil {
				if err := setJSON(txn, kEv(f.Event.At, f.Event.ID), f.Event); err != nil {
					return err
				}
			}
			fresh[i] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record %d deadline firings: %w", len(firings), err)
	}
	return fresh, nil
}

// Fired reports whether a mark was recorded.
func (s *Store) Fired(mark string) (bool, error) {
	found := false
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(kMark(mark))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	return found, err
}

// PutNotice saves an in-app notification (JSON of v) under its time and ID,
// replacing one with the same time and ID.
func (s *Store) PutNotice(at time.Time, id string, v any) error {
	return s.update(func(txn *badger.Txn) error { return setJSON(txn, kNotice(at, id), v) })
}

// Notices calls fn with the newest notifications first, at most limit.
func (s *Store) Notices(limit int, fn func(raw json.RawMessage) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		prefix := []byte(pNotice)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = prefix
		opts.Reverse = true
		it := txn.NewIterator(opts)
		defer it.Close()
		n := 0
		for it.Seek(append(prefix, 0xff)); it.ValidForPrefix(prefix) && n < limit; it.Next() {
			b, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			if err := fn(b); err != nil {
				return err
			}
			n++
		}
		return nil
	})
}

// UpdateNotice reads the notification at/id into v, lets fn change it and
// saves it, in one transaction (ErrNotFound if it is not there).
func (s *Store) UpdateNotice(at time.Time, id string, v any, fn func() error) error {
	k := kNotice(at, id)
	return s.update(func(txn *badger.Txn) error {
		if err := getJSON(txn, k, v); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
		return setJSON(txn, k, v)
	})
}
