# The demo configuration `make demo` applies against the bundled mock
# server. Connection settings come from the environment the mock prints
# (AUTHENTIK_URL, AUTHENTIK_TOKEN, IBLAI_URL, IBLAI_API_KEY, IBLAI_ORG).
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
  expires    = "2099-01-01T00:00:00Z"
  fixed_data = jsonencode({ department = "engineering", groups = ["staff"] })
}

resource "invitations_program_invitation" "ada" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
  source      = "terraform"
  metadata    = jsonencode({ cohort = "2027-spring" })
}

resource "invitations_program_invitation" "grace" {
  program_key = "acme+data-science"
  username    = "grace"
  redirect_to = "https://learn.acme.example/welcome"
  expired     = "2099-06-30T23:59:59+02:00"
}

# A course invitation: the org is IBLAI_ORG (a course key does not name it).
resource "invitations_course_invitation" "ada_ds101" {
  course_id = "course-v1:acme+DS101+2027"
  email     = "ada@example.com"
  source    = "terraform"
}

output "ada_invitation_id" {
  value = invitations_program_invitation.ada.id
}

output "contractors_flow" {
  value = invitations_stage_invitation.contractors.flow_slug
}

output "contractors_invite_url" {
  description = "The enrollment link; sensitive, shown with terraform output -raw."
  value       = invitations_stage_invitation.contractors.invite_url
  sensitive   = true
}

# Both data sources read what the resources above created.
data "invitations_stage_invitations" "all" {
  ordering   = "name"
  depends_on = [invitations_stage_invitation.contractors, invitations_stage_invitation.staff]
}

data "invitations_program_invitations" "data_science" {
  program_key = "acme+data-science"
  sort        = "id"
  depends_on  = [invitations_program_invitation.ada, invitations_program_invitation.grace]
}

output "stage_invitation_names" {
  value = [for i in data.invitations_stage_invitations.all.invitations : i.name]
}

output "program_invitation_import_ids" {
  value = [for i in data.invitations_program_invitations.data_science.invitations : i.import_id]
}
