import {
  to = invitations_program_invitation.ada
  id = "acme/123"
}
