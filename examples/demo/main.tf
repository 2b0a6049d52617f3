# The demo configuration `make demo` applies against the bundled mock
# server. Connection settings come from the environment the mock prints
# (AUTHENTIK_URL, AUTHENTIK_TOKEN).
terraform {
  required_providers {
    invitations = {
      source = "invitations-dev/invitations"
    }
  }
}

provider "invitations" {}

resource "invitations_stage_invitation" "contractors" {
  name       = "contractors-2027"
  flow       = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
  expires    = "2099-01-31T23:59:59Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
}

resource "invitations_stage_invitation" "staff" {
  name       = "staff-onboarding"
  fixed_data = jsonencode({ department = "engineering", groups = ["staff"] })
}

output "contractors_flow" {
  value = invitations_stage_invitation.contractors.flow_slug
}

output "contractors_invite_url" {
  description = "The enrollment link; sensitive, shown with terraform output -raw."
  value       = invitations_stage_invitation.contractors.invite_url
  sensitive   = true
}
