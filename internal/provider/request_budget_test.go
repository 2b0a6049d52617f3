package provider

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// Request budgets of applies and destroys (issue 18), counted on the mock:
// a create is one POST, and the look before it is shared by the creates of
// a scope (ibl_invitation_lookup.go); a destroy is about one request per
// invitation.

// budgetN is the size of the budget tests: enough for several pages of
// 100 and the parallelism of 10, cheap enough for make test.
const budgetN = 150

// iblRequests sorts the requests to a kind's path since the last reset.
type iblRequests struct {
	posts, deletes int
	narrow         []string // the users of narrow looks (email or username filter)
	probes         int      // page_size=1: the listing's probe
	pages          int      // the other GETs: listing pages
}

func (r iblRequests) String() string {
	return fmt.Sprintf("%d POSTs, %d DELETEs, %d narrow looks, %d probes, %d listing pages", r.posts, r.deletes, len(r.narrow), r.probes, r.pages)
}

func (r iblRequests) others() int { return r.deletes + len(r.narrow) + r.probes + r.pages }

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
		case q.Get("page_size") == "1":
			out.probes++
		default:
			out.pages++
		}
	}
	return out
}

// newHookedEnv is newTestEnv with a hook that sees each answered request.
func newHookedEnv(t *testing.T, opts mockserver.Options, after func(srv *mockserver.Server, r *http.Request)) *testEnv {
	t.Helper()
	srv := mockserver.New(opts)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		after(srv, r)
	}))
	srv.StartCleanup()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return &testEnv{srv: srv, url: ts.URL}
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

// programsAfterFirstConfig is programsConfig with one more invitation that
// all of them wait for: its create is the scope's first look, which is
// narrow, so that none of the many is, whatever order Terraform creates
// them in.
func programsAfterFirstConfig(env *testEnv, n int) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_program_invitation" "first" {
  program_key = "acme+onboarding"
  email       = "first@example.com"
}

