package provider

import (
	"context"
	"sync"
)

// readBatch lets the refreshes of one scope share listings instead of
// sending a request each (Terraform refreshes every resource in a call of
// its own, ten at a time). The first read makes its narrow request; the
// second lists the scope, and reads arriving meanwhile wait for it. A scope
// of more than maxWholePages pages is read no further than page 1 until
// relistAfter more reads show a refresh in bulk; then it is listed whole.
// An item a listing lacks is read narrowly: rows shift between pages while
// others delete, so only the narrow request proves an invitation gone.
// No write ever meets a listing: Terraform configures the provider afresh
// for a plan and for an apply, and refreshes only while planning.
type readBatch[T any] struct {
	list listFunc[T]

	mu      sync.Mutex
	reads   int
	current *listing[T]
}

// listFunc lists a scope, keyed as the reads ask. With maxPages above 0, a
// scope of more pages is read no further than page 1 (partial).
type listFunc[T any] func(ctx context.Context, maxPages int) (items map[string]*T, partial bool, err error)

// maxWholePages is the largest listing read whole when a scope's second
// read comes: ten pages cost no more than Terraform's ten reads in flight.
const maxWholePages = 10

// relistAfter is how many more reads after a partial listing make a scope
// one refreshed in bulk, and worth its whole listing.
const relistAfter = 8

type listing[T any] struct {
	done    chan struct{}
	reads   int // the scope's reads when the listing started
	items   map[string]*T
	partial bool
}

// read returns the item with key: from the scope's listing when one holds
// it, else from narrow, the Read's own request.
func (b *readBatch[T]) read(ctx context.Context, key string, narrow func(context.Context) (*T, error)) (*T, error) {
	if item := b.listed(ctx, key); item != nil {
		return item, nil
	}
	return narrow(ctx)
}

// listed is the item with key in the scope's listing, or nil.
func (b *readBatch[T]) listed(ctx context.Context, key string) *T {
	b.mu.Lock()
	b.reads++
	if b.reads == 1 {
		b.mu.Unlock()
		return nil
	}
	for {
		l := b.current
		if l == nil || l.replaceable(b.reads) {
			maxPages := maxWholePages
			if l != nil {
				maxPages = 0 // a partial listing's scope is refreshed in bulk
			}
			l = &listing[T]{done: make(chan struct{}), reads: b.reads}
			b.current = l
			b.mu.Unlock()
			if items, partial, err := b.list(ctx, maxPages); err == nil {
				l.items, l.partial = items, partial
			}
			close(l.done)
		} else {
			b.mu.Unlock()
			select {
			case <-l.done:
			case <-ctx.Done():
				return nil
			}
		}
		if item := l.items[key]; item != nil || !l.partial {
			return item
		}
		// A partial listing lacks the item. Once relistAfter reads have
		// come since it started, the scope is refreshed in bulk: the whole
		// listing answers instead of the narrow request.
		b.mu.Lock()
		if b.current == l && !l.replaceable(b.reads) {
			b.mu.Unlock()
			return nil
		}
	}
}

// replaceable tells a partial listing that relistAfter reads have come
// since. A listing that failed is not tried again: its scope's reads go
// narrow. Called with the batch locked.
func (l *listing[T]) replaceable(reads int) bool {
	select {
	case <-l.done:
		return l.partial && reads-l.reads >= relistAfter
	default:
		return false
	}
}

// readBatches are a run's read batches of one platform, one a scope.
type readBatches[T any] struct {
	mu      sync.Mutex
	byScope map[string]*readBatch[T]
}

// scope is the batch of a scope, made with list the first time it is asked for.
func (s *readBatches[T]) scope(key string, list listFunc[T]) *readBatch[T] {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byScope == nil {
		s.byScope = map[string]*readBatch[T]{}
	}
	b, ok := s.byScope[key]
	if !ok {
		b = &readBatch[T]{list: list}
		s.byScope[key] = b
	}
	return b
}
