package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// The search index over message text is written just after a message is
// acknowledged, not in the same transaction: a sync stores each message with
// an ix/<seq> to-do entry holding the message's key, and the indexer turns those entries into word
// keys once the burst is over. Words are most of the keys a message makes, so
// this keeps them off the path a sync waits on. The to-do list is on disk: a
// crash before indexing loses nothing, the next Open carries on. Search first
// catches up on what is pending (up to searchCatchUp messages), so a message
// stored a moment ago is found.

const (
	// indexBatch messages per index transaction.
	indexBatch = 512
	// searchCatchUp is how many pending messages a search indexes before it
	// looks; during a large backfill the rest follows in the background.
	searchCatchUp = 4096
	// ingestYield is how long the indexer waits for a running sync to finish
	// before it takes its turn anyway.
	ingestYield = 50 * time.Millisecond
)

// kIx numbers to-do entries in the order they were written (writes are
// serialised), so the indexer never walks again over the entries it deleted.
func kIx(seq uint64) []byte { return binary.BigEndian.AppendUint64([]byte(pIx), seq) }

// ixValue is a to-do entry: the conversation and the words of one message,
// worked out before the sync takes the write lock. Tokens hold no NUL.
func ixValue(conv, text string) []byte {
	b := []byte(conv)
	for _, t := range Tokens(text, maxTokensPerMsg) {
		b = append(append(b, 0), t...)
	}
	return b
}

// addPending records, in the sync's transaction, the words to index.
// Called with writeMu held.
func (s *Store) addPending(txn *badger.Txn, val []byte) error {
	s.ixSeq++
	return txn.Set(kIx(s.ixSeq), val)
}

// IndexPending is how many stored messages are not yet searchable.
func (s *Store) IndexPending() int64 { return s.ixPending.Load() }

// WaitIndexed returns once every message stored so far is searchable (or
// the store is closed).
func (s *Store) WaitIndexed() error {
	for {
		n, err := s.indexPending(indexBatch)
		if err != nil || n == 0 {
			return err
		}
	}
}

// kickIndexer tells the indexer there is work, without waiting.
func (s *Store) kickIndexer() {
	select {
	case s.ixKick <- struct{}{}:
	default:
	}
}

// indexLoop runs until Close: it indexes pending messages whenever a sync
// has stored some, giving way to syncs that are writing meanwhile.
func (s *Store) indexLoop() {
	defer close(s.ixDone)
	wait := time.NewTimer(0)
	defer wait.Stop()
	for {
		select {
		case <-s.ixStop:
			return
		case <-s.ixKick:
		}
		for {
			for deadline := time.Now().Add(ingestYield); s.ingesting.Load() > 0 && time.Now().Before(deadline); {
				wait.Reset(2 * time.Millisecond)
				select {
				case <-s.ixStop:
					return
				case <-wait.C:
				}
			}
			n, err := s.indexPending(indexBatch)
			if err != nil {
				// Disk low or closing: the entries stay; the next sync kicks again.
				s.log.Warn("search index: will retry", "err", err)
				break
			}
			if n == 0 {
				break
			}
			select {
			case <-s.ixStop:
				return
			default:
			}
		}
	}
}

// indexPending indexes up to max pending messages in one transaction and
// returns how many it indexed.
func (s *Store) indexPending(max int) (int, error) {
	s.ixMu.Lock()
	defer s.ixMu.Unlock()
	if s.ixPending.Load() <= 0 {
		return 0, nil
	}
	type entry struct{ key, val []byte }
	var todo []entry
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(pIx)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(s.ixNext); it.ValidForPrefix(opts.Prefix) && len(todo) < max; it.Next() {
			val, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			todo = append(todo, entry{it.Item().KeyCopy(nil), val})
		}
		return nil
	})
	if err == nil && len(todo) > 0 {
		// Words first, then the entries: a crash in between only indexes again.
		err = s.update(func(txn *badger.Txn) error {
			seen := map[string]bool{}
			for _, e := range todo {
				words := bytes.Split(e.val, []byte{0})
				conv := string(words[0])
				for _, w := range words[1:] {
					k := kWord(string(w), conv)
					if seen[string(k)] {
						continue
					}
					seen[string(k)] = true
					if err := txn.Set(k, nil); err != nil {
						return err
					}
				}
			}
			for _, e := range todo {
				if err := txn.Delete(e.key); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return 0, fmt.Errorf("search index: %w", err)
	}
	if len(todo) == 0 {
		s.ixPending.Store(0) // nothing left after the cursor: the count was off
		return 0, nil
	}
	s.ixNext = append(todo[len(todo)-1].key, 0) // just after the last one
	s.ixPending.Add(-int64(len(todo)))
	return len(todo), nil
}

// startIndexer counts the to-do entries an earlier run left, numbers new
// ones after them and starts the indexer.
func (s *Store) startIndexer() error {
	var n int64
	err := s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(pIx), false, func(item *badger.Item) (bool, error) {
			n++
			if k := item.Key(); len(k) == len(pIx)+8 {
				s.ixSeq = binary.BigEndian.Uint64(k[len(pIx):])
			}
			return true, nil
		})
	})
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	s.ixPending.Store(n)
	s.ixNext = []byte(pIx)
	s.ixKick = make(chan struct{}, 1)
	s.ixStop = make(chan struct{})
	s.ixDone = make(chan struct{})
	if s.opts.holdIndex {
		close(s.ixDone)
		return nil
	}
	go s.indexLoop()
	if n > 0 {
		s.kickIndexer()
	}
	return nil
}

// stopIndexer ends the indexer; what is pending stays on disk for next time.
func (s *Store) stopIndexer() {
	if s.ixStop == nil {
		return
	}
	s.ixOnce.Do(func() { close(s.ixStop) })
	<-s.ixDone
}
