# Invite a learner to a program by email. The org defaults to the
# provider's ibl.org, else to the part of program_key before "+".
resource "invitations_program_invitation" "ada" {
  program_key = "acme+data-science"
  email       = "ada@example.com"
  source      = "terraform"
  redirect_to = "https://learn.acme.example/welcome"
  expired     = "2027-06-30T23:59:59Z"
  metadata    = jsonencode({ cohort = "2027-spring" })
}

# Invite by username, paused for now: active = false keeps the invitation
# but makes it unusable.
resource "invitations_program_invitation" "grace" {
  program_key = "acme+data-science"
  username    = "grace"
  active      = false
}
