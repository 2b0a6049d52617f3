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
	env := newTestEnv(t, mockserver.Options{IBL: mockserver.IBLOptions{MaxPageSize: 10}})
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
					for _, inv := range env.srv.IBLInvitations() {
						if inv.Email == "person-3@example.com" {
							env.srv.DeleteIBLInvitation(inv.ID)
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
	env := newTestEnv(t, mockserver.Options{})
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

func TestReadBatchListsAgainAfterAWrite(t *testing.T) {
	var b readBatch[string]
	lists := 0
	list := func(context.Context, func(int) bool) (map[string]*string, bool) {
		lists++
		v := fmt.Sprint("v", lists)
		return map[string]*string{"k": &v}, true
	}
	if _, _, served := b.lookup(t.Context(), "k", list); served {
		t.Fatal("the first read of a scope was served from a listing")
	}
	for range 3 {
		if v, found, served := b.lookup(t.Context(), "k", list); !served || !found || *v != "v1" {
			t.Fatalf("%v %v %v", v, found, served)
		}
	}
	// A listing's miss is no proof of absence: the caller reads the item.
	if _, found, served := b.lookup(t.Context(), "absent", list); served || found {
		t.Fatal("a key the complete listing lacks was served as gone")
	}
	b.wrote()
	if v, _, _ := b.lookup(t.Context(), "k", list); *v != "v2" || lists != 2 {
		t.Fatalf("after a write: %s, %d listings", *v, lists)
	}
}

// A scope found too large for the reads seen at first is listed whole once
// as many more reads as it has pages (5 here), or relistAfter (100 pages),
// have come, and not before.
func TestReadBatchListsWholeOnceEnoughReadsCame(t *testing.T) {
	for _, c := range []struct{ pages, after int }{{5, 5}, {100, relistAfter}} {
		t.Run(fmt.Sprint(c.pages, " pages"), func(t *testing.T) { listsWholeAfter(t, c.pages, c.after) })
	}
}

func listsWholeAfter(t *testing.T, pages, after int) {
	var b readBatch[string]
	lists, whole := 0, 0
	v := "v"
	list := func(_ context.Context, worth func(int) bool) (map[string]*string, bool) {
		lists++
		if !worth(pages) {
			return map[string]*string{"page-1": &v}, false // page 1 only
		}
		whole++
		return map[string]*string{"page-1": &v, "k": &v}, true
	}
	b.lookup(t.Context(), "first", list)
	// The second read lists; with two reads seen, the pages are not worth
	// it (the decision waits 100 ms of quiet).
	if _, _, served := b.lookup(t.Context(), "k", list); served || lists != 1 || whole != 0 {
		t.Fatalf("served %v after %d listings (%d whole)", served, lists, whole)
	}
	for i := range after - 1 {
		if _, _, served := b.lookup(t.Context(), "k", list); served || lists != 1 {
			t.Fatalf("read %d: served %v after %d listings", i, served, lists)
		}
	}
	if _, found, served := b.lookup(t.Context(), "k", list); !served || !found || lists != 2 || whole != 1 {
		t.Fatalf("after %d more reads: found %v served %v, %d listings (%d whole)", after, found, served, lists, whole)
	}
}

// A no-op plan of 10,000 invitations in one scope of 100 pages, with
// Terraform's default parallelism of 10 reads in flight: the first read on
// its own, page 1 of a declined listing, relistAfter reads one by one, then
// the 100 pages: at most 110 requests (issue 18's scale budget).
func TestReadBatchBulkRefreshBudget(t *testing.T) {
	const n, perPage, parallelism = 10000, 100, 10
	var b readBatch[string]
	var requests atomic.Int64
	all := make(map[string]*string, n)
	for i := range n {
		v := fmt.Sprint(i)
		all[v] = &v
	}
	list := func(_ context.Context, worth func(int) bool) (map[string]*string, bool) {
		requests.Add(1) // page 1
		if !worth(n / perPage) {
			page1 := map[string]*string{}
			for i := range perPage {
				page1[fmt.Sprint(i)] = all[fmt.Sprint(i)]
			}
			return page1, false
		}
		requests.Add(n/perPage - 1)
		return all, true
	}
	keys := make(chan string, n)
	for i := n - 1; i >= 0; i-- { // not page 1's order
		keys <- fmt.Sprint(i)
	}
	close(keys)
	var wg sync.WaitGroup
	for range parallelism {
		wg.Go(func() {
			for k := range keys {
				if _, _, served := b.lookup(t.Context(), k, list); !served {
					requests.Add(1) // the read's own GET
				}
			}
		})
	}
	wg.Wait()
	if got := requests.Load(); got > 1+1+relistAfter+n/perPage {
		t.Errorf("refreshing %d invitations of one scope took %d requests, want at most %d", n, got, 1+1+relistAfter+n/perPage)
	}
}
