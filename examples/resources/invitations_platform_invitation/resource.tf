# Invite a colleague to the acme platform (tenant). Creating it makes the
# server email the invitee.
resource "invitations_platform_invitation" "lin" {
  platform_key = "acme"
  email        = "lin@example.com"
  source       = "terraform"
  first_name   = "Lin"
  last_name    = "Chen"
  company_name = "Acme"
  user_group   = "instructors"
}
