package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// The course and platform invitations are the program invitation's core
// with another key: each test runs for both kinds.

type iblKindCase struct {
	kind mockserver.IBLKind
	// typ is the resource type, keyAttr its key, key a known item of acme
	// and other an item of globex.
	typ, keyAttr, key, other string
	// query is the key as the server's query carries it (URL-encoded).
	query string
	// ignoreOnImport are the arguments an import cannot know.
	ignoreOnImport []string
	// fixture names the live run's item of the kind.
	fixture string
}

var iblKindCases = []iblKindCase{
	{kind: mockserver.IBLKindCourse, typ: "invitations_course_invitation", keyAttr: "course_id",
		key: "course-v1:acme+DS101+2027", other: "course-v1:globex+LEAD201+2027", query: "course_id=course-v1%3Aacme%2BDS101%2B2027",
		ignoreOnImport: []string{"timeouts", "kept_by_server", "enrollment_config"}, fixture: envAccCourseID},
	{kind: mockserver.IBLKindPlatform, typ: "invitations_platform_invitation", keyAttr: "platform_key",
		key: "acme", other: "globex", query: "platform_key=acme",
		ignoreOnImport: []string{"timeouts", "kept_by_server", "company_name", "first_name"}, fixture: envAccPlatformKey},
}

// forKinds runs a test for each new kind, on an env whose provider sets
// ibl.org (a course's org comes from it): a portable test's when reason is
// empty, else the mock's with opts.
func forKinds(t *testing.T, reason string, opts mockserver.Options, test func(t *testing.T, c iblKindCase, env *testEnv)) {
	for _, c := range iblKindCases {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			var env *testEnv
			if reason == "" {
				env = newTestEnv(t, iblPlatform)
				env.fixture(t, c.fixture)
			} else {
				env = newMockEnv(t, reason, opts)
			}
			env.iblExtra = `org = "` + env.org + `"`
			test(t, c, env)
		})
	}
}

func (c iblKindCase) addr() string { return c.typ + ".test" }

// item is the kind's item the test's invitations are for: the live
// fixture, or the mock's item.
func (c iblKindCase) item(env *testEnv) string { return env.fixtures[c.fixture] }

func (c iblKindCase) config(env *testEnv, body string) string {
	return env.providerConfig() + fmt.Sprintf("\nresource %q \"test\" {\n  %s = %q\n%s\n}\n", c.typ, c.keyAttr, c.item(env), body)
}

// invitee is the test's invitation of the kind for ada, as the server's API
// returns it, checked to be the one in state s (when given); nil when there
// is none.
func (c iblKindCase) invitee(env *testEnv, s *terraform.State) (*serverIBL, error) {
	rows, err := env.iblRows(c.keyAttr, c.item(env), env.email("ada"))
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	if len(rows) > 1 {
		return nil, fmt.Errorf("want one %s invitation for %s, the server holds %d: %+v", c.kind, env.email("ada"), len(rows), rows)
	}
	if s == nil {
		return &rows[0], nil
	}
	if rs := s.RootModule().Resources[c.addr()]; rs != nil && rs.Primary.ID != strconv.FormatInt(rows[0].ID, 10) {
		return nil, fmt.Errorf("state id %s does not match the server's invitation %d", rs.Primary.ID, rows[0].ID)
	}
	return &rows[0], nil
}

// held checks the server holds the test's invitation for ada, as described.
func (c iblKindCase) held(env *testEnv, check func(serverIBL) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inv, err := c.invitee(env, s)
		if err != nil {
			return err
		}
		if inv == nil {
			return fmt.Errorf("no %s invitation for %s on the server", c.kind, env.email("ada"))
		}
		return check(*inv)
	}
}

// retiredOnServer checks, through the API, that the test's invitation for
// ada is no longer active (the real servers keep rows on DELETE).
func (c iblKindCase) retiredOnServer(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		inv, err := c.invitee(env, nil)
		if err != nil {
			return err
		}
		if inv != nil && inv.Active {
			return fmt.Errorf("%s invitation %d is still active after destroy: %+v", c.kind, inv.ID, *inv)
		}
		return nil
	}
}

