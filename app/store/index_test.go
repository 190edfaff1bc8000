package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"sportello/app/convo"
)

// hasWord says whether the search index holds tok for conv, read directly.
func hasWord(t *testing.T, s *Store, tok, conv string) bool {
	t.Helper()
	found := false
	err := s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(kWord(tok, conv))
		found = err == nil
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatalf("read word %s: %v", tok, err)
	}
	return found
}

func TestSearchSeesWhatWasJustStored(t *testing.T) {
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			s := be.open(t, Options{})
			for i := range 5 {
				thread := fmt.Sprintf("T%d", i)
				word := fmt.Sprintf("ordine%d", i)
				mustIngest(t, s, "a", []convo.Inbound{dm(thread, "p"+thread, convo.DirIn, t0, "dov'è il mio "+word+"?")}, "")
				// No wait: Search indexes what is pending before it looks.
				hits, err := s.Search(word, 10)
				if err != nil || !hits[ConvID("a", thread)] || len(hits) != 1 {
					t.Fatalf("Search(%s) right after Ingest = %v, %v; want only %s", word, hits, err, thread)
				}
			}
			if err := s.WaitIndexed(); err != nil {
				t.Fatalf("WaitIndexed = %v", err)
			}
			if n := s.IndexPending(); n != 0 {
				t.Errorf("IndexPending after WaitIndexed = %d, want 0", n)
			}
		})
	}
}

func TestIndexCarriesOnAfterReopen(t *testing.T) {
	dir := t.TempDir()
	s := openDisk(t, dir, Options{holdIndex: true})
	mustIngest(t, s, "a", []convo.Inbound{
		dm("A", "a1", convo.DirIn, t0, "il pacco è danneggiato"),
		dm("A", "a2", convo.DirIn, t0.Add(time.Minute), "vorrei un rimborso"),
		dm("B", "b1", convo.DirIn, t0, "grazie del rimborso"),
	}, "")
	mustIngest(t, s, "a", []convo.Inbound{dm("A", "a1", convo.DirIn, t0, "il pacco è danneggiato")}, "") // a duplicate adds nothing
	A, B := ConvID("a", "A"), ConvID("a", "B")
	if n := s.IndexPending(); n != 3 {
		t.Errorf("IndexPending = %d, want the 3 messages stored", n)
	}
	if hasWord(t, s, "danneggiato", A) {
		t.Fatalf("the word is indexed while the indexer is held")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The next run indexes what the last one left, by itself (no search needed).
	s = openDisk(t, dir, Options{})
	deadline := time.Now().Add(20 * time.Second)
	for s.IndexPending() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := s.IndexPending(); n != 0 {
		t.Fatalf("IndexPending after reopening = %d, want 0 once the indexer ran", n)
	}
	for _, w := range []struct{ tok, conv string }{{"danneggiato", A}, {"rimborso", A}, {"pacco", A}, {"rimborso", B}, {"grazie", B}} {
		if !hasWord(t, s, w.tok, w.conv) {
			t.Errorf("word %q of %s not indexed after reopening", w.tok, w.conv)
		}
	}
	if hasWord(t, s, "pacco", B) {
		t.Errorf("word of A indexed under B")
	}

	// New messages are numbered after the old entries and indexed too.
	mustIngest(t, s, "a", []convo.Inbound{dm("B", "b2", convo.DirIn, t0.Add(time.Hour), "spedizione")}, "")
	if hits, err := s.Search("spedizione", 10); err != nil || !hits[B] || len(hits) != 1 {
		t.Errorf("Search(spedizione) = %v, %v; want B", hits, err)
	}
}
