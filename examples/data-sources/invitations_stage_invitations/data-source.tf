# Every invitation whose name, creator, expiry or flow slug contains
# "contractors", newest expiry first.
data "invitations_stage_invitations" "contractors" {
  search   = "contractors"
  ordering = "-expires"
}

# The names are not secret...
output "contractor_invitations" {
  value = [for i in data.invitations_stage_invitations.contractors.invitations : i.name]
}

# ...the links are: they carry the invite tokens.
output "contractor_links" {
  value     = data.invitations_stage_invitations.contractors.invite_urls
  sensitive = true
}

# Invitations bound to one flow, created by one user, at most 50.
data "invitations_stage_invitations" "onboarding" {
  flow_slug           = "default-enrollment-flow"
  created_by_username = "akadmin"
  max_results         = 50
}
