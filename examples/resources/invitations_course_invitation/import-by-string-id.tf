import {
  to = invitations_course_invitation.ada
  id = "acme/123"
}