resource "invitations_program_invitation" "many" {
  count       = %d
  program_key = "acme+onboarding"
  email       = "person-${count.index}@example.com"
  depends_on  = [invitations_program_invitation.first]
}
`, n)
}

// checkCreates holds an apply to its budget: every create one POST, and
// at most others requests besides.
func checkCreates(t *testing.T, env *testEnv, k mockserver.IBLKind, posts, others int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := countIBL(env, k)
		t.Logf("creating %d %s invitations sent %s", posts, k, got)
		if got.posts != posts || got.others() > others {
			return fmt.Errorf("the apply sent %s; want %d POSTs and at most %d other requests", got, posts, others)
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
// invitations into a program that holds N others is N POSTs and, besides,
// the first create's narrow look, then the listing's probe and its pages
// (the first create's row among them), shared by the other creates. Into
// an empty program that is one page. One create alone: one narrow look
// and one POST.
func TestAccRequestBudget_creates(t *testing.T) {
	n := budgetSize(t)
	t.Run(fmt.Sprintf("%d among %d", n, n), func(t *testing.T) {
		// The listing holds the first create's row too: n+1 rows.
		applyPrograms(t, n, n, func(env *testEnv) resource.TestCheckFunc {
			return checkCreates(t, env, mockserver.IBLKindProgram, n, 1+1+(n+1+99)/100)
		})
	})
	t.Run(fmt.Sprintf("%d into an empty program", n), func(t *testing.T) {
		applyPrograms(t, 0, n, func(env *testEnv) resource.TestCheckFunc {
			return checkCreates(t, env, mockserver.IBLKindProgram, n, 1+1+1)
		})
	})
	t.Run("one alone", func(t *testing.T) {
		applyPrograms(t, budgetN, 1, func(env *testEnv) resource.TestCheckFunc {
			return func(*terraform.State) error {
				got := countIBL(env, mockserver.IBLKindProgram)
				if got.posts != 1 || len(got.narrow) != 1 || got.others() != 1 {
					return fmt.Errorf("one create sent %s; want one narrow look and one POST", got)
				}
				return nil
			}
		})
	})
}

// applyPrograms applies n program invitations into a program that holds
// seed others, counting from the apply's first request; check holds the
// apply to its budget, and the destroy retires every row once.
func applyPrograms(t *testing.T, seed, n int, check func(*testEnv) resource.TestCheckFunc) {
	t.Parallel()
	env := newTestEnv(t, mockserver.Options{})
	if seed > 0 {
		env.srv.SeedIBL(seed, "acme+onboarding")
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
// share their scope's listing as program creates do.
func TestAccRequestBudget_createsOfOtherKinds(t *testing.T) {
	const n = 40
	forKinds(t, mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
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
				// The narrow look, the probe, two pages of 100.
				Check: checkCreates(t, env, c.kind, n, 1+1+2),
			}},
		})
	})
}

// TestAccRequestBudget_existingRowFoundInTheListing: a row the user
// already has is found through the shared listing, with the diagnostics of
// the narrow look: an active one is refused, an accepted one too (without
// reissue), an inactive one is reactivated
// (the same row, now managed).
func TestAccRequestBudget_existingRowFoundInTheListing(t *testing.T) {
	// The user with a row: Person-77 (another letter case than the
	// configuration's, as the listing matches emails without case). Its
	// create is never the scope's first look (programsAfterFirstConfig):
	// that one is narrow, and the case would not test the listing (once in
	// about a hundred runs, before).
	seed := func(env *testEnv) int {
		env.srv.SeedIBL(budgetN, "acme+onboarding")
		table := env.srv.IBLOf(mockserver.IBLKindProgram)
		id := table.Invitations()[10].ID
		if !table.SetEmail(id, "Person-77@example.com") {
			t.Fatal("no seeded row to give the user")
		}
		return id
	}
	notNarrow := func(env *testEnv) error {
		got := countIBL(env, mockserver.IBLKindProgram)
		for _, u := range got.narrow {
			if strings.EqualFold(u, "person-77@example.com") {
				return fmt.Errorf("person-77 was looked for narrowly (%s): the case does not test the listing", got)
			}
		}
		if got.probes != 1 {
			return fmt.Errorf("%s: want one listing", got)
		}
		return nil
	}
	for _, refused := range []struct {
		name    string
		prepare func(env *testEnv, id int) error
		want    *regexp.Regexp
	}{
		{"active: refused", func(*testEnv, int) error { return nil },
			regexp.MustCompile(`(?s)The program invitation already exists.*does not\s+take\s+over\s+an\s+invitation`)},
		{"accepted: refused without reissue", func(env *testEnv, id int) error { return env.srv.AcceptIBLInvitation(id) },
			regexp.MustCompile(`(?s)invitee accepted the existing program invitation.*reissue = true`)},
	} {
		t.Run(refused.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, mockserver.Options{})
			if err := refused.prepare(env, seed(env)); err != nil {
				t.Fatal(err)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						PreConfig:   env.srv.ResetCounts,
						Config:      programsAfterFirstConfig(env, 100),
						ExpectError: refused.want,
					},
					{
						PreConfig: func() {
							if err := notNarrow(env); err != nil {
								t.Fatal(err)
							}
						},
						Config:  env.providerConfig(),
						Destroy: true,
					},
				},
			})
		})
	}
	t.Run("inactive: reactivated", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, mockserver.Options{})
		id := seed(env)
		// Retired as a row-keeping DELETE leaves it: inactive, never started.
		retire(t, env, id)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             retiredOnce(env, mockserver.IBLKindProgram),
			Steps: []resource.TestStep{{
				PreConfig: env.srv.ResetCounts,
				Config:    programsAfterFirstConfig(env, 100),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("invitations_program_invitation.many.77", "id", fmt.Sprint(id)),
					func(*terraform.State) error {
						for _, inv := range env.srv.IBLInvitations() {
							if inv.ID == id && !inv.Active {
								return fmt.Errorf("invitation %d was not reactivated", id)
							}
						}
						return notNarrow(env)
					},
				),
			}},
		})
	})
}

// retire deactivates a program invitation as the server keeps it after a
// DELETE: a POST of active = false for its user.
func retire(t *testing.T, env *testEnv, id int) {
	t.Helper()
	for _, inv := range env.srv.IBLInvitations() {
		if inv.ID != id {
			continue
		}
		body := fmt.Sprintf(`{"program_key": %q, "email": %q, "active": false}`, inv.Key, inv.Email)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, env.url+mockserver.IBLPathOf(mockserver.IBLKindProgram), strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Token "+mockserver.IBLAdminKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("retiring %d: %s", id, res.Status)
		}
		return
	}
	t.Fatalf("no invitation %d", id)
}

// TestAccRequestBudget_listingNotTrusted: a row deleted while the listing
// is paged (after its page 1, a row of page 1) skips a row of page 2; the
// listing is not proven complete, so the creates waiting on it look
// narrowly, and every create still happens exactly once.
func TestAccRequestBudget_listingNotTrusted(t *testing.T) {
	var once sync.Once
	deleted := 0
	env := newHookedEnv(t, mockserver.Options{}, func(srv *mockserver.Server, r *http.Request) {
		q := r.URL.Query()
		if r.Method != http.MethodGet || r.URL.Path != mockserver.IBLPathOf(mockserver.IBLKindProgram) ||
			q.Get("email") != "" || q.Get("page_size") != "100" || q.Get("page") != "" {
			return
		}
		once.Do(func() {
			rows := srv.IBLInvitations()
			deleted = rows[len(rows)-5].ID // sorted by -id: the fifth of page 1
			srv.DeleteIBLInvitation(deleted)
		})
	})
	env.srv.SeedIBL(budgetN, "acme+onboarding")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             retiredOnce(env, mockserver.IBLKindProgram),
		Steps: []resource.TestStep{{
			PreConfig: env.srv.ResetCounts,
			Config:    programsConfig(env, budgetN),
			Check: func(*terraform.State) error {
				got := countIBL(env, mockserver.IBLKindProgram)
				t.Logf("with row %d deleted during the listing, creating %d sent %s", deleted, budgetN, got)
				if deleted == 0 {
					return fmt.Errorf("the hook deleted nothing (%s): the case does not test the listing", got)
				}
				// The first look, and at least one create that waited on the
				// listing the deletion spoilt, are narrow; a second listing
				// (probe and two pages) answers the rest.
				if len(got.narrow) < 2 || got.probes < 2 || got.posts != budgetN {
					return fmt.Errorf("with a row deleted during the listing the apply sent %s; want at least 2 narrow looks, "+
						"a second listing and %d POSTs", got, budgetN)
				}
				if n := len(env.srv.IBLInvitations()); n != 2*budgetN-1 {
					return fmt.Errorf("the server holds %d invitations, want %d", n, 2*budgetN-1)
				}
				return nil
			},
		}},
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
			env := newTestEnv(t, tc.opts)
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
			if rows := len(env.srv.IBLInvitations()); rows != tc.rows {
				t.Errorf("the server holds %d invitations after the destroy, want %d", rows, tc.rows)
			}
			if err := retiredOnce(env, mockserver.IBLKindProgram)(nil); err != nil {
				t.Error(err)
			}
		})
	}
	t.Run("stage", func(t *testing.T) {
		t.Parallel()
		env := newTestEnv(t, mockserver.Options{})
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
