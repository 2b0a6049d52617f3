import {
  to = invitations_platform_invitation.lin
  id = "acme/123"
}
