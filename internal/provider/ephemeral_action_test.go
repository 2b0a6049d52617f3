package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

func withEcho() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"invitations": protoV6ProviderFactories["invitations"],
		"echo":        echoprovider.NewProviderServer(),
	}
}

const linked = `name = "linked"
  flow = "` + flowDefault + `"`

// TestAccStageInvitationLink_value reads the link by name and by id; the
// echo provider (a test helper that stores what it is given) shows it is
// the invitation's enrollment link.
func TestAccStageInvitationLink_value(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	link := func(arg string) string {
		return stageConfig(env, linked) + `
ephemeral "invitations_stage_invitation_link" "l" {
  ` + arg + `
}
provider "echo" {
  data = ephemeral.invitations_stage_invitation_link.l.invite_url
}
resource "echo" "link" {}
`
	}
	wantURL := knownvalue.StringFunc(func(v string) error {
		if want := env.url + "/if/flow/default-enrollment-flow/?itoken=" + pkOf(t, env, "linked"); v != want {
			return fmt.Errorf("link %q, want the invitation's", v)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Ephemeral)},
		ProtoV6ProviderFactories: withEcho(),
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{Config: stageConfig(env, linked)},
			{
				Config:            link(`name = "linked"`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("echo.link", tfjsonpath.New("data"), wantURL)},
			},
			{
				Config:            link(`invitation_id = invitations_stage_invitation.test.id`),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("echo.link", tfjsonpath.New("data"), wantURL)},
			},
		},
	})
}

// noToken fails when an invite token of any invitation on the server, or
// an enrollment link, appears anywhere in a plan or a state.
type noToken struct{ env *testEnv }

func (c noToken) scan(what string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, inv := range c.env.srv.AuthentikInvitations() {
		if strings.Contains(string(raw), inv.PK) {
			return fmt.Errorf("the invite token of %q appears in the %s", inv.Name, what)
		}
	}
	if strings.Contains(string(raw), "itoken=") {
		return fmt.Errorf("an enrollment link appears in the %s", what)
	}
	return nil
}

func (c noToken) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.scan("plan", req.Plan)
}

func (c noToken) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c.scan("state", req.State)
}

// TestAccStageInvitationLink_neverStored: the link is read (the mock sees
// the requests; TestAccStageInvitationLink_value checks the value) and
// reaches neither the plan nor the state. (A postcondition on it would say
// more, but Terraform 1.11 crashes rendering such a plan as JSON.) The
// invitation is not managed here (a managed one keeps its invite_url in
// state, sensitive): only the ephemeral resource touches its token.
func TestAccStageInvitationLink_neverStored(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	env.srv.SeedAuthentik(3, "seeded") // seeded-1 has a flow
	cfg := env.providerConfig() + `
ephemeral "invitations_stage_invitation_link" "l" {
  name = "seeded-1"
}
# Something in state to scan. (Terraform itself refuses an ephemeral value
# in an argument that is stored.)
resource "terraform_data" "marker" {
  input = "stored"
}
`
	check := noToken{env: env}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Ephemeral)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:         env.srv.ResetCounts,
			Config:            cfg,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{check}, PostApplyPostRefresh: []plancheck.PlanCheck{check}},
			ConfigStateChecks: []statecheck.StateCheck{check},
			Check: func(*terraform.State) error {
				if env.srv.Count("GET", "/api/v3/") == 0 {
					return fmt.Errorf("the link was never read")
				}
				return nil
			},
		}},
	})
}

func TestAccStageInvitationLink_errors(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	env.srv.SeedAuthentik(3, "seeded") // seeded-3 has no flow
	open := func(arg string) string {
		return env.providerConfig() + "ephemeral \"invitations_stage_invitation_link\" \"l\" {\n  " + arg + "\n}\n"
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Ephemeral)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: open(`name = "seeded-3"`), ExpectError: wrapped(`The invitation has no enrollment link`)},
			{Config: open(`name = "nobody"`), ExpectError: wrapped(`no authentik invitation is named "nobody"`)},
			{Config: open(""), ExpectError: wrapped(`Exactly one of these attributes must be configured: [invitation_id,name]`)},
			// A token with a stray space is refused without being shown
			// (TestBadValueIsAtMostOneErrorPerArgument proves it is absent).
			{Config: open(`invitation_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7 "`), ExpectError: wrapped(`Invalid invitation id`)},
		},
	})
}

func sendEmailConfig(env *testEnv, invitation, action string) string {
	return stageConfig(env, invitation+`
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.invitations_stage_invitation_send_email.welcome]
    }
  }`) + `
action "invitations_stage_invitation_send_email" "welcome" {
  config {
    ` + action + `
  }
}
`
}

func sentEmails(env *testEnv, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(env.srv.SentEmails()); got != want {
			return fmt.Errorf("%d invitation emails sent, want %d", got, want)
		}
		return nil
	}
}

