package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeListing serves total items, size a page, numbering items from 0.
type fakeListing struct {
	total, size, extraPages int
	withLast                bool
	mu                      sync.Mutex
	asked                   []int
	inFlight, maxInFlight   atomic.Int32
}

func (f *fakeListing) fetch(_ context.Context, n int) (Page[int], error) {
	f.mu.Lock()
	f.asked = append(f.asked, n)
	f.mu.Unlock()
	now := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		peak := f.maxInFlight.Load()
		if now <= peak || f.maxInFlight.CompareAndSwap(peak, now) {
			break
		}
	}
	time.Sleep(5 * time.Millisecond)
	pages := (f.total+f.size-1)/f.size + f.extraPages
	if n > pages {
		return Page[int]{}, errors.New("asked past the last page")
	}
	p := Page[int]{Total: f.total}
	for i := (n - 1) * f.size; i < min(n*f.size, f.total+f.extraPages*f.size); i++ {
		p.Items = append(p.Items, i)
	}
	if n < pages {
		p.Next = n + 1
	}
	if f.withLast {
		p.Last = pages - f.extraPages
	}
	return p, nil
}

func collect(t *testing.T, f *fakeListing, opts PageOptions) []int {
	t.Helper()
	var got []int
	err := Paginate(context.Background(), opts, f.fetch, func(i int) bool {
		got = append(got, i)
		return opts.MaxItems == 0 || len(got) < opts.MaxItems
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPaginateConcurrentInOrder(t *testing.T) {
	for _, withLast := range []bool{true, false} {
		f := &fakeListing{total: 1000, size: 10, withLast: withLast}
		got := collect(t, f, PageOptions{})
		if len(got) != 1000 {
			t.Fatalf("got %d items", len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("item %d is %d: out of order", i, v)
			}
		}
		if len(f.asked) != 100 {
			t.Errorf("asked %d pages for 100", len(f.asked))
		}
		if peak := f.maxInFlight.Load(); peak <= StartPageConcurrency || peak > MaxPageConcurrency {
			t.Errorf("%d pages in flight at most, want more than %d (the window grows) and at most %d", peak, StartPageConcurrency, MaxPageConcurrency)
		}
	}
}

func TestPaginateLimitsAndGrowth(t *testing.T) {
	// A limit: pages past what it needs are not asked for.
	f := &fakeListing{total: 1000, size: 10}
	if got := collect(t, f, PageOptions{MaxItems: 35}); len(got) != 35 || len(f.asked) != 4 {
		t.Errorf("limit 35: %d items in %d pages", len(got), len(f.asked))
	}
	// Sequential when asked: one page in flight.
	f = &fakeListing{total: 100, size: 10}
	if got := collect(t, f, PageOptions{Sequential: true}); len(got) != 100 || f.maxInFlight.Load() != 1 {
		t.Errorf("sequential: %d items, %d in flight", len(got), f.maxInFlight.Load())
	}
	// The listing grew after page 1 counted it: the walk follows Next on.
	f = &fakeListing{total: 50, size: 10, extraPages: 2}
	if got := collect(t, f, PageOptions{}); len(got) != 70 {
		t.Errorf("grown listing: %d items, want 70", len(got))
	}
}

func TestPaginateStopsOnTheFirstFailure(t *testing.T) {
	boom := errors.New("page 7 failed")
	var asked atomic.Int32
	err := Paginate(context.Background(), PageOptions{}, func(ctx context.Context, n int) (Page[int], error) {
		asked.Add(1)
		if n == 7 {
			return Page[int]{}, boom
		}
		if err := ctx.Err(); err != nil {
			return Page[int]{}, err
		}
		time.Sleep(time.Millisecond)
		return Page[int]{Items: []int{n}, Total: 100, Next: n + 1}, nil
	}, func(int) bool { return true })
	if !errors.Is(err, boom) || asked.Load() >= 100 {
		t.Fatalf("got %v after %d pages", err, asked.Load())
	}
}

// throttling serves 100 pages of one item and throttles (a 429 answered
// with the page, as after a retry) every page asked for while more than
// tolerated are on the wire.
func throttling(tolerated int32, retryAfter string) (fetch func(ctx context.Context, n int) (Page[int], error), throttled *atomic.Int32) {
	var inFlight atomic.Int32
	throttled = &atomic.Int32{}
	return func(ctx context.Context, n int) (Page[int], error) {
		if inFlight.Add(1) > tolerated {
			throttled.Add(1)
			resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
			if retryAfter != "" {
				resp.Header.Set("Retry-After", retryAfter)
			}
			noteThrottle(ctx, resp, nil)
		}
		time.Sleep(2 * time.Millisecond)
		inFlight.Add(-1)
		p := Page[int]{Items: []int{n}, Total: 100}
		if n < 100 {
			p.Next = n + 1
		}
		return p, nil
	}, throttled
}

func TestPaginateBacksOffOn429(t *testing.T) {
	fetch, throttled := throttling(3, "")
	var got []int
	if err := Paginate(context.Background(), PageOptions{}, fetch, func(i int) bool { got = append(got, i); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || !slices.IsSorted(got) {
		t.Fatalf("got %d items, in order: %v", len(got), slices.IsSorted(got))
	}
	// Without backing off, the window would grow to 16 and nearly every
	// page would be throttled.
	if n := throttled.Load(); n > 30 {
		t.Errorf("%d of 100 pages were throttled: the walk did not back off", n)
	}
}

func TestWindowHonoursRetryAfter(t *testing.T) {
	w := newWindow(2, 4)
	seq, _ := w.acquire(context.Background())
	note := &throttleNote{w: w, seq: seq}
	resp := &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"1"}}}
	ctx := context.WithValue(context.Background(), throttleKey{}, note)
	noteThrottle(ctx, resp, nil)
	if !note.throttled.Load() {
		t.Fatal("a 503 with Retry-After 1 did not throttle the walk")
	}
	if pause := time.Until(w.pauseUntil); pause < 900*time.Millisecond || pause > time.Second {
		t.Fatalf("a 503 with Retry-After 1 paused the window for %v, want 1s", pause)
	}
	// The window shrinks on the throttled attempt, while the page is still
	// being retried, not when it is done.
	if w.limit != 1 {
		t.Errorf("the window is %d while a throttled page is retried, want 1 (halved)", w.limit)
	}
	start := time.Now()
	w.release(note)
	if w.limit != 1 {
		t.Errorf("the window is %d after a throttled page, want 1 (halved)", w.limit)
	}
	if _, err := w.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < 900*time.Millisecond {
		t.Errorf("the next page was asked for after %v, before the server's Retry-After of 1s", waited)
	}
	// A cancelled walk stops waiting.
	w.release(note)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w.pauseUntil = time.Now().Add(time.Hour)
	if _, err := w.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("acquire on a cancelled walk: %v", err)
	}
	// Other outcomes do not throttle.
	for _, resp := range []*http.Response{{StatusCode: 200}, {StatusCode: 500}, {StatusCode: 404}} {
		note := &throttleNote{}
		noteThrottle(context.WithValue(context.Background(), throttleKey{}, note), resp, nil)
		if note.throttled.Load() {
			t.Errorf("status %d throttled the walk", resp.StatusCode)
		}
	}
}

func TestPaginateDeliversWhileLaterPagesAreOnTheWire(t *testing.T) {
	page2Delivered := make(chan struct{})
	var once sync.Once
	err := Paginate(context.Background(), PageOptions{}, func(ctx context.Context, n int) (Page[int], error) {
		if n == 10 { // the last page comes only once page 2 has been handed on
			select {
			case <-page2Delivered:
			case <-time.After(10 * time.Second):
				return Page[int]{}, errors.New("page 2 was not delivered before the last page came")
			}
		}
		p := Page[int]{Items: []int{n}, Total: 10}
		if n < 10 {
			p.Next = n + 1
		}
		return p, nil
	}, func(i int) bool {
		if i == 2 {
			once.Do(func() { close(page2Delivered) })
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPaginateRepeatedNextIsAnError(t *testing.T) {
	for name, next := range map[string]func(n int) int{
		"the same page": func(n int) int { return n },
		"a page before": func(n int) int { return max(1, n-2) },
	} {
		t.Run(name, func(t *testing.T) {
			var asked atomic.Int32
			// No count: the walk follows Next page by page.
			err := Paginate(context.Background(), PageOptions{}, func(_ context.Context, n int) (Page[int], error) {
				if asked.Add(1) > 10 {
					return Page[int]{}, errors.New("looping")
				}
				return Page[int]{Items: []int{n}, Next: next(n)}, nil
			}, func(int) bool { return true })
			if err == nil || !strings.Contains(err.Error(), "stopping rather than looping") {
				t.Errorf("got %v after %d pages", err, asked.Load())
			}
		})
	}
	// A counted listing whose last page points back.
	err := Paginate(context.Background(), PageOptions{}, func(_ context.Context, n int) (Page[int], error) {
		p := Page[int]{Items: []int{n}, Total: 5, Next: n + 1}
		if n == 5 {
			p.Next = 3
		}
		return p, nil
	}, func(int) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "stopping rather than looping") {
		t.Errorf("a last page pointing back: %v", err)
	}
}

func TestPaginateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var inFlight, asked atomic.Int32
	done := make(chan error)
	go func() {
		done <- Paginate(ctx, PageOptions{}, func(ctx context.Context, n int) (Page[int], error) {
			asked.Add(1)
			if n > 1 {
				inFlight.Add(1)
				defer inFlight.Add(-1)
				if n == 3 {
					cancel() // Ctrl-C while pages are on the wire
				}
				<-ctx.Done()
				return Page[int]{}, ctx.Err()
			}
			return Page[int]{Items: []int{n}, Total: 1000, Next: 2}, nil
		}, func(int) bool { return true })
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("a cancelled walk ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled walk did not end")
	}
	if n := inFlight.Load(); n != 0 {
		t.Errorf("%d pages still on the wire after the walk returned", n)
	}
	if n := asked.Load(); n > 1+MaxPageConcurrency {
		t.Errorf("%d pages asked for after the cancel, want at most the window", n)
	}
}

func TestCollectDropsItemsServedTwice(t *testing.T) {
	// Something deleted meanwhile shifted item 9 from page 1 to page 2.
	got, err := Collect(context.Background(), PageOptions{}, func(_ context.Context, n int) (Page[int], error) {
		pages := map[int]Page[int]{1: {Items: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Total: 30, Next: 2},
			2: {Items: []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18}, Total: 30, Next: 3},
			3: {Items: []int{19, 20}, Total: 30}}
		return pages[n], nil
	}, func(i int) int { return i }, nil)
	if err != nil || len(got) != 21 || !slices.IsSorted(got) {
		t.Errorf("got %v, %v; want 0 to 20 once each, in order", got, err)
	}
}

// TestPaginateBacksOffOnTheServers429 is the whole path: a server that
// answers 429 to every request beyond 3 at once, the client's retry policy
// (which retries them) telling the walk, and the walk backing off.
func TestPaginateBacksOffOnTheServers429(t *testing.T) {
	var inFlight, tooMany atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer inFlight.Add(-1)
		if inFlight.Add(1) > 3 {
			tooMany.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		time.Sleep(2 * time.Millisecond)
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		_, _ = fmt.Fprintf(w, `{"items": [%d], "total": 100}`, n)
	}))
	defer ts.Close()
	c := newTestClient(t, ts.URL, func(cfg *Config) {
		cfg.MaxRetries, cfg.RetryWaitMin, cfg.RetryWaitMax = 20, 2*time.Millisecond, 10*time.Millisecond
	})
	got, err := Collect(context.Background(), PageOptions{}, func(ctx context.Context, n int) (Page[int], error) {
		var body struct{ Items []int }
		_, err := c.Do(ctx, Request{Kind: Read, Method: http.MethodGet, Path: "/list", Query: Query("page", strconv.Itoa(n))}, &body)
		next := n + 1
		if n == 100 {
			next = 0
		}
		return Page[int]{Items: body.Items, Total: 100, Next: next}, err
	}, func(i int) int { return i }, nil)
	if err != nil || len(got) != 100 || !slices.IsSorted(got) {
		t.Fatalf("got %d items (in order: %v), %v", len(got), slices.IsSorted(got), err)
	}
	// At 16 at once nearly every page would be refused, most of them more
	// than once.
	t.Logf("the server refused %d requests for 100 pages", tooMany.Load())
	if n := tooMany.Load(); n > 60 {
		t.Errorf("the server refused %d requests for 100 pages: the walk did not back off", n)
	}
}

// MaxPages stops a listing of more pages after page 1, with its items;
// one of that many pages or fewer is read whole.
func TestCollectMaxPages(t *testing.T) {
	for _, tc := range []struct {
		total, maxPages, want int
		err                   error
	}{
		{total: 1000, maxPages: 10, want: 1000},
		{total: 1001, maxPages: 10, want: 100, err: ErrTooManyPages},
		{total: 1001, maxPages: 0, want: 1001},
	} {
		f := &fakeListing{total: tc.total, size: 100}
		got, err := Collect(context.Background(), PageOptions{MaxPages: tc.maxPages}, f.fetch, func(i int) int { return i }, nil)
		if !errors.Is(err, tc.err) || len(got) != tc.want {
			t.Errorf("%d items, MaxPages %d: got %d (%v), want %d (%v)", tc.total, tc.maxPages, len(got), err, tc.want, tc.err)
		}
		if tc.err != nil && len(f.asked) != 1 {
			t.Errorf("%d items, MaxPages %d: asked for pages %v, want page 1 alone", tc.total, tc.maxPages, f.asked)
		}
	}
}
