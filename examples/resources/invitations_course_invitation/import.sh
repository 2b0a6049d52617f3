# A course invitation is imported as <org>/<id>, or as <id> alone when the
# provider sets ibl.org.
terraform import invitations_course_invitation.ada acme/123