func (c iblKindCase) rows(env *testEnv) []mockserver.IBLInvitation {
	return env.srv.IBLOf(c.kind).Invitations()
}

// retired checks no invitation of the kind is left active.
func (c iblKindCase) retired(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, inv := range c.rows(env) {
			if inv.Active {
				return fmt.Errorf("%s invitation %d is still active after destroy: %+v", c.kind, inv.ID, inv)
			}
		}
		return nil
	}
}

// onServer checks the server holds exactly one invitation, the one in state.
func (c iblKindCase) onServer(env *testEnv, check func(mockserver.IBLInvitation) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all := c.rows(env)
		if len(all) != 1 {
			return fmt.Errorf("want exactly 1 %s invitation on the server, got %d: %+v", c.kind, len(all), all)
		}
		if rs := s.RootModule().Resources[c.addr()]; rs == nil || rs.Primary.ID != strconv.Itoa(all[0].ID) {
			return fmt.Errorf("state id does not match the server's invitation %d", all[0].ID)
		}
		return check(all[0])
	}
}

// TestAccIBLKinds_lifecycle runs on the default server and on one whose
// answers leave out user_id and created, as the course and platform
// response schemas allow.
func TestAccIBLKinds_lifecycle(t *testing.T) {
	t.Run("default", func(t *testing.T) { iblKindsLifecycle(t, "", mockserver.Options{}) })
	t.Run("sparse", func(t *testing.T) {
		iblKindsLifecycle(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{SparseAnswers: true}})
	})
}

