# Recipe 1: import blocks fed from the data sources. Every invitation the
# data sources list is imported and managed by a resource written from the
# same data; new ones are picked up on the next plan.

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

locals {
  # Keys must be unique and not sensitive: authentik names (which also make
  # import IDs that carry no token) and ibl.ai "<org>/<id>" import IDs.
  stage    = { for i in data.invitations_stage_invitations.legacy.invitations : i.name => i }
  program  = { for i in data.invitations_program_invitations.onboarding.invitations : i.import_id => i }
  course   = { for i in data.invitations_course_invitations.ds101.invitations : i.import_id => i }
  platform = { for i in data.invitations_platform_invitations.acme.invitations : i.import_id => i }
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

import {
  for_each = local.course
  to       = invitations_course_invitation.imported[each.key]
  id       = each.value.import_id
}

import {
  for_each = local.platform
  to       = invitations_platform_invitation.imported[each.key]
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

# The org of a course invitation is the provider's ibl.org (IBLAI_ORG), as
# the data source listed it; a platform invitation's is its platform_key.
resource "invitations_course_invitation" "imported" {
  for_each    = local.course
  course_id   = each.value.course_id
  email       = each.value.email
  username    = each.value.username
  active      = each.value.active
  source      = each.value.source
  redirect_to = each.value.redirect_to
  expired     = each.value.expired
  metadata    = each.value.metadata
}

# The platform's user fields (first_name, ...) are never returned by the
# API, so they cannot be imported: add them here to send them.
resource "invitations_platform_invitation" "imported" {
  for_each     = local.platform
  platform_key = each.value.platform_key
  email        = each.value.email
  username     = each.value.username
  active       = each.value.active
  source       = each.value.source
  redirect_to  = each.value.redirect_to
  expired      = each.value.expired
  metadata     = each.value.metadata
}
