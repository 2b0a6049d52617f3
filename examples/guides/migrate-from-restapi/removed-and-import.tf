# Without moves between resource types: restapi forgets the object, and an
# import block takes it. The removed block needs the restapi provider (keep
# it in required_providers) and its configuration until it is applied.
provider "restapi" {
  alias   = "ibl"
  uri     = "https://api.iblai.app/dm"
  headers = { Authorization = "Api-Token ${var.ibl_api_key}" }
}

removed {
  from = restapi_object.ada_program
  lifecycle {
    destroy = false
  }
}

import {
  to = invitations_program_invitation.ada
  id = "acme/123" # <org>/<id>: the id is restapi_object.ada_program's id
}
