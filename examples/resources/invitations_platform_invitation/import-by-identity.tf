# Terraform 1.12+: import by identity, the org and the invitation's id.
import {
  to = invitations_platform_invitation.lin
  identity = {
    org = "acme"
    id  = "123"
  }
}