// TestAccStageInvitationSendEmail_trigger: the action in a resource's
// lifecycle sends exactly one email per trigger, to the invitation just
// created.
func TestAccStageInvitationSendEmail_trigger(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	cfg := func(extra string) string {
		return sendEmailConfig(env, linked+extra, `invitation_id   = invitations_stage_invitation.test.id
    email_addresses = ["ada@example.com"]
    cc_addresses    = ["hr@example.com"]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				Check: resource.ComposeTestCheckFunc(sentEmails(env, 1), func(*terraform.State) error {
					sent := env.srv.SentEmails()[0]
					if sent.Name != "linked" || sent.To[0] != "ada@example.com" || sent.CC[0] != "hr@example.com" {
						return fmt.Errorf("sent %+v", sent)
					}
					return nil
				}),
			},
			// Nothing created, nothing sent; an update is no trigger either.
			{Config: cfg(""), Check: sentEmails(env, 1)},
			{Config: cfg("\n  fixed_data = jsonencode({ team = \"b\" })"), Check: sentEmails(env, 1)},
		},
	})
}

// TestAccStageInvitationSendEmail_wholeInvitation: given the resource
// itself, the action sends to it, and an invitation without a flow, which
// authentik cannot email, is refused at plan time with nothing created or
// sent.
func TestAccStageInvitationSendEmail_wholeInvitation(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	action := `invitation      = invitations_stage_invitation.test
    email_addresses = ["ada@example.com"]`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:      sendEmailConfig(env, `name = "flowless"`, action),
				ExpectError: regexp.MustCompile(`The invitation has no flow`),
				Check:       sentEmails(env, 0),
			},
			{
				Config: sendEmailConfig(env, linked, action),
				Check: resource.ComposeTestCheckFunc(sentEmails(env, 1), func(*terraform.State) error {
					if sent := env.srv.SentEmails()[0]; sent.Name != "linked" || sent.Template != "email/invitation.html" {
						return fmt.Errorf("sent %+v, want the linked invitation with the server's default template", sent)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccStageInvitationSendEmail_validation(t *testing.T) {
	env := newTestEnv(t, mockserver.Options{})
	bad := func(action, want string) resource.TestStep {
		return resource.TestStep{Config: sendEmailConfig(env, linked, action), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             noRequests(env),
		Steps: []resource.TestStep{
			bad(`name = "linked"`+"\n    email_addresses = []", `(?s)email_addresses list must contain at least 1 elements`),
			bad(`name = "linked"`+"\n    email_addresses = [\"Ada <ada@example.com>\"]", `(?s)must be a single email address`),
			bad(`email_addresses = ["ada@example.com"]`, `(?s)Exactly one of these attributes must be configured:\s+\[invitation_id,invitation,name\]`),
			bad(`invitation_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7 "`+"\n    email_addresses = [\"ada@example.com\"]", `(?s)Invalid invitation id.*it\s+is\s+not\s+shown,\s+as\s+it\s+may\s+be\s+a\s+token`),
		},
	})
}

// TestAccStageInvitationSendEmail_invoke runs terraform apply -invoke, which
// plugin-testing cannot: one email per invocation, and a clear error, with
// nothing sent, for an invitation that was used.
func TestAccStageInvitationSendEmail_invoke(t *testing.T) {
	acctest.RequireAcc(t)
	env := newTestEnv(t, mockserver.Options{})
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	acctest.SkipUnless(t, acctest.Actions)
	ws.Write("main.tf", stageConfig(env, linked+"\n  single_use = true")+`
action "invitations_stage_invitation_send_email" "welcome" {
  config {
    name            = "linked"
    email_addresses = ["ada@example.com"]
  }
}
terraform {
  required_providers {
    invitations = { source = "`+RegistryAddress+`" }
  }
}
`)
	if err := ws.TF.Apply(t.Context()); err != nil {
		t.Fatal(err)
	}
	for want := 1; want <= 2; want++ {
		if out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-invoke=action.invitations_stage_invitation_send_email.welcome"); err != nil {
			t.Fatalf("invoke %d: %v\n%s", want, err, out)
		}
		if got := len(env.srv.SentEmails()); got != want {
			t.Fatalf("after %d invocations, %d emails sent", want, got)
		}
	}
	if err := env.srv.UseAuthentikInvitation(pkOf(t, env, "linked")); err != nil {
		t.Fatal(err)
	}
	out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-invoke=action.invitations_stage_invitation_send_email.welcome")
	if err == nil || !strings.Contains(out, `no authentik invitation is named "linked"`) {
		t.Fatalf("invoking for a used invitation: %v\n%s", err, out)
	}
	if got := len(env.srv.SentEmails()); got != 2 {
		t.Fatalf("%d emails sent, want still 2", got)
	}
	if err := ws.TF.Destroy(t.Context()); err != nil {
		t.Fatal(err)
	}
}
