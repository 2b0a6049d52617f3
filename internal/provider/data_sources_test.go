package provider

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func dataConfig(env *testEnv, kind, body string) string {
	return env.providerConfig() + fmt.Sprintf("\ndata %q \"test\" {\n%s\n}\n", kind, body)
}

func listSize(addr string, n int) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations"), knownvalue.ListSizeExact(n))
}

func total(addr string, n int64) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New("total_count"), knownvalue.Int64Exact(n))
}

func TestAccStageInvitationsDataSource(t *testing.T) {
	env := newMockEnv(t, needsFixtures, mockserver.Options{})
	env.srv.SeedAuthentik(45, "bulk")
	const addr = "data.invitations_stage_invitations.test"
	step := func(body string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{Config: dataConfig(env, "invitations_stage_invitations", body), ConfigStateChecks: checks}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(``, listSize(addr, 45), total(addr, 45),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations").AtSliceIndex(0).AtMapKey("created_by"), knownvalue.StringExact("akadmin"))),
			step(`name = "bulk-7"`, listSize(addr, 1),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations").AtSliceIndex(0).AtMapKey("import_id"), knownvalue.StringExact("name:bulk-7")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids").AtSliceIndex(0), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`)))),
			step(`search = "bulk-1"`, listSize(addr, 11)),
			step("search = \"bulk\"\nordering = \"name\"\nmax_results = 3", listSize(addr, 3), total(addr, 45),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations").AtSliceIndex(1).AtMapKey("name"), knownvalue.StringExact("bulk-10"))),
			step(`ordering = "-name"`, statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("bulk-9"))),
			step("flow_slug = \"contractor-enrollment\"\ncreated_by_username = \"akadmin\"",
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invitations").AtSliceIndex(0).AtMapKey("flow_slug"), knownvalue.StringExact("contractor-enrollment")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_urls").AtSliceIndex(0), knownvalue.StringRegexp(regexp.MustCompile(`/if/flow/contractor-enrollment/\?itoken=`)))),
			step(`created_by_username = "nobody"`, listSize(addr, 0), total(addr, 0)),
		},
	})
}

func TestAccProgramInvitationsDataSource(t *testing.T) {
	env := newMockEnv(t, needsFixtures, mockserver.Options{})
	env.iblExtra = `org = "acme"`
	env.srv.IBLOf(mockserver.IBLKindProgram).Seed(30, "acme+onboarding")
	env.srv.IBLOf(mockserver.IBLKindProgram).Seed(10, "globex+leadership")
	const addr = "data.invitations_program_invitations.test"
	step := func(body string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{Config: dataConfig(env, "invitations_program_invitations", body), ConfigStateChecks: checks}
	}
	first := tfjsonpath.New("invitations").AtSliceIndex(0)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			// org defaults to the provider's.
			step(``, listSize(addr, 30), total(addr, 30),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("id"), knownvalue.StringExact("30")),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("import_id"), knownvalue.StringExact("acme/30"))),
			step(`org = "globex"`, listSize(addr, 10),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("program_key"), knownvalue.StringExact("globex+leadership"))),
			step("metadata = { cohort = \"c0\" }\nactive = false", total(addr, 7)),
			step("source = \"csv\"\nsort = \"id\"\nmax_results = 2", listSize(addr, 2), total(addr, 10),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact("learner2@example.com")),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("metadata"), knownvalue.StringExact(`{"cohort":"c0","seq":2}`))),
			step(`email = "learner7@example.com"`, listSize(addr, 1)),
			step(`program_key = "acme+data-science"`, listSize(addr, 0), total(addr, 0)),
		},
	})
	// Only documented parameters and the metadata keys asked for were sent.
	allowed := map[string]bool{"program_key": true, "org": true, "email": true, "username": true, "source": true,
		"active": true, "sort": true, "page": true, "page_size": true, "cohort": true}
	for _, r := range env.srv.Requests() {
		q, _ := url.ParseQuery(r.Query)
		for k := range q {
			if !allowed[k] {
				t.Errorf("sent an unexpected parameter %q (%s): the server would read it as a metadata filter", k, r.Query)
			}
		}
	}
}

// TestAccStageInvitationsDataSource_filters: every filter of the stage
// invitations data source, on three invitations the test makes, among
// whatever else the server holds.
func TestAccStageInvitationsDataSource_filters(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	flow, slug := env.fixture(t, envAccFlow), env.fixture(t, envAccFlowSlug)
	made := []serverStage{
		env.createStage(t, map[string]any{"name": "a-1"}),
		env.createStage(t, map[string]any{"name": "a-2", "flow": flow}),
		env.createStage(t, map[string]any{"name": "b-1", "expires": "2098-05-05T00:00:00Z"}),
	}
	t.Cleanup(func() {
		for _, inv := range made {
			_ = env.deleteStage(inv.PK)
		}
	})
	const addr = "data.invitations_stage_invitations.test"
	first := tfjsonpath.New("invitations").AtSliceIndex(0)
	step := func(body string, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{Config: dataConfig(env, "invitations_stage_invitations", body), ConfigStateChecks: checks}
	}
	search := fmt.Sprintf("search = %q\n", env.prefix+"-")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(search, listSize(addr, 3), total(addr, 3)),
			step(fmt.Sprintf("name = %q", env.name("a-2")), listSize(addr, 1),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("import_id"), knownvalue.StringExact("name:"+env.name("a-2"))),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("ids").AtSliceIndex(0), knownvalue.StringExact(made[1].PK)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_urls").AtSliceIndex(0), knownvalue.StringRegexp(
					regexp.MustCompile(`/if/flow/`+regexp.QuoteMeta(slug)+`/\?itoken=`+made[1].PK+`$`)))),
			step(fmt.Sprintf("search = %q\nordering = \"-name\"\nmax_results = 1", env.name("a-")), listSize(addr, 1), total(addr, 2),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("name"), knownvalue.StringExact(env.name("a-2")))),
			step(search+"ordering = \"name\"", statecheck.ExpectKnownValue(addr, first.AtMapKey("name"), knownvalue.StringExact(env.name("a-1")))),
			step(search+fmt.Sprintf("flow_slug = %q", slug), listSize(addr, 1),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("flow"), knownvalue.StringExact(flow))),
			step(search+fmt.Sprintf("created_by_username = %q", made[0].CreatedBy.Username), listSize(addr, 3),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("created_by"), knownvalue.StringExact(made[0].CreatedBy.Username))),
			step(search+"expires = \"2098-05-05T00:00:00Z\"", listSize(addr, 1),
				statecheck.ExpectKnownValue(addr, first.AtMapKey("name"), knownvalue.StringExact(env.name("b-1")))),
			step(fmt.Sprintf("name = %q", env.name("none")), listSize(addr, 0), total(addr, 0)),
		},
	})
}

// TestAccIBLInvitationsDataSources_filters: every filter of the three ibl.ai
// data sources but username (a live tenant's users are not the test's to
// make), on three invitations the test makes, among whatever else the
// tenant holds.
func TestAccIBLInvitationsDataSources_filters(t *testing.T) {
	for _, c := range append([]iblKindCase{programCase}, iblKindCases...) {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, iblPlatform)
			key := env.fixture(t, c.fixture)
			env.iblExtra = `org = "` + env.org + `"`
			row := func(local string, active bool, source, cohort string) serverIBL {
				return env.postIBLRow(t, c.keyAttr, map[string]any{c.keyAttr: key, "email": env.email(local), "active": active,
					"source": source, "metadata": map[string]any{"cohort": cohort}})
			}
			ada := row("ada", true, env.prefix, "c1")
			row("grace", false, env.prefix, "c2")
			row("linus", true, env.prefix+"-other", "c1")
			t.Cleanup(func() {
				for _, local := range []string{"ada", "linus"} {
					env.postIBLRow(t, c.keyAttr, map[string]any{c.keyAttr: key, "email": env.email(local), "active": false})
				}
			})
			ds := strings.TrimSuffix(c.typ, "_invitation") + "_invitations"
			addr := "data." + ds + ".test"
			first := tfjsonpath.New("invitations").AtSliceIndex(0)
			source := fmt.Sprintf("source = %q\n", env.prefix)
			step := func(body string, checks ...statecheck.StateCheck) resource.TestStep {
				return resource.TestStep{Config: dataConfig(env, ds, body), ConfigStateChecks: checks}
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					step(source, listSize(addr, 2), total(addr, 2)),
					step(source+fmt.Sprintf("%s = %q\norg = %q", c.keyAttr, key, env.org), listSize(addr, 2),
						statecheck.ExpectKnownValue(addr, first.AtMapKey(c.keyAttr), knownvalue.StringExact(key))),
					step(fmt.Sprintf("email = %q", env.email("ada")), listSize(addr, 1),
						statecheck.ExpectKnownValue(addr, first.AtMapKey("id"), knownvalue.StringExact(strconv.FormatInt(ada.ID, 10))),
						statecheck.ExpectKnownValue(addr, first.AtMapKey("import_id"), knownvalue.StringExact(env.org+"/"+strconv.FormatInt(ada.ID, 10)))),
					step(source+"active = false", listSize(addr, 1),
						statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact(env.email("grace")))),
					step(source+`metadata = { cohort = "c1" }`, listSize(addr, 1),
						statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact(env.email("ada")))),
					step(source+"sort = \"id\"\nmax_results = 1", listSize(addr, 1), total(addr, 2),
						statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact(env.email("ada")))),
					step(source+"sort = \"-id\"", statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact(env.email("grace")))),
				},
			})
		})
	}
}

func TestAccDataSources_validation(t *testing.T) {
	env := newTestEnv(t, bothPlatforms)
	bad := func(kind, body, want string) resource.TestStep {
		return resource.TestStep{Config: dataConfig(env, kind, body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	const st, pr = "invitations_stage_invitations", "invitations_program_invitations"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             noRequests(env),
		Steps: []resource.TestStep{
			bad(st, `ordering = "created"`, `(?s)Attribute ordering value must be one of`),
			bad(st, `search = ""`, `(?s)Attribute search string length must be at least 1`),
			bad(st, `name = "a b"`, `(?s)Attribute name must contain only letters`),
			bad(st, `expires = "tomorrow"`, `(?s)Invalid RFC3339 String Value`),
			bad(st, `max_results = 0`, `(?s)Attribute max_results value must be at least 1`),
			bad(pr, `sort = "name"`, `(?s)Attribute sort value must be one of`),
			bad(pr, `email = "nope"`, `(?s)email must be a single email address`),
			bad(pr, `email = "Ada <ada@example.com>"`, `(?s)email must be a single email address`),
			bad(pr, `program_key = ""`, `(?s)Attribute program_key string length must be at least 1`),
			bad(pr, `metadata = { email = "x" }`, `(?s)metadata.*value must be none of`),
			bad(pr, `metadata = { cohort = "" }`, `(?s)metadata\["cohort"\] string length must be at least 1`),
		},
	})
}

// pages checks a listing's requests: every listing asked for pages 1..want
// of the given size, in order, and never a page past the last.
func pages(env *testEnv, prefix string, size, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var listings, requests int
		for _, r := range env.srv.Requests() {
			if !strings.HasPrefix(r.Path, prefix) || r.Method != "GET" {
				continue
			}
			q, _ := url.ParseQuery(r.Query)
			if q.Get("page_size") != fmt.Sprint(size) {
				return fmt.Errorf("page_size %q, want %d", q.Get("page_size"), size)
			}
			if p := q.Get("page"); p == "" || p == "1" {
				listings++
			}
			requests++
		}
		if listings == 0 || requests != listings*want {
			return fmt.Errorf("%d listings took %d requests, want %d each", listings, requests, want)
		}
		return nil
	}
}

// TestAccDataSources_pagingBudget lists 2,500 invitations of each kind:
// ceil(2500 / page size) requests a listing, none past the last page.
func TestAccDataSources_pagingBudget(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{NextPageEnvelope: true}})
	n := 2500
	if v := os.Getenv("PAGING_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	env.srv.SeedAuthentik(n, "many")
	env.srv.IBLOf(mockserver.IBLKindProgram).Seed(n, "acme+onboarding")
	cfg := env.providerConfig() + `
data "invitations_stage_invitations" "all" {}
data "invitations_program_invitations" "all" { org = "acme" }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: env.srv.ResetCounts,
			Config:    cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				listSize("data.invitations_stage_invitations.all", 2500), total("data.invitations_stage_invitations.all", 2500),
				listSize("data.invitations_program_invitations.all", 2500), total("data.invitations_program_invitations.all", 2500),
			},
			Check: resource.ComposeTestCheckFunc(
				// authentik is asked for 1,000 a page and serves its cap, 100.
				pages(env, "/api/v3/", 1000, 25),
				pages(env, "/api/catalog/", 100, 25),
			),
		}},
	})
}

func TestAccDataSources_timeout(t *testing.T) {
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	env.srv.SetLatency(2 * time.Second)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      dataConfig(env, "invitations_stage_invitations", `timeouts = { read = "200ms" }`),
			ExpectError: regexp.MustCompile(`(?s)Listing authentik invitations failed.*context deadline\s+exceeded`),
		}},
	})
}

// TestAccDataSources_badTimeoutNamed: a timeout that is no duration is
// refused at plan time, on timeouts.read, before any request.
func TestAccDataSources_badTimeoutNamed(t *testing.T) {
	for _, kind := range []string{"invitations_stage_invitations", "invitations_program_invitations", "invitations_course_invitations", "invitations_platform_invitations"} {
		t.Run(kind, func(t *testing.T) {
			env := newTestEnv(t, bothPlatforms)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      dataConfig(env, kind, `timeouts = { read = "soon" }`),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Invalid timeout.*data.` + kind + `.test.*timeouts.read must be a Go duration such as\s+"30s" or "5m", got "soon"`),
				}},
			})
			if n := len(env.sent()); n != 0 {
				t.Fatalf("a bad timeout sent %d request(s)", n)
			}
		})
	}
}
