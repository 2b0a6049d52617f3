# Active invitations of one cohort to one program. org defaults to the
# provider's ibl.org.
data "invitations_program_invitations" "pending" {
  program_key = "acme+data-science"
  active      = true
  metadata    = { cohort = "2027-spring" }
}

output "pending_emails" {
  value = [for i in data.invitations_program_invitations.pending.invitations : i.email]
}

# The 20 newest invitations from an HR sync, in another org.
data "invitations_program_invitations" "hr" {
  org         = "globex"
  source      = "hr-sync"
  sort        = "-created"
  max_results = 20
}
