# Terraform 1.12+: import by identity, the SHA-256 of the invite token, as
# terraform query and `terraform show -json` report it. The token itself
# never appears.
import {
  to = invitations_stage_invitation.contractors
  identity = {
    token_sha256 = "4e1302c3bfbada567929218c39d0e1de3a464e49e30b236a42aac378e4b3bbfd"
  }
}
