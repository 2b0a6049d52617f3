package provider

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func manyConfig(env *testEnv, n int) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_stage_invitation" "many" {
  count = %d
  name  = "many-${count.index}"
  expires = "2099-01-01T00:00:00Z"
}
resource "invitations_program_invitation" "many" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "person-${count.index}@example.com"
}
`, n, n)
}

// gets checks the GETs each API answered since the last reset: stage
// exactly, program between programMin and programMax.
func gets(env *testEnv, stage, programMin, programMax int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		s, p := env.srv.Count("GET", "/api/v3/"), env.srv.Count("GET", "/api/catalog/")
		env.srv.ResetCounts()
		if s != stage || p < programMin || p > programMax {
			return fmt.Errorf("refresh sent %d GETs to authentik and %d to ibl.ai, want %d and %d to %d", s, p, stage, programMin, programMax)
		}
		return nil
	}
}

// TestAccBatchedRefresh: a refresh of many invitations in one scope is the
// first read on its own plus the scope's listing, not a GET each; drift is
// found as before.
func TestAccBatchedRefresh(t *testing.T) {
	// Program pages of 10 at most: 50 invitations are 5 pages.
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{MaxPageSize: 10}})
	cfg := manyConfig(env, 50)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             bothDestroyed(env),
		Steps: []resource.TestStep{
			{Config: cfg, Check: func(*terraform.State) error { env.srv.ResetCounts(); return nil }},
			// A refresh step is two Terraform commands (refresh, then plan),
			// each: authentik 1 + 1 page of 100; ibl.ai 1 + 5 pages when the
			// reads come together. On a loaded machine they trickle in: the
			// listing is then declined at first (page 1 answers what it can),
			// reads go one by one until as many more as it has pages have
			// come, and it is listed whole: at most 1 + 1 + 5 + 5 a command.
			{RefreshState: true, Check: gets(env, 2*2, 2*6, 2*12)},
			{
				PreConfig: func() {
					env.srv.DeleteAuthentikInvitation(pkOf(t, env, "many-7"))
					for _, inv := range env.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
						if inv.Email == "person-3@example.com" {
							env.srv.IBLOf(mockserver.IBLKindProgram).Delete(inv.ID)
						}
					}
					env.srv.ResetCounts()
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("invitations_stage_invitation.many[7]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("invitations_program_invitation.many[3]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("invitations_stage_invitation.many[8]", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}

// TestAccBatchedRefresh_largeScope: three invitations among 3,000 are not
// worth three pages of listing: about one request each.
func TestAccBatchedRefresh_largeScope(t *testing.T) {
	env := newMockEnv(t, needsScale, mockserver.Options{})
	env.srv.SeedAuthentik(3000, "crowd")
	cfg := stageConfig(env, `name = "needle-1"`) + `
resource "invitations_stage_invitation" "two" {
  name = "needle-2"
  expires = "2099-01-01T00:00:00Z"
}
resource "invitations_stage_invitation" "three" {
  name = "needle-3"
  expires = "2099-01-01T00:00:00Z"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: func(*terraform.State) error { env.srv.ResetCounts(); return nil }},
			{RefreshState: true, Check: func(*terraform.State) error {
				// Two commands (refresh, plan), at most 4 requests each.
				if n := env.srv.Count("GET", "/api/v3/"); n > 2*4 {
					return fmt.Errorf("refreshing 3 of 3,003 invitations twice took %d requests, want at most 8", n)
				}
				return nil
			}},
		},
	})
}

// scopeOf is a listing of n items, pageSize a page, counting requests.
type scopeOf struct {
	n, pageSize int
	requests    atomic.Int64
}

func (s *scopeOf) list(_ context.Context, maxPages int) (map[string]*string, bool, error) {
	pages := (s.n + s.pageSize - 1) / s.pageSize
	items := map[string]*string{}
	read := pages
	if maxPages > 0 && pages > maxPages {
		read = 1
	}
	s.requests.Add(int64(read))
	for i := range min(s.n, read*s.pageSize) {
		v := fmt.Sprint(i)
		items[v] = &v
	}
	return items, read < pages, nil
}

