# The link of an existing invitation, handed to a write-only argument of
# another provider: it is never written to state or to a plan file.
ephemeral "invitations_stage_invitation_link" "contractors" {
  name = "contractors-2027"
}

resource "vault_kv_secret_v2" "contractors_invite" {
  mount                = "secret"
  name                 = "onboarding/contractors-invite"
  data_json_wo         = jsonencode({ url = ephemeral.invitations_stage_invitation_link.contractors.invite_url })
  data_json_wo_version = 1
}
