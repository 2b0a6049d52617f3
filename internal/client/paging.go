package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
)

// PageSize is the page size a listing asks for: the API's largest, and no
// more than the listing will keep.
func PageSize(largest, limit int) int {
	if limit > 0 && limit < largest {
		return limit
	}
	return largest
}

// Query builds query parameters from name and value pairs, leaving out
// empty values: a filter that is not set is not sent.
func Query(pairs ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q
}

// Page is one page of a listing, as a platform client decodes it.
type Page[T any] struct {
	Items []T
	// Total is how many items the server counts.
	Total int
	// Next is the next page's number, 0 after the last.
	Next int
	// Last is the last page's number when the server tells it, else 0.
	Last int
}

// PageConcurrency bounds the pages read at once.
const PageConcurrency = 5

// MaxPageConcurrency is the most pages a walk reads at once.
const MaxPageConcurrency = PageConcurrency

// PageOptions shape a walk through a listing.
type PageOptions struct {
	// MaxItems, when not 0, is how many items the caller can use.
	MaxItems int
	// Sequential reads one page after another: for walks that stop early
	// on what they find.
	Sequential bool
	// Worth, when set, is asked once page 1 has told how many pages the
	// listing has: false stops the walk with ErrNotWorthIt.
	Worth func(pages int) bool
}

// ErrNotWorthIt is a walk its caller declined after page 1.
var ErrNotWorthIt = errors.New("the listing has more pages than it is worth reading")

// Paginate walks a listing. Page 1 is read first. When it tells how many
// pages there are (Last, or Total over the size of the page the server
// actually served, which may be smaller than asked), the others are read
// concurrently, at most PageConcurrency at once, and handed to each in page
// order; pages the caller cannot use (MaxItems) are not asked for. If the
// last of them still has a Next (the listing grew), the walk goes on page
// by page, as it does when page 1 tells no count. A Next that does not move
// forward is an error, not a loop. each returns false to stop.
func Paginate[T any](ctx context.Context, opts PageOptions, fetch func(ctx context.Context, page int) (Page[T], error), each func(T) bool) error {
	first, err := fetch(ctx, 1)
	if err != nil {
		return err
	}
	if !deliver(first.Items, each) || first.Next == 0 {
		return nil
	}
	size := len(first.Items)
	last := first.Last
	if last == 0 && first.Total > 0 && size > 0 {
		last = (first.Total + size - 1) / size
	}
	if opts.MaxItems > 0 && size > 0 {
		last = min(last, (opts.MaxItems+size-1)/size)
	}
	if opts.Worth != nil && !opts.Worth(max(last, 2)) {
		return ErrNotWorthIt
	}
	if last < 2 || opts.Sequential || first.Next != 2 {
		return sequential(ctx, first.Next, 1, fetch, each)
	}
	pages := make([]Page[T], last+1)
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var failed sync.Once
	var firstErr error // the failure that stopped the others
	slots := make(chan struct{}, PageConcurrency)
	for n := 2; n <= last && fctx.Err() == nil; n++ {
		wg.Add(1)
		slots <- struct{}{}
		go func(n int) {
			defer func() { <-slots; wg.Done() }()
			var err error
			if pages[n], err = fetch(fctx, n); err != nil {
				failed.Do(func() { firstErr = err; cancel() })
			}
		}(n)
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for n := 2; n <= last; n++ {
		if !deliver(pages[n].Items, each) {
			return nil
		}
	}
	return sequential(ctx, pages[last].Next, last, fetch, each)
}

func sequential[T any](ctx context.Context, next, current int, fetch func(context.Context, int) (Page[T], error), each func(T) bool) error {
	for next != 0 {
		if next <= current {
			return fmt.Errorf("the server sent page %d as the next page after page %d; stopping rather than looping", next, current)
		}
		p, err := fetch(ctx, next)
		if err != nil {
			return err
		}
		if !deliver(p.Items, each) {
			return nil
		}
		current, next = next, p.Next
	}
	return nil
}

func deliver[T any](items []T, each func(T) bool) bool {
	for _, item := range items {
		if !each(item) {
			return false
		}
	}
	return true
}

// Collect walks a listing with Paginate and returns its items, each once
// (an item deleted meanwhile shifts later ones back a page, so one can be
// served twice), at most opts.MaxItems, stopping before the first item
// stop reports (nil: never). When the walk was declined after page 1
// (ErrNotWorthIt), the items of page 1 come back with the error.
func Collect[T any, K comparable](ctx context.Context, opts PageOptions, fetch func(ctx context.Context, page int) (Page[T], error),
	key func(T) K, stop func(T) bool) ([]T, error) {
	var out []T
	seen := map[K]bool{}
	err := Paginate(ctx, opts, fetch, func(item T) bool {
		if stop != nil && stop(item) {
			return false
		}
		if k := key(item); !seen[k] {
			seen[k] = true
			out = append(out, item)
		}
		return opts.MaxItems == 0 || len(out) < opts.MaxItems
	})
	if err != nil && !errors.Is(err, ErrNotWorthIt) {
		return nil, err
	}
	return out, err
}
