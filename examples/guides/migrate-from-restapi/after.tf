# After: the same invitations in this provider's resources. The moved
# blocks hand each object over; nothing is created again.
terraform {
  required_providers {
    invitations = { source = "invitations-dev/invitations" }
  }
}

variable "authentik_token" {
  type      = string
  sensitive = true
}

variable "ibl_api_key" {
  type      = string
  sensitive = true
}

provider "invitations" {
  authentik = {
    url   = "https://authentik.example.com"
    token = var.authentik_token
  }
  ibl = {
    url     = "https://api.iblai.app/dm"
    api_key = var.ibl_api_key
    org     = "acme"
  }
}

resource "invitations_stage_invitation" "enrollment" {
  for_each   = toset(["contractors", "interns"])
  name       = each.key
  expires    = "2099-01-01T00:00:00Z"
  flow       = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
  single_use = true
  fixed_data = jsonencode({ team = each.key })
}

# One block moves every instance of a for_each.
moved {
  from = restapi_object.enrollment
  to   = invitations_stage_invitation.enrollment
}

resource "invitations_program_invitation" "ada" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
  source      = "terraform"
}

moved {
  from = restapi_object.ada_program
  to   = invitations_program_invitation.ada
}

resource "invitations_course_invitation" "ada" {
  course_id = "course-v1:acme+DS101+2027"
  email     = "ada@example.com"
  source    = "terraform"
}

moved {
  from = restapi_object.ada_course
  to   = invitations_course_invitation.ada
}

resource "invitations_platform_invitation" "ada" {
  platform_key = "acme"
  email        = "ada@example.com"
  source       = "terraform"
}

moved {
  from = restapi_object.ada_platform
  to   = invitations_platform_invitation.ada
}
