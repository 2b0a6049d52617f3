package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

const programAddr = "invitations_program_invitation.test"

// programCase is the program invitation as the kinds' helpers see it.
var programCase = iblKindCase{kind: mockserver.IBLKindProgram, typ: "invitations_program_invitation", keyAttr: "program_key",
	key: "acme+data-science", fixture: envAccProgramKey}

func programConfig(env *testEnv, body string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_program_invitation" "test" {
%s
}
`, body)
}

// programBody is the test's program invitation for ada, with extra.
func programBody(env *testEnv, extra string) string {
	return fmt.Sprintf("program_key = %q\nemail = %q\nsource = %q\n%s", programCase.item(env), env.email("ada"), env.prefix, extra)
}

// programOnServer checks the mock holds exactly one invitation, the one in
// state, as described.
func programOnServer(env *testEnv, check func(mockserver.IBLInvitation) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()
		if len(all) != 1 {
			return fmt.Errorf("want exactly 1 program invitation on the server, got %d: %+v", len(all), all)
		}
		rs := s.RootModule().Resources[programAddr]
		if rs == nil || rs.Primary.ID != strconv.Itoa(all[0].ID) {
			return fmt.Errorf("state id does not match the server's invitation %d", all[0].ID)
		}
		return check(all[0])
	}
}

// programDestroyed checks that no program invitation is left usable: real
// servers (the mock's default) keep the rows, so each must be deactivated.
func programDestroyed(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, inv := range env.srv.IBLOf(mockserver.IBLKindProgram).Invitations() {
			if inv.Active {
				return fmt.Errorf("program invitation %d is still active after destroy: %+v", inv.ID, inv)
			}
		}
		return nil
	}
}

// programDeleted checks that no program invitation is left at all (servers
// whose DELETE deletes: IBLOptions.RealDelete).
func programDeleted(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := env.srv.IBLOf(mockserver.IBLKindProgram).Invitations(); len(left) != 0 {
			return fmt.Errorf("%d program invitation(s) left on the server: %+v", len(left), left)
		}
		return nil
	}
}

func TestAccProgramInvitation_lifecycle(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	idSame := statecheck.CompareValue(compare.ValuesSame())
	org, _, _ := strings.Cut(programCase.item(env), "+")
	base := fmt.Sprintf(`
  program_key = %q
  email       = %q
