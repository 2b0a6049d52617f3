list "invitations_stage_invitation" "existing" {
  provider = invitations

  config {
    search = "seeded"
  }
}

list "invitations_program_invitation" "existing" {
  provider = invitations

  config {
    program_key = "acme+onboarding"
  }
}