func iblKindsLifecycle(t *testing.T, reason string, opts mockserver.Options) {
	var createdValue knownvalue.Check = knownvalue.NotNull()
	if opts.IBL.SparseAnswers {
		createdValue = knownvalue.Null() // the answers have none
	}
	forKinds(t, reason, opts, func(t *testing.T, c iblKindCase, env *testEnv) {
		addr := c.addr()
		base := `email = "` + env.email("ada") + `"` + "\n"
		created := base + `source = "` + env.prefix + `"` + "\n" + `metadata = jsonencode({ cohort = "2027-spring" })`
		updated := base + `source = "` + env.prefix + `-hr-sync"` + "\n" + `redirect_to = "https://learn.example.com/welcome"` + "\n" + `metadata = jsonencode({ cohort = "2027-fall" })`
		if c.kind == mockserver.IBLKindPlatform {
			created += "\ncompany_name = \"Acme\"\nfirst_name = \"Ada\""
			updated += "\ncompany_name = \"Acme Labs\"\nfirst_name = \"Ada\""
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             c.retiredOnServer(env),
			Steps: []resource.TestStep{
				{
					PreConfig: env.resetCounts,
					Config:    c.config(env, created),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+$`))),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("org"), knownvalue.StringExact(env.org)),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
						statecheck.ExpectKnownValue(addr, tfjsonpath.New("created"), createdValue),
					},
					// As a program invitation: one narrow GET and one POST.
					Check: resource.ComposeAggregateTestCheckFunc(env.requests(map[string]int{"GET": 1, "POST": 1}),
						c.held(env, func(inv serverIBL) error {
							if inv.item(c.keyAttr) != c.item(env) || inv.Source != env.prefix || inv.Metadata["cohort"] != "2027-spring" || !inv.Active {
								return fmt.Errorf("server holds %+v", inv)
							}
							return nil
						})),
				},
				{
					// A refresh is one narrow GET, the key URL-encoded.
					PreConfig:    env.resetCounts,
					RefreshState: true,
					Check: func(*terraform.State) error {
						reqs := env.sent()
						env.resetCounts()
						if len(reqs) != 1 || reqs[0].Query.Get(c.keyAttr) != c.item(env) || reqs[0].Query.Get("org") != env.org {
							return fmt.Errorf("refresh sent %+v, want one GET with %s", reqs, c.keyAttr)
						}
						return nil
					},
				},
				{Config: c.config(env, created), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				{
					PreConfig: env.resetCounts,
					Config:    c.config(env, updated),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("created"), createdValue),
					}},
					Check: resource.ComposeAggregateTestCheckFunc(env.requests(map[string]int{"GET": 1, "POST": 1}),
						c.held(env, func(inv serverIBL) error {
							if inv.Source != env.prefix+"-hr-sync" || inv.RedirectTo == "" || inv.Metadata["cohort"] != "2027-fall" {
								return fmt.Errorf("server holds %+v", inv)
							}
							return nil
						})),
				},
				{
					PreConfig:    env.resetCounts,
					ResourceName: addr,
					ImportState:  true,
					ImportStateIdFunc: func(s *terraform.State) (string, error) {
						return env.org + "/" + s.RootModule().Resources[addr].Primary.ID, nil
					},
					ImportStateVerify:       true,
					ImportStateVerifyIgnore: c.ignoreOnImport,
					ImportStateCheck:        func([]*terraform.InstanceState) error { return env.requests(map[string]int{"GET": 1})(nil) },
				},
				{
					// Retired behind Terraform's back: planned to be re-opened.
					PreConfig: func() {
						env.postIBLRow(t, c.keyAttr, map[string]any{c.keyAttr: c.item(env), "email": env.email("ada"), "active": false, "source": env.prefix + "-hr-sync"})
					},
					Config: c.config(env, updated),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					}},
					Check: c.held(env, func(inv serverIBL) error {
						if !inv.Active {
							return fmt.Errorf("not re-opened: %+v", inv)
						}
						return nil
					}),
				},
				{
					// A destroy on a server that keeps rows: a refresh, the
					// DELETE, the GET that finds it kept, the deactivating POST.
					PreConfig: env.resetCounts,
					Config:    env.providerConfig(),
					Check:     env.requests(map[string]int{"GET": 2, "DELETE": 1, "POST": 1}),
				},
			},
		})
	})
}

// TestAccIBLKinds_outOfBand: an invitation deleted behind Terraform's back
// is planned again; one the invitee accepted is never re-activated by a
// plan, only by reissue.
func TestAccIBLKinds_outOfBand(t *testing.T) {
	forKinds(t, needsInvitee, mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		addr := c.addr()
		body := `email = "ada@example.com"`
		if c.kind == mockserver.IBLKindPlatform {
			body += "\ncompany_name = \"Acme\"\nfirst_name = \"Ada\""
		}
		cfg := c.config(env, body)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             c.retired(env),
			Steps: []resource.TestStep{
				{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
					// The mock's directory knows ada.
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.Int64Exact(456)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("username"), knownvalue.StringExact("ada")),
				}, Check: c.onServer(env, func(inv mockserver.IBLInvitation) error {
					// The platform's user fields are sent, though never returned.
					if c.kind == mockserver.IBLKindPlatform && (inv.UserFields["company_name"] != "Acme" || inv.UserFields["first_name"] != "Ada") {
						return fmt.Errorf("user fields not sent: %+v", inv.UserFields)
					}
					return nil
				})},
				{
					PreConfig: func() {
						for _, inv := range c.rows(env) {
							env.srv.IBLOf(c.kind).Delete(inv.ID)
						}
					},
					Config:             cfg,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				},
				{
					Config: cfg,
					Check:  c.onServer(env, func(inv mockserver.IBLInvitation) error { return nil }),
				},
				{
					PreConfig: func() {
						for _, inv := range c.rows(env) {
							if err := env.srv.IBLOf(c.kind).Accept(inv.ID); err != nil {
								t.Fatal(err)
							}
						}
					},
					Config: cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectEmptyPlan(),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("accepted")),
					}},
				},
				{Config: c.config(env, body+"\nactive = true"), ExpectError: regexp.MustCompile(`(?s)accepted.*reissue = true`)},
				{Config: c.config(env, body+"\nreissue = true"), Check: c.onServer(env, func(inv mockserver.IBLInvitation) error {
					if !inv.Active {
						return fmt.Errorf("reissue did not re-open it: %+v", inv)
					}
					return nil
				})},
			},
		})
	})
}

func TestAccIBLKinds_realDelete(t *testing.T) {
	forKinds(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}}, func(t *testing.T, c iblKindCase, env *testEnv) {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy: func(*terraform.State) error {
				if left := c.rows(env); len(left) != 0 {
					return fmt.Errorf("%d left: %+v", len(left), left)
				}
				return nil
			},
			Steps: []resource.TestStep{
				{Config: c.config(env, `username = "ada"`)},
				{PreConfig: env.srv.ResetCounts, Config: env.providerConfig(), Check: env.requests(map[string]int{"GET": 2, "DELETE": 1})},
			},
		})
	})
}

func TestAccIBLKinds_identity(t *testing.T) {
	forKinds(t, "", mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		cfg := c.config(env, `email = "`+env.email("ada")+`"`+"\n"+`source = "`+env.prefix+`"`)
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Identity)},
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             c.retiredOnServer(env),
			Steps: []resource.TestStep{
				{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectIdentity(c.addr(), map[string]knownvalue.Check{
					"org": knownvalue.StringExact(env.org), "id": knownvalue.StringRegexp(regexp.MustCompile(`^[1-9]\d*$`)),
				})}, Check: c.held(env, func(serverIBL) error { return nil })},
				{Config: cfg, ResourceName: c.addr(), ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			},
		})
	})
}

func TestAccIBLKinds_validation(t *testing.T) {
	forKinds(t, "", mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		bad := func(key, body, want string) resource.TestStep {
			cfg := env.providerConfig() + fmt.Sprintf("\nresource %q \"test\" {\n  %s = %q\n%s\n}\n", c.typ, c.keyAttr, key, body)
			return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
		}
		badKey := map[mockserver.IBLKind][]string{
			mockserver.IBLKindCourse:   {"acme+DS101+2027", "course-v1:acme+DS101", "course-v1:acme++2027", "course-v1:acme+DS 101+2027"},
			mockserver.IBLKindPlatform: {"acme+x", "ac me", "acme/x"},
		}[c.kind]
		steps := []resource.TestStep{
			bad(c.item(env), "", `(?s)At least one of these attributes must be configured: \[email,username\]`),
			bad(c.item(env), `email = "not-an-email"`, `(?s)email must be a single email address`),
			bad(c.item(env), `email = "a@example.com"`+"\n"+`metadata = jsonencode("x")`, `(?s)metadata must be a JSON object`),
			bad(c.item(env), `email = "a@example.com"`+"\n"+`redirect_to = "/relative"`, `(?s)redirect_to must be an absolute http or https URL`),
			bad("", `email = "a@example.com"`, `(?s)Attribute `+c.keyAttr+` string length must be at least 1`),
		}
		for _, k := range badKey {
			steps = append(steps, bad(k, `email = "a@example.com"`, `(?s)Attribute `+c.keyAttr+` must be an? [\w ]+ key`))
		}
		if c.kind == mockserver.IBLKindPlatform {
			steps = append(steps, bad(c.item(env), `email = "a@example.com"`+"\n"+`enrollment_config = "{}"`, `(?s)An argument named "enrollment_config" is not expected here`))
		}
		resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, CheckDestroy: noRequests(env), Steps: steps})
	})
}

// TestAccCourseInvitation_orgNotFromKey: the course's edX org is not the
// platform's: without ibl.org, the org must be set.
func TestAccCourseInvitation_orgNotFromKey(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	c := iblKindCases[0]
	course := env.fixture(t, c.fixture)
	body := fmt.Sprintf("email = %q\nsource = %q", env.email("ada"), env.prefix)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             c.retiredOnServer(env),
		Steps: []resource.TestStep{
			{Config: c.config(env, body), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)org cannot be derived.*does not name the platform's org`)},
			{
				Config: env.providerConfig() + fmt.Sprintf(`
resource "invitations_course_invitation" "test" {
  course_id = %q
  org       = %q
  %s
}`, course, env.org, body),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(c.addr(), tfjsonpath.New("org"), knownvalue.StringExact(env.org))},
				Check:             c.held(env, func(serverIBL) error { return nil }),
			},
		},
	})
}

