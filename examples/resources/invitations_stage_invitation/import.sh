# An authentik invitation is imported by its UUID (pk), which is its invite token.
terraform import invitations_stage_invitation.contractors 3fa85f64-5717-4562-b3fc-2c963f66afa6
