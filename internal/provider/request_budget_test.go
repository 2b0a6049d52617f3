package provider

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// Request budgets of applies and destroys, counted on the mock: an ibl.ai
// create is one narrow look (is there an invitation of the user already?)
// and one POST; a destroy is about one request per invitation.

// budgetN is the size of the budget tests: enough for several pages of
// 100 and the parallelism of 10, cheap enough for make test.
const budgetN = 150

// iblRequests sorts the requests to a kind's path since the last reset.
type iblRequests struct {
	posts, deletes int
	narrow         []string // the users of narrow looks (email or username filter)
	pages          int      // the other GETs: listing pages
}

func (r iblRequests) String() string {
	return fmt.Sprintf("%d POSTs, %d DELETEs, %d narrow looks, %d listing pages", r.posts, r.deletes, len(r.narrow), r.pages)
}

func countIBL(env *testEnv, k mockserver.IBLKind) iblRequests {
	var out iblRequests
	for _, req := range env.srv.Requests() {
		if req.Path != mockserver.IBLPathOf(k) {
			continue
		}
		q, _ := url.ParseQuery(req.Query)
		switch {
		case req.Method == http.MethodPost:
			out.posts++
		case req.Method == http.MethodDelete:
			out.deletes++
		case q.Get("email") != "" || q.Get("username") != "":
			out.narrow = append(out.narrow, q.Get("email")+q.Get("username"))
		default:
			out.pages++
		}
	}
	return out
}

func programsConfig(env *testEnv, n int) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_program_invitation" "many" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "person-${count.index}@example.com"
}
`, n)
}

// checkCreates holds an apply of n creates to its budget: one narrow look
// and one POST each, nothing else.
func checkCreates(t *testing.T, env *testEnv, k mockserver.IBLKind, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := countIBL(env, k)
		t.Logf("creating %d %s invitations sent %s", n, k, got)
		if got.posts != n || len(got.narrow) != n || got.deletes+got.pages != 0 {
			return fmt.Errorf("the apply sent %s; want %d POSTs and %d narrow looks, nothing else", got, n, n)
		}
		return nil
	}
}

// retiredOnce checks, after a destroy, that the kind's rows of the
// configuration's users (person-*) are all inactive (or gone), one row per
// user at most: nothing left active, no duplicates.
func retiredOnce(env *testEnv, k mockserver.IBLKind) resource.TestCheckFunc {
	return func(*terraform.State) error {
		users := map[string]int{}
		for _, inv := range env.srv.IBLOf(k).Invitations() {
			if !strings.HasPrefix(strings.ToLower(inv.Email), "person-") {
				continue
			}
			if users[strings.ToLower(inv.Email)]++; users[strings.ToLower(inv.Email)] > 1 {
				return fmt.Errorf("%s has two %s invitations", inv.Email, k)
			}
			if inv.Active {
				return fmt.Errorf("%s invitation %d is still active after destroy", k, inv.ID)
			}
		}
		return nil
	}
}

// TestAccRequestBudget_creates: an apply of N (150, or BUDGET_N) program
// invitations is one narrow look and one POST each, whether the program
// holds N others or none; one create alone is one narrow look and one POST.
func TestAccRequestBudget_creates(t *testing.T) {
	n := budgetSize(t)
	t.Run(fmt.Sprintf("%d among %d", n, n), func(t *testing.T) {
		applyPrograms(t, n, n, func(env *testEnv) resource.TestCheckFunc {
			return checkCreates(t, env, mockserver.IBLKindProgram, n)
		})
	})
	t.Run(fmt.Sprintf("%d into an empty program", n), func(t *testing.T) {
		applyPrograms(t, 0, n, func(env *testEnv) resource.TestCheckFunc {
			return checkCreates(t, env, mockserver.IBLKindProgram, n)
		})
	})
	t.Run("one alone", func(t *testing.T) {
		applyPrograms(t, budgetN, 1, func(env *testEnv) resource.TestCheckFunc {
			return checkCreates(t, env, mockserver.IBLKindProgram, 1)
		})
	})
}

// applyPrograms applies n program invitations into a program that holds
// seed others, counting from the apply's first request; check holds the
// apply to its budget, and the destroy retires every row once.
func applyPrograms(t *testing.T, seed, n int, check func(*testEnv) resource.TestCheckFunc) {
	t.Parallel()
	env := newMockEnv(t, needsScale, mockserver.Options{})
	if seed > 0 {
		env.srv.IBLOf(mockserver.IBLKindProgram).Seed(seed, "acme+onboarding")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             retiredOnce(env, mockserver.IBLKindProgram),
		Steps: []resource.TestStep{{
			PreConfig: env.srv.ResetCounts,
			Config:    programsConfig(env, n),
			Check:     check(env),
		}},
	})
}

// TestAccRequestBudget_createsOfOtherKinds: course and platform creates
// cost what program creates do.
func TestAccRequestBudget_createsOfOtherKinds(t *testing.T) {
	const n = 40
	forKinds(t, needsScale, mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		env.srv.IBLOf(c.kind).Seed(120, c.key)
		cfg := env.providerConfig() + fmt.Sprintf(`