// TestAccIBLKinds_listResourceFilters: terraform query of the course and
// platform invitations the test makes, among whatever else the tenant holds.
func TestAccIBLKinds_listResourceFilters(t *testing.T) {
	forKinds(t, "", mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		var ids []int64
		for i, active := range []bool{true, false, true} {
			local := "learner-" + strconv.Itoa(i)
			ids = append(ids, env.postIBLRow(t, c.keyAttr, map[string]any{c.keyAttr: c.item(env), "email": env.email(local), "active": active}).ID)
			t.Cleanup(func() {
				env.postIBLRow(t, c.keyAttr, map[string]any{c.keyAttr: c.item(env), "email": env.email(local), "active": false})
			})
		}
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ListResources)},
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: env.providerConfig()},
				{
					Query: true,
					Config: fmt.Sprintf(`
list %[1]q "all" {
  provider = invitations
  config {
    source = %[2]q
  }
}
list %[1]q "active" {
  provider = invitations
  config {
    %[3]s  = %[4]q
    org    = %[5]q
    source = %[2]q
    active = true
    sort   = "-id"
  }
}
`, c.typ, env.prefix, c.keyAttr, c.item(env), env.org),
					QueryResultChecks: []querycheck.QueryResultCheck{
						querycheck.ExpectLength(c.typ+".all", 3),
						querycheck.ExpectLength(c.typ+".active", 2),
						querycheck.ExpectIdentity(c.typ+".active", map[string]knownvalue.Check{
							"org": knownvalue.StringExact(env.org), "id": knownvalue.StringExact(strconv.FormatInt(ids[2], 10)),
						}),
					},
				},
			},
		})
	})
}

