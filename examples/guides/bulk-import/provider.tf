terraform {
  required_providers {
    invitations = {
      source = "invitations-dev/invitations"
    }
  }
}

# Settings from IBLAI_URL, IBLAI_API_KEY, IBLAI_ORG, AUTHENTIK_URL and
# AUTHENTIK_TOKEN.
provider "invitations" {}
