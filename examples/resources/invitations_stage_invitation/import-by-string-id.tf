# By name, so that no invite token shows in Terraform's output (the name
# must be unique); or by UUID: id = "3fa85f64-5717-4562-b3fc-2c963f66afa6".
import {
  to = invitations_stage_invitation.contractors
  id = "name:contractors-2027"
}
