package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/invitations-dev/terraform-provider-invitations/internal/acctest"
	"github.com/invitations-dev/terraform-provider-invitations/internal/mockserver"
)

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
		out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-invoke=action.invitations_stage_invitation_send_email.welcome")
		if err != nil {
			t.Fatalf("invoke %d: %v\n%s", want, err, out)
		}
		// authentik's 204 means queued: the action says so, not "sent".
		if !strings.Contains(out, "authentik queued") || !strings.Contains(out, "does not report whether mail is delivered") {
			t.Errorf("invoke %d does not say the email was queued:\n%s", want, out)
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
