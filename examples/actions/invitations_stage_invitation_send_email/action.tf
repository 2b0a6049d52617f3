# Email each new invitation's link once, right after it is created.
resource "invitations_stage_invitation" "ada" {
  name       = "ada-lovelace"
  expires    = "2099-01-01T00:00:00Z"
  flow       = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
  single_use = true

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.invitations_stage_invitation_send_email.ada]
    }
  }
}

action "invitations_stage_invitation_send_email" "ada" {
  config {
    # caller is the invitation whose lifecycle triggers the action
    # (Terraform 1.16+). On Terraform 1.14 and 1.15, write
    # invitations_stage_invitation.ada.id instead: from 1.16 that address is
    # a reference cycle as soon as the invitation is updated.
    # Or invitation = caller, which also lets the plan reject an invitation
    # without a flow (authentik cannot email one).
    invitation_id   = caller.id
    email_addresses = ["ada@example.com"]
    cc_addresses    = ["onboarding@example.com"]
    # No template: authentik renders its default, email/invitation.html.
  }
}

# Send it again by hand:
#   terraform apply -invoke=action.invitations_stage_invitation_send_email.ada