// narrow is a read's own request.
func (s *scopeOf) narrow(key string) func(context.Context) (*string, error) {
	return func(context.Context) (*string, error) {
		s.requests.Add(1)
		return &key, nil
	}
}

// refresh reads every item of the scope from parallel readers, in an order
// that is not the listing's, and returns the requests it took.
func (s *scopeOf) refresh(t *testing.T, parallelism int) int64 {
	b := &readBatch[string]{list: s.list}
	keys := make(chan string, s.n)
	for i := s.n - 1; i >= 0; i-- {
		keys <- fmt.Sprint(i)
	}
	close(keys)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for k := range keys {
				if v, err := b.read(t.Context(), k, s.narrow(k)); err != nil || *v != k {
					t.Errorf("read %s: %v %v", k, v, err)
				}
			}
		})
	}
	wg.Wait()
	return s.requests.Load()
}

// The first read of a scope is its own request; the second lists the
// scope, and the reads after it are answered from the listing; a key the
// listing lacks is read with its own request.
func TestReadBatchListsOnTheSecondRead(t *testing.T) {
	s := &scopeOf{n: 5, pageSize: 100}
	b := &readBatch[string]{list: s.list}
	for i, key := range []string{"0", "1", "2", "absent"} {
		v, err := b.read(t.Context(), key, s.narrow(key))
		if err != nil || *v != key {
			t.Fatalf("read %s: %v %v", key, v, err)
		}
		if want := []int64{1, 2, 2, 3}[i]; s.requests.Load() != want {
			t.Fatalf("after reading %s: %d requests, want %d", key, s.requests.Load(), want)
		}
	}
}

// A no-op plan of 1,000 invitations in one scope, Terraform's ten reads in
// flight: the first read's own request and the ten pages, whatever order
// the reads come in.
func TestReadBatchRefreshOfAThousand(t *testing.T) {
	for range 20 {
		s := &scopeOf{n: 1000, pageSize: 100}
		if got := s.refresh(t, 10); got != 11 {
			t.Fatalf("refreshing 1,000 invitations of one scope took %d requests, want 11", got)
		}
	}
}

// A scope of more than maxWholePages pages is read no further than page 1
// at first, and whole once relistAfter more reads have come.
func TestReadBatchListsALargeScopeWholeOnceRefreshedInBulk(t *testing.T) {
	s := &scopeOf{n: 3000, pageSize: 100}
	b := &readBatch[string]{list: s.list}
	key := "2999" // not on page 1
	b.read(t.Context(), key, s.narrow(key))
	b.read(t.Context(), key, s.narrow(key)) // page 1, then its own request
	if got := s.requests.Load(); got != 3 {
		t.Fatalf("two reads took %d requests, want 3", got)
	}
	for range relistAfter - 1 {
		b.read(t.Context(), key, s.narrow(key))
	}
	if got := s.requests.Load(); got != 3+relistAfter-1 {
		t.Fatalf("after %d more reads: %d requests, want %d (page 1 stays the listing)", relistAfter-1, got, 3+relistAfter-1)
	}
	b.read(t.Context(), key, s.narrow(key))
	if got := s.requests.Load(); got != 3+relistAfter-1+30 {
		t.Fatalf("the read after them took %d requests in all, want the 30 pages more", got)
	}
	b.read(t.Context(), key, s.narrow(key))
	if got := s.requests.Load(); got != 3+relistAfter-1+30 {
		t.Fatalf("a read of a listed item sent a request")
	}
}

// A no-op plan of 10,000 invitations in one scope of 100 pages, with
// Terraform's ten reads in flight: the first read on its own, page 1,
// at most relistAfter reads one by one, then the 100 pages.
func TestReadBatchRefreshOfTenThousand(t *testing.T) {
	s := &scopeOf{n: 10000, pageSize: 100}
	got, most := s.refresh(t, 10), int64(1+1+relistAfter+100)
	t.Logf("refreshing 10,000 invitations took %d requests", got)
	if got > most {
		t.Errorf("refreshing 10,000 invitations of one scope took %d requests, want at most %d", got, most)
	}
}
