# Recipe 1: import blocks fed from the data sources. Every invitation the
# data sources list is imported and managed by a resource written from the
# same data; new ones are picked up on the next plan.

data "invitations_stage_invitations" "legacy" {
  search = "legacy"
}

data "invitations_program_invitations" "onboarding" {
  program_key = "acme+onboarding"
}

locals {
  # Keys must be unique and not sensitive: authentik names (which also make
  # import IDs that carry no token) and ibl.ai "<org>/<id>" import IDs.
  stage   = { for i in data.invitations_stage_invitations.legacy.invitations : i.name => i }
  program = { for i in data.invitations_program_invitations.onboarding.invitations : i.import_id => i }
}

import {
  for_each = local.stage
  to       = invitations_stage_invitation.imported[each.key]
  id       = each.value.import_id
}

import {
  for_each = local.program
  to       = invitations_program_invitation.imported[each.key]
  id       = each.value.import_id
}

resource "invitations_stage_invitation" "imported" {
  for_each   = local.stage
  name       = each.value.name
  expires    = each.value.expires
  fixed_data = each.value.fixed_data
  single_use = each.value.single_use
  flow       = each.value.flow
}

resource "invitations_program_invitation" "imported" {
  for_each    = local.program
  program_key = each.value.program_key
  email       = each.value.email
  username    = each.value.username
  active      = each.value.active
  source      = each.value.source
  redirect_to = each.value.redirect_to
  expired     = each.value.expired
  metadata    = each.value.metadata
}
