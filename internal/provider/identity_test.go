package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	acc "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

// tokenHashOnServer checks an identity against the token of the one
// invitation named name on the mock.
func tokenHashOnServer(t *testing.T, env *testEnv, name string) knownvalue.Check {
	return knownvalue.StringFunc(func(v string) error {
		if want := tokenSHA256(pkOf(t, env, name)); v != want {
			return fmt.Errorf("identity token_sha256 %s, want the SHA-256 of the server's token, %s", v, want)
		}
		return nil
	})
}

func TestAccStageInvitation_identity(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	// Import by identity finds it among others.
	for i := range 3 {
		other := env.createStage(t, map[string]any{"name": "other-" + strconv.Itoa(i)})
		t.Cleanup(func() { _ = env.deleteStage(other.PK) })
	}
	flow := env.fixture(t, envAccFlow)
	cfg := func(name string) string {
		return stageConfig(env, "name = \""+env.name(name)+"\"\nflow = \""+flow+"\"")
	}
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Identity)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			// The three others stay.
			if left, err := env.stages(); err != nil || len(left) != 3 {
				return fmt.Errorf("%d invitations of the test left, want the other 3 (%v)", len(left), err)
			}
			return nil
		},
		Steps: []acc.TestStep{
			{
				Config: cfg("identified"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(stageAddr, map[string]knownvalue.Check{"token_sha256": tokenHashOnServer(t, env, env.name("identified"))}),
				},
			},
			{
				// A rename keeps the identity (the framework refuses a change).
				Config: cfg("renamed"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(stageAddr, map[string]knownvalue.Check{"token_sha256": tokenHashOnServer(t, env, env.name("renamed"))}),
				},
			},
			{
				// An import block with identity = { token_sha256 = ... }.
				Config:          cfg("renamed"),
				ResourceName:    stageAddr,
				ImportState:     true,
				ImportStateKind: acc.ImportBlockWithResourceIdentity,
			},
		},
	})
}

func TestAccProgramInvitation_identity(t *testing.T) {
	env := newTestEnv(t, iblPlatform)
	cfg := programConfig(env, programBody(env, ""))
	org, _, _ := strings.Cut(programCase.item(env), "+")
	acc.ParallelTest(t, acc.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Identity)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             programCase.retiredOnServer(env),
		Steps: []acc.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(programAddr, map[string]knownvalue.Check{
						"org": knownvalue.StringExact(org),
						"id": knownvalue.StringFunc(func(v string) error {
							if inv, err := programCase.invitee(env, nil); err != nil || inv == nil || strconv.FormatInt(inv.ID, 10) != v {
								return fmt.Errorf("identity id %s is not the server's invitation (%v)", v, err)
							}
							return nil
						}),
					}),
				},
			},
			{Config: cfg, ResourceName: programAddr, ImportState: true, ImportStateKind: acc.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccIdentity_statesWithoutIdentity: a state written by a provider
// version without identities (as Terraform before 1.12 writes them too)
// upgrades without a diff, and an invitation deleted meanwhile is planned
// again instead of failing the read for want of an identity.
func TestAccIdentity_statesWithoutIdentity(t *testing.T) {
	cfg := func(env *testEnv) string {
		return stageConfig(env, `name = "from-before"`) + `
resource "invitations_program_invitation" "test" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
}
`
	}
	t.Run("upgrade", func(t *testing.T) {
		env := newTestEnv(t, bothPlatforms)
		org, _, _ := strings.Cut(programCase.item(env), "+")
		portable := stageConfig(env, `name = "`+env.name("from-before")+`"`) + `
resource "invitations_program_invitation" "test" {
` + programBody(env, "") + `
}
`
		acc.ParallelTest(t, acc.TestCase{
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Identity)},
			CheckDestroy:           acc.ComposeTestCheckFunc(stageGone(env), programCase.retiredOnServer(env)),
			Steps: []acc.TestStep{
				{ProtoV6ProviderFactories: withoutIdentities(), Config: portable},
				{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Config:                   portable,
					ConfigPlanChecks:         acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectIdentity(stageAddr, map[string]knownvalue.Check{"token_sha256": tokenHashOnServer(t, env, env.name("from-before"))}),
						statecheck.ExpectIdentity(programAddr, map[string]knownvalue.Check{"org": knownvalue.StringExact(org), "id": knownvalue.NotNull()}),
					},
				},
			},
		})
	})
	t.Run("deleted-meanwhile", func(t *testing.T) {
		env := newMockEnv(t, needsStore, mockserver.Options{})
		acc.ParallelTest(t, acc.TestCase{
			TerraformVersionChecks: []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Identity)},
			CheckDestroy:           bothDestroyed(env),
			Steps: []acc.TestStep{
				{ProtoV6ProviderFactories: withoutIdentities(), Config: cfg(env)},
				{
					// Both deleted behind Terraform's back, read from a state with no identity.
					PreConfig: func() {
						env.srv.DeleteAuthentikInvitation(pkOf(t, env, "from-before"))
						env.srv.IBLOf(mockserver.IBLKindProgram).Delete(env.srv.IBLOf(mockserver.IBLKindProgram).Invitations()[0].ID)
					},
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Config:                   cfg(env),
					ConfigPlanChecks: acc.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(stageAddr, plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(programAddr, plancheck.ResourceActionCreate),
					}},
					Check: bothOnServer(env),
				},
			},
		})
	})
}

// withoutIdentities serves the provider as a version without identities:
// its resources do not declare one.
func withoutIdentities() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"invitations": providerserver.NewProtocol6WithError(&identitylessProvider{New("test")()}),
	}
}

type identitylessProvider struct{ provider.Provider }

func (p *identitylessProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, f := range p.Provider.Resources(ctx) {
		out = append(out, func() resource.Resource { return identityless{f().(resourceWithoutIdentity)} })
	}
	return out
}

// resourceWithoutIdentity is what the resources are, less their identity.
type resourceWithoutIdentity interface {
	resource.ResourceWithConfigure
	resource.ResourceWithImportState
	resource.ResourceWithModifyPlan
}

type identityless struct{ resourceWithoutIdentity }
