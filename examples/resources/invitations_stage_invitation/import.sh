# By name, when no other invitation has it: Terraform prints import IDs, and
# this one carries no invite token.
terraform import invitations_stage_invitation.contractors name:contractors-2027

# By UUID (pk), which is the invite token itself.
terraform import invitations_stage_invitation.contractors 3fa85f64-5717-4562-b3fc-2c963f66afa6
