# A program invitation is imported as <org>/<id>, or as <id> alone when the
# provider sets ibl.org.
terraform import invitations_program_invitation.ada acme/123
