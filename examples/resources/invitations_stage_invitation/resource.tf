# A single-use invitation for contractors, bound to an enrollment flow.
resource "invitations_stage_invitation" "contractors" {
  name       = "contractors-2027"
  flow       = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
  expires    = "2027-01-31T23:59:59Z"
  single_use = true
  fixed_data = jsonencode({ groups = ["contractors"] })
}

# A reusable invitation for any flow with an invitation stage. Once it is
# used or expires, reissue = true makes the next apply issue a new one.
resource "invitations_stage_invitation" "staff" {
  name       = "staff-onboarding"
  expires    = "2099-01-01T00:00:00Z"
  fixed_data = jsonencode({ department = "engineering" })
  reissue    = true
}

# The enrollment link carries the invite token: it is sensitive, and shown
# only on request (terraform output -raw contractors_invite_url).
output "contractors_invite_url" {
  value     = invitations_stage_invitation.contractors.invite_url
  sensitive = true
}