`, programCase.item(env), env.email("ada"))
	src, hr := env.prefix, env.prefix+"-hr-sync"
	updated := func(body string, check func(serverIBL) error) resource.TestStep {
		return resource.TestStep{
			PreConfig: env.resetCounts,
			Config:    programConfig(env, base+body),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate),
					// What an update cannot change is shown, not "(known after apply)".
					plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("org"), knownvalue.StringExact(org)),
					plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("created"), knownvalue.NotNull()),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{idSame.AddStateValue(programAddr, tfjsonpath.New("id"))},
			// An update is one refresh and one create-or-update POST.
			Check: resource.ComposeTestCheckFunc(env.requests(map[string]int{"GET": 1, "POST": 1}), programCase.held(env, check)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programCase.retiredOnServer(env),
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetCounts,
				Config: programConfig(env, base+`
  source      = "`+src+`"
  metadata    = jsonencode({ cohort = "2027-spring" })
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+$`))),
					statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("org"), knownvalue.StringExact(org)),
					statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("active"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("created"), knownvalue.NotNull()),
					idSame.AddStateValue(programAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// A create is one narrow GET (no invitation of this user
					// exists that it would take over) and one POST.
					env.requests(map[string]int{"GET": 1, "POST": 1}),
					programCase.held(env, func(inv serverIBL) error {
						if inv.Email != env.email("ada") || inv.Source != src || inv.Metadata["cohort"] != "2027-spring" || !inv.Active {
							return fmt.Errorf("server holds %+v", inv)
						}
						return nil
					}),
				),
			},
			{
				// A refresh is one narrow GET.
				PreConfig:    env.resetCounts,
				RefreshState: true,
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						reqs := env.sent()
						if len(reqs) != 1 {
							return fmt.Errorf("refresh sent %d requests", len(reqs))
						}
						for k, want := range map[string]string{"org": org, "program_key": programCase.item(env), "email": env.email("ada")} {
							if got := reqs[0].Query.Get(k); got != want {
								return fmt.Errorf("refresh query %v: %s is %q, want %q", reqs[0].Query, k, got, want)
							}
						}
						return nil
					},
					env.requests(map[string]int{"GET": 1}),
				),
			},
			{
				Config: programConfig(env, base+`
  source      = "`+src+`"
  metadata    = jsonencode({ cohort = "2027-spring" })
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			updated(`
  source      = "`+src+`"
  metadata    = jsonencode({ cohort = "2027-fall", track = "ml" })
`, func(inv serverIBL) error {
				if inv.Metadata["cohort"] != "2027-fall" || inv.Metadata["track"] != "ml" {
					return fmt.Errorf("metadata %v", inv.Metadata)
				}
				return nil
			}),
			updated(`
  source      = "`+hr+`"
  active      = false
  redirect_to = "https://learn.example.com/welcome"
  expired     = "2099-12-31T00:00:00Z"
  metadata    = jsonencode({ cohort = "2027-fall", track = "ml" })
  enrollment_config = jsonencode({ start_date = "2027-01-10" })
`, func(inv serverIBL) error {
				if inv.Source != hr || inv.Active || inv.RedirectTo != "https://learn.example.com/welcome" || inv.Expired == "" {
					return fmt.Errorf("server holds %+v", inv)
				}
				return nil
			}),
			{
				// The API cannot clear source, redirect_to, expired or
				// enrollment_config: removing them keeps the server's values,
				// shown in the plan and listed in kept_by_server.
				Config: programConfig(env, base+`
  metadata    = jsonencode({ cohort = "2027-fall", track = "ml" })
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("source"), knownvalue.StringExact(hr)),
						plancheck.ExpectKnownValue(programAddr, tfjsonpath.New("kept_by_server"), knownvalue.ListExact([]knownvalue.Check{
							knownvalue.StringExact("source"), knownvalue.StringExact("redirect_to"), knownvalue.StringExact("expired"), knownvalue.StringExact("enrollment_config")})),
					},
				},
				Check: programCase.held(env, func(inv serverIBL) error {
					if inv.Source != hr || !inv.Active || inv.RedirectTo == "" || inv.Expired == "" {
						return fmt.Errorf("server holds %+v", inv)
					}
					return nil
				}),
			},
			{
				ResourceName: programAddr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return org + "/" + s.RootModule().Resources[programAddr].Primary.ID, nil
				},
				ImportStateVerify: true,
				// What the configuration does not set is not known to an import.
				ImportStateVerifyIgnore: []string{"timeouts", "enrollment_config", "kept_by_server"},
				PreConfig:               env.resetCounts,
				// An import is one GET when the invitation is on the first page.
				ImportStateCheck: func([]*terraform.InstanceState) error { return env.requests(map[string]int{"GET": 1})(nil) },
			},
			{
				Config:   programConfig(env, base+`metadata = jsonencode({ track = "ml", cohort = "2027-fall" })`),
				PlanOnly: true,
			},
			{
				// Changing the user is a new invitation.
				Config: programConfig(env, fmt.Sprintf(`
  program_key = %q
  email       = %q
  source      = %q
`, programCase.item(env), env.email("grace"), src)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionReplace)},
				},
				// The server keeps ada's invitation, deactivated.
				Check: func(*terraform.State) error {
					ada, err := env.iblRows("program_key", programCase.item(env), env.email("ada"))
					if err != nil {
						return err
					}
					grace, err := env.iblRows("program_key", programCase.item(env), env.email("grace"))
					if err != nil {
						return err
					}
					if len(ada) != 1 || ada[0].Active || len(grace) != 1 || !grace[0].Active {
						return fmt.Errorf("want ada's invitation retired and grace's active: %+v, %+v", ada, grace)
					}
					return nil
				},
			},
			{
				// A destroy is a refresh, the DELETE, a GET finding that the
				// server kept it, and the POST that deactivates it.
				PreConfig: env.resetCounts,
				Config:    env.providerConfig(),
				Check: resource.ComposeTestCheckFunc(env.requests(map[string]int{"GET": 2, "DELETE": 1, "POST": 1}), func(*terraform.State) error {
					grace, err := env.iblRows("program_key", programCase.item(env), env.email("grace"))
					if err == nil && (len(grace) != 1 || grace[0].Active) {
						err = fmt.Errorf("want grace's invitation retired: %+v", grace)
					}
					return err
				}),
			},
		},
	})
}

func TestAccProgramInvitation_validation(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	bad := func(body, want string) resource.TestStep {
		return resource.TestStep{Config: programConfig(env, body), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             noRequests(env),
		Steps: []resource.TestStep{
			bad(`program_key = ""`+"\n"+`email = "a@example.com"`, `(?s)Attribute program_key string length must be at least 1`),
			bad(`program_key = "acme+x y"`+"\n"+`email = "a@example.com"`, `(?s)Attribute program_key must be a program key such as acme\+data-science`),
			bad(`program_key = "acme+"`+"\n"+`email = "a@example.com"`, `(?s)program_key must be a program key.*no empty part`),
			bad(`program_key = "+onboarding"`+"\n"+`email = "a@example.com"`, `(?s)program_key must be a program key.*no empty part`),
			bad(`program_key = "acme+x"`, `(?s)At least one of these attributes must be configured: \[email,username\]`),
			bad(`program_key = "acme+x"`+"\n"+`email = "not-an-email"`, `(?s)email must be a single email address`),
			bad(`program_key = "acme+x"`+"\n"+`email = "Ada Lovelace <ada@example.com>"`, `(?s)email must be a single email address.*without a\s+display name`),
			bad(`program_key = "acme+x"`+"\n"+`email = "ada@example.com, grace@example.com"`, `(?s)email must be a single email address`),
			bad(`program_key = "acme+x"`+"\n"+`email = "ada..l@example.com"`, `(?s)email must be a single email address`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`timeouts = { create = "0s" }`, `(?s)timeouts.create must be longer than zero`),
			bad(`program_key = "acme+x"`+"\n"+`username = ""`, `(?s)Attribute username string length must be at least 1`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`source = ""`, `(?s)Attribute source string length must be at least 1`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`redirect_to = "/relative"`, `(?s)redirect_to must be an absolute http or https URL`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`expired = "2027-13-01"`, `(?s)Invalid RFC3339 String Value.*expired`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`metadata = jsonencode("x")`, `(?s)metadata must be a JSON object`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`enrollment_config = "[]"`, `(?s)enrollment_config must be a JSON object`),
			bad(`program_key = "noprefix"`+"\n"+`email = "a@example.com"`, `(?s)org cannot be derived.*IBLAI_ORG`),
			bad(`program_key = "acme+x"`+"\n"+`email = "a@example.com"`+"\n"+`org = ""`, `(?s)Attribute org string length must be at least 1`),
		},
	})
}

func TestAccProgramInvitation_driftAndErrors(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	newID := statecheck.CompareValue(compare.ValuesSame())
	cfg := programConfig(env, fmt.Sprintf(`
  program_key = %q
  email       = %q
  source      = %q
`, programCase.item(env), env.email("ada"), env.prefix))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programCase.retiredOnServer(env),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(programAddr, tfjsonpath.New("id"))}},
			{
				// Changed behind Terraform's back: the server's values are
				// drift, planned back in place.
				PreConfig: func() {
					env.postIBLRow(t, "program_key", map[string]any{"program_key": programCase.item(env), "email": env.email("ada"), "source": env.prefix + "-other", "active": false})
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{newID.AddStateValue(programAddr, tfjsonpath.New("id"))},
				Check: programCase.held(env, func(inv serverIBL) error {
					if inv.Source != env.prefix || !inv.Active {
						return fmt.Errorf("drift not corrected: %+v", inv)
					}
					return nil
				}),
			},
			{
				// An unknown program: the server's 404 and message reach the user.
				Config: programConfig(env, fmt.Sprintf(`
  program_key = "%s-no-such-program"
  email       = %q
`, programCase.item(env), env.email("ada"))),
				ExpectError: regexp.MustCompile(`POST\s+/api/catalog/invitations/program/:\s+HTTP\s+404:`),
			},
		},
	})
}

// TestAccProgramInvitation_realDelete: on a server whose DELETE deletes (the
// kinder variant), destroy deletes, confirms it with the narrow read, and
// says nothing.
func TestAccProgramInvitation_realDelete(t *testing.T) {
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{RealDelete: true}})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDeleted(env),
		Steps: []resource.TestStep{{
			Config: programConfig(env, `
  program_key = "acme+data-science"
  email       = "ada@example.com"
`),
		}},
	})
}

func TestAccProgramInvitation_alwaysCreateServer(t *testing.T) {
	// A server that inserts on every POST can only retire an invitation if
	// its DELETE works: the kinder variant, asked for by name.
	env := newMockEnv(t, needsVariant, mockserver.Options{IBL: mockserver.IBLOptions{AlwaysCreate: true, RealDelete: true}})
	idDiffers := statecheck.CompareValue(compare.ValuesDiffer())
	cfg := func(source string) string {
		return programConfig(env, `program_key = "acme+data-science"`+"\n"+`email = "ada@example.com"`+"\n"+`source = "`+source+`"`)
	}
	noUpsert := func(source string) string {
		env.iblExtra = "upsert = false"
		defer func() { env.iblExtra = "" }()
		return cfg(source)
	}
	sourceIs := func(want string) resource.TestCheckFunc {
		return programOnServer(env, func(inv mockserver.IBLInvitation) error {
			if inv.Source != want {
				return fmt.Errorf("server holds %+v, want source %q", inv, want)
			}
			return nil
		})
	}
	// Not told that the server always inserts, the provider notices, undoes
	// the insert and says what to set. Nothing is left behind after destroy:
	// the undo worked.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDeleted(env),
		Steps: []resource.TestStep{
			{Config: cfg("v1"), Check: sourceIs("v1")},
			{Config: cfg("v2"), ExpectError: regexp.MustCompile(`(?s)does not update invitations in place.*Set upsert = false`)},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:            noUpsert("v1"),
				ConfigStateChecks: []statecheck.StateCheck{idDiffers.AddStateValue(programAddr, tfjsonpath.New("id"))},
			},
			{
				// With upsert = false a change is a replacement: one invitation, new id.
				Config: noUpsert("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{idDiffers.AddStateValue(programAddr, tfjsonpath.New("id"))},
				Check:             sourceIs("v2"),
			},
			{
				// An ambiguous POST is reconciled, not repeated: still one row.
				PreConfig: func() { env.srv.Script(mockserver.Fault{Method: "POST", Status: 502, CommitThenFail: true}) },
				Config:    noUpsert("v3"),
				Check:     sourceIs("v3"),
			},
		},
	})
}

func TestAccProgramInvitation_serverVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts mockserver.IBLOptions
		// urlSuffix is appended to the mock URL (an API gateway prefix).
		urlSuffix, extra string
	}{
		{"next-envelope-absolute-links", mockserver.IBLOptions{}, "", ""},
		{"next-page-envelope-relative-links", mockserver.IBLOptions{NextPageEnvelope: true, RelativeLinks: true}, "", ""},
		{"gateway-prefix-api-key-scheme", mockserver.IBLOptions{AuthScheme: "Api-Key"}, "/dm", `auth_scheme = "Api-Key"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newMockEnv(t, needsVariant, mockserver.Options{IBL: tc.opts})
			env.iblExtra = tc.extra
			// Older invitations fill several pages, so importing the new one
			// walks pages with the variant's envelope and links.
			env.srv.IBLOf(mockserver.IBLKindProgram).Seed(250, "acme+onboarding")
			cfg := strings.Replace(programConfig(env, `
  program_key = "acme+data-science"
  email       = "ada@example.com"
`), fmt.Sprintf("url     = %q\n    api_key", env.url), fmt.Sprintf("url     = %q\n    api_key", env.url+tc.urlSuffix), 1)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				CheckDestroy: func(*terraform.State) error {
					if n := len(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()); n != 251 || env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()[250].Active {
						return fmt.Errorf("%d invitations left, want the 250 seeded and the one deactivated", n)
					}
					for _, r := range env.srv.Requests() {
						if strings.Contains(r.Path, "/api/catalog/") && !strings.HasPrefix(r.Path, tc.urlSuffix+"/api/catalog/") {
							return fmt.Errorf("request to %s, not below the configured prefix %q", r.Path, tc.urlSuffix)
						}
					}
					return nil
				},
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						ResourceName: programAddr,
						Config:       cfg,
						ImportState:  true,
						ImportStateIdFunc: func(s *terraform.State) (string, error) {
							return "acme/" + s.RootModule().Resources[programAddr].Primary.ID, nil
						},
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"timeouts"},
					},
					{
						// Import by the oldest id pages through all 250 at 100 a page.
						PreConfig:          env.srv.ResetCounts,
						ResourceName:       "invitations_program_invitation.seeded",
						Config:             cfg + "\nresource \"invitations_program_invitation\" \"seeded\" {\n  program_key = \"acme+onboarding\"\n  email = \"learner1@example.com\"\n  source = \"import\"\n  metadata = jsonencode({ cohort = \"c1\", seq = 1 })\n}\n",
						ImportState:        true,
						ImportStateId:      "acme/1",
						ImportStatePersist: false,
						ImportStateCheck: func(states []*terraform.InstanceState) error {
							if len(states) != 1 || states[0].Attributes["email"] != "learner1@example.com" {
								return fmt.Errorf("imported %+v", states)
							}
							if n := env.srv.Count("GET", ""); n != 3 {
								return fmt.Errorf("import of the oldest of 251 took %d requests, want 3", n)
							}
							return nil
						},
					},
				},
			})
		})
	}
}

