package provider

import (
	"fmt"
	"regexp"
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

const (
	stageAddr   = "invitations_stage_invitation.test"
	flowDefault = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
	flowOther   = "7d8e1f0a-3b2c-4d5e-9f60-718293a4b5c6"
)

// stageConfig is the provider block and one stage invitation with body,
// which expires far in the future unless body sets expires (authentik
// deletes invitations without one).
func stageConfig(env *testEnv, body string) string {
	if !strings.Contains(body, "expires") {
		body += "\nexpires = \"" + farFuture + "\""
	}
	return env.providerConfig() + fmt.Sprintf(`
resource "invitations_stage_invitation" "test" {
%s
}
`, body)
}

// farFuture is the expires of test invitations that must outlive the test.
const farFuture = "2099-01-01T00:00:00Z"

// stageDestroyed checks the mock's store: nothing is left.
func stageDestroyed(env *testEnv) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if left := env.srv.AuthentikInvitations(); len(left) != 0 {
			return fmt.Errorf("%d invitation(s) left on the server: %+v", len(left), left)
		}
		return nil
	}
}

// stageHeld checks, through the API, that the server holds exactly one
// invitation of the test, the one in state, as described.
func stageHeld(env *testEnv, check func(serverStage) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all, err := env.stages()
		if err != nil {
			return err
		}
		if len(all) != 1 {
			return fmt.Errorf("want exactly 1 invitation of the test on the server, got %d: %+v", len(all), all)
		}
		rs := s.RootModule().Resources[stageAddr]
		if rs == nil || rs.Primary.ID != all[0].PK {
			return fmt.Errorf("state id does not match the server's invitation %s", all[0].PK)
		}
		return check(all[0])
	}
}

// stageGone checks, through the API, that the stage invitations in state
// are gone (a GET answers 404) and that no invitation of the test is left.
func stageGone(env *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "invitations_stage_invitation" {
				continue
			}
			inv, err := env.stage(rs.Primary.ID)
			if err != nil {
				return err
			}
			if inv != nil {
				return fmt.Errorf("stage invitation %s (%s) is still on the server", inv.PK, inv.Name)
			}
		}
		left, err := env.stages()
		if err == nil && len(left) != 0 {
			err = fmt.Errorf("%d invitation(s) of the test left on the server: %+v", len(left), left)
		}
		return err
	}
}

// stageOnServer checks the mock holds exactly one invitation, as described.
func stageOnServer(env *testEnv, check func(mockserver.AuthentikInvitation) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all := env.srv.AuthentikInvitations()
		if len(all) != 1 {
			return fmt.Errorf("want exactly 1 invitation on the server, got %d: %+v", len(all), all)
		}
		rs := s.RootModule().Resources[stageAddr]
		if rs == nil || rs.Primary.ID != all[0].PK {
			return fmt.Errorf("state id does not match the server's invitation %s", all[0].PK)
		}
		return check(all[0])
	}
}

