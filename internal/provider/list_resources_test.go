package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// expectRequests checks how many list requests the mock answered since the
// last reset, and resets the count: a query step has no Check of its own,
// so the next step's PreConfig asserts it.
func expectRequests(t *testing.T, env *testEnv, prefix string, want int) {
	t.Helper()
	if n := env.count("GET", prefix); n != want {
		t.Errorf("the query sent %d list requests to %s, want %d", n, prefix, want)
	}
}

// A query step's configuration is its .tfquery.hcl file; the provider block
// stays in the .tf file of the step before.

func TestAccListResources_query(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	key := env.fixture(t, envAccProgramKey)
	org, _, _ := strings.Cut(key, "+")
	for i := range 3 {
		inv := env.createStage(t, map[string]any{"name": "legacy-" + strconv.Itoa(i)})
		t.Cleanup(func() { _ = env.deleteStage(inv.PK) })
	}
	env.createStage(t, map[string]any{"name": "other"})
	t.Cleanup(func() { _ = env.deleteStage(pkOf(t, env, env.name("other"))) })
	var ids []int64
	for i, active := range []bool{true, true, false} {
		local := "learner-" + strconv.Itoa(i)
		ids = append(ids, env.postIBLRow(t, "program_key", map[string]any{"program_key": key, "email": env.email(local), "active": active}).ID)
		t.Cleanup(func() {
			env.postIBLRow(t, "program_key", map[string]any{"program_key": key, "email": env.email(local), "active": false})
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ListResources)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerConfig()},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "invitations_stage_invitation" "legacy" {
  provider = invitations
  config {
    search = %q
  }
}
list "invitations_program_invitation" "learners" {
  provider = invitations
  config {
    program_key = %q
    source      = %q
    active      = true
  }
}
`, env.name("legacy-"), key, env.prefix),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("invitations_stage_invitation.legacy", 3),
					querycheck.ExpectIdentity("invitations_stage_invitation.legacy", map[string]knownvalue.Check{
						"token_sha256": tokenHashOnServer(t, env, env.name("legacy-1")),
					}),
					querycheck.ExpectLength("invitations_program_invitation.learners", 2),
					querycheck.ExpectIdentity("invitations_program_invitation.learners", map[string]knownvalue.Check{
						"org": knownvalue.StringExact(org), "id": knownvalue.StringExact(strconv.FormatInt(ids[1], 10)),
					}),
				},
			},
		},
	})
}

func TestAccListResources_validation(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	bad := func(kind, body, want string) resource.TestStep {
		return resource.TestStep{
			Query:       true,
			Config:      fmt.Sprintf("list %q \"bad\" {\n  provider = invitations\n  config {\n    %s\n  }\n}\n", kind, body),
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ListResources)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// The same rules as the data sources, before any request.
		CheckDestroy: noRequests(env),
		Steps: []resource.TestStep{
			{Config: env.providerConfig()},
			bad("invitations_stage_invitation", `ordering = "newest"`, `(?s)ordering value must be one of`),
			bad("invitations_stage_invitation", `name = "has space"`, `(?s)name must contain only letters`),
			bad("invitations_program_invitation", `email = "Ada <ada@example.com>"`, `(?s)email must be a single email address`),
			bad("invitations_program_invitation", `metadata = { page = "2" }`, `(?s)metadata.*value must be none of`),
			bad("invitations_program_invitation", `program_key = "acme+"`, `(?s)program_key must be a program key`),
		},
	})
}

// TestAccListResources_pages: a query reads the largest pages and stops at
// the last one, or at its limit.
func TestAccListResources_pages(t *testing.T) {
	env := newMockEnv(t, needsScale, mockserver.Options{})
	env.srv.SeedAuthentik(2500, "many")
	env.srv.IBLOf(mockserver.IBLKindProgram).Seed(250, "acme+onboarding")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ListResources)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: env.providerConfig(), Check: func(*terraform.State) error { env.srv.ResetCounts(); return nil }},
			{
				Query: true,
				Config: `
list "invitations_stage_invitation" "all" {
  provider = invitations
  limit    = 5000
}
list "invitations_program_invitation" "all" {
  provider = invitations
  limit    = 5000
  config {
    org = "acme"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("invitations_stage_invitation.all", 2500),
					querycheck.ExpectLength("invitations_program_invitation.all", 250),
				},
			},
			{
				PreConfig: func() {
					expectRequests(t, env, "/api/v3/", 25)     // 2,500 at 100 a page, authentik's cap
					expectRequests(t, env, "/api/catalog/", 3) // 250 at 100 a page
					env.srv.ResetCounts()
				},
				Query: true,
				Config: `
list "invitations_stage_invitation" "some" {
  provider = invitations
  limit    = 30
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("invitations_stage_invitation.some", 30)},
			},
			{
				// A limit of 30 asks for one page of 30.
				PreConfig: func() { expectRequests(t, env, "/api/v3/", 1) },
				Config:    env.providerConfig(),
			},
		},
	})
}
