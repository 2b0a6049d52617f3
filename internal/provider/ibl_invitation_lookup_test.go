package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/invitations-dev/terraform-provider-invitations/internal/ibl"
)

// pagedScope plays a server's listing of one scope sorted by -id with
// offset pages, and changes made to it between (and within) requests.
type pagedScope struct {
	ids  []int64 // alive rows
	next int64
}

func newPagedScope(n int) *pagedScope {
	s := &pagedScope{}
	for range n {
		s.insert()
	}
	return s
}

func (s *pagedScope) insert() {
	s.next++
	s.ids = append(s.ids, s.next)
}

func (s *pagedScope) delete(id int64) {
	s.ids = slices.DeleteFunc(s.ids, func(v int64) bool { return v == id })
}

func (s *pagedScope) sorted() []int64 {
	out := slices.Clone(s.ids)
	slices.SortFunc(out, func(a, b int64) int { return int(b - a) })
	return out
}

// slice is page n (from 1) of size rows.
func (s *pagedScope) slice(n, size int) []int64 {
	all := s.sorted()
	lo, hi := min((n-1)*size, len(all)), min(n*size, len(all))
	return all[lo:hi]
}

// listingRun is one listing as listForCreate makes it: the probe, page 1
// (counted, then sliced: as Django's paginator, in two queries), then the
// other pages in the order given. hooks run at the named points.
type listingRun struct {
	size  int
	order []int // pages after page 1, in the order they are answered
	hooks map[string]func(s *pagedScope)
}

type listingResult struct {
	probeMax int64
	rows     []ibl.Invitation
	count    int   // page 1's count
	countEnd int   // a count taken after every page (the rule this replaced)
	s        []int // the scope when page 1 was counted
}

func (run listingRun) do(s *pagedScope) listingResult {
	hook := func(at string) {
		if h := run.hooks[at]; h != nil {
			h(s)
		}
	}
	var res listingResult
	hook("before-probe")
	if p := s.slice(1, 1); len(p) > 0 {
		res.probeMax = p[0]
	}
	hook("after-probe")
	res.count = len(s.ids)
	for _, id := range s.ids {
		res.s = append(res.s, int(id))
	}
	hook("page1-between-count-and-slice")
	seen := map[int64]bool{}
	add := func(ids []int64) {
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				res.rows = append(res.rows, ibl.Invitation{ID: id})
			}
		}
	}
	add(s.slice(1, run.size))
	hook("after-page-1")
	for _, n := range run.order {
		add(s.slice(n, run.size))
		hook(fmt.Sprintf("after-page-%d", n))
	}
	res.countEnd = len(s.ids)
	return res
}

// missed is how many rows of the scope when page 1 was counted the
// listing does not hold.
func (res listingResult) missed() int {
	n := 0
	for _, id := range res.s {
		if !slices.ContainsFunc(res.rows, func(r ibl.Invitation) bool { return r.ID == int64(id) }) {
			n++
		}
	}
	return n
}

