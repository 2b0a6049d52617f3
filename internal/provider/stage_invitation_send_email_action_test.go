package provider

import (
	"encoding/json"
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

// triggering is how an action refers to the invitation whose lifecycle
// triggers it: caller from Terraform 1.16, where the resource's address
// makes a reference cycle as soon as the invitation is updated; the
// address before (1.14 and 1.15 have no caller).
func triggering() string {
	if acctest.Has(acctest.ActionCaller) {
		return "caller"
	}
	return "invitations_stage_invitation.test"
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

// emailRequest is a send_email request the provider sent.
type emailRequest struct {
	pk             string
	EmailAddresses []string `json:"email_addresses"`
	CCAddresses    []string `json:"cc_addresses"`
	Template       *string  `json:"template"`
}

// emailsSent are the send_email requests the provider sent, in order.
func emailsSent(env *testEnv) []emailRequest {
	var out []emailRequest
	for _, r := range env.sent() {
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "/send_email/") {
			continue
		}
		var e emailRequest
		_ = json.Unmarshal(r.Body, &e)
		e.pk = strings.TrimSuffix(strings.TrimPrefix(r.Path, stagePath), "/send_email/")
		out = append(out, e)
	}
	return out
}

func sentEmails(env *testEnv, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(emailsSent(env)); got != want {
			return fmt.Errorf("%d invitation emails sent, want %d", got, want)
		}
		return nil
	}
}

// TestAccStageInvitationSendEmail_trigger: the action in a resource's
// lifecycle sends exactly one email per trigger, to the invitation just
// created.
func TestAccStageInvitationSendEmail_trigger(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	to := env.fixture(t, envAccSendTo)
	cfg := func(extra string) string {
		return sendEmailConfig(env, linked(t, env)+extra, `invitation_id   = `+triggering()+`.id
    email_addresses = ["`+to+`"]
    cc_addresses    = ["`+to+`"]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				Check: resource.ComposeTestCheckFunc(sentEmails(env, 1), func(*terraform.State) error {
					sent := emailsSent(env)[0]
					if sent.pk != pkOf(t, env, env.name("linked")) || len(sent.EmailAddresses) != 1 || sent.EmailAddresses[0] != to ||
						len(sent.CCAddresses) != 1 || sent.CCAddresses[0] != to {
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

// TestAccStageInvitationSendEmail_addressCycles pins what the action's
// example says: from Terraform 1.16, an action that names its triggering
// invitation by address is a reference cycle once the invitation is
// updated (caller is the way).
func TestAccStageInvitationSendEmail_addressCycles(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	cfg := func(extra string) string {
		return sendEmailConfig(env, linked(t, env)+extra, `invitation_id   = invitations_stage_invitation.test.id
    email_addresses = ["`+env.fixture(t, envAccSendTo)+`"]`)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.ActionCaller)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{Config: cfg(""), Check: sentEmails(env, 1)},
			{Config: cfg("\n  fixed_data = jsonencode({ team = \"b\" })"), ExpectError: regexp.MustCompile(`action reference cycle`)},
		},
	})
}

// TestAccStageInvitationSendEmail_wholeInvitation: given the resource
// itself, the action sends to it, and an invitation without a flow, which
// authentik cannot email, is refused at plan time with nothing created or
// sent.
func TestAccStageInvitationSendEmail_wholeInvitation(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	action := `invitation      = ` + triggering() + `
    email_addresses = ["` + env.fixture(t, envAccSendTo) + `"]`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageGone(env),
		Steps: []resource.TestStep{
			{
				Config:      sendEmailConfig(env, `name = "`+env.name("flowless")+`"`, action),
				ExpectError: regexp.MustCompile(`The invitation has no flow`),
				Check:       sentEmails(env, 0),
			},
			{
				Config: sendEmailConfig(env, linked(t, env), action),
				Check: resource.ComposeTestCheckFunc(sentEmails(env, 1), func(*terraform.State) error {
					// No template: the server's default.
					if sent := emailsSent(env)[0]; sent.pk != pkOf(t, env, env.name("linked")) || sent.Template != nil {
						return fmt.Errorf("sent %+v, want the linked invitation with the server's default template", sent)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccStageInvitationSendEmail_delivered: the mock records what authentik
// would mail: the invitation, the addresses, the default template.
func TestAccStageInvitationSendEmail_delivered(t *testing.T) {
	env := newMockEnv(t, needsStore, mockserver.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.Needs(acctest.Actions)},
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             stageDestroyed(env),
		Steps: []resource.TestStep{{
			Config: sendEmailConfig(env, linked(t, env), `invitation_id   = `+triggering()+`.id
    email_addresses = ["ada@example.com"]
    cc_addresses    = ["hr@example.com"]`),
			Check: func(*terraform.State) error {
				sent := env.srv.SentEmails()
				if len(sent) != 1 || sent[0].Name != env.name("linked") || sent[0].To[0] != "ada@example.com" || sent[0].CC[0] != "hr@example.com" ||
					sent[0].Template != "email/invitation.html" {
					return fmt.Errorf("sent %+v", sent)
				}
				return nil
			},
		}},
	})
}

func TestAccStageInvitationSendEmail_validation(t *testing.T) {
	env := newTestEnv(t, authentikPlatform)
	bad := func(action, want string) resource.TestStep {
		return resource.TestStep{Config: sendEmailConfig(env, linked(t, env), action), PlanOnly: true, ExpectError: regexp.MustCompile(want)}
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
// nothing sent, for an invitation that is gone (a single-use invitation
// once used).
func TestAccStageInvitationSendEmail_invoke(t *testing.T) {
	acctest.RequireAcc(t)
	env := newTestEnv(t, authentikPlatform)
	ws := acctest.NewWorkspace(t, "../..", RegistryAddress)
	acctest.SkipUnless(t, acctest.Actions)
	name := env.name("linked")
	ws.Write("main.tf", stageConfig(env, linked(t, env)+"\n  single_use = true")+`
action "invitations_stage_invitation_send_email" "welcome" {
  config {
    name            = "`+name+`"
    email_addresses = ["`+env.fixture(t, envAccSendTo)+`"]
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
	// The CLI runs the provider in its own process: the proxy in front of
	// the server counts what it sends.
	for want := 1; want <= 2; want++ {
		out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-invoke=action.invitations_stage_invitation_send_email.welcome")
		if err != nil {
			t.Fatalf("invoke %d: %v\n%s", want, err, out)
		}
		// authentik's 204 means queued: the action says so, not "sent".
		if !strings.Contains(out, "authentik queued") || !strings.Contains(out, "does not report whether mail is delivered") {
			t.Errorf("invoke %d does not say the email was queued:\n%s", want, out)
		}
		if got := len(emailsSent(env)); got != want {
			t.Fatalf("after %d invocations, %d emails sent", want, got)
		}
	}
	if err := env.deleteStage(pkOf(t, env, name)); err != nil {
		t.Fatal(err)
	}
	out, err := ws.Run(t.Context(), "apply", "-auto-approve", "-invoke=action.invitations_stage_invitation_send_email.welcome")
	if err == nil || !strings.Contains(out, `no authentik invitation is named "`+name+`"`) {
		t.Fatalf("invoking for a used invitation: %v\n%s", err, out)
	}
	if got := len(emailsSent(env)); got != 2 {
		t.Fatalf("%d emails sent, want still 2", got)
	}
	if err := ws.TF.Destroy(t.Context()); err != nil {
		t.Fatal(err)
	}
}
