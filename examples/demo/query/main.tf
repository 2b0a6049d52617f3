# make demo, with Terraform 1.14+: invitations that already exist on the
# mock are found with terraform query and brought under management.
terraform {
  required_providers {
    invitations = {
      source = "invitations-dev/invitations"
    }
  }
}

# Settings from the environment the mock server prints.
provider "invitations" {}
