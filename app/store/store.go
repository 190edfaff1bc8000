// Package store keeps everything Sportello knows in a local Badger v4 database:
// accounts, customers, conversations, messages, the queue's due index and the
// event log. Every index is written in the same transaction as its record.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"sportello/app/convo"
)

// SchemaVersion is the layout this build writes.
const SchemaVersion = 2

var (
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrLocked is returned when another Sportello already has the store open.
	ErrLocked = errors.New("the data folder is in use by another Sportello window; close it first or start with a different --data-dir")
	// ErrNewerSchema is returned for a store written by a newer Sportello.
	ErrNewerSchema = errors.New("the data folder was written by a newer version of Sportello; update Sportello to open it")
	// ErrDiskLow is returned instead of writing when free disk space is too low.
	ErrDiskLow = errors.New("disk almost full: writing is paused until space is freed")
	// ErrInvalid is returned for input the store refuses.
	ErrInvalid = errors.New("invalid input")
)

// Options configure Open.
type Options struct {
	// Now is the clock; required.
	Now func() time.Time
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
	// InMemory keeps everything in memory (tests).
	InMemory bool
	// MinFree is the free space below which writes are refused (default 256 MiB).
	MinFree int64
	// FreeSpace reports free bytes at dir; defaults to the OS's figure.
	FreeSpace func(dir string) (int64, error)
	// Due computes a conversation's due instant; the SLA engine plugs in here.
	// Defaults to DefaultDue.
	Due func(c convo.Conversation) time.Time
	// OnWrite returns events to append, in the same transaction, when a
	// conversation changes from before (nil when new) to after; the SLA
	// engine records met and breached targets here. May be nil.
	OnWrite func(before *convo.Conversation, after convo.Conversation) []convo.Event

	// holdIndex leaves message words pending (tests of what a later Open does).
	holdIndex bool
}

// Store is the open database. It is safe for concurrent use.
type Store struct {
	db   *badger.DB
	dir  string
	opts Options
	log  *slog.Logger

	mu   sync.Mutex
	subs []func([]convo.Conversation)

	// writeMu serialises read-write transactions: concurrent syncs share
	// customers and would otherwise conflict and retry whole batches.
	writeMu sync.Mutex

	// The search indexer (index.go). ixSeq is guarded by writeMu; ixNext by ixMu.
	ixMu      sync.Mutex
	ixSeq     uint64
	ixNext    []byte
	ixPending atomic.Int64
	ingesting atomic.Int32
	ixKick    chan struct{}
	ixStop    chan struct{}
	ixOnce    sync.Once
	ixDone    chan struct{}

	diskMu      sync.Mutex
	diskChecked time.Time
	diskFree    int64
	diskLow     bool
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, o Options) (*Store, error) {
	if o.Now == nil {
		return nil, fmt.Errorf("store: no clock: %w", ErrInvalid)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MinFree == 0 {
		o.MinFree = 256 << 20
	}
	if o.FreeSpace == nil {
		o.FreeSpace = freeSpace
	}
	if o.Due == nil {
		o.Due = DefaultDue
	}
	bo := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{o.Logger}).
		WithSyncWrites(true). // acknowledged means on disk
		WithValueLogFileSize(64 << 20).
		WithMemTableSize(16 << 20).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumCompactors(2).
		WithCompactL0OnClose(false).
		// Read-write transactions are serialised by writeMu: no two can conflict.
		WithDetectConflicts(false)
	if o.InMemory {
		bo = bo.WithDir("").WithValueDir("").WithInMemory(true)
	} else {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create data folder %s: %w", dir, err)
		}
		// Opening replays the value log: refuse early rather than die with SIGBUS.
		if free, err := o.FreeSpace(dir); err == nil && free < o.MinFree/4 {
			return nil, fmt.Errorf("open %s: %w (%d MiB free)", dir, ErrDiskLow, free>>20)
		}
	}
	if !o.InMemory {
		if err := dropEmptyLogs(dir); err != nil {
			return nil, err
		}
	}
	db, err := badger.Open(bo)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("open %s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, dir: dir, opts: o, log: o.Logger}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.startIndexer(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// dropEmptyLogs removes zero-length memtable and value-log files. A process
// killed between Badger creating such a file and sizing it leaves one behind,
// and Badger then refuses to open; an empty file holds no data (even a fresh
// one starts with a header), so removing it loses nothing.
func dropEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read data folder %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() != 0 {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("remove empty %s: %w", name, err)
		}
	}
	return nil
}

