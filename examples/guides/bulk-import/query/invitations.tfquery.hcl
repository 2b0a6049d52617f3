# terraform query (Terraform 1.14+) lists what these blocks select; with
# -generate-config-out it writes an import block and a resource block for
# each invitation found.
list "invitations_stage_invitation" "legacy" {
  provider = invitations
  limit    = 1000

  config {
    search = "legacy"
  }
}

list "invitations_program_invitation" "onboarding" {
  provider = invitations
  limit    = 1000

  config {
    program_key = "acme+onboarding"
  }
}

list "invitations_course_invitation" "ds101" {
  provider = invitations
  limit    = 1000

  config {
    course_id = "course-v1:acme+DS101+2027"
  }
}

list "invitations_platform_invitation" "acme" {
  provider = invitations
  limit    = 1000

  config {
    platform_key = "acme"
  }
}
