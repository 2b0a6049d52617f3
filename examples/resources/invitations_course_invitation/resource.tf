# Invite a learner to one course. The org is the provider's ibl.org: a
# course key names the course's edX org, which may differ from the platform's.
resource "invitations_course_invitation" "ada" {
  course_id   = "course-v1:acme+DS101+2027"
  email       = "ada@example.com"
  source      = "terraform"
  redirect_to = "https://learn.acme.example/courses/ds101"
  metadata    = jsonencode({ cohort = "2027-spring" })
}

# A course hosted by acme whose edX key names another org: set org when the
# provider has no ibl.org, or when the course belongs to another platform.
resource "invitations_course_invitation" "onboarding" {
  course_id = "course-v1:acme-academy+ONB101+2027"
  org       = "acme"
  username  = "grace"
}