func TestAccIBLKinds_sparseAnswers(t *testing.T) {
	forKinds(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{SparseAnswers: true}}, func(t *testing.T, c iblKindCase, env *testEnv) {
		cfg := c.config(env, `email = "nobody@example.com"`)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             c.retired(env),
			Steps: []resource.TestStep{
				{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(c.addr(), tfjsonpath.New("user_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(c.addr(), tfjsonpath.New("created"), knownvalue.Null()),
				}},
				{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			},
		})
	})
}

// TestAccPlatformInvitation_userFieldsEcho: a 4.90 server stores the user
// fields in metadata; the apply fails naming the argument.
func TestAccPlatformInvitation_userFieldsEcho(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{NoPlatformUserFields: true}})
	c := iblKindCases[1]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             c.retired(env),
		Steps: []resource.TestStep{{
			Config:      c.config(env, `email = "ada@example.com"`+"\n"+`company_name = "Acme"`),
			ExpectError: regexp.MustCompile(`(?s)does not know the company_name field.*stored company_name in the metadata`),
		}},
	})
}

// TestAccCourseInvitation_unknownFieldEcho: a server older than
// enrollment_config stores it in metadata.
func TestAccCourseInvitation_unknownFieldEcho(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{NoEnrollmentConfig: true}})
	env.iblExtra = `org = "acme"`
	c := iblKindCases[0]
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             c.retired(env),
		Steps: []resource.TestStep{{
			Config:      c.config(env, `email = "ada@example.com"`+"\n"+`enrollment_config = jsonencode({ started = "2027-01-10T00:00:00Z" })`),
			ExpectError: regexp.MustCompile(`(?s)does not know the enrollment_config field`),
		}},
	})
}