func TestProvenComplete(t *testing.T) {
	seenRowDeleted := func(s *pagedScope) { s.delete(s.sorted()[3]) } // a row of page 1, already read
	for _, tc := range []struct {
		name   string
		rows   int
		run    listingRun
		proven bool
		missed int // rows of the scope the listing skipped
		// endRule is what C1 == C2 == U (page 1's count, a count after the
		// listing, the rows seen) with no id above page 1's first would say.
		endRule bool
	}{
		{name: "quiet", rows: 250, run: listingRun{size: 100, order: []int{2, 3}}, proven: true, endRule: true},
		{name: "quiet, pages out of order", rows: 250, run: listingRun{size: 100, order: []int{3, 2}}, proven: true, endRule: true},
		{name: "a seen row deleted while paging", rows: 250,
			run:    listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){"after-page-1": seenRowDeleted}},
			missed: 1},
		{name: "a seen row deleted and a row inserted: the counts balance", rows: 250,
			run: listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){
				"after-page-1": seenRowDeleted,
				"after-page-3": func(s *pagedScope) { s.insert() },
			}},
			missed: 1},
		{name: "inserts only, after page 1: nothing of the scope skipped", rows: 250,
			run: listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){"after-page-1": func(s *pagedScope) { s.insert() }}},
			// The count after the listing differs: the rule this replaced
			// refused a listing that is complete.
			proven: true},
		{name: "an insert between concurrent pages answered out of order", rows: 300,
			run:    listingRun{size: 100, order: []int{3, 2}, hooks: map[string]func(*pagedScope){"after-page-3": func(s *pagedScope) { s.insert() }}},
			missed: 1},
		{name: "an insert between the probe and page 1", rows: 250,
			run: listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){"after-probe": func(s *pagedScope) { s.insert() }}},
			// Nothing skipped, but the probe cannot tell: refused (the safe side).
			endRule: true},
		{name: "page 1 counted before an insert it shows, then a seen row deleted", rows: 250,
			run: listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){
				"page1-between-count-and-slice": func(s *pagedScope) { s.insert() },
				"after-page-1":                  seenRowDeleted,
			}},
			missed: 1,
			// The counts all agree (250) and page 1's first id is the new
			// row: the rule this replaced is fooled; the probe is not.
			endRule: true},
		{name: "a row deleted between page 1's count and slice", rows: 250,
			run: listingRun{size: 100, order: []int{2, 3}, hooks: map[string]func(*pagedScope){
				"page1-between-count-and-slice": func(s *pagedScope) { s.delete(s.sorted()[150]) },
			}},
			missed: 1},
		{name: "empty", rows: 0, run: listingRun{size: 100}, proven: true, endRule: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.run.do(newPagedScope(tc.rows))
			if got := res.missed(); got != tc.missed {
				t.Fatalf("the simulation skipped %d rows, want %d: the case does not test what it says", got, tc.missed)
			}
			got := provenComplete(res.probeMax, res.rows, res.count)
			if got != tc.proven {
				t.Errorf("provenComplete = %v, want %v", got, tc.proven)
			}
			if got && res.missed() > 0 {
				t.Errorf("a listing that skipped %d rows was taken as complete", res.missed())
			}
			endRule := res.count == res.countEnd && len(res.rows) == res.count
			for _, r := range res.rows {
				if len(res.rows) > 0 && r.ID > res.rows[0].ID {
					endRule = false
				}
			}
			if endRule != tc.endRule {
				t.Errorf("the count-after rule says %v, the case expects %v", endRule, tc.endRule)
			}
		})
	}
}

// TestProvenCompleteUnderRandomChanges: whatever is deleted and inserted
// between the requests of a listing, a listing taken as complete holds
// every row the scope had when page 1 was counted.
func TestProvenCompleteUnderRandomChanges(t *testing.T) {
	points := []string{"after-probe", "page1-between-count-and-slice", "after-page-1", "after-page-2", "after-page-3", "after-page-4"}
	proven, refused := 0, 0
	for seed := range 3000 {
		rnd := uint64(seed)*2654435761 + 1
		rand := func(n int) int { rnd = rnd*6364136223846793005 + 1442695040888963407; return int(rnd>>33) % n }
		hooks := map[string]func(*pagedScope){}
		for _, at := range points {
			switch rand(6) {
			case 0:
				hooks[at] = func(s *pagedScope) {
					if len(s.ids) > 0 {
						s.delete(s.sorted()[rand(len(s.ids))])
					}
				}
			case 1:
				hooks[at] = func(s *pagedScope) { s.insert() }
			case 2:
				hooks[at] = func(s *pagedScope) {
					if len(s.ids) > 0 {
						s.delete(s.sorted()[rand(len(s.ids))])
					}
					s.insert()
				}
			}
		}
		order := []int{2, 3, 4}
		if rand(2) == 0 {
			order = []int{4, 2, 3}
		}
		res := listingRun{size: 10, order: order, hooks: hooks}.do(newPagedScope(25 + rand(15)))
		if provenComplete(res.probeMax, res.rows, res.count) {
			proven++
			if m := res.missed(); m > 0 {
				t.Fatalf("seed %d: a listing that skipped %d rows was taken as complete", seed, m)
			}
		} else {
			refused++
		}
	}
	if proven == 0 || refused == 0 {
		t.Fatalf("proven %d, refused %d: the simulation does not exercise both", proven, refused)
	}
}

