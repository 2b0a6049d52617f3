# Every invitation to the acme platform, at most 500.
list "invitations_platform_invitation" "acme" {
  provider = invitations
  limit    = 500

  config {
    platform_key = "acme"
  }
}