func TestAccStageInvitation_lifecycle(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	flow, slug := env.fixture(t, envAccFlow), env.fixture(t, envAccFlowSlug)
	name1, name2 := env.name("contractors-2027"), env.name("contractors-2028")
	idSame := statecheck.CompareValue(compare.ValuesSame())
	updated := func(body string, stateChecks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			PreConfig: env.resetCounts,
			Config:    stageConfig(env, body),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionUpdate),
					// What an update cannot change is shown, not "(known after apply)".
					plancheck.ExpectKnownValue(stageAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(stageAddr, tfjsonpath.New("created_by"), knownvalue.NotNull()),
					plancheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
				},
			},
			ConfigStateChecks: append(stateChecks, idSame.AddStateValue(stageAddr, tfjsonpath.New("id"))),
			// An update is one refresh and one PATCH.
			Check: env.requests(map[string]int{"GET": 1, "PATCH": 1}),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{
				PreConfig: env.resetCounts,
				Config: stageConfig(env, `
  name       = "`+name1+`"
  flow       = "`+flow+`"
  expires    = "2099-01-31T23:59:59Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("flow_slug"), knownvalue.StringExact(slug)),
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("created_by"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("status"), knownvalue.StringExact("active")),
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("reissue"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("invite_url"), knownvalue.StringRegexp(
						regexp.MustCompile(`^`+regexp.QuoteMeta(env.url)+`/if/flow/`+regexp.QuoteMeta(slug)+`/\?itoken=[0-9a-f-]{36}$`))),
					idSame.AddStateValue(stageAddr, tfjsonpath.New("id")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					// A create is one POST; the first of a run reads its invitation
					// back: may the token view what it creates?
					env.requests(map[string]int{"POST": 1, "GET": 1}),
					stageHeld(env, func(inv serverStage) error {
						if inv.Name != name1 || !inv.SingleUse || inv.Flow == nil || *inv.Flow != flow ||
							inv.Expires == nil || inv.Expires.UTC().Format("2006-01-02T15:04:05Z") != "2099-01-31T23:59:59Z" {
							return fmt.Errorf("server holds %+v", inv)
						}
						if g, ok := inv.FixedData["groups"].([]any); !ok || len(g) != 1 || g[0] != "contractors" {
							return fmt.Errorf("fixed_data on the server: %v", inv.FixedData)
						}
						return nil
					}),
				),
			},
			{
				// A refresh is one GET.
				PreConfig:    env.resetCounts,
				RefreshState: true,
				Check:        env.requests(map[string]int{"GET": 1}),
			},
			{
				Config: stageConfig(env, `
  name       = "`+name1+`"
  flow       = "`+flow+`"
  expires    = "2099-01-31T23:59:59Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			updated(`
  name       = "` + name2 + `"
  flow       = "` + flow + `"
  expires    = "2099-01-31T23:59:59Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
`),
			updated(`
  name       = "` + name2 + `"
  flow       = "` + flow + `"
  expires    = "2099-06-30T12:00:00Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
`),
			updated(`
  name       = "` + name2 + `"
  flow       = "` + flow + `"
  expires    = "2099-06-30T12:00:00Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors", "vpn"], note = "x" })
`),
			updated(`
  name       = "` + name2 + `"
  flow       = "` + flow + `"
  expires    = "2099-06-30T12:00:00Z"
  single_use = false
  fixed_data = jsonencode({ groups = ["contractors", "vpn"], note = "x" })
`),
			updated(`
  name = "`+name2+`"
`,
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("flow_slug"), knownvalue.Null()),
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("invite_url"), knownvalue.Null()),
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("expires"), knownvalue.StringExact(farFuture)),
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("fixed_data"), knownvalue.StringExact("{}")),
			),
			{
				ResourceName:            stageAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:   stageConfig(env, `  name = "`+name2+`"`),
				PlanOnly: true,
			},
			{
				// A destroy is one refresh and one DELETE.
				PreConfig: env.resetCounts,
				Config:    env.providerConfig(),
				Check:     env.requests(map[string]int{"GET": 1, "DELETE": 1}),
			},
		},
	})
}

// TestAccStageInvitation_flowChange: moving an invitation to another flow is
// an update in place; flow_slug and invite_url follow.
func TestAccStageInvitation_flowChange(t *testing.T) {
	env := newMockEnv(t, needsFixtures, mockserver.Options{})
	idSame := statecheck.CompareValue(compare.ValuesSame())
	step := func(flow, slug string) resource.TestStep {
		return resource.TestStep{
			Config: stageConfig(env, `name = "onboarding"`+"\n"+`flow = "`+flow+`"`),
			ConfigStateChecks: []statecheck.StateCheck{
				idSame.AddStateValue(stageAddr, tfjsonpath.New("id")),
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("flow_slug"), knownvalue.StringExact(slug)),
				statecheck.ExpectKnownValue(stageAddr, tfjsonpath.New("invite_url"), knownvalue.StringRegexp(regexp.MustCompile(`/if/flow/`+slug+`/`))),
			},
		}
	}
	second := step(flowOther, "contractor-enrollment")
	second.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionUpdate)}
	second.Check = stageOnServer(env, func(inv mockserver.AuthentikInvitation) error {
		if inv.Flow == nil || *inv.Flow != flowOther {
			return fmt.Errorf("server holds flow %v", inv.Flow)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps:                    []resource.TestStep{step(flowDefault, "default-enrollment-flow"), second},
	})
}
