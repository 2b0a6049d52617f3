terraform {
  required_providers {
    invitations = {
      source = "invitations-dev/invitations"
    }
  }
}

variable "iblai_api_key" {
  type      = string
  sensitive = true
}

variable "authentik_token" {
  type      = string
  sensitive = true
}

# Both platform blocks are optional: configure only the platforms you use.
# Every setting can also come from the environment (see the argument list).
provider "invitations" {
  ibl = {
    url     = "https://api.iblai.app/dm" # IBLAI_URL
    api_key = var.iblai_api_key          # IBLAI_API_KEY
    org     = "acme"                     # IBLAI_ORG
  }

  authentik = {
    url   = "https://auth.example.com" # AUTHENTIK_URL; /api/v3 is appended
    token = var.authentik_token        # AUTHENTIK_TOKEN
  }

  # Shared HTTP settings.
  max_retries     = 4
  retry_wait_min  = "1s"
  retry_wait_max  = "30s"
  request_timeout = "60s"
  headers = {
    "X-Request-Source" = "terraform"
  }
}