resource %q "many" {
  count = %d
  %s = %q
  email = "person-${count.index}@example.com"
}
`, c.typ, n, c.keyAttr, c.key)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             retiredOnce(env, c.kind),
			Steps: []resource.TestStep{{
				PreConfig: env.srv.ResetCounts,
				Config:    cfg,
				Check:     checkCreates(t, env, c.kind, n),
			}},
		})
	})
}

// budgetSize is budgetN, or BUDGET_N when set (BUDGET_N=1000 measures the
// issue's figures).
func budgetSize(t *testing.T) int {
	if v := os.Getenv("BUDGET_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			t.Fatalf("BUDGET_N=%q", v)
		}
		return n
	}
	return budgetN
}

// destroyRequests applies resources in a Terraform workspace, then
// destroys them as make bench does (one terraform destroy, refresh
// included, parallelism 10), and returns the destroy's requests to path by
// method.
func destroyRequests(t *testing.T, env *testEnv, resources, path string) map[string]int {
	t.Helper()
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	ws.Write("main.tf", fmt.Sprintf("terraform {\n  required_providers {\n    invitations = { source = %q }\n  }\n}\n", RegistryAddress)+
		env.providerConfig()+resources)
	if out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-parallelism=10"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	env.srv.ResetCounts()
	if out, err := ws.Run(t.Context(), "destroy", "-auto-approve", "-parallelism=10"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, r := range env.srv.Requests() {
		if strings.HasPrefix(r.Path, path) {
			counts[r.Method]++
			counts["all"]++
		}
	}
	return counts
}

// TestAccRequestBudget_destroys: a destroy (the refresh before it
// included) is about one request per invitation: on ibl.ai's row-keeping
// DELETE the first invitation learns it (DELETE, narrow read, deactivating
// POST) and the others are one deactivating POST each; on a deleting
// server one DELETE each (the first confirmed by the narrow read); a stage
// invitation one DELETE each. The refresh is the first read alone and the
// scope's listing (ibl.ai pages of 100, authentik pages of 100). Issue
// 18's budgets for 1,000: row-keeping 1,100, deleting 2,050, stage 1,020;
// here N + the refresh + the first removal's learning, exactly.
func TestAccRequestBudget_destroys(t *testing.T) {
	acctest.RequireAcc(t)
	n := budgetSize(t)
	pages := (n + 99) / 100
	program := mockserver.IBLPathOf(mockserver.IBLKindProgram)
	programs := fmt.Sprintf(`
resource "invitations_program_invitation" "many" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "person-${count.index}@example.com"
}
`, n)
	for _, tc := range []struct {
		name string
		opts mockserver.Options
		want map[string]int
		rows int // rows the server holds afterwards
	}{
		// Refresh: 1 + pages GETs; the first removal: DELETE, narrow GET,
		// POST; the others: POST.
		{"row-keeping", mockserver.Options{}, map[string]int{"GET": 1 + pages + 1, "DELETE": 1, "POST": n, "all": n + pages + 3}, n},
		// Refresh; the first removal: DELETE and the narrow GET (by email,
		// then, missing, the item's rows down to its id); the others: DELETE.
		{"deleting", mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newMockEnv(t, needsScale, tc.opts)
			got := destroyRequests(t, env, programs, program)
			t.Logf("destroying %d program invitations (%s) sent %v", n, tc.name, got)
			if tc.want != nil && !maps.Equal(got, tc.want) {
				t.Errorf("destroying %d program invitations sent %v, want %v", n, got, tc.want)
			}
			if tc.want == nil && (got["DELETE"] != n || got["POST"] != 0 || got["GET"] > 1+pages+1+pages) {
				t.Errorf("destroying %d program invitations sent %v, want %d DELETEs and at most %d GETs", n, got, n, 1+pages+1+pages)
			}
			if budget := n * map[string]int{"row-keeping": 1100, "deleting": 2050}[tc.name] / 1000; got["all"] > budget {
				t.Errorf("destroying %d program invitations sent %d requests, over the issue's %d", n, got["all"], budget)
			}
			if rows := len(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()); rows != tc.rows {
				t.Errorf("the server holds %d invitations after the destroy, want %d", rows, tc.rows)
			}
			if err := retiredOnce(env, mockserver.IBLKindProgram)(nil); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("stage", func(t *testing.T) {
		t.Parallel()
		env := newMockEnv(t, needsScale, mockserver.Options{})
		got := destroyRequests(t, env, fmt.Sprintf(`
resource "invitations_stage_invitation" "many" {
  count   = %d
  name    = "many-${count.index}"
  expires = "2099-01-01T00:00:00Z"
}
`, n), "/api/v3/stages/invitation/invitations/")
		t.Logf("destroying %d stage invitations sent %v", n, got)
		if want := map[string]int{"GET": 1 + pages, "DELETE": n, "all": n + 1 + pages}; !maps.Equal(got, want) {
			t.Errorf("destroying %d stage invitations sent %v, want %v", n, got, want)
		}
		if budget := n * 1020 / 1000; got["all"] > budget {
			t.Errorf("destroying %d stage invitations sent %d requests, over the issue's %d", n, got["all"], budget)
		}
		if left := len(env.srv.AuthentikInvitations()); left != 0 {
			t.Errorf("authentik holds %d invitations after the destroy, want none", left)
		}
	})
}