func TestAccIBLKinds_dataSource(t *testing.T) {
	forKinds(t, needsScale, mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		env.srv.IBLOf(c.kind).Seed(130, c.key)
		env.srv.IBLOf(c.kind).Seed(10, c.other)
		ds := strings.TrimSuffix(c.typ, "_invitation") + "_invitations"
		addr := "data." + ds + ".test"
		first := tfjsonpath.New("invitations").AtSliceIndex(0)
		step := func(body string, size, pagesWant int, checks ...statecheck.StateCheck) resource.TestStep {
			return resource.TestStep{
				PreConfig:         env.srv.ResetCounts,
				Config:            dataConfig(env, ds, body),
				ConfigStateChecks: checks,
				Check:             pages(env, "/api/catalog/invitations/"+string(c.kind)+"/", size, pagesWant),
			}
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				// org defaults to the provider's: 130 at 100 a page is 2 pages.
				step(``, 100, 2, listSize(addr, 130), total(addr, 130),
					statecheck.ExpectKnownValue(addr, first.AtMapKey("import_id"), knownvalue.StringExact("acme/130")),
					statecheck.ExpectKnownValue(addr, first.AtMapKey(c.keyAttr), knownvalue.StringExact(c.key))),
				step(`org = "globex"`, 100, 1, listSize(addr, 10), statecheck.ExpectKnownValue(addr, first.AtMapKey(c.keyAttr), knownvalue.StringExact(c.other)),
					statecheck.ExpectKnownValue(addr, first.AtMapKey("import_id"), knownvalue.StringExact("globex/140"))),
				step(fmt.Sprintf("%s = %q\nactive = false", c.keyAttr, c.key), 100, 1, total(addr, 32)),
				step("metadata = { cohort = \"c0\" }\nsource = \"csv\"\nsort = \"id\"\nmax_results = 3", 3, 1, listSize(addr, 3),
					statecheck.ExpectKnownValue(addr, first.AtMapKey("email"), knownvalue.StringExact("learner2@example.com"))),
				step(`email = "learner7@example.com"`, 100, 1, listSize(addr, 1)),
			},
		})
		for _, r := range env.srv.Requests() {
			q, _ := url.ParseQuery(r.Query)
			for k := range q {
				if k == "program_key" {
					t.Errorf("sent program_key to %s", r.Path)
				}
			}
		}
	})
}

func TestAccIBLKinds_listResource(t *testing.T) {
	forKinds(t, needsScale, mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		env.srv.IBLOf(c.kind).Seed(250, c.key)
		env.srv.IBLOf(c.kind).Seed(4, c.other)
		prefix := "/api/catalog/invitations/" + string(c.kind) + "/"
		resource.Test(t, resource.TestCase{
			TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ListResources)},
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			Steps: []resource.TestStep{
				{Config: env.providerConfig(), Check: func(*terraform.State) error { env.srv.ResetCounts(); return nil }},
				{
					Query: true,
					Config: fmt.Sprintf(`
list %[1]q "all" {
  provider = invitations
  limit    = 5000
}
list %[1]q "active" {
  provider = invitations
  config {
    org    = "globex"
    active = true
  }
}
`, c.typ),
					QueryResultChecks: []querycheck.QueryResultCheck{
						querycheck.ExpectLength(c.typ+".all", 250),
						// learner 4 of the seed is inactive (every 4th).
						querycheck.ExpectLength(c.typ+".active", 3),
						querycheck.ExpectIdentity(c.typ+".active", map[string]knownvalue.Check{
							"org": knownvalue.StringExact("globex"), "id": knownvalue.StringExact("251"),
						}),
					},
				},
				{
					// 250 at 100 a page, and one page for globex.
					PreConfig: func() { expectRequests(t, env, prefix, 4) },
					Config:    env.providerConfig(),
				},
			},
		})
	})
}

