package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Paging is a list's paging block. Cursors go stale when the item they
// point at is deleted, so they are only ever followed, never stored.
type Paging struct {
	Cursors struct {
		Before string `json:"before"`
		After  string `json:"after"`
	} `json:"cursors"`
	Next     string `json:"next"`
	Previous string `json:"previous"`
}

// List is the {"data":[…],"paging":{…}} envelope of every Graph list.
type List[T any] struct {
	Data   []T    `json:"data"`
	Paging Paging `json:"paging"`
}

// maxPages stops a list that never ends (a server repeating itself).
const maxPages = 5000

// Each calls fn with each page of a list, starting with first (already
// fetched, e.g. nested in an object) and following paging.next until it is
// absent or fn returns false. A page can be short or empty and still have
// more after it.
func Each[T any](ctx context.Context, c *Client, first List[T], fn func(page []T) (more bool, err error)) error {
	l := first
	seen := map[string]bool{}
	for n := 0; ; n++ {
		more, err := fn(l.Data)
		if err != nil || !more || l.Paging.Next == "" {
			return err
		}
		if seen[l.Paging.Next] || n >= maxPages {
			return fmt.Errorf("graph: %w: the list does not end (page %d repeats %s)", ErrTemporary, n, redact(l.Paging.Next))
		}
		seen[l.Paging.Next] = true
		next := l.Paging.Next
		l = List[T]{}
		if _, err := c.Next(ctx, next, &l); err != nil {
			return err
		}
	}
}

// GetList reads the first page of path and calls fn for it and every next
// page, as Each. It returns the server time of the first page.
func GetList[T any](ctx context.Context, c *Client, path string, q url.Values, fn func(page []T) (more bool, err error)) (timeOfFirst time.Time, err error) {
	var first List[T]
	at, err := c.Get(ctx, path, q, &first)
	if err != nil {
		return at, err
	}
	return at, Each(ctx, c, first, fn)
}

// Search calls match with each item of a list, from first on, following
// paging as Each does, until match answers done, and returns the item match
// found (found and done) if any.
func Search[T any](ctx context.Context, c *Client, first List[T], match func(item T) (found, done bool)) (T, bool, error) {
	var hit T
	ok := false
	err := Each(ctx, c, first, searcher(match, &hit, &ok))
	return hit, ok, err
}

// SearchList is Search on the list at path. A list that does not exist
// (ErrNotFound) holds nothing.
func SearchList[T any](ctx context.Context, c *Client, path string, q url.Values, match func(item T) (found, done bool)) (T, bool, error) {
	var hit T
	ok := false
	_, err := GetList(ctx, c, path, q, searcher(match, &hit, &ok))
	if errors.Is(err, ErrNotFound) {
		return hit, false, nil
	}
	return hit, ok, err
}

func searcher[T any](match func(T) (found, done bool), hit *T, ok *bool) func(page []T) (bool, error) {
	return func(page []T) (bool, error) {
		for _, it := range page {
			if found, done := match(it); done {
				if found {
					*hit, *ok = it, true
				}
				return false, nil
			}
		}
		return true, nil
	}
}