// Close stops the indexer, then flushes and closes the database.
func (s *Store) Close() error {
	s.stopIndexer()
	return s.db.Close()
}

// Dir is the data folder ("" in memory).
func (s *Store) Dir() string { return s.dir }

// Subscribe registers fn to be called, after each commit, with the
// conversations that commit changed. fn must be quick and must not write.
func (s *Store) Subscribe(fn func([]convo.Conversation)) {
	s.mu.Lock()
	s.subs = append(s.subs, fn)
	s.mu.Unlock()
}

func (s *Store) publish(cs []convo.Conversation) {
	if len(cs) == 0 {
		return
	}
	s.mu.Lock()
	subs := s.subs
	s.mu.Unlock()
	for _, fn := range subs {
		fn(cs)
	}
}

// migrate brings an older layout up to SchemaVersion and refuses a newer one.
func (s *Store) migrate() error {
	v := 0
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(keySchema)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			v, err = strconv.Atoi(string(b))
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema %d > %d: %w", v, SchemaVersion, ErrNewerSchema)
	}
	if v == 0 && s.isEmpty() {
		v = SchemaVersion
	}
	for v < SchemaVersion {
		m, ok := migrations[v]
		if !ok {
			return fmt.Errorf("no migration from schema %d", v)
		}
		if err := m(s); err != nil {
			return fmt.Errorf("migrate schema %d: %w", v, err)
		}
		v++
		s.log.Info("store migrated", "schema", v)
	}
	return s.db.Update(func(txn *badger.Txn) error {
		return txn.Set(keySchema, []byte(strconv.Itoa(SchemaVersion)))
	})
}

// migrations[v] upgrades a store from schema v to v+1.
var migrations = map[int]func(*Store) error{
	// Schema 1 had no search index: build it from names and messages.
	1: func(s *Store) error { return s.reindexWords() },
}

func (s *Store) isEmpty() bool {
	empty := true
	_ = s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	return empty
}

// checkDisk refuses writes when the disk is nearly full. Badger maps its
// files and dies with SIGBUS when it cannot grow one, so this must run first.
func (s *Store) checkDisk() error {
	if s.opts.InMemory {
		return nil
	}
	s.diskMu.Lock()
	defer s.diskMu.Unlock()
	now := s.opts.Now()
	if !s.diskChecked.IsZero() && now.Sub(s.diskChecked) < time.Second && now.After(s.diskChecked) && !s.diskLow {
		return nil
	}
	free, err := s.opts.FreeSpace(s.dir)
	s.diskChecked = now
	if err != nil {
		s.log.Warn("free space check failed", "err", err)
		return nil
	}
	s.diskFree = free
	s.diskLow = free < s.opts.MinFree
	if s.diskLow {
		return fmt.Errorf("%w (%d MiB free in %s)", ErrDiskLow, free>>20, s.dir)
	}
	return nil
}

// Disk reports the last free-space reading and whether writing is paused.
func (s *Store) Disk() (free int64, low bool) {
	_ = s.checkDisk()
	s.diskMu.Lock()
	defer s.diskMu.Unlock()
	return s.diskFree, s.diskLow
}

// update runs fn in a read-write transaction, retrying on conflicts.
func (s *Store) update(fn func(txn *badger.Txn) error) error {
	if err := s.checkDisk(); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var err error
	for range 20 {
		err = s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
	}
	return err
}

func getJSON(txn *badger.Txn, key []byte, v any) error {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error { return json.Unmarshal(b, v) })
}

func setJSON(txn *badger.Txn, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return txn.Set(key, b)
}

func getString(txn *badger.Txn, key []byte) (string, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	b, err := item.ValueCopy(nil)
	return string(b), err
}

// scan calls fn for each key with prefix, in key order, until fn returns false.
func scan(txn *badger.Txn, prefix []byte, values bool, fn func(item *badger.Item) (bool, error)) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = values
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		more, err := fn(it.Item())
		if err != nil || !more {
			return err
		}
	}
	return nil
}

type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(strings.TrimSpace(fmt.Sprintf(f, a...))) }
func (b badgerLogger) Infof(string, ...any)        {}
func (b badgerLogger) Debugf(string, ...any)       {}
