package client

import (
	"context"
	"errors"
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
		if peak := f.maxInFlight.Load(); peak < 2 || peak > PageConcurrency {
			t.Errorf("%d pages in flight at most, want 2 to %d", peak, PageConcurrency)
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