// TestCreateLooksShareOneListing: the first look of a scope is narrow, the
// second lists, the others are answered from the listing; a user this
// process wrote, and every look after a listing not proven complete, are
// narrow.
func TestCreateLooksShareOneListing(t *testing.T) {
	ada := lookUser{email: "Ada@Example.com"}
	row := ibl.Invitation{ID: 7, Email: ptr("ada@example.com")}
	lists := 0
	complete := true
	list := func(context.Context, func(int) bool) (createSnapshot, int) {
		lists++
		return createSnapshot{rows: []ibl.Invitation{row}, complete: complete}, 0
	}
	var b createLooks
	if _, served, done := b.look(t.Context(), lookUser{email: "first@example.com"}, list); served {
		t.Fatal("the first look of a scope was answered from a listing")
	} else {
		done()
	}
	rows, served, done := b.look(t.Context(), ada, list)
	done()
	if !served || len(rows) != 1 || rows[0].ID != 7 {
		t.Fatalf("the second look: served %v, rows %v", served, rows)
	}
	for i := range 5 {
		rows, served, done := b.look(t.Context(), lookUser{email: fmt.Sprintf("u%d@example.com", i)}, list)
		done()
		if !served || len(rows) != 0 {
			t.Fatalf("look %d: served %v, rows %v", i, served, rows)
		}
	}
	if lists != 1 {
		t.Fatalf("%d listings, want 1", lists)
	}
	// Ada was looked for (her create writes her): never from the listing again.
	if _, served, done := b.look(t.Context(), lookUser{email: "ADA@example.com"}, list); served {
		t.Fatal("a user this process wrote was answered from a listing")
	} else {
		done()
	}
	b.wroteUser(lookUser{email: "removed@example.com"})
	if _, served, done := b.look(t.Context(), lookUser{email: "Removed@example.com"}, list); served {
		t.Fatal("a user this process removed was answered from a listing")
	} else {
		done()
	}

	var u createLooks
	complete, lists = false, 0
	for i := range 10 {
		_, served, done := u.look(t.Context(), lookUser{username: fmt.Sprint("user", i)}, list)
		done()
		if served {
			t.Fatalf("look %d was answered from a listing not proven complete", i)
		}
	}
	if lists != maxCreateListings {
		t.Fatalf("%d listings after listings not proven complete, want %d", lists, maxCreateListings)
	}
}

// TestCreateLooksWaitForTheListing: looks that come while the listing is
// read wait for it; one listing answers them all.
func TestCreateLooksWaitForTheListing(t *testing.T) {
	var b createLooks
	_, _, done := b.look(t.Context(), lookUser{email: "first@example.com"}, nil)
	done()
	release := make(chan struct{})
	var mu sync.Mutex
	lists := 0
	list := func(context.Context, func(int) bool) (createSnapshot, int) {
		mu.Lock()
		lists++
		mu.Unlock()
		<-release
		return createSnapshot{complete: true}, 0
	}
	var wg sync.WaitGroup
	served := make(chan bool, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, done := b.look(t.Context(), lookUser{email: fmt.Sprintf("u%d@example.com", i)}, list)
			defer done()
			served <- ok
		}()
	}
	// Every look has come, and all but the listing's own wait for it.
	for {
		b.mu.Lock()
		looks := b.looks
		b.mu.Unlock()
		if looks == 11 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(served)
	for ok := range served {
		if !ok {
			t.Fatal("a look was not answered from the listing")
		}
	}
	if lists != 1 {
		t.Fatalf("%d listings, want 1", lists)
	}
	if b.inflight != 0 {
		t.Fatalf("%d creates still counted in flight", b.inflight)
	}
}

func ptr[T any](v T) *T { return &v }

// TestCreateLooksListAgainOnceADeclinedListingIsWorthIt: a listing declined
// as too large (5 pages) sends looks to the narrow request until 5 more
// have come; then the scope is listed again.
func TestCreateLooksListAgainOnceADeclinedListingIsWorthIt(t *testing.T) {
	var b createLooks
	lists := 0
	list := func(context.Context, func(int) bool) (createSnapshot, int) {
		lists++
		if lists == 1 {
			return createSnapshot{}, 5
		}
		return createSnapshot{complete: true}, 0
	}
	served := 0
	for i := range 12 {
		_, ok, done := b.look(t.Context(), lookUser{email: fmt.Sprintf("u%d@example.com", i)}, list)
		done()
		if ok {
			served++
		}
	}
	// Look 1 narrow, look 2 lists (declined), looks 3-6 narrow, look 7
	// lists again and it and the 5 after it are served.
	if lists != 2 || served != 6 {
		t.Fatalf("%d listings and %d looks served, want 2 and 6", lists, served)
	}
}
