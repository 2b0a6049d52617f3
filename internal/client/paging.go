package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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

// A listing reads its pages StartPageConcurrency at a time, one more after
// each page served without throttling, up to MaxPageConcurrency; a page the
// server throttled (429, 503, a timeout) halves it, after which it grows by
// one only once a window's worth of pages came unthrottled (TCP's additive
// increase, multiplicative decrease), and a Retry-After holds back the
// pages not yet asked for (capped at maxThrottlePause).
const (
	StartPageConcurrency = 8
	MaxPageConcurrency   = 16
	maxThrottlePause     = 10 * time.Second
)

// PageOptions shape the paging of a listing.
type PageOptions struct {
	// MaxItems, when not 0, is how many items the caller can use.
	MaxItems int
	// Sequential reads one page after another: for listings that stop early
	// on what they find.
	Sequential bool
	// MaxPages, when not 0, stops the paging after page 1 with ErrTooManyPages
	// when page 1 tells of more pages than this.
	MaxPages int
}

// ErrTooManyPages is a listing stopped after page 1 by PageOptions.MaxPages.
var ErrTooManyPages = errors.New("the listing has more pages than the caller reads")

// Paginate reads a listing. Page 1 is read first. When it tells how many
// pages there are (Last, or Total over the size of the page the server
// actually served, which may be smaller than asked), the others are read
// concurrently, as many at once as the server tolerates (see
// StartPageConcurrency), and handed to each in page order as soon as they
// and the pages before them have come, while later ones are still on the
// wire; pages the caller cannot use (MaxItems) are not asked for. If the
// last of them still has a Next (the listing grew), the paging goes on page
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
	if opts.MaxPages > 0 && max(last, 2) > opts.MaxPages {
		return ErrTooManyPages
	}
	if last < 2 || opts.Sequential || first.Next != 2 {
		return sequential(ctx, first.Next, 1, fetch, each)
	}

	type result struct {
		page Page[T]
		err  error
		done chan struct{}
	}
	results := make([]result, last+1)
	for n := 2; n <= last; n++ {
		results[n].done = make(chan struct{})
	}
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	var failed sync.Once
	var firstErr error // the failure that stopped the others
	w := newWindow(StartPageConcurrency, MaxPageConcurrency)
	wg.Add(1)
	go func() { // asks for the pages in order, as the window lets it
		defer wg.Done()
		for n := 2; n <= last; n++ {
			seq, err := w.acquire(fctx)
			if err != nil {
				for ; n <= last; n++ {
					results[n].err = err
					close(results[n].done)
				}
				return
			}
			wg.Add(1)
			go func(n int) {
				defer wg.Done()
				note := &throttleNote{w: w, seq: seq}
				r := &results[n]
				r.page, r.err = fetch(context.WithValue(fctx, throttleKey{}, note), n)
				w.release(note)
				if r.err != nil {
					failed.Do(func() { firstErr = r.err; cancel() })
				}
				close(r.done)
			}(n)
		}
	}()
	for n := 2; n <= last; n++ {
		r := &results[n]
		<-r.done
		if r.err != nil {
			cancel()
			wg.Wait()
			if firstErr != nil {
				return firstErr
			}
			return r.err
		}
		if !deliver(r.page.Items, each) {
			return nil
		}
		if n < last {
			r.page.Items = nil // delivered: not held for the rest of the listing
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sequential(ctx, results[last].page.Next, last, fetch, each)
}

// window is the congestion window of a listing: how many pages it may have
// on the wire at once, and until when it must ask for no more.
type window struct {
	mu              sync.Mutex
	limit, max      int
	inFlight        int
	pauseUntil      time.Time
	started, shrunk uint64 // pages asked for; how many when the limit last halved
	// credit counts the pages served since the window last grew, once
	// the server has throttled: from then on it grows by one a window.
	credit  int
	changed chan struct{}
}

func newWindow(start, most int) *window {
	return &window{limit: start, max: most, changed: make(chan struct{})}
}

// acquire waits until another page may be asked for, and numbers it.
func (w *window) acquire(ctx context.Context) (uint64, error) {
	for {
		w.mu.Lock()
		wait := time.Until(w.pauseUntil)
		if w.inFlight < w.limit && wait <= 0 {
			w.inFlight++
			w.started++
			w.mu.Unlock()
			return w.started, nil
		}
		changed := w.changed
		w.mu.Unlock()
		var timer *time.Timer
		var expired <-chan time.Time
		if wait > 0 {
			timer = time.NewTimer(wait)
			expired = timer.C
		}
		select {
		case <-changed:
		case <-expired:
		case <-ctx.Done():
		}
		if timer != nil {
			timer.Stop()
		}
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
}

// throttle is a page the server throttled, told on the attempt that was
// throttled rather than when the page is done: a page retried while the
// server refuses it can take longer than the rest of the window, and the
// pages asked for meanwhile would be refused too. The window halves once for
// the pages that were on the wire together, and holds back further pages for
// the server's Retry-After.
func (w *window) throttle(seq uint64, wait time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if seq > w.shrunk { // asked for after the last halving
		w.limit = max(1, w.limit/2)
		w.shrunk = w.started
		w.credit = 0
	}
	if wait > 0 {
		w.pauseUntil = later(w.pauseUntil, time.Now().Add(min(wait, maxThrottlePause)))
	}
	w.wake()
}

// release ends a page: it grows the window by one when the server served
// it without throttling on any attempt.
func (w *window) release(note *throttleNote) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight--
	if !note.throttled.Load() && note.seq > w.shrunk && w.limit < w.max {
		if w.shrunk == 0 {
			w.limit++ // never throttled yet: one more a page
		} else if w.credit++; w.credit >= w.limit {
			w.limit++
			w.credit = 0
		}
	}
	w.wake()
}

// wake tells the pages waiting in acquire that the window changed. The
// caller holds w.mu.
func (w *window) wake() {
	close(w.changed)
	w.changed = make(chan struct{})
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// throttleNote is how the retry policy tells a listing that the server
// throttled one of its pages, on any of its attempts.
type throttleNote struct {
	w         *window // nil outside a listing's window
	seq       uint64  // the page's number in the window's order
	throttled atomic.Bool
}

type throttleKey struct{}

// noteThrottle is called by the retry policy on every attempt's outcome:
// a 429, a 503 or a timeout marks the page's listing, if it has one, with the
// server's Retry-After.
func noteThrottle(ctx context.Context, resp *http.Response, err error) {
	note, ok := ctx.Value(throttleKey{}).(*throttleNote)
	if !ok {
		return
	}
	var ne net.Error
	var wait time.Duration
	switch {
	case err != nil && errors.As(err, &ne) && ne.Timeout():
	case resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable):
		wait, _ = retryAfter(resp)
	default:
		return
	}
	note.throttled.Store(true)
	if note.w != nil {
		note.w.throttle(note.seq, wait)
	}
}

// retryAfter is the response's Retry-After (seconds or HTTP date), as
// go-retryablehttp reads it.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.Header.Get("Retry-After") == "" {
		return 0, false
	}
	// With no minimum and a Retry-After, the library's backoff is the
	// server's wait (capped at the maximum given).
	return retryablehttp.DefaultBackoff(0, maxThrottlePause, 0, resp), true
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

// Collect reads a listing with Paginate and returns its items, each once
// (an item deleted meanwhile shifts later ones back a page, so one can be
// served twice), at most opts.MaxItems, stopping before the first item
// stop reports (nil: never). When the paging stopped after page 1
// (ErrTooManyPages), the items of page 1 come back with the error.
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
	if err != nil && !errors.Is(err, ErrTooManyPages) {
		return nil, err
	}
	return out, err
}