func TestAccProgramInvitation_networkFaults(t *testing.T) {
	env := newMockEnv(t, needsFaults, mockserver.Options{})
	cfg := programConfig(env, `
  program_key = "acme+data-science"
  email       = "ada@example.com"
  metadata    = "{\"b\": 2,  \"a\": 1}"
  expired     = "2099-01-01T02:00:00+02:00"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programDestroyed(env),
		Steps: []resource.TestStep{
			{
				// The POST took effect but the gateway answered 504: the
				// provider finds it instead of posting again.
				PreConfig: func() {
					env.srv.ResetCounts()
					env.srv.Script(mockserver.Fault{Method: "POST", Status: 504, CommitThenFail: true})
				},
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					// The check for an existing invitation, the POST, the look-up.
					env.requests(map[string]int{"POST": 1, "GET": 2}),
					programOnServer(env, func(mockserver.IBLInvitation) error { return nil }),
					// The configuration's spellings are kept: JSON key order, offset.
					resource.TestCheckResourceAttr(programAddr, "expired", "2099-01-01T02:00:00+02:00"),
				),
			},
			{
				PreConfig: func() {
					env.srv.ResetCounts()
					env.srv.Script(mockserver.Fault{Method: "GET", Status: 503, RetryAfter: "0"}, mockserver.Fault{Method: "GET", Status: 429, RetryAfter: "1"})
				},
				RefreshState: true,
				Check:        env.requests(map[string]int{"GET": 3}),
			},
			{Config: cfg, PlanOnly: true},
		},
	})
}

func TestAccProgramInvitation_apiKeyNotLogged(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	env := newTestEnv(t, iblPlatform)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programCase.retiredOnServer(env),
		Steps: []resource.TestStep{
			{Config: programConfig(env, programBody(env, ""))},
			{Config: programConfig(env, programBody(env, `active = false`))},
		},
	})
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := providerLines(string(raw))
	for _, want := range []string{"ibl_http", "received response", "Api-Token ***"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	if i := strings.Index(log, env.iblKey); i >= 0 {
		t.Errorf("the API key appears in the TRACE log: …%s…", log[max(0, i-200):min(len(log), i+80)])
	}
}

func TestAccProgramInvitation_importIDHints(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	cfg := programConfig(env, `
  program_key = "acme+onboarding"
  email       = "ada@example.com"
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             noRequests(env),
		Steps: []resource.TestStep{
			{
				Config: cfg, ResourceName: programAddr, ImportState: true, ImportStateId: "acme+onboarding/2",
				ExpectError: wrapped(`"acme+onboarding/2" has a program key where the org belongs: the org is the part of the program key before "+". Import it as acme/2.`),
			},
			{
				Config: cfg, ResourceName: programAddr, ImportState: true, ImportStateId: "acme/two",
				ExpectError: wrapped(`imported as <org>/<id>, e.g. acme/123`),
			},
		},
	})
}

// TestAccProgramInvitation_emailCase: the server compares emails without
// regard to case, and so does the provider: a case-only change of email is
// no new invitation, and sends nothing.
func TestAccProgramInvitation_emailCase(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	lower := programConfig(env, programBody(env, ""))
	local, domain, _ := strings.Cut(env.email("ada"), "@")
	mixedEmail := strings.ToUpper(local[:1]) + local[1:] + "@" + strings.ToUpper(domain[:1]) + domain[1:]
	mixed := programConfig(env, fmt.Sprintf("program_key = %q\nemail = %q\nsource = %q", programCase.item(env), mixedEmail, env.prefix))
	idSame := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programCase.retiredOnServer(env),
		Steps: []resource.TestStep{
			{Config: lower, ConfigStateChecks: []statecheck.StateCheck{idSame.AddStateValue(programAddr, tfjsonpath.New("id"))}},
			{
				PreConfig: env.resetCounts,
				Config:    mixed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					idSame.AddStateValue(programAddr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(programAddr, tfjsonpath.New("email"), knownvalue.StringExact(mixedEmail)),
				},
				Check: env.requests(map[string]int{"GET": 1}),
			},
			{Config: mixed, PlanOnly: true},
		},
	})
}
