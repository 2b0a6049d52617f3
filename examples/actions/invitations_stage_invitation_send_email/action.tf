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
    # Or invitation = invitations_stage_invitation.ada, which also lets the
    # plan reject an invitation without a flow (authentik cannot email one).
    invitation_id   = invitations_stage_invitation.ada.id
    email_addresses = ["ada@example.com"]
    cc_addresses    = ["onboarding@example.com"]
    # No template: authentik renders its default, email/invitation.html.
  }
}

# Send it again by hand:
#   terraform apply -invoke=action.invitations_stage_invitation_send_email.ada
