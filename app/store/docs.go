package store

import (
	"encoding/json"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
)

// Doc families: small JSON records kept by the parts above the store
// (templates, drafts, outbox items). Each has its own prefix in keys.go.
const (
	Templates = pTpl
	Drafts    = pDraft
	Outbox    = pOut
)

func docKey(family, id string) ([]byte, error) {
	switch family {
	case Templates, Drafts, Outbox:
		return []byte(family + id), nil
	}
	return nil, fmt.Errorf("unknown record family %q: %w", family, ErrInvalid)
}

// PutDoc saves v (as JSON) under family/id; returns once on disk.
func (s *Store) PutDoc(family, id string, v any) error {
	k, err := docKey(family, id)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error { return setJSON(txn, k, v) })
}

// UpdateDoc reads family/id into v (ErrNotFound if absent and create is
// false), lets fn change it, and saves it, in one transaction.
func (s *Store) UpdateDoc(family, id string, v any, create bool, fn func() error) error {
	k, err := docKey(family, id)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error {
		if err := getJSON(txn, k, v); err != nil && (!errors.Is(err, ErrNotFound) || !create) {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
		return setJSON(txn, k, v)
	})
}

// GetDoc reads family/id into v; ErrNotFound when absent.
func (s *Store) GetDoc(family, id string, v any) error {
	k, err := docKey(family, id)
	if err != nil {
		return err
	}
	return s.db.View(func(txn *badger.Txn) error { return getJSON(txn, k, v) })
}

// DeleteDoc removes family/id (no error if absent).
func (s *Store) DeleteDoc(family, id string) error {
	k, err := docKey(family, id)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error { return txn.Delete(k) })
}

// Docs calls fn with every record of a family, in ID order.
func (s *Store) Docs(family string, fn func(id string, raw json.RawMessage) error) error {
	if _, err := docKey(family, ""); err != nil {
		return err
	}
	return s.db.View(func(txn *badger.Txn) error {
		return scan(txn, []byte(family), true, func(item *badger.Item) (bool, error) {
			b, err := item.ValueCopy(nil)
			if err != nil {
				return false, err
			}
			return true, fn(string(item.Key()[len(family):]), b)
		})
	})
}

// PutDocDeleting saves v under family/id and deletes delFamily/delID in the
// same transaction (a draft becomes an outbox item: never both, never neither).
func (s *Store) PutDocDeleting(family, id string, v any, delFamily, delID string) error {
	k, err := docKey(family, id)
	if err != nil {
		return err
	}
	dk, err := docKey(delFamily, delID)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error {
		if err := setJSON(txn, k, v); err != nil {
			return err
		}
		return txn.Delete(dk)
	})
}