func TestAccIBLKinds_filterValidation(t *testing.T) {
	forKinds(t, "", mockserver.Options{}, func(t *testing.T, c iblKindCase, env *testEnv) {
		ds := strings.TrimSuffix(c.typ, "_invitation") + "_invitations"
		bad := func(body, want string) resource.TestStep {
			return resource.TestStep{Config: dataConfig(env, ds, body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
		}
		badKey := map[mockserver.IBLKind]string{mockserver.IBLKindCourse: "DS101", mockserver.IBLKindPlatform: "acme+x"}[c.kind]
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: protoV6ProviderFactories,
			CheckDestroy:             noRequests(env),
			Steps: []resource.TestStep{
				bad(fmt.Sprintf("%s = %q", c.keyAttr, badKey), `(?s)`+c.keyAttr+` must be an? [\w ]+ key`),
				bad(`metadata = { `+c.keyAttr+` = "x" }`, `(?s)metadata.*value must be none of`),
				bad(`metadata = { page = "2" }`, `(?s)metadata.*value must be none of`),
				bad(`sort = "name"`, `(?s)sort value must be one of`),
				bad(`max_results = 0`, `(?s)max_results value must be at least 1`),
				bad(`email = "Ada <ada@example.com>"`, `(?s)email must be a single email address`),
			},
		})
	})
}

// TestAccIBLKinds_accessDates: programs and courses take their access
// start and expiration dates (SDK 4.202), which the server keeps as
// enrollment_config's started and expired and never returns: sent on
// create and on a change, the next plan empty; a server older than them
// stores them in metadata, and the apply fails naming the argument.
func TestAccIBLKinds_accessDates(t *testing.T) {
	for _, c := range []struct {
		kind                       mockserver.IBLKind
		typ, keyAttr, key, fixture string
		start, expiration          string
	}{
		{mockserver.IBLKindProgram, "invitations_program_invitation", "program_key", "acme+data-science", envAccProgramKey, "program_access_start_date", "program_access_expiration_date"},
		{mockserver.IBLKindCourse, "invitations_course_invitation", "course_id", "course-v1:acme+DS101+2027", envAccCourseID, "course_access_start_date", "course_access_expiration_date"},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			t.Parallel()
			kc := iblKindCase{kind: c.kind, typ: c.typ, keyAttr: c.keyAttr, key: c.key, fixture: c.fixture}
			dates := func(start string) string {
				return fmt.Sprintf("email = \"ada@example.com\"\n%s = %q\n%s = \"2027-06-30T00:00:00Z\"", c.start, start, c.expiration)
			}
			held := func(env *testEnv, started string) resource.TestCheckFunc {
				return kc.onServer(env, func(inv mockserver.IBLInvitation) error {
					if inv.EnrollmentConfig["started"] != started || inv.EnrollmentConfig["expired"] != "2027-06-30T00:00:00Z" {
						return fmt.Errorf("the server keeps enrollment_config %v", inv.EnrollmentConfig)
					}
					return nil
				})
			}
			env := newMockEnv(t, needsStore, mockserver.Options{})
			env.iblExtra = `org = "acme"`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             kc.retired(env),
				Steps: []resource.TestStep{
					{Config: kc.config(env, dates("2027-01-10T00:00:00Z")), Check: held(env, "2027-01-10T00:00:00Z")},
					{Config: kc.config(env, dates("2027-01-10T00:00:00Z")), PlanOnly: true},
					{
						Config: kc.config(env, dates("2027-02-01T00:00:00+00:00")),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(kc.addr(), plancheck.ResourceActionUpdate),
						}},
						Check: held(env, "2027-02-01T00:00:00Z"),
					},
				},
			})
			old := newMockEnv(t, needsStore, mockserver.Options{IBL: mockserver.IBLOptions{NoAccessDates: true}})
			old.iblExtra = `org = "acme"`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy:             kc.retired(old),
				Steps: []resource.TestStep{{
					Config:      kc.config(old, dates("2027-01-10T00:00:00Z")),
					ExpectError: regexp.MustCompile(`(?s)does not know the ` + c.start + ` field`),
				}},
			})
		})
	}
}
