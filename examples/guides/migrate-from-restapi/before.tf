# Before: invitations managed with the generic restapi provider.
terraform {
  required_providers {
    restapi = { source = "Mastercard/restapi" }
  }
}

variable "authentik_token" {
  type      = string
  sensitive = true
}

variable "ibl_api_key" {
  type      = string
  sensitive = true
}

provider "restapi" {
  alias                = "authentik"
  uri                  = "https://authentik.example.com"
  headers              = { Authorization = "Bearer ${var.authentik_token}" }
  id_attribute         = "pk"
  write_returns_object = true
}

provider "restapi" {
  alias                = "ibl"
  uri                  = "https://api.iblai.app/dm"
  headers              = { Authorization = "Api-Token ${var.ibl_api_key}" }
  id_attribute         = "id"
  write_returns_object = true
}

resource "restapi_object" "enrollment" {
  for_each     = toset(["contractors", "interns"])
  provider     = restapi.authentik
  path         = "/api/v3/stages/invitation/invitations/"
  read_path    = "/api/v3/stages/invitation/invitations/{id}/"
  destroy_path = "/api/v3/stages/invitation/invitations/{id}/"
  data = jsonencode({
    name       = each.key
    expires    = "2099-01-01T00:00:00Z"
    flow       = "0b4cf3a3-5ad1-4d38-8f5b-0d1c5c3c7f10"
    single_use = true
    fixed_data = { team = each.key }
  })
}

resource "restapi_object" "ada_program" {
  provider     = restapi.ibl
  path         = "/api/catalog/invitations/program/"
  destroy_path = "/api/catalog/invitations/program/?id={id}&org=acme"
  read_search = {
    search_key   = "email"
    search_value = "ada@example.com"
    results_key  = "results"
    query_string = "program_key=acme%2Bdata-science&org=acme&email=ada@example.com"
  }
  data = jsonencode({
    program_key = "acme+data-science"
    email       = "ada@example.com"
    source      = "terraform"
  })
}

resource "restapi_object" "ada_course" {
  provider     = restapi.ibl
  path         = "/api/catalog/invitations/course/"
  destroy_path = "/api/catalog/invitations/course/?id={id}&org=acme"
  read_search = {
    search_key   = "email"
    search_value = "ada@example.com"
    results_key  = "results"
    query_string = "course_id=course-v1%3Aacme%2BDS101%2B2027&org=acme&email=ada@example.com"
  }
  data = jsonencode({
    course_id = "course-v1:acme+DS101+2027"
    email     = "ada@example.com"
    source    = "terraform"
  })
}

resource "restapi_object" "ada_platform" {
  provider     = restapi.ibl
  path         = "/api/catalog/invitations/platform/"
  destroy_path = "/api/catalog/invitations/platform/?id={id}&org=acme"
  read_search = {
    search_key   = "email"
    search_value = "ada@example.com"
    results_key  = "results"
    query_string = "platform_key=acme&org=acme&email=ada@example.com"
  }
  data = jsonencode({
    platform_key = "acme"
    email        = "ada@example.com"
    source       = "terraform"
  })
}
