package provider

import (
	"context"
	"sync"
	"time"
)

// readBatch serves the reads of one scope (an authentik instance; an
// ibl.ai org and program) in one provider process, that is one Terraform
// operation, from one shared listing of the scope instead of a request per
// resource. The first read of a scope is made on its own; the second
// starts the listing, once at a time (reads arriving meanwhile wait for
// it), read whole only when it costs no more requests than the reads seen
// so far: page 1 tells how many pages there are, and a scope too large for
// that answers from page 1 what it can, the rest one by one until as many
// more reads as it has pages, and at most relistAfter, have come
// (Terraform's walk can bring a scope's reads slowly at first, when other
// scopes hold its parallel slots); then it is listed whole. Any write to
// the scope in the process makes the next read list it again, so a read is
// as fresh as a GET made in the same operation.
//
// A listing's miss is never proof of absence: rows deleted while a scope
// is paged (authentik's cleanup job, a used single-use link) shift later
// rows back a page, so a listing can skip an item that exists. A key the
// listing lacks is therefore not served, complete listing or not: the
// caller confirms with the item's own narrow read (authentik: GET by id;
// ibl.ai: the filtered GET for the row), and only that read's answer tells
// that it is gone.
type readBatch[T any] struct {
	mu      sync.Mutex
	reads   int
	writes  int
	current *listing[T]
}

type listing[T any] struct {
	done   chan struct{}
	writes int
	reads  int // the scope's reads when the listing started
	items  map[string]*T
	// complete is false when the scope was not listed whole (too large, or
	// failed). Either way what it holds answers and a miss is read one by
	// one: even a complete listing may have skipped a row.
	complete bool
	// declined is the number of pages of a listing found not worth
	// reading whole; 0 when it was, or when it failed.
	declined int
}

// relistAfter bounds the reads one by one after a declined listing. The
// reads that decide a listing are those Terraform has in flight, at most
// its parallelism (10 by default), all waiting for the decision: a scope of
// 100 pages can never show 100 of them, and waiting for as many more reads
// as pages made a no-op plan of 10,000 invitations 1 + 1 + 100 + 100
// requests. 8 more reads, one by one, are a plan refreshing the scope in
// bulk, not a few of its invitations: 1 + 1 + 8 + 100 at most. The price is
// a plan of a dozen invitations in a scope that large, which lists it
// whole (about 110 requests, 16 pages at a time, for 12 reads).
const relistAfter = 8

// bulkCalls are the calls of a scope that make any listing of it worth
// reading whole: the first and all of Terraform's default parallelism (10)
// waiting for the listing's decision, the most a walk can show at that
// moment. A scope of 100 pages can never show 100; a plan of 10,000
// invitations is then 1 + 100 requests, and a plan of ten in such a scope
// pays the same 101 (16 pages at a time) instead of 10.
const bulkCalls = 10

// stale tells whether a new listing should replace l: a write to the
// scope since, or, for one declined as too large, as many reads since as
// it has pages, or relistAfter. Called with the batch locked.
func (l *listing[T]) stale(reads, writes int) bool {
	if l.writes != writes {
		return true
	}
	select {
	case <-l.done:
		return l.declined > 0 && reads-l.reads >= min(l.declined, relistAfter)
	default:
		return false // still being read
	}
}

// listFunc lists a scope, keyed as the reads ask; worth tells, given the
// number of pages, whether the whole listing is worth reading. complete is
// false when only part of it was read (page 1 of a scope not worth more).
type listFunc[T any] func(ctx context.Context, worth func(pages int) bool) (items map[string]*T, complete bool)

// lookup answers a read of key from the scope's listing: the item, whether
// the listing holds it, and whether the listing answered (when not, the
// caller reads the item itself). It answers only what it found: a miss
// comes back not served, so that absence is proven by the narrow read.
func (b *readBatch[T]) lookup(ctx context.Context, key string, list listFunc[T]) (*T, bool, bool) {
	b.mu.Lock()
	b.reads++
	if b.reads == 1 {
		// The first read of a scope is made on its own: a refresh of one
		// invitation stays one narrow request. The second starts a listing.
		b.mu.Unlock()
		return nil, false, false
	}
	l := b.current
	if l == nil || l.stale(b.reads, b.writes) {
		// After a declined listing, with no write since, the reads that
		// came have shown that the scope is refreshed in bulk: list it whole.
		bulk := l != nil && l.writes == b.writes && l.declined > 0
		l = &listing[T]{done: make(chan struct{}), writes: b.writes, reads: b.reads}
		b.current = l
		b.mu.Unlock()
		l.items, l.complete = list(ctx, func(pages int) bool {
			worth := bulk || b.worth(pages)
			if !worth {
				l.declined = pages
			}
			return worth
		})
		close(l.done)
	} else {
		b.mu.Unlock()
		if !awaited(ctx, l.done) {
			return nil, false, false
		}
	}
	item, found := l.items[key]
	return item, found, found
}

// worth: a listing of pages pages replaces at least as many reads.
func (b *readBatch[T]) worth(pages int) bool {
	return worthListing(pages, func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.reads
	})
}

// worthListing tells whether a listing of pages pages replaces at least as
// many calls, counted by calls. Page 1 returns before Terraform's other
// parallel calls of the scope have all arrived, so it waits for them while
// they keep coming (100 ms of quiet, 1 s at most; once a scope and
// operation, and only for a listing of several pages). bulkCalls of them
// are worth any listing.
func worthListing(pages int, calls func() int) bool {
	start := time.Now()
	seen, quietSince := -1, start
	for {
		n := calls()
		switch {
		case pages <= n || n >= bulkCalls:
			return true
		case n != seen:
			seen, quietSince = n, time.Now()
		case time.Since(quietSince) > 100*time.Millisecond || time.Since(start) > time.Second:
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// awaited waits for done, and tells whether it came before ctx ended.
func awaited(ctx context.Context, done <-chan struct{}) bool {
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// wrote records a write to the scope: the next read lists it again.
func (b *readBatch[T]) wrote() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes++
}

// scoped holds one B a scope for one provider process (one operation):
// read batches, create looks.
type scoped[B any] struct {
	mu     sync.Mutex
	scopes map[string]*B
}

func (s *scoped[B]) scope(key string) *B {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.scopes == nil {
		s.scopes = map[string]*B{}
	}
	b, ok := s.scopes[key]
	if !ok {
		b = new(B)
		s.scopes[key] = b
	}
	return b
}
