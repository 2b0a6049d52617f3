# Recipe 2: generate one import block per invitation, then let Terraform
# write the configuration:
#
#   terraform apply        # reads the data sources, writes the output
#   terraform output -raw import_blocks > imports.tf
#   terraform plan -generate-config-out=generated.tf
#   terraform apply
#
# Afterwards the data sources and this output can be removed.

data "invitations_stage_invitations" "legacy" {
  search = "legacy"
}

data "invitations_program_invitations" "onboarding" {
  program_key = "acme+onboarding"
}

data "invitations_course_invitations" "ds101" {
  course_id = "course-v1:acme+DS101+2027"
}

data "invitations_platform_invitations" "acme" {
  platform_key = "acme"
}

output "import_blocks" {
  value = join("\n", concat(
    [for i in data.invitations_stage_invitations.legacy.invitations : <<-EOT
      import {
        to = invitations_stage_invitation.stage_${replace(lower(i.name), "/[^a-z0-9_]/", "_")}
        id = "${i.import_id}"
      }
    EOT
    ],
    [for i in data.invitations_program_invitations.onboarding.invitations : <<-EOT
      import {
        to = invitations_program_invitation.program_${replace(lower(i.org), "/[^a-z0-9_]/", "_")}_${i.id}
        id = "${i.import_id}"
      }
    EOT
    ],
    [for i in data.invitations_course_invitations.ds101.invitations : <<-EOT
      import {
        to = invitations_course_invitation.course_${replace(lower(i.org), "/[^a-z0-9_]/", "_")}_${i.id}
        id = "${i.import_id}"
      }
    EOT
    ],
    [for i in data.invitations_platform_invitations.acme.invitations : <<-EOT
      import {
        to = invitations_platform_invitation.platform_${replace(lower(i.org), "/[^a-z0-9_]/", "_")}_${i.id}
        id = "${i.import_id}"
      }
    EOT
    ],
  ))
}
