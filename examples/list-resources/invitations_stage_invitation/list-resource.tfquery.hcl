# terraform query lists the invitations these filters select; add
# -generate-config-out=generated.tf to write an import block and a resource
# block for each one.
list "invitations_stage_invitation" "contractors" {
  provider = invitations
  limit    = 500

  config {
    flow_slug = "contractor-enrollment"
    search    = "contractors"
    ordering  = "name"
  }
}
