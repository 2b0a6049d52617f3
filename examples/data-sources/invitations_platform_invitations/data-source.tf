# The 50 newest invitations to the globex platform from an HR sync.
data "invitations_platform_invitations" "globex" {
  platform_key = "globex"
  source       = "hr-sync"
  sort         = "-created"
  max_results  = 50
}
