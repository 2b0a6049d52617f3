# A platform invitation is imported as <org>/<id> (the org is the
# platform_key), or as <id> alone when the provider sets ibl.org.
terraform import invitations_platform_invitation.lin acme/123
